"""Issue 7 item 4: work shifts (a catalog) and a person's reporting line set with explicit flags (seed 003)."""

import pytest

from audit.models import AuditEntry
from departments.models import WorkShift
from people.models import Person
from tests.conftest import assert_field_error

pytestmark = pytest.mark.django_db


@pytest.fixture
def night(db):
    return WorkShift.objects.create(name="Night", start_time="22:00", end_time="06:00", working_days=[1, 2, 3])


def patch(api, person, body):
    return api.patch(f"/api/data/persons/{person.pk}/reporting", body, format="json")


def test_each_part_applies_only_with_its_flag(admin_api, user, manager, night):
    response = patch(admin_api, user, {"manager_id": str(manager.pk), "shift_id": str(night.pk),
                                       "designation": "Lead animator"})
    assert response.status_code == 200
    body = response.json()
    assert (body["manager_id"], body["shift_id"], body["job_title"]) == (None, None, "Lead animator")
    body = patch(admin_api, user, {"manager_id": str(manager.pk), "update_manager": True,
                                   "shift_id": str(night.pk), "update_shift": True}).json()
    assert (body["manager_id"], body["shift_id"]) == (str(manager.pk), str(night.pk))
    body = patch(admin_api, user, {"manager_id": None, "update_manager": True}).json()
    assert (body["manager_id"], body["shift_id"]) == (None, str(night.pk))
    assert AuditEntry.objects.filter(target_id=str(user.pk), action="person.updated").count() == 3


@pytest.mark.parametrize(("body", "field"), [
    ({"shift_id": "5f1b3c9e-0000-4000-8000-000000000000", "update_shift": True}, "shift_id"),
    ({"shift_id": "not-a-uuid", "update_shift": True}, "shift_id"),
    ({"update_manager": "yes", "manager_id": None}, "update_manager"),
    ({"designation": 12}, "designation"),
])
def test_bad_input_is_a_400_naming_the_field(admin_api, user, body, field):
    assert_field_error(patch(admin_api, user, body), field)


def test_the_reporting_line_may_not_loop_here_either(admin_api, user, manager):
    patch(admin_api, manager, {"manager_id": str(user.pk), "update_manager": True})
    assert_field_error(patch(admin_api, user, {"manager_id": str(manager.pk), "update_manager": True}),
                       "manager_id")


def test_deleting_a_shift_leaves_its_people_without_one(admin_api, user, night):
    patch(admin_api, user, {"shift_id": str(night.pk), "update_shift": True})
    assert admin_api.delete(f"/api/data/work-shifts/{night.pk}").status_code == 204
    assert Person.objects.get(pk=user.pk).shift_id is None


@pytest.mark.parametrize(("body", "field"), [
    ({"name": "Odd", "start_time": "09:00", "end_time": "09:00"}, "end_time"),
    ({"name": "Odd", "start_time": "09:00", "end_time": "17:00", "working_days": [0]}, "working_days"),
    ({"name": "Odd", "start_time": "09:00", "end_time": "17:00", "working_days": [1, 1]}, "working_days"),
    ({"name": "Odd", "start_time": "nine", "end_time": "17:00"}, "start_time"),
])
def test_a_shift_is_checked(admin_api, body, field):
    response = admin_api.post("/api/data/work-shifts", body, format="json")
    assert response.status_code == 400
    named = response.json()["data"]["errors"][0]["field"]
    assert named == field or named.startswith(f"{field}.")  # a list item is named by its index: working_days.0
    assert not WorkShift.objects.filter(name="Odd").exists()


def test_a_night_shift_crosses_midnight(admin_api):
    created = admin_api.post("/api/data/work-shifts", {"name": "Late", "start_time": "22:00", "end_time": "06:00",
                                                       "working_days": [5, 6]}, format="json")
    assert created.status_code == 201
    assert (created.json()["type"], created.json()["working_days"]) == ("WorkShift", [5, 6])


def test_role_department_details_and_admin_profile(admin_api, user, manager, night):
    from departments.models import Department

    lighting, fx = (Department.objects.create(name=name) for name in ("Lighting", "FX"))
    base = f"/api/data/persons/{user.pk}"
    assert admin_api.patch(f"{base}/role", {"role": "supervisor"}, format="json").json()["role"] == "supervisor"
    assert_field_error(admin_api.patch(f"{base}/role", {"role": "boss"}, format="json"), "role")

    body = admin_api.patch(f"{base}/department", {"department_id": str(lighting.pk), "designation": "Lighter"},
                           format="json").json()
    assert (body["departments"], body["job_title"]) == ([str(lighting.pk)], "Lighter")
    body = admin_api.patch(f"{base}/department", {"department_id": str(fx.pk)}, format="json").json()
    assert body["departments"] == [str(fx.pk)]  # their only department
    assert admin_api.patch(f"{base}/department", {"remove_from_department": True},
                           format="json").json()["departments"] == []
    assert_field_error(admin_api.patch(f"{base}/department", {"department_id": str(night.pk)}, format="json"),
                       "department_id")

    body = admin_api.patch(f"{base}/department-details", {
        "department_id": str(lighting.pk), "shift_id": str(night.pk), "manager_id": str(manager.pk),
        "designation": "Lead"}, format="json").json()
    assert (body["departments"], body["shift_id"], body["manager_id"], body["job_title"]) == (
        [str(lighting.pk)], str(night.pk), str(manager.pk), "Lead")

    body = admin_api.patch(f"{base}/admin-profile", {"first_name": "Johanna", "phone": "+33 1 00 00 00 00"},
                           format="json").json()
    assert (body["first_name"], body["phone"]) == ("Johanna", "+33 1 00 00 00 00")
    assert_field_error(admin_api.patch(f"{base}/admin-profile", {"role": "admin"}, format="json"), "role")
    assert_field_error(admin_api.patch(f"{base}/admin-profile", {"email": manager.email}, format="json"), "email")
