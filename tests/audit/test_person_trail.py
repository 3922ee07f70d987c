"""Every change to a person leaves exactly one audit row with the right actor and diff; a save that changes
nothing leaves none and does not touch `updated_at`."""

import pytest

from audit.models import AuditEntry
from departments.models import Department
from people.models import Person

pytestmark = pytest.mark.django_db


def rows(person, action):
    return list(AuditEntry.objects.filter(target_id=str(person.pk), action=action))


def test_creation_records_what_was_set_and_never_the_password(admin, admin_api):
    response = admin_api.post("/api/data/persons", {"first_name": "Ines", "last_name": "Moreau",
                                                        "email": "ines@example.com", "password": "Str0ng-enough-pw"},
                              format="json")
    assert response.status_code == 201
    [entry] = rows(Person.objects.get(email="ines@example.com"), "person.created")
    assert entry.actor_id == admin.pk
    assert entry.changes["first_name"] == [None, "Ines"] and entry.changes["email"] == [None, "ines@example.com"]
    assert entry.changes["password"] == [None, "[redacted]"]
    assert "Str0ng-enough-pw" not in str(entry.changes)


def test_an_update_records_the_fields_it_changed_before_and_after(admin, admin_api, user):
    response = admin_api.put(f"/api/data/persons/{user.pk}", {"first_name": "Johnny", "role": "supervisor",
                                                               "last_name": user.last_name}, format="json")
    assert response.status_code == 200
    [entry] = rows(user, "person.updated")
    assert entry.changes == {"first_name": [user.first_name, "Johnny"], "role": ["user", "supervisor"]}


def test_a_save_that_changes_nothing_writes_nothing(admin_api, user):
    before = Person.objects.get(pk=user.pk).updated_at
    record = admin_api.get(f"/api/data/persons/{user.pk}").json()
    writable = {key: record[key] for key in ("first_name", "last_name", "email", "phone", "role", "active")}
    assert admin_api.put(f"/api/data/persons/{user.pk}", writable, format="json").status_code == 200
    assert rows(user, "person.updated") == []
    assert Person.objects.get(pk=user.pk).updated_at == before


def test_department_changes_are_recorded_once(admin, admin_api, user):
    department = Department.objects.create(name="Lighting", color="#1976D2")
    path = f"/api/actions/persons/{user.pk}/departments"
    for _ in range(2):
        assert admin_api.post(f"{path}/add", {"department_id": str(department.pk)}, format="json").status_code < 300
    assert [e.changes for e in rows(user, "person.department_added")] == [{"departments": [None, str(department.pk)]}]
    for _ in range(2):
        assert admin_api.delete(f"{path}/{department.pk}").status_code < 300
    assert [e.changes for e in rows(user, "person.department_removed")] == [
        {"departments": [str(department.pk), None]}]


def test_deletion_is_recorded_and_outlives_the_person(admin, admin_api, user):
    label = str(user)
    assert admin_api.delete(f"/api/data/persons/{user.pk}").status_code == 204
    [entry] = AuditEntry.objects.filter(action="person.deleted", target_id=str(user.pk))
    assert (entry.actor_id, entry.target_label) == (admin.pk, label)


def test_a_refused_delete_leaves_no_row(admin, admin_api):
    assert admin_api.delete(f"/api/data/persons/{admin.pk}").status_code >= 400
    assert not AuditEntry.objects.filter(action="person.deleted").exists()


def test_password_events_are_recorded_without_the_password(admin, admin_api, user, anon_api):
    from people.services.reset_tokens import password_reset_token_issue
    from tests.conftest import PASSWORD, client_for

    assert admin_api.post(f"/api/actions/persons/{user.pk}/change-password",
                          {"password": "Set-by-admin-1", "password_2": "Set-by-admin-1"}, format="json").status_code == 200
    assert client_for(user).post("/api/auth/change-password", {
        "old_password": "Set-by-admin-1", "password": "Mine-again-22", "password_2": "Mine-again-22"},
        format="json").status_code == 200
    token = password_reset_token_issue(person=user)
    assert anon_api.put("/api/auth/reset-password", {"email": user.email, "token": token,
                                                     "password": "Reset-pw-333", "password2": "Reset-pw-333"},
                        format="json").status_code == 200
    assert admin_api.get(f"/api/actions/persons/{user.pk}/invite").status_code == 200
    entries = {e.action: e for e in AuditEntry.objects.filter(target_id=str(user.pk))}
    assert entries["person.password_set"].actor_id == admin.pk
    assert entries["person.password_changed"].actor_id == user.pk
    assert entries["person.password_reset"].actor_id == user.pk
    assert entries["person.invited"].actor_id == admin.pk
    for action in ("person.password_set", "person.password_changed", "person.password_reset"):
        assert entries[action].changes == {"password": ["[redacted]", "[redacted]"]}
    dumped = str([e.changes for e in entries.values()])
    assert not any(secret in dumped for secret in ("Set-by-admin-1", "Mine-again-22", "Reset-pw-333", PASSWORD))


def test_sign_ins_failures_and_sign_outs_are_recorded(user, anon_api):
    from tests.conftest import PASSWORD, ApiClient

    assert anon_api.post("/api/auth/login", {"email": user.email, "password": "wrong"}, format="json").status_code == 400
    assert anon_api.post("/api/auth/login", {"email": "nobody@example.com", "password": "x"},
                         format="json").status_code == 400
    signed_in = anon_api.post("/api/auth/login", {"email": user.email, "password": PASSWORD}, format="json")
    assert signed_in.status_code == 200
    session = ApiClient(token=signed_in.json()["access_token"])
    assert session.get("/api/auth/logout").status_code == 200
    mine = list(AuditEntry.objects.filter(target_id=str(user.pk), action__startswith="person.sign")
                .order_by("id").values_list("action", "actor_id", "reason"))
    assert mine == [("person.sign_in_failed", None, "wrong password"), ("person.signed_in", user.pk, ""),
                    ("person.signed_out", user.pk, "")]
    [unknown] = AuditEntry.objects.filter(target_type="identifier")
    assert (unknown.action, unknown.target_label, unknown.reason) == (
        "person.sign_in_failed", "NOBODY@EXAMPLE.COM", "no such account")
    assert "wrong" not in str(list(AuditEntry.objects.values_list("changes", flat=True)))
