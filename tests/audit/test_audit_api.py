"""The audit log through the API: a person's trail and the whole log, newest first, filtered and bounded."""

import datetime as dt

import pytest
from django.db import transaction

from audit.services import audit_record
from tests.conftest import assert_field_error

pytestmark = pytest.mark.django_db


def record(actor, target, action, **changes):
    with transaction.atomic():
        return audit_record(actor=actor, action=action, target=target, target_type="person", changes=changes)


def test_a_persons_trail_newest_first_and_limited(admin, admin_api, user, manager):
    for number in range(5):
        record(admin, user, "person.updated", phone=[str(number), str(number + 1)])
    record(admin, manager, "person.updated", phone=["x", "y"])
    trail = admin_api.get(f"/api/data/persons/{user.pk}/audit-logs").json()
    assert {row["target_id"] for row in trail} == {str(user.pk)}
    updates = [row for row in trail if row["action"] == "person.updated"]
    assert [row["changes"]["phone"][0] for row in updates] == ["4", "3", "2", "1", "0"]
    assert trail[0] == updates[0] and trail[0]["actor_id"] == str(admin.pk)
    limited = admin_api.get(f"/api/data/persons/{user.pk}/audit-logs?limit=2").json()
    assert [row["changes"]["phone"][0] for row in limited] == ["4", "3"]


@pytest.mark.parametrize("limit", ["0", "501", "x", "-1"])
def test_a_limit_outside_1_to_500_is_a_400_naming_it(admin_api, user, limit):
    assert_field_error(admin_api.get(f"/api/data/persons/{user.pk}/audit-logs?limit={limit}"), "limit")
    assert_field_error(admin_api.get(f"/api/data/audit-logs?limit={limit}"), "limit")


def test_an_unknown_person_is_a_404(admin_api):
    assert admin_api.get("/api/data/persons/5f1b3c9e-0000-4000-8000-000000000000/audit-logs").status_code == 404


def test_the_whole_log_filters_by_actor_target_action_and_time(admin, manager, admin_api, user):
    created = record(admin, user, "person.created")
    updated = record(manager, user, "person.updated", role=["user", "supervisor"])
    renamed = record(manager, admin, "person.updated", first_name=["A", "B"])

    def ids(**query):
        response = admin_api.get("/api/data/audit-logs", query)
        assert response.status_code == 200, response.content
        return [row["id"] for row in response.json()]

    assert ids()[:3] == [renamed.id, updated.id, created.id]  # newest first
    assert ids(actor_id=str(manager.pk)) == [renamed.id, updated.id]
    assert ids(actor_id=str(manager.pk), target_id=str(user.pk)) == [updated.id]
    assert ids(action="person.created", actor_id=str(admin.pk)) == [created.id]
    assert ids(start=(renamed.at + dt.timedelta(seconds=1)).isoformat()) == []
    assert ids(start=created.at.isoformat(), end=updated.at.isoformat(), actor_id=str(manager.pk)) == [updated.id]
    assert_field_error(admin_api.get("/api/data/audit-logs", {"start": "yesterday"}), "start")


def test_paging_answers_zous_envelope(admin_api, admin, user):
    for number in range(3):
        record(admin, user, "person.updated", phone=[str(number), "x"])
    body = admin_api.get("/api/data/audit-logs", {"page": 1, "limit": 2, "target_id": str(user.pk),
                                                  "action": "person.updated"}).json()
    assert (body["total"], body["nb_pages"], len(body["data"])) == (3, 2, 2)
