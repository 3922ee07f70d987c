"""Zou's shots blueprint as far as gazu.shot's sequence and shot helpers go (`/data/sequences`, `/data/shots[/all]`,
`/data/projects/<id>/{sequences,shots}`), a task's full form (`/data/tasks/<id>/full`), and the task statuses
the data migration creates (Zou's `init-data`)."""

import importlib
import uuid

import pytest
from django.apps import apps
from django.urls import resolve

from tests.conftest import assert_field_error, client_for
from tests.timetracking.factories import EntityFactory, ProjectFactory, TaskFactory, entity_type
from timetracking.models import Entity, TaskStatus
from timetracking.task_statuses import ZOU_DEFAULT_TASK_STATUSES

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("path", "name"), [
    ("/api/data/projects/{id}/sequences", "project-sequences"),
    ("/api/data/projects/{id}/shots/", "project-shots"),
    ("/api/data/sequences", "sequences-list"),
    ("/api/data/sequences/{id}", "sequences-detail"),
    ("/api/data/shots", "shots-list"),
    ("/api/data/shots/all", "shots-all"),
    ("/api/data/shots/{id}", "shots-detail"),
    ("/api/data/tasks/{id}/full", "tasks-full"),
    ("/api/data/projects/{id}", "projects-detail"),
])
def test_each_path_reaches_its_view(path, name):
    assert resolve(path.format(id=uuid.uuid4())).url_name == name


@pytest.fixture
def project(manager, user, vendor):
    return ProjectFactory(team=[manager, user, vendor])


def sequence_in(project, name="SE01"):
    return EntityFactory(project=project, entity_type=entity_type("Sequence"), name=name, nb_frames=None)


def test_create_and_read_sequences_and_shots_as_zou(manager, project):
    api = client_for(manager)
    response = api.post(f"/api/data/projects/{project.pk}/sequences", {"name": "SE01", "ignored": 1},
                        format="json")
    assert response.status_code == 201, response.content
    sequence = response.json()
    assert (sequence["type"], sequence["name"], sequence["project_id"], sequence["parent_id"]) == (
        "Sequence", "SE01", str(project.pk), None)
    assert Entity.objects.get(pk=sequence["id"]).entity_type.name == "Sequence"

    response = api.post(f"/api/data/projects/{project.pk}/shots", {
        "name": "SH01", "sequence_id": sequence["id"], "nb_frames": 48, "description": "Opening",
        "data": {"frame_in": 1, "frame_out": 48}}, format="json")
    assert response.status_code == 201, response.content
    shot = response.json()
    assert (shot["type"], shot["parent_id"], shot["nb_frames"], shot["description"], shot["data"]) == (
        "Shot", sequence["id"], 48, "Opening", {"frame_in": 1, "frame_out": 48})

    assert [s["id"] for s in api.get("/api/data/sequences", {"project_id": str(project.pk),
                                                             "name": "SE01"}).json()] == [sequence["id"]]
    assert api.get("/api/data/sequences", {"project_id": str(project.pk), "name": "SE02"}).json() == []
    assert [s["id"] for s in api.get("/api/data/shots/all", {"sequence_id": sequence["id"],
                                                             "name": "SH01"}).json()] == [shot["id"]]
    assert [s["id"] for s in api.get("/api/data/shots", {"project_id": str(project.pk)}).json()] == [shot["id"]]
    assert api.get(f"/api/data/sequences/{sequence['id']}").json()["name"] == "SE01"
    assert api.get(f"/api/data/shots/{shot['id']}").json()["nb_frames"] == 48
    assert [s["id"] for s in api.get(f"/api/data/projects/{project.pk}/sequences").json()] == [sequence["id"]]
    assert [s["id"] for s in api.get(f"/api/data/projects/{project.pk}/shots").json()] == [shot["id"]]
    # A shot is not a sequence, and the other way round.
    assert api.get(f"/api/data/sequences/{shot['id']}").status_code == 404
    assert api.get(f"/api/data/shots/{sequence['id']}").status_code == 404


def test_a_shot_s_sequence_is_a_sequence_of_the_project(admin, project):
    api = client_for(admin)
    elsewhere = sequence_in(ProjectFactory())
    response = api.post(f"/api/data/projects/{project.pk}/shots", {"name": "SH01", "sequence_id": str(elsewhere.pk)},
                        format="json")
    assert_field_error(response, "sequence_id")
    shot = EntityFactory(project=project)
    response = api.post(f"/api/data/projects/{project.pk}/sequences", {"name": "SE01", "episode_id": str(shot.pk)},
                        format="json")
    assert_field_error(response, "episode_id")
    assert_field_error(api.post(f"/api/data/projects/{project.pk}/shots", {"nb_frames": 3}, format="json"), "name")
    sequence = sequence_in(project)
    body = {"name": "SH01", "sequence_id": str(sequence.pk)}
    assert api.post(f"/api/data/projects/{project.pk}/shots", body, format="json").status_code == 201
    assert api.post(f"/api/data/projects/{project.pk}/shots", body, format="json").status_code == 400  # taken


def test_who_sees_and_writes_a_project_s_shots(manager, user, vendor, project):
    elsewhere = ProjectFactory()
    sequence, hidden = sequence_in(project), sequence_in(elsewhere)
    EntityFactory(project=project, parent=sequence, name="SH01")
    assigned = TaskFactory(entity=EntityFactory(project=project, parent=sequence, name="SH02"),
                           assignees=[vendor])
    manager_api, user_api, vendor_api = client_for(manager), client_for(user), client_for(vendor)

    # Another project's are hidden (404), also to its would-be writer.
    assert manager_api.get(f"/api/data/projects/{elsewhere.pk}/sequences").status_code == 404
    assert manager_api.post(f"/api/data/projects/{elsewhere.pk}/sequences", {"name": "SE09"},
                            format="json").status_code == 404
    assert manager_api.get(f"/api/data/sequences/{hidden.pk}").status_code == 404
    assert [s["id"] for s in manager_api.get("/api/data/sequences").json()] == [str(sequence.pk)]
    # A team member reads, never writes.
    assert [s["name"] for s in user_api.get(f"/api/data/projects/{project.pk}/shots").json()] == ["SH01", "SH02"]
    assert user_api.post(f"/api/data/projects/{project.pk}/shots", {"name": "SH03"},
                         format="json").status_code == 403
    # A vendor sees the shots assigned to them, and their sequences.
    assert [s["id"] for s in vendor_api.get(f"/api/data/projects/{project.pk}/shots").json()] == [
        str(assigned.entity_id)]
    assert [s["id"] for s in vendor_api.get("/api/data/sequences").json()] == [str(sequence.pk)]
    assert vendor_api.get(f"/api/data/sequences/{sequence.pk}").status_code == 200
    assert client_for(None).get("/api/data/shots").status_code == 401


def test_full_task(admin, user, project):
    episode = EntityFactory(project=project, entity_type=entity_type("Episode"), name="EP01", nb_frames=None)
    sequence = EntityFactory(project=project, entity_type=entity_type("Sequence"), name="SE01", parent=episode)
    task = TaskFactory(entity=EntityFactory(project=project, parent=sequence, name="SH01"), assignees=[user],
                       assigner=admin)

    full = client_for(user).get(f"/api/data/tasks/{task.pk}/full").json()

    assert (full["type"], full["id"], full["assignees"], full["is_subscribed"]) == (
        "Task", str(task.pk), [str(user.pk)], False)
    assert (full["project"]["type"], full["project"]["id"]) == ("Project", str(project.pk))
    assert "team" not in full["project"]
    assert (full["task_type"]["id"], full["task_status"]["id"]) == (str(task.task_type_id), str(task.task_status_id))
    assert (full["entity"]["name"], full["entity_type"]["name"]) == ("SH01", "Shot")
    assert (full["sequence"]["name"], full["episode"]["name"]) == ("SE01", "EP01")
    [person] = full["persons"]
    assert (person["id"], person["type"], person["full_name"]) == (str(user.pk), "Person", user.full_name)
    assert "email" not in person  # the minimal form, as a user reads anyone
    assert full["assigner"]["id"] == str(admin.pk)
    assert "email" in client_for(admin).get(f"/api/data/tasks/{task.pk}/full").json()["persons"][0]


def test_full_task_follows_task_visibility(manager, vendor, project):
    task = TaskFactory(entity=EntityFactory(project=project))
    assert "assigner" not in client_for(manager).get(f"/api/data/tasks/{task.pk}/full").json()
    assert client_for(vendor).get(f"/api/data/tasks/{task.pk}/full").status_code == 404  # not assigned
    assert client_for(manager).get(f"/api/data/tasks/{TaskFactory().pk}/full").status_code == 404  # not on team


def test_the_data_migration_made_zou_s_task_statuses():
    statuses = {status.short_name: status for status in TaskStatus.objects.all()}
    assert set(ZOU_DEFAULT_TASK_STATUSES) <= set(statuses)
    todo = statuses["todo"]
    assert (todo.name, todo.is_default, todo.color) == ("Todo", True, "#f5f5f5")
    assert (statuses["wip"].is_wip, statuses["wfa"].is_feedback_request, statuses["done"].is_done,
            statuses["retake"].is_retake) == (True, True, True, True)


def test_the_data_migration_keeps_what_is_there():
    TaskStatus.objects.filter(short_name__in=["wip", "todo"]).delete()
    TaskStatus.objects.create(name="Doing", short_name="wip", color="#000000")
    TaskStatus.objects.create(name="Ready to go", short_name="go", color="#000000", is_default=True)
    migration = importlib.import_module("timetracking.migrations.0005_zou_default_task_statuses")

    migration.create_default_task_statuses(apps, None)

    assert TaskStatus.objects.get(short_name="wip").name == "Doing"
    assert TaskStatus.objects.get(is_default=True).short_name == "go"
    assert TaskStatus.objects.get(short_name="todo").is_default is False
