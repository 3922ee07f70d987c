"""The sync's plan and settings as plain values, without a directory or a database."""

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from people.ldap.config import DeactivationLimit, LdapConfigError, ldap_config
from people.ldap.directory import DirectoryEntry, normalised_dn
from people.ldap.plan import ActionKind, KnownPerson, plan_compute, plan_refusal


def entry(login, uid=None, mail="", groups=(), first="First", last="Last"):
    return DirectoryEntry(dn=f"uid={login},ou=people,dc=x", ldap_uid=uid or f"uuid-{login}", login=login,
                          first_name=first, last_name=last, mail=mail, groups=frozenset(groups))


def known(login, uid=None, active=True, status="active", protected=False, email=None, departments=(), left=False):
    return KnownPerson(id=uuid.uuid4(), ldap_uid=uid or f"uuid-{login}", first_name="First", last_name="Last",
                       email=email, desktop_login=login, status=status, active=active, protected=protected,
                       department_ids=frozenset(departments), left_with_directory=left)


def kinds(plan):
    return sorted((action.kind.value, action.login) for action in plan.actions)


def plan(entries, persons=(), taken=None, groups=None, **kwargs):
    return plan_compute(entries=entries, known=persons, taken_identifiers=taken or {},
                        departments_by_group=groups or {}, **kwargs)


@pytest.mark.parametrize("raw, persons, allowed", [("10%", 5, 0), ("10%", 10, 1), ("25%", 10, 2), ("3", 1, 3),
                                                   ("0", 100, 0), ("100%", 7, 7)])
def test_the_deactivation_limit(raw, persons, allowed):
    assert DeactivationLimit.parse(raw).allowed(persons) == allowed


@pytest.mark.parametrize("raw", ["ten", "-1", "150%", "1.5", "", "nan%", "NaN %"])
def test_a_bad_deactivation_limit_is_named(raw):
    with pytest.raises(LdapConfigError, match="--max-deactivate must be a count"):
        DeactivationLimit.parse(raw, name="--max-deactivate")


def test_two_entries_with_one_login_are_a_conflict_not_two_persons():
    result = plan([entry("ada", uid="1"), entry("ADA", uid="2")])
    assert kinds(result) == [("conflict", "ADA"), ("create", "ada")]


def test_an_identifier_of_another_person_is_a_conflict():
    other = uuid.uuid4()
    result = plan([entry("ada", mail="ada@studio.io"), entry("bob")], taken={"ada@studio.io": other})
    assert kinds(result) == [("conflict", "ada"), ("create", "bob")]


def test_only_active_managed_persons_gone_from_the_directory_are_deactivated():
    result = plan([entry("ada")], persons=[known("ada"), known("bob"), known("cy", active=False, status="inactive"),
                                           known("dee", protected=True)])
    assert kinds(result) == [("conflict", "dee"), ("deactivate", "bob")]


def test_only_persons_the_sync_deactivated_come_back():
    result = plan([entry("ada"), entry("bob")],
                  persons=[known("ada", active=False, status="inactive", left=True),
                           known("bob", active=False, status="inactive", left=False)])
    assert kinds(result) == [("reactivate", "ada")]


def test_only_mapped_departments_are_managed():
    animation, lighting = uuid.uuid4(), uuid.uuid4()
    result = plan([entry("ada", groups={"animators"})],
                  persons=[known("ada", departments={lighting})], groups={"animators": (animation, "Animation")})
    assert [(a.kind, a.department_name) for a in result.actions] == [(ActionKind.ADD_DEPARTMENT, "Animation")]


def test_an_invalid_mail_falls_back_to_the_domain_and_says_so():
    result = plan([entry("ada", mail="not an address")], email_domain="studio.io")
    create = result.of(ActionKind.CREATE)[0]
    assert create.create_data["email"] == "ada@studio.io"
    assert "not a valid address" in result.of(ActionKind.CONFLICT)[0].reason


def test_empty_answers_and_mass_removals_are_refused():
    limit = DeactivationLimit.parse("10%")
    assert "no person entry" in plan_refusal(plan([], persons=[known("ada")]), limit=limit, where="x")
    removal = plan([entry("ada")], persons=[known(f"p{n}") for n in range(9)] + [known("ada")])
    assert "9 persons would be deactivated, more than the limit of 1" in plan_refusal(removal, limit=limit, where="x")
    assert plan_refusal(removal, limit=DeactivationLimit.parse("9"), where="x") is None


def test_the_directory_kind_chooses_the_attributes(settings):
    settings.LDAP_URL, settings.LDAP_BASE_DN, settings.LDAP_USER_FILTER = "ldap://127.0.0.1:389/", "dc=x", ""
    settings.LDAP_IS_AD = True
    config = ldap_config()
    assert (config.login_attribute, config.id_attribute) == ("sAMAccountName", "objectGUID")
    assert "userAccountControl" in config.user_filter and config.url == "ldap://127.0.0.1:389"
    settings.LDAP_IS_AD = False
    assert (ldap_config().login_attribute, ldap_config().id_attribute) == ("uid", "entryUUID")
    settings.LDAP_BIND_PASSWORD = "s3cret"
    assert "s3cret" not in repr(ldap_config()) and "s3cret" not in str(ldap_config().describe())


@pytest.mark.parametrize("name, value, message", [
    ("LDAP_URL", "", "LDAP is not configured"), ("LDAP_URL", "http://x", "must start with ldap://"),
    ("LDAP_BASE_DN", "", "LDAP_BASE_DN is required"), ("LDAP_GROUP_DEPARTMENTS", "animators", "pairs"),
    ("LDAP_USER_FILTER", "uid=*", "in parentheses"), ("LDAP_MAX_DEACTIVATE", "lots", "LDAP_MAX_DEACTIVATE"),
])
def test_a_bad_setting_is_named(settings, name, value, message):
    settings.LDAP_URL, settings.LDAP_BASE_DN = "ldap://127.0.0.1:389", "dc=x"
    settings.LDAP_GROUP_DEPARTMENTS, settings.LDAP_USER_FILTER, settings.LDAP_MAX_DEACTIVATE = "", "", "10%"
    setattr(settings, name, value)
    with pytest.raises(LdapConfigError, match=message):
        ldap_config()


def test_member_dns_compare_without_case_or_spaces():
    assert normalised_dn("UID=Ada, OU=People,dc=X") == normalised_dn("uid=ada,ou=people,dc=x")


BEAT_PROBE = """
import json
from config.settings import base
print(json.dumps(base.CELERY_BEAT_SCHEDULE.get("sync-ldap")))
"""


@pytest.mark.parametrize("env, expected", [
    ({"LDAP_URL": "ldap://127.0.0.1:389"}, {"task": "people.tasks.sync_ldap", "schedule": 3600.0}),
    ({"LDAP_URL": "ldap://127.0.0.1:389", "LDAP_SYNC_INTERVAL_SECONDS": "900"},
     {"task": "people.tasks.sync_ldap", "schedule": 900.0}),
    ({"LDAP_URL": "ldap://127.0.0.1:389", "LDAP_SYNC_INTERVAL_SECONDS": "0"}, None),
    ({"LDAP_URL": ""}, None),
])
def test_the_beat_syncs_while_ldap_is_configured(env, expected):
    result = subprocess.run([sys.executable, "-c", BEAT_PROBE], cwd=Path(__file__).resolve().parents[2],
                            env={**os.environ, "DEBUG": "1", "LDAP_SYNC_INTERVAL_SECONDS": "", **env},
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == expected
