"""`/api/data/projects`, `entity-types`, `task-types`, `task-status`, `entities` and `tasks`: Zou's generic CRUD
(zou-api.md section 0: shapes, filters, status codes, error bodies), Zou's project-team visibility, the
status dates through the API, and the person delete of section 4.5 with time data (item 20)."""

import datetime as dt
import uuid

import pytest

from departments.models import Department
from people.models import Person
from people.services.persons import person_add_department
from tests.conftest import assert_field_error, client_for
from tests.factories import SupervisorFactory, VendorFactory
from tests.timetracking.factories import (
    EntityFactory,
    ProjectFactory,
    TaskFactory,
    TaskStatusFactory,
    TaskTypeFactory,
    day_off,
    entity_type,
    time_spent,
)
from timetracking import services
from timetracking.models import DayOff, Project, Task, TaskStatus, TimeSpent

pytestmark = pytest.mark.django_db

UNKNOWN = str(uuid.uuid4())


# Projects ---------------------------------------------------------------------------------------------

def test_create_project_in_zous_shape(admin_api, user):
    response = admin_api.post("/api/data/projects", {"name": "Cosmos Landromat", "production_type": "tvshow",
                                                     "team": [str(user.pk)], "asset_types": [],
                                                     "task_statuses": [], "task_types": [],
                                                     "production_style": None}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["type"] == "Project" and body["name"] == "Cosmos Landromat"
    assert body["fps"] == "25" and body["production_style"] == "2d3d" and body["production_type"] == "tvshow"
    assert body["team"] == [str(user.pk)]
    project = Project.objects.get(pk=body["id"])
    assert project.project_status.name == "Open" and str(project.project_status_id) == body["project_status_id"]
    assert set(body) >= {"id", "created_at", "updated_at", "code", "start_date", "end_date", "man_days"}


def test_project_lists_carry_relations_only_when_asked(admin_api, user):
    project = ProjectFactory(team=[user])
    [row] = admin_api.get("/api/data/projects").json()
    assert "team" not in row
    [row] = admin_api.get("/api/data/projects", {"relations": "true"}).json()
    assert row["team"] == [str(user.pk)]
    detail = admin_api.get(f"/api/data/projects/{project.pk}").json()  # relations default to true on GET one
    assert detail["team"] == [str(user.pk)] and detail["task_types"] == []
    assert "team" not in admin_api.get(f"/api/data/projects/{project.pk}", {"relations": "false"}).json()


def test_name_filter_is_case_insensitive_with_wildcards(admin_api):
    ProjectFactory(name="Cosmos Landromat")
    ProjectFactory(name="Big Buck")
    assert [p["name"] for p in admin_api.get("/api/data/projects", {"name": "cosmos landromat"}).json()] == [
        "Cosmos Landromat"]
    assert [p["name"] for p in admin_api.get("/api/data/projects", {"name": "%buck"}).json()] == ["Big Buck"]
    assert admin_api.get("/api/data/projects", {"name": "nothing", "typo": "x"}).json() == []


def test_paginated_envelope(admin_api):
    for _ in range(3):
        ProjectFactory()
    body = admin_api.get("/api/data/projects", {"page": 2, "limit": 2}).json()
    assert (body["total"], body["nb_pages"], body["limit"], body["offset"], body["page"]) == (3, 2, 2, 2, 2)
    assert len(body["data"]) == 1


def test_unknown_and_malformed_ids(admin_api):
    response = admin_api.get(f"/api/data/projects/{UNKNOWN}")
    assert response.status_code == 404 and response.json()["error"] is True
    assert admin_api.get("/api/data/tasks/notauuid").status_code == 400
    assert admin_api.put(f"/api/data/entities/{UNKNOWN}", {"name": "x"}, format="json").status_code == 404
    assert admin_api.delete(f"/api/data/task-types/{UNKNOWN}").status_code == 404


def test_post_refuses_unknown_keys_and_empty_bodies(admin_api):
    assert_field_error(admin_api.post("/api/data/projects", {"name": "X", "nope": 1}, format="json"), "nope")
    response = admin_api.post("/api/data/projects", "null", content_type="application/json")
    assert response.status_code == 400 and response.json()["error"] is True
    assert_field_error(admin_api.post("/api/data/projects", {"fps": "24"}, format="json"), "name")


def test_duplicate_project_name_is_a_400(admin_api):
    ProjectFactory(name="Cosmos")
    response = admin_api.post("/api/data/projects", {"name": "Cosmos"}, format="json")
    assert_field_error(response, "name")


def test_put_ignores_unknown_and_read_only_keys_as_gazu_sends_them(admin_api):
    project = ProjectFactory()
    whole = admin_api.get(f"/api/data/projects/{project.pk}").json()
    whole.update(fps="24", full_name="ignored", project_status_name="ignored")
    response = admin_api.put(f"/api/data/projects/{project.pk}", whole, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["fps"] == "24"


def test_bad_dates_and_choices_name_their_field(admin_api):
    project = ProjectFactory()
    assert_field_error(admin_api.put(f"/api/data/projects/{project.pk}", {"start_date": "06/04/2024"},
                                     format="json"), "start_date")
    assert_field_error(admin_api.put(f"/api/data/projects/{project.pk}", {"production_type": "opera"},
                                     format="json"), "production_type")
    assert_field_error(admin_api.put(f"/api/data/projects/{project.pk}", {"team": [UNKNOWN]}, format="json"),
                       "team")
    response = admin_api.put(f"/api/data/projects/{project.pk}",
                             {"start_date": "2024-06-10", "end_date": "2024-06-01"}, format="json")
    assert response.status_code == 400


def test_only_closed_projects_are_deleted(admin_api):
    project = ProjectFactory()
    response = admin_api.delete(f"/api/data/projects/{project.pk}")
    assert response.status_code == 400
    assert response.json()["message"] == "Only closed projects can be deleted"
    closed = services.project_status_get_or_create("Closed")
    admin_api.put(f"/api/data/projects/{project.pk}", {"project_status_id": str(closed.pk)}, format="json")
    assert admin_api.delete(f"/api/data/projects/{project.pk}").status_code == 204
    assert admin_api.get(f"/api/data/projects/{project.pk}").status_code == 404


def test_a_closed_project_with_time_spent_needs_force(admin_api, user):
    task = TaskFactory()
    time_spent(task=task, person=user, date=dt.date(2024, 6, 4), duration=60)
    Project.objects.filter(pk=task.project_id).update(
        project_status=services.project_status_get_or_create("Closed"))
    response = admin_api.delete(f"/api/data/projects/{task.project_id}")
    assert response.status_code == 400
    assert admin_api.delete(f"/api/data/projects/{task.project_id}?force=true").status_code == 204
    assert not Task.objects.exists() and not TimeSpent.objects.exists()


# Visibility (Zou's build_related_projects_filter) -------------------------------------------------------

def test_non_admins_see_the_projects_of_their_team(user_api, user, manager_api, manager):
    mine = ProjectFactory(team=[user, manager])
    other = ProjectFactory()
    assert [p["id"] for p in user_api.get("/api/data/projects").json()] == [str(mine.pk)]
    assert user_api.get(f"/api/data/projects/{other.pk}").status_code == 404
    assert manager_api.put(f"/api/data/projects/{other.pk}", {"fps": "12"}, format="json").status_code == 404
    assert manager_api.put(f"/api/data/projects/{mine.pk}", {"fps": "12"}, format="json").status_code == 200


def test_tasks_and_entities_follow_the_projects(user_api, user):
    mine = TaskFactory(entity__project__team=[user])
    hidden = TaskFactory()
    assert [t["id"] for t in user_api.get("/api/data/tasks").json()] == [str(mine.pk)]
    assert [e["id"] for e in user_api.get("/api/data/entities").json()] == [str(mine.entity_id)]
    assert user_api.get(f"/api/data/tasks/{hidden.pk}").status_code == 404
    assert user_api.get(f"/api/data/entities/{hidden.entity_id}").status_code == 404


def test_a_vendor_sees_only_what_is_assigned_to_them():
    vendor = VendorFactory()
    project = ProjectFactory(team=[vendor])
    assigned = TaskFactory(entity__project=project, assignees=[vendor])
    TaskFactory(entity__project=project)
    api = client_for(vendor)
    assert [t["id"] for t in api.get("/api/data/tasks").json()] == [str(assigned.pk)]
    assert [e["id"] for e in api.get("/api/data/entities").json()] == [str(assigned.entity_id)]


def test_a_manager_creates_only_in_their_projects(manager_api, manager):
    shot = entity_type("Shot")
    other = ProjectFactory()
    response = manager_api.post("/api/data/entities", {"name": "SH01", "project_id": str(other.pk),
                                                       "entity_type_id": str(shot.pk)}, format="json")
    assert response.status_code == 403
    mine = ProjectFactory(team=[manager])
    response = manager_api.post("/api/data/entities", {"name": "SH01", "project_id": str(mine.pk),
                                                       "entity_type_id": str(shot.pk)}, format="json")
    assert response.status_code == 201


def test_a_supervisor_changes_the_tasks_of_their_departments_only():
    supervisor = SupervisorFactory()
    animation, modeling = Department.objects.create(name="Animation"), Department.objects.create(name="Modeling")
    person_add_department(acting_user=None, person=supervisor, department_id=animation.pk)
    project = ProjectFactory(team=[supervisor])
    theirs = TaskFactory(entity__project=project, task_type=TaskTypeFactory(department=animation))
    other = TaskFactory(entity__project=project, task_type=TaskTypeFactory(department=modeling))
    api = client_for(supervisor)
    assert api.put(f"/api/data/tasks/{theirs.pk}", {"estimation": 60}, format="json").status_code == 200
    response = api.put(f"/api/data/tasks/{other.pk}", {"estimation": 60}, format="json")
    assert response.status_code == 403 and response.json()["error"] is True


# Catalogs --------------------------------------------------------------------------------------------

def test_task_type_names_are_unique_with_zous_message(admin_api):
    body = {"name": "Animation", "color": "#00FF00", "for_entity": "Shot"}
    created = admin_api.post("/api/data/task-types", body, format="json")
    assert created.status_code == 201 and created.json()["type"] == "TaskType"
    assert created.json()["department_id"] is None and created.json()["allow_timelog"] is True
    response = admin_api.post("/api/data/task-types", {**body, "name": "animation"}, format="json")
    assert_field_error(response, "name")
    assert response.json()["message"] == "A task type with similar name already exists"
    assert_field_error(admin_api.post("/api/data/task-types", {"name": "X", "for_entity": "Planet"},
                                      format="json"), "for_entity")
    found = admin_api.get("/api/data/task-types", {"name": "Animation", "for_entity": "Shot"}).json()
    assert [t["id"] for t in found] == [created.json()["id"]]


def test_one_default_task_status(admin_api):
    # The data migration's "Todo" is the default at first; each new default replaces the previous one.
    first = admin_api.post("/api/data/task-status", {"name": "Pending", "short_name": "pnd", "color": "#f5f5f5",
                                                     "is_default": True}, format="json").json()
    assert TaskStatus.objects.get(short_name="todo").is_default is False
    second = admin_api.post("/api/data/task-status", {"name": "Queued", "short_name": "que",
                                                      "color": "#f5f5f5", "is_default": True}, format="json")
    assert second.status_code == 201, second.content
    assert second.json()["type"] == "TaskStatus"
    assert [s["id"] for s in admin_api.get("/api/data/task-status", {"is_default": "True"}).json()] == [
        second.json()["id"]]
    assert TaskStatus.objects.get(pk=first["id"]).is_default is False


def test_a_catalog_row_in_use_is_not_deleted(admin_api):
    task = TaskFactory()
    response = admin_api.delete(f"/api/data/task-status/{task.task_status_id}")
    assert response.status_code == 400 and response.json()["error"] is True
    assert admin_api.delete(f"/api/data/task-types/{task.task_type_id}").status_code == 400


# Entities --------------------------------------------------------------------------------------------

def test_entities_carry_their_base_type(admin_api):
    project = ProjectFactory()
    sequence = EntityFactory(project=project, name="SE01", entity_type=entity_type("Sequence"))
    shot = EntityFactory(project=project, name="SH01", parent=sequence)
    EntityFactory(project=project, name="Lama", entity_type=entity_type("Character"))
    rows = {e["name"]: e for e in admin_api.get("/api/data/entities", {"project_id": str(project.pk)}).json()}
    assert {name: row["type"] for name, row in rows.items()} == {"SE01": "Sequence", "SH01": "Shot",
                                                                 "Lama": "Asset"}
    assert rows["SH01"]["parent_id"] == str(sequence.pk) and rows["SH01"]["nb_frames"] == 48
    assert admin_api.get(f"/api/data/entities/{shot.pk}").json()["type"] == "Shot"
    assert [e["name"] for e in admin_api.get("/api/data/entities", {"parent_id": str(sequence.pk)}).json()] == [
        "SH01"]


def test_entity_parent_must_be_in_the_same_project(admin_api):
    sequence = EntityFactory(entity_type=entity_type("Sequence"))
    response = admin_api.post("/api/data/entities", {
        "name": "SH01", "project_id": str(ProjectFactory().pk), "entity_type_id": str(entity_type("Shot").pk),
        "parent_id": str(sequence.pk)}, format="json")
    assert_field_error(response, "parent_id")


def test_entity_put_keeps_its_project_and_checks_frames(admin_api):
    shot = EntityFactory()
    response = admin_api.put(f"/api/data/entities/{shot.pk}", {"project_id": str(ProjectFactory().pk),
                                                               "nb_frames": 96}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["project_id"] == str(shot.project_id) and response.json()["nb_frames"] == 96
    assert_field_error(admin_api.put(f"/api/data/entities/{shot.pk}", {"nb_frames": -1}, format="json"),
                       "nb_frames")


def test_duplicate_entity_is_a_400(admin_api):
    shot = EntityFactory(name="SH01")
    response = admin_api.post("/api/data/entities", {"name": "SH01", "project_id": str(shot.project_id),
                                                     "entity_type_id": str(shot.entity_type_id)}, format="json")
    assert response.status_code == 400
    assert response.json()["message"] == "A record with the same unique values already exists."


def test_an_entity_with_tasks_is_not_deleted(admin_api):
    task = TaskFactory()
    assert admin_api.delete(f"/api/data/entities/{task.entity_id}").status_code == 400
    assert admin_api.delete(f"/api/data/entities/{EntityFactory().pk}").status_code == 204


# Tasks -----------------------------------------------------------------------------------------------

@pytest.fixture
def shot_and_type():
    return EntityFactory(), TaskTypeFactory(for_entity="Shot")


def test_create_task_as_gazu_does(admin_api, user, shot_and_type):
    shot, animation = shot_and_type
    default = TaskStatus.objects.get(short_name="todo", is_default=True)  # the data migration's
    response = admin_api.post("/api/data/tasks", {
        "project_id": str(shot.project_id), "entity_id": str(shot.pk), "task_type_id": str(animation.pk),
        "task_status_id": str(default.pk), "assignees": [str(user.pk)], "name": "main"}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["type"] == "Task" and body["assignees"] == [str(user.pk)] and body["duration"] == 0
    assert body["task_status_id"] == str(default.pk) and body["real_start_date"] is None
    found = admin_api.get("/api/data/tasks", {"name": "main", "task_type_id": str(animation.pk),
                                              "entity_id": str(shot.pk)}).json()
    assert [t["id"] for t in found] == [body["id"]]
    assert [t["id"] for t in admin_api.get("/api/data/tasks", {"assignees": str(user.pk)}).json()] == [body["id"]]
    assert [t["id"] for t in admin_api.get("/api/data/tasks", {"project_id": str(shot.project_id)}).json()] == [
        body["id"]]


def test_a_task_without_status_gets_the_default_one(admin_api, shot_and_type):
    shot, animation = shot_and_type
    response = admin_api.post("/api/data/tasks", {"project_id": str(shot.project_id), "entity_id": str(shot.pk),
                                                  "task_type_id": str(animation.pk)}, format="json")
    assert response.status_code == 201, response.content
    assert TaskStatus.objects.get(pk=response.json()["task_status_id"]).is_default


def test_task_type_must_fit_the_entity(admin_api, shot_and_type):
    shot, _ = shot_and_type
    modeling = TaskTypeFactory(for_entity="Asset")
    response = admin_api.post("/api/data/tasks", {"project_id": str(shot.project_id), "entity_id": str(shot.pk),
                                                  "task_type_id": str(modeling.pk)}, format="json")
    assert_field_error(response, "task_type_id")
    assert response.json()["message"] == "Task type of the task does not match entity type."


def test_entity_must_be_in_the_task_project(admin_api, shot_and_type):
    shot, animation = shot_and_type
    response = admin_api.post("/api/data/tasks", {"project_id": str(ProjectFactory().pk),
                                                  "entity_id": str(shot.pk), "task_type_id": str(animation.pk)},
                              format="json")
    assert_field_error(response, "entity_id")


def test_task_references_name_their_field(admin_api, shot_and_type):
    shot, animation = shot_and_type
    base = {"project_id": str(shot.project_id), "entity_id": str(shot.pk), "task_type_id": str(animation.pk)}
    for field, value in [("entity_id", UNKNOWN), ("task_type_id", "notauuid"), ("assignees", [UNKNOWN]),
                         ("assignees", "notalist"), ("estimation", -1), ("assigner_id", UNKNOWN)]:
        assert_field_error(admin_api.post("/api/data/tasks", {**base, field: value}, format="json"), field)


def test_status_change_through_put_sets_the_dates(admin_api):
    task = TaskFactory()
    wip = TaskStatusFactory(is_wip=True)
    review = TaskStatusFactory(is_feedback_request=True)
    done = TaskStatusFactory(is_done=True)
    body = admin_api.put(f"/api/data/tasks/{task.pk}", {"task_status_id": str(wip.pk)}, format="json").json()
    started = body["real_start_date"]
    assert started and body["end_date"] is None and body["done_date"] is None
    body = admin_api.put(f"/api/data/tasks/{task.pk}", {"task_status_id": str(review.pk)}, format="json").json()
    assert body["end_date"] and body["real_start_date"] == started
    body = admin_api.put(f"/api/data/tasks/{task.pk}", {"task_status_id": str(done.pk)}, format="json").json()
    assert body["done_date"] and body["end_date"] is None


def test_duration_is_not_writable(admin_api, user):
    task = TaskFactory()
    time_spent(task=task, person=user, date=dt.date(2024, 6, 4), duration=500)
    whole = admin_api.get(f"/api/data/tasks/{task.pk}").json()
    whole["duration"] = 9
    response = admin_api.put(f"/api/data/tasks/{task.pk}", whole, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["duration"] == 500.0
    response = admin_api.post("/api/data/tasks", {"duration": 5}, format="json")
    assert_field_error(response, "duration")  # an unknown key on POST


def test_put_replaces_assignees_and_ignores_project(admin_api, user, manager):
    task = TaskFactory(assignees=[user])
    response = admin_api.put(f"/api/data/tasks/{task.pk}", {"assignees": [str(manager.pk)],
                                                            "project_id": str(ProjectFactory().pk)}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["assignees"] == [str(manager.pk)]
    assert response.json()["project_id"] == str(task.project_id)


def test_a_task_with_time_spent_needs_force(admin_api, user):
    task = TaskFactory()
    time_spent(task=task, person=user, date=dt.date(2024, 6, 4), duration=60)
    response = admin_api.delete(f"/api/data/tasks/{task.pk}")
    assert response.status_code == 400 and response.json()["error"] is True
    assert admin_api.delete(f"/api/data/tasks/{task.pk}?force=true").status_code == 204
    assert not TimeSpent.objects.exists()


# Person delete with time data (4.5; item 20) ---------------------------------------------------------

def test_person_delete_refused_then_forced(admin_api, user):
    task = TaskFactory(assignees=[user])
    time_spent(task=task, person=user, date=dt.date(2024, 6, 4), duration=500)
    day_off(person=user, date=dt.date(2024, 7, 1))
    response = admin_api.delete(f"/api/data/persons/{user.pk}")
    assert response.status_code == 400
    assert response.json()["message"] == "Some data are still linked to given person."
    response = admin_api.delete(f"/api/data/persons/{user.pk}?force=True")
    assert response.status_code == 204 and response.content == b""
    assert admin_api.get(f"/api/data/persons/{user.pk}").status_code == 404
    assert not Person.objects.filter(pk=user.pk).exists()
    assert not TimeSpent.objects.exists() and not DayOff.objects.exists()
    assert admin_api.get(f"/api/data/tasks/{task.pk}").json()["assignees"] == []
    assert Task.objects.get(pk=task.pk).duration == 0


# No 500s on garbage ----------------------------------------------------------------------------------

GARBAGE = [None, 12, -1, 1.5, True, "", "not-a-value", [], ["a"], {"a": 1}, "x" * 20_000, "0000-00-00", 2**70]


@pytest.mark.parametrize(("collection", "base", "fields"), [
    ("projects", {"name": "Garbage"}, ["name", "code", "fps", "production_type", "production_style",
                                       "start_date", "man_days", "data", "team", "project_status_id"]),
    ("task-types", {"name": "Garbage"}, ["name", "color", "priority", "for_entity", "department_id"]),
    ("task-status", {"name": "G", "short_name": "g", "color": "#000000"},
     ["short_name", "color", "is_done", "priority"]),
    ("entity-types", {"name": "Garbage"}, ["name", "archived"]),
    ("entities", {"name": "Garbage"}, ["project_id", "entity_type_id", "parent_id", "nb_frames", "data"]),
    ("tasks", {"name": "Garbage"}, ["project_id", "entity_id", "task_type_id", "task_status_id", "assignees",
                                    "estimation", "due_date", "nb_drawings", "data"]),
])
def test_garbage_bodies_never_give_500(admin_api, collection, base, fields):
    for field in fields:
        for value in GARBAGE:
            response = admin_api.post(f"/api/data/{collection}", {**base, field: value}, format="json")
            assert response.status_code < 500, (collection, field, value, response.content[:200])
            if response.status_code >= 400:
                assert response.json()["error"] is True


@pytest.mark.parametrize("collection", ["projects", "task-types", "task-status", "entity-types", "entities",
                                        "tasks"])
def test_garbage_queries_never_give_500(admin_api, collection):
    TaskFactory()
    for query in ["page=0", "page=abc", "limit=-1", "id=notauuid", "id=[1,2", "project_id=abc",
                  "name=%", "name=\\", "created_at=yesterday", "is_done=maybe", "assignees=x", "team=[1]",
                  "duration=abc", "nb_frames=1e999", "end_date=2024-02-30", "fields=,,", "relations=maybe"]:
        response = admin_api.get(f"/api/data/{collection}?{query}")
        assert response.status_code < 500, (collection, query, response.content[:200])
        if response.status_code >= 400:
            assert response.json()["error"] is True
