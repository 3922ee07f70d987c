"""Issue 7 item 7: the departments app's writes are audited like people's. Every catalog create, update and
delete, every link and unlink of a department, the salary grid's fill and the organisation's first creation
write one row in their transaction (actor, the record, its fields before -> after); a write that changes
nothing writes no row and leaves updated_at alone; the catalog screens' History reads those rows."""

import datetime as dt
import re

import pytest
from django.test import Client

from audit.models import AuditEntry
from audit.services import REDACTED
from departments.models import (
    Department,
    HardwareItem,
    Organisation,
    SalaryScale,
    Software,
    SoftwareDepartmentLink,
    Studio,
    Team,
    WorkShift,
)
from people.models import PersonDepartment

pytestmark = pytest.mark.django_db

# Per API collection: its model, its audit name, a creation body, a change (field: new value) and the
# (field: [before, after]) the change records.
CATALOGS = {
    "departments": (Department, "department", {"name": "Lighting", "color": "#123ABC"},
                    {"color": "#654321"}, {"color": ["#123ABC", "#654321"]}),
    "studios": (Studio, "studio", {"name": "Montreal"}, {"archived": True}, {"archived": [False, True]}),
    "teams": (Team, "team", {"name": "Crew", "description": "Show A"}, {"description": "Show B"},
              {"description": ["Show A", "Show B"]}),
    "work-shifts": (WorkShift, "work_shift", {"name": "Night", "start_time": "22:00", "end_time": "06:00"},
                    {"working_days": [1, 2, 3]}, {"working_days": [[1, 2, 3, 4, 5], [1, 2, 3]]}),
    "softwares": (Software, "software", {"name": "Blender", "short_name": "bl", "file_extension": ".blend"},
                  {"monthly_cost": 30}, {"monthly_cost": [0, 30]}),
    "hardware-items": (HardwareItem, "hardware_item", {"name": "Tablet", "short_name": "tab"},
                       {"inventory_amount": 4}, {"inventory_amount": [0, 4]}),
}


def rows(**filters) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(**filters).order_by("at", "id"))


def catalog_rows() -> list[AuditEntry]:
    return rows(target_type__in=["department", "studio", "team", "work_shift", "software", "hardware_item",
                                 "salary_scale", "organisation"])


@pytest.mark.parametrize("collection", list(CATALOGS))
def test_create_update_delete_each_write_one_row_with_actor_and_diff(admin_api, admin, collection):
    model, name, body, change, diff = CATALOGS[collection]
    response = admin_api.post(f"/api/data/{collection}", body, format="json", HTTP_X_REQUEST_ID="req-create-1")
    assert response.status_code == 201, response.content
    record_id = response.json()["id"]
    assert admin_api.put(f"/api/data/{collection}/{record_id}", change, format="json").status_code == 200
    label = str(model.objects.get(pk=record_id))
    assert admin_api.delete(f"/api/data/{collection}/{record_id}").status_code == 204

    created, updated, deleted = rows(target_id=record_id)
    assert [(row.action, row.target_type, row.target_label, row.actor_id, row.actor_label) for row in (
        created, updated, deleted)] == [
        (f"{name}.created", name, label, admin.pk, str(admin)),
        (f"{name}.updated", name, label, admin.pk, str(admin)),
        (f"{name}.deleted", name, label, admin.pk, str(admin)),
    ]
    assert updated.changes == diff
    assert created.request_id == "req-create-1" and created.ip_address == "127.0.0.1"
    # The creation records the initial values, the deletion the last ones (the change applied).
    assert {field: after for field, (before, after) in created.changes.items() if field in body} == body | (
        {"start_time": "22:00:00", "end_time": "06:00:00"} if name == "work_shift" else {})
    assert all(before is None for before, _ in created.changes.values())
    assert {field: values[1] for field, values in created.changes.items()} == {
        field: values[0] for field, values in deleted.changes.items() if field not in diff} | {
        field: values[0] for field, values in diff.items()}
    assert {field: before for field, (before, after) in deleted.changes.items() if field in diff} == {
        field: after for field, (before, after) in diff.items()}
    assert all(after is None for _, after in deleted.changes.values())
    assert not {"id", "created_at", "updated_at"} & set(created.changes)


@pytest.mark.parametrize("collection", list(CATALOGS))
def test_a_whole_record_put_back_unchanged_writes_nothing(admin_api, collection):
    """gazu PUTs the dict it read: no row, no save, updated_at as it was."""
    model, _, body, _, _ = CATALOGS[collection]
    record_id = admin_api.post(f"/api/data/{collection}", body, format="json").json()["id"]
    model.objects.filter(pk=record_id).update(updated_at=dt.datetime(2024, 1, 2, tzinfo=dt.UTC))
    whole = admin_api.get(f"/api/data/{collection}/{record_id}").json()
    count = AuditEntry.objects.count()

    response = admin_api.put(f"/api/data/{collection}/{record_id}",
                             {k: v for k, v in whole.items() if k not in ("id", "type", "created_at", "updated_at")},
                             format="json")
    assert response.status_code == 200, response.content
    assert AuditEntry.objects.count() == count
    assert model.objects.get(pk=record_id).updated_at == dt.datetime(2024, 1, 2, tzinfo=dt.UTC)


def test_a_refused_write_leaves_no_row(admin_api, user):
    modeling = Department.objects.create(name="Modeling")
    Department.objects.create(name="Lighting")
    PersonDepartment.objects.create(person=user, department=modeling)

    assert admin_api.post("/api/data/departments", {"name": "Lighting"}, format="json").status_code == 400
    assert admin_api.put(f"/api/data/departments/{modeling.pk}", {"name": "Lighting"},
                         format="json").status_code == 400
    assert admin_api.put(f"/api/data/departments/{modeling.pk}", {"color": "red"}, format="json").status_code == 400
    assert admin_api.delete(f"/api/data/departments/{modeling.pk}").status_code == 400  # it has a member
    assert catalog_rows() == []
    assert Department.objects.filter(pk=modeling.pk, name="Modeling").exists()


def test_links_and_unlinks_are_rows_of_the_department_and_repeats_write_nothing(admin_api, admin):
    modeling = Department.objects.create(name="Modeling")
    blender = Software.objects.create(name="Blender", short_name="bl", file_extension=".blend")
    tablet = HardwareItem.objects.create(name="Tablet", short_name="tab")
    software_url = f"/api/data/departments/{modeling.pk}/software-licenses"
    hardware_url = f"/api/data/departments/{modeling.pk}/hardware-items"
    for _ in range(2):  # the second of each is a no-op: the link exists, then it is gone
        assert admin_api.post(software_url, {"software_id": str(blender.pk)}, format="json").status_code == 201
        assert admin_api.post(hardware_url, {"hardware_item_id": str(tablet.pk)}, format="json").status_code == 201
    for _ in range(2):
        assert admin_api.delete(f"{software_url}/{blender.pk}").status_code == 204
        assert admin_api.delete(f"{hardware_url}/{tablet.pk}").status_code == 204

    trail = rows(target_type="department", target_id=str(modeling.pk))
    assert [(row.action, row.changes, row.actor_id, row.target_label) for row in trail] == [
        ("department.software_linked", {"software_id": [None, str(blender.pk)]}, admin.pk, "Modeling"),
        ("department.hardware_item_linked", {"hardware_item_id": [None, str(tablet.pk)]}, admin.pk, "Modeling"),
        ("department.software_unlinked", {"software_id": [str(blender.pk), None]}, admin.pk, "Modeling"),
        ("department.hardware_item_unlinked", {"hardware_item_id": [str(tablet.pk), None]}, admin.pk, "Modeling"),
    ]
    assert len(catalog_rows()) == 4


def test_organisation_chat_secrets_show_only_as_set(admin_api, admin):
    organisation = Organisation.objects.get()
    response = admin_api.put(f"/api/data/organisations/{organisation.pk}",
                             {"chat_token_slack": "xoxb-secret", "hours_by_day": 7.5}, format="json")
    assert response.status_code == 200, response.content
    response = admin_api.put(f"/api/data/organisations/{organisation.pk}",
                             {"chat_token_slack": "xoxb-other", "chat_token_discord": ""}, format="json")
    assert response.status_code == 200, response.content

    first, second = rows(target_type="organisation", target_id=str(organisation.pk))
    assert (first.action, first.actor_id) == ("organisation.updated", admin.pk)
    assert first.changes == {"hours_by_day": [8.0, 7.5], "chat_token_slack": ["", REDACTED]}
    assert second.changes == {"chat_token_slack": [REDACTED, REDACTED]}
    assert not AuditEntry.objects.filter(changes__icontains="xoxb").exists()
    assert "xoxb" not in str(list(AuditEntry.objects.values_list("changes", flat=True)))


def test_the_organisation_made_on_first_use_is_a_system_row(user_api):
    Organisation.objects.all().delete()
    assert user_api.get("/api/data/organisations").status_code == 200
    assert user_api.get("/api/data/organisations").status_code == 200
    organisation = Organisation.objects.get()
    (created,) = rows(target_type="organisation")
    assert (created.action, created.actor_id, created.actor_label, created.target_id, created.target_label) == (
        "organisation.created", None, "", str(organisation.pk), "Kitsu")
    assert created.changes["name"] == [None, "Kitsu"] and created.reason


def test_the_salary_grid_fill_records_each_new_cell_once_then_a_change(admin_api, admin):
    modeling = Department.objects.create(name="Modeling")
    assert len(admin_api.get("/api/data/salary-scales").json()) == 9
    assert len(admin_api.get("/api/data/salary-scales").json()) == 9  # nothing missing: nothing written

    filled = rows(target_type="salary_scale")
    assert len(filled) == 9 and {row.action for row in filled} == {"salary_scale.created"}
    assert {row.actor_id for row in filled} == {None} and all(row.reason for row in filled)
    assert {row.target_id for row in filled} == {str(pk) for pk in SalaryScale.objects.values_list("pk", flat=True)}
    lead = SalaryScale.objects.get(position="lead", seniority="senior")
    (lead_created,) = [row for row in filled if row.target_id == str(lead.pk)]
    assert lead_created.target_label == "Modeling, Lead (Senior)"
    assert lead_created.changes == {"department_id": [None, str(modeling.pk)], "position": [None, "lead"],
                                    "seniority": [None, "senior"], "salary": [None, 0]}

    assert admin_api.put(f"/api/data/salary-scales/{lead.pk}", {"salary": 450}, format="json").status_code == 200
    changed = rows(target_type="salary_scale", target_id=str(lead.pk))[-1]
    assert (changed.action, changed.actor_id, changed.changes) == (
        "salary_scale.updated", admin.pk, {"salary": [0, 450]})


# The admin ------------------------------------------------------------------------------------------------

@pytest.fixture
def hr(admin):
    client = Client()
    client.force_login(admin)
    return client


def department_form(name: str, color: str = "#123456", **extra) -> dict:
    return {"name": name, "color": color,
            "software_links-TOTAL_FORMS": "0", "software_links-INITIAL_FORMS": "0",
            "hardware_item_links-TOTAL_FORMS": "0", "hardware_item_links-INITIAL_FORMS": "0", **extra}


def test_admin_add_change_noop_link_and_delete_each_write_their_row(hr, admin):
    assert hr.post("/admin/departments/department/add/", department_form("Lighting")).status_code == 302
    department = Department.objects.get(name="Lighting")
    change_url = f"/admin/departments/department/{department.pk}/change/"
    assert hr.post(change_url, department_form("Lighting", "#ABCDEF")).status_code == 302

    Department.objects.filter(pk=department.pk).update(updated_at=dt.datetime(2024, 1, 2, tzinfo=dt.UTC))
    assert hr.post(change_url, department_form("Lighting", "#ABCDEF")).status_code == 302  # saved unchanged
    department.refresh_from_db()
    assert department.updated_at == dt.datetime(2024, 1, 2, tzinfo=dt.UTC)

    blender = Software.objects.create(name="Blender", short_name="bl", file_extension=".blend")
    linked = department_form("Lighting", "#ABCDEF", **{
        "software_links-TOTAL_FORMS": "1", "software_links-0-software": str(blender.pk),
        "software_links-0-department": str(department.pk)})
    assert hr.post(change_url, linked).status_code == 302
    assert SoftwareDepartmentLink.objects.filter(department=department, software=blender).exists()

    trail = rows(target_type="department", target_id=str(department.pk))
    assert [(row.action, row.actor_id, row.changes) for row in trail] == [
        ("department.created", admin.pk, {"name": [None, "Lighting"], "color": [None, "#123456"],
                                          "archived": [None, False]}),
        ("department.updated", admin.pk, {"color": ["#123456", "#ABCDEF"]}),
        ("department.software_linked", admin.pk, {"software_id": [None, str(blender.pk)]}),
    ]
    assert all(row.request_id for row in trail)

    assert hr.post(f"/admin/departments/department/{department.pk}/delete/", {"post": "yes"}).status_code == 302
    assert not Department.objects.filter(pk=department.pk).exists()
    deleted = rows(target_type="department", target_id=str(department.pk))[-1]
    assert (deleted.action, deleted.actor_id, deleted.changes) == (
        "department.deleted", admin.pk, {"name": ["Lighting", None], "color": ["#ABCDEF", None],
                                         "archived": [False, None]})


def test_admin_salary_grid_edit_in_the_list_writes_only_the_changed_cell(hr, admin, admin_api):
    Department.objects.create(name="Modeling")
    admin_api.get("/api/data/salary-scales")
    cells = list(SalaryScale.objects.order_by("department__name", "position", "seniority")[:2])
    count = AuditEntry.objects.count()
    form = {"form-TOTAL_FORMS": "2", "form-INITIAL_FORMS": "2", "_save": "Save",
            "form-0-id": str(cells[0].pk), "form-0-salary": "500",
            "form-1-id": str(cells[1].pk), "form-1-salary": "0"}
    response = hr.post("/admin/departments/salaryscale/?o=", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert AuditEntry.objects.count() == count + 1
    changed = AuditEntry.objects.latest("id")
    assert (changed.action, changed.target_id, changed.actor_id, changed.changes) == (
        "salary_scale.updated", str(cells[0].pk), admin.pk, {"salary": [0, 500]})


def test_a_department_s_history_page_shows_its_audit_rows(hr, admin, admin_api):
    response = admin_api.post("/api/data/departments", {"name": "Lighting", "color": "#123ABC"}, format="json")
    department = Department.objects.get(pk=response.json()["id"])
    assert admin_api.put(f"/api/data/departments/{department.pk}", {"color": "#654321"},
                         format="json").status_code == 200

    change_page = hr.get(f"/admin/departments/department/{department.pk}/change/").content.decode()
    history_url = f"/admin/departments/department/{department.pk}/history/"
    assert f'href="{history_url}"' in change_page
    response = hr.get(history_url)
    assert response.status_code == 200
    assert [(entry.action, entry.actor_id) for entry in response.context["entries"]] == [
        ("department.updated", admin.pk), ("department.created", admin.pk)]
    page = response.content.decode()
    assert page.count('class="roster-audit-row') == 2
    assert re.search(r'data-field="color"><span[^>]*>color</span>: #123ABC → #654321<', page)
    assert "John Did" in page


def test_a_salary_cell_s_history_names_it_and_needs_the_audit_log(hr, admin_api, user):
    Department.objects.create(name="Modeling")
    admin_api.get("/api/data/salary-scales")
    cell = SalaryScale.objects.get(position="artist", seniority="junior")
    response = hr.get(f"/admin/departments/salaryscale/{cell.pk}/history/")
    assert [entry.action for entry in response.context["entries"]] == ["salary_scale.created"]
    assert "Modeling, Artist (Junior)" in response.content.decode()

    client = Client()
    client.force_login(user)
    assert client.get(f"/admin/departments/salaryscale/{cell.pk}/history/").status_code in (302, 403)


def test_the_organisation_and_a_salary_cell_put_back_unchanged_write_nothing(admin_api):
    Department.objects.create(name="Modeling")
    admin_api.get("/api/data/salary-scales")
    cell = SalaryScale.objects.first()
    organisation = Organisation.objects.get()
    count = AuditEntry.objects.count()
    for collection, record in (("organisations", organisation), ("salary-scales", cell)):
        whole = admin_api.get(f"/api/data/{collection}/{record.pk}").json()
        whole = {k: v for k, v in whole.items() if k not in ("id", "type", "created_at", "updated_at",
                                                             "department_id")}
        response = admin_api.put(f"/api/data/{collection}/{record.pk}", whole, format="json")
        assert response.status_code == 200, response.content
        assert type(record).objects.get(pk=record.pk).updated_at == record.updated_at
    assert AuditEntry.objects.count() == count
