"""The audit log is append-only in the database itself, keeps secrets out, and knows where a request came from."""

import pytest
from django.db import DatabaseError, transaction
from django.test import Client

from audit.models import AuditEntry
from audit.services import REDACTED, audit_record, audit_record_each, changed_fields

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry(user, admin):
    with transaction.atomic():
        return audit_record(actor=admin, action="person.updated", target=user, target_type="person",
                            changes={"phone": ["1", "2"], "password": ["old-hash", "new-hash"]}, reason="asked")


def test_secrets_never_reach_the_row(entry):
    assert entry.changes == {"phone": ["1", "2"], "password": [REDACTED, REDACTED]}


def test_the_database_refuses_to_change_or_delete_a_row(entry):
    for rewrite in (lambda: AuditEntry.objects.filter(pk=entry.pk).update(reason="nothing happened"),
                    lambda: AuditEntry.objects.filter(pk=entry.pk).delete()):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            rewrite()
    assert AuditEntry.objects.get(pk=entry.pk).reason == "asked"


@pytest.mark.django_db(transaction=True)  # no test-wide transaction around this one
def test_a_row_is_written_inside_the_change_s_transaction_only(user, admin):
    with pytest.raises(RuntimeError):
        audit_record(actor=admin, action="person.updated", target=user, target_type="person")


def test_every_response_carries_its_request_id(db):
    assert len(Client().get("/health/")["X-Request-ID"]) == 32
    assert Client().get("/health/", HTTP_X_REQUEST_ID="abc-123")["X-Request-ID"] == "abc-123"
    # Not a short token: replaced, never echoed into logs and rows as sent.
    assert Client().get("/health/", HTTP_X_REQUEST_ID="x" * 65)["X-Request-ID"] != "x" * 65
    assert Client().get("/health/", HTTP_X_REQUEST_ID="a b\r\n")["X-Request-ID"] != "a b\r\n"


def test_the_back_office_shows_the_log_read_only(entry, admin, user):
    client = Client()
    client.force_login(admin)
    assert client.get("/admin/audit/auditentry/").status_code == 200
    page = client.get(f"/admin/audit/auditentry/{entry.pk}/change/")
    assert page.status_code == 200 and b'name="reason"' not in page.content
    assert client.post(f"/admin/audit/auditentry/{entry.pk}/delete/").status_code == 403
    assert client.post(f"/admin/audit/auditentry/{entry.pk}/change/", {"reason": "x"}).status_code == 403
    client.force_login(user)
    assert client.get("/admin/audit/auditentry/").status_code in (302, 403)


def test_the_client_address_follows_the_trusted_proxies(settings, user, user_api):
    """Behind nginx (ROSTER_NUM_PROXIES=1) the row keeps the address nginx saw, not the proxy's loopback; a
    forged or garbled X-Forwarded-For never reaches the row as such."""
    from itertools import count

    from rest_framework.settings import api_settings

    phones = count(1)

    def last_address(**headers):
        # A new phone each time: a save that changes nothing would write no row.
        assert user_api.put(f"/api/data/persons/{user.pk}", {"phone": f"+33 1 00 00 00 {next(phones):02d}"},
                            format="json", **headers).status_code == 200
        return AuditEntry.objects.filter(action="person.updated").order_by("-id").first().ip_address

    assert last_address(HTTP_X_FORWARDED_FOR="203.0.113.9") == "127.0.0.1"  # no proxy trusted: not believed
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    api_settings.reload()
    try:
        assert last_address(HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.9") == "203.0.113.9"
        assert last_address(HTTP_X_FORWARDED_FOR="not-an-address") is None
    finally:
        settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 0}
        api_settings.reload()


def test_changed_fields_is_an_update_s_diff_a_creation_s_values_and_a_deletion_s_last_ones():
    before = {"name": "Maya", "cost": 0, "token": "", "version": None}
    after = {"name": "Maya", "cost": 30, "token": "abc", "version": None}
    assert changed_fields(before, after) == {"cost": [0, 30], "token": ["", "abc"]}
    assert changed_fields(before, after, secret_fields=("token",)) == {"cost": [0, 30], "token": ["", REDACTED]}
    assert changed_fields(after, {**after, "token": "xyz"}, secret_fields=("token",)) == {
        "token": [REDACTED, REDACTED]}
    assert changed_fields({}, after) == {"name": [None, "Maya"], "cost": [None, 30], "token": [None, "abc"]}
    assert changed_fields(before, {}) == {"name": ["Maya", None], "cost": [0, None], "token": ["", None]}
    assert changed_fields(before, dict(before)) == {}


def test_audit_record_each_writes_one_row_per_target(user, admin):
    with transaction.atomic():
        written = audit_record_each(actor=admin, action="person.updated", target_type="person", reason="bulk",
                                    changes_by_target={user: {"phone": ["", "1"]}, admin: {"phone": ["2", ""]}})
    assert len(written) == 2
    assert sorted(AuditEntry.objects.filter(reason="bulk").values_list(
        "target_id", "target_label", "actor_id", "reason", "changes")) == \
        sorted([(str(user.pk), str(user), admin.pk, "bulk", {"phone": ["", "1"]}),
                (str(admin.pk), str(admin), admin.pk, "bulk", {"phone": ["2", ""]})])
