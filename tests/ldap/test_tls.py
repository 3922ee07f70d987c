"""The directory over TLS (LDAP_URL ldaps://, LDAP_START_TLS, LDAP_CA_CERT_FILE, LDAP_TLS_VERIFY), against the
test slapd's self-signed certificate."""

import io

import pytest
from django.core.management import CommandError, call_command

from people.ldap.config import LdapConfigError, ldap_config
from people.ldap.directory import directory_check_password
from people.ldap.models import SyncRun, SyncStatus
from people.models import Person

pytestmark = pytest.mark.django_db


def sync() -> None:
    call_command("sync_ldap", "--yes", stdout=io.StringIO(), stderr=io.StringIO())


def test_ldaps_with_the_servers_ca_reads_and_checks_passwords(directory, settings):
    settings.LDAP_URL, settings.LDAP_CA_CERT_FILE = directory.ldaps_url, directory.ca_file
    sync()
    assert Person.objects.filter(is_generated_from_ldap=True).count() == 5
    assert directory_check_password(ldap_config(), login="ada", password="ada-secret", ldap_uid=None) is True


def test_start_tls_on_ldap_urls(directory, settings):
    settings.LDAP_START_TLS, settings.LDAP_CA_CERT_FILE = True, directory.ca_file
    sync()
    assert SyncRun.objects.get().status == SyncStatus.APPLIED


@pytest.mark.parametrize("start_tls", [False, True])
def test_an_unverified_certificate_fails_the_run(directory, settings, start_tls):
    # No CA given: the self-signed certificate is not trusted, and nothing is read.
    settings.LDAP_CA_CERT_FILE = ""
    if start_tls:
        settings.LDAP_START_TLS = True
    else:
        settings.LDAP_URL = directory.ldaps_url
    with pytest.raises(CommandError):
        sync()
    run = SyncRun.objects.get()
    assert run.status == SyncStatus.FAILED and not Person.objects.exists()
    assert "certificate" in run.message.lower() or "ssl" in run.message.lower(), run.message


def test_verification_can_be_turned_off(directory, settings):
    settings.LDAP_URL, settings.LDAP_CA_CERT_FILE, settings.LDAP_TLS_VERIFY = directory.ldaps_url, "", False
    sync()
    assert SyncRun.objects.get().status == SyncStatus.APPLIED


def test_start_tls_on_an_ldaps_url_is_a_setting_error(directory, settings):
    settings.LDAP_URL, settings.LDAP_START_TLS = directory.ldaps_url, True
    with pytest.raises(LdapConfigError, match="LDAP_START_TLS"):
        ldap_config()


@pytest.mark.parametrize(("url", "start_tls", "warned"), [
    ("ldap://ldap.studio.example", False, True),
    ("ldap://ldap.studio.example", True, False),
    ("ldaps://ldap.studio.example", False, False),
    ("ldap://127.0.0.1:3890", False, False),
    ("", False, False),
])
def test_a_plain_ldap_url_to_another_host_is_warned_about(settings, url, start_tls, warned):
    from people.checks import check_ldap_transport

    settings.LDAP_URL, settings.LDAP_START_TLS = url, start_tls
    assert [warning.id for warning in check_ldap_transport()] == (["people.W001"] if warned else [])
