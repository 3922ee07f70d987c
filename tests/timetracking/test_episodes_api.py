"""The rest of Zou's shots blueprint a gazu script uses: episodes (`/data/episodes[/<id>]`, a project's), a parent's
children (`/data/episodes/<id>/{sequences,shots}`, `/data/sequences/<id>/{shots,scenes}`), scenes
(`/data/scenes/all`, `/data/scenes/<id>`, a project's), a shot's change (`PUT /data/shots/<id>`) and the deletes
with Zou's `force` rules (a shot with tasks is canceled; a sequence or episode with anything linked is a 400)."""

import datetime as dt
import uuid

import pytest
from django.urls import resolve

from tests.conftest import assert_field_error, client_for
from tests.timetracking.factories import (
    EntityFactory,
    ProjectFactory,
    TaskFactory,
    TaskTypeFactory,
    entity_type,
)
from timetracking import services, totals
from timetracking.models import Entity, Task, TimeSpent

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("path", "name"), [
    ("/api/data/episodes", "episodes-list"),
    ("/api/data/episodes/{id}", "episodes-detail"),
    ("/api/data/episodes/{id}/sequences", "episode-sequences"),
    ("/api/data/episodes/{id}/shots", "episode-shots"),
    ("/api/data/projects/{id}/episodes", "project-episodes"),
    ("/api/data/sequences/{id}/shots", "sequence-shots"),
    ("/api/data/sequences/{id}/scenes", "sequence-scenes"),
    ("/api/data/scenes/all", "scenes-all"),
    ("/api/data/scenes/{id}", "scenes-detail"),
    ("/api/data/projects/{id}/scenes", "project-scenes"),
])
def test_each_path_reaches_its_view(path, name):
    assert resolve(path.format(id=uuid.uuid4())).url_name == name


@pytest.fixture
def project(manager, user, vendor):
    return ProjectFactory(team=[manager, user, vendor])


def kind(project, type_name, name, parent=None):
    return EntityFactory(project=project, entity_type=entity_type(type_name), name=name, parent=parent,
                         nb_frames=None)


def ids(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()]


def test_episodes_their_sequences_and_shots(manager, project):
    api = client_for(manager)
    response = api.post(f"/api/data/projects/{project.pk}/episodes", {"name": "EP01", "status": "running"},
                        format="json")
    assert response.status_code == 201, response.content
    episode = response.json()
    assert (episode["type"], episode["name"], episode["project_id"], episode["parent_id"]) == (
        "Episode", "EP01", str(project.pk), None)
    sequence = api.post(f"/api/data/projects/{project.pk}/sequences", {"name": "SE01", "episode_id": episode["id"]},
                        format="json").json()
    assert sequence["parent_id"] == episode["id"]
    shot = api.post(f"/api/data/projects/{project.pk}/shots", {"name": "SH01", "sequence_id": sequence["id"]},
                    format="json").json()
    lone_sequence = kind(project, "Sequence", "SE02")
    kind(project, "Shot", "SH09", parent=lone_sequence)
    kind(ProjectFactory(team=[manager]), "Episode", "EP01")

    assert ids(api.get("/api/data/episodes", {"project_id": str(project.pk), "name": "EP01"})) == [episode["id"]]
    assert api.get("/api/data/episodes", {"project_id": str(project.pk), "name": "EP02"}).json() == []
    assert api.get(f"/api/data/episodes/{episode['id']}").json()["name"] == "EP01"
    assert ids(api.get(f"/api/data/projects/{project.pk}/episodes")) == [episode["id"]]
    assert ids(api.get(f"/api/data/episodes/{episode['id']}/sequences")) == [sequence["id"]]
    assert ids(api.get(f"/api/data/episodes/{episode['id']}/shots")) == [shot["id"]]
    assert ids(api.get(f"/api/data/sequences/{sequence['id']}/shots")) == [shot["id"]]
    assert ids(api.get("/api/data/sequences", {"episode_id": episode["id"]})) == [sequence["id"]]
    # An episode is no sequence, and a parent of the wrong kind is no parent.
    assert api.get(f"/api/data/episodes/{sequence['id']}").status_code == 404
    assert api.get(f"/api/data/episodes/{sequence['id']}/sequences").status_code == 404
    assert api.get(f"/api/data/sequences/{episode['id']}/shots").status_code == 404
    assert api.get("/api/data/episodes/not-an-id/shots").status_code == 404
    # The same name in the same project is taken (gazu looks it up first).
    assert api.post(f"/api/data/projects/{project.pk}/episodes", {"name": "EP01"},
                    format="json").status_code == 400
    assert_field_error(api.post(f"/api/data/projects/{project.pk}/episodes", {"description": "x"},
                                format="json"), "name")


def test_who_sees_and_writes_episodes(manager, user, vendor, project):
    episode = kind(project, "Episode", "EP01")
    sequence = kind(project, "Sequence", "SE01", parent=episode)
    assigned = TaskFactory(entity=kind(project, "Shot", "SH01", parent=sequence), assignees=[vendor])
    kind(project, "Shot", "SH02", parent=sequence)
    kind(project, "Episode", "EP02")
    hidden = kind(ProjectFactory(), "Episode", "EP01")

    manager_api, user_api, vendor_api = client_for(manager), client_for(user), client_for(vendor)
    assert manager_api.get(f"/api/data/episodes/{hidden.pk}").status_code == 404
    assert manager_api.get(f"/api/data/episodes/{hidden.pk}/sequences").status_code == 404
    assert manager_api.post(f"/api/data/projects/{hidden.project_id}/episodes", {"name": "EP09"},
                            format="json").status_code == 404
    assert manager_api.delete(f"/api/data/episodes/{hidden.pk}").status_code == 404
    assert len(ids(manager_api.get("/api/data/episodes"))) == 2
    # A team member reads, never writes.
    assert len(ids(user_api.get(f"/api/data/episodes/{episode.pk}/shots"))) == 2
    assert user_api.post(f"/api/data/projects/{project.pk}/episodes", {"name": "EP03"},
                         format="json").status_code == 403
    assert user_api.delete(f"/api/data/episodes/{episode.pk}").status_code == 403
    assert user_api.put(f"/api/data/shots/{assigned.entity_id}", {"nb_frames": 3}, format="json").status_code == 403
    # A vendor sees their shot, and the sequence and episode above it; nothing else.
    assert ids(vendor_api.get("/api/data/episodes")) == [str(episode.pk)]
    assert ids(vendor_api.get(f"/api/data/episodes/{episode.pk}/sequences")) == [str(sequence.pk)]
    assert ids(vendor_api.get(f"/api/data/episodes/{episode.pk}/shots")) == [str(assigned.entity_id)]
    assert ids(vendor_api.get(f"/api/data/sequences/{sequence.pk}/shots")) == [str(assigned.entity_id)]
    assert client_for(None).get("/api/data/episodes").status_code == 401


def test_put_a_shot_as_gazu_does(manager, project):
    api = client_for(manager)
    sequence, other_sequence = kind(project, "Sequence", "SE01"), kind(project, "Sequence", "SE02")
    shot = kind(project, "Shot", "SH01", parent=sequence)
    body = api.get(f"/api/data/shots/{shot.pk}").json()  # gazu.shot.update_shot sends the whole dict back
    body.update(nb_frames=120, data={"frame_in": 1}, parent_id=str(other_sequence.pk),
                project_id=str(ProjectFactory().pk), type="Asset", created_at="2001-01-01T00:00:00")
    response = api.put(f"/api/data/shots/{shot.pk}", body, format="json")
    assert response.status_code == 200, response.content
    assert (response.json()["nb_frames"], response.json()["data"], response.json()["parent_id"]) == (
        120, {"frame_in": 1}, str(other_sequence.pk))
    shot.refresh_from_db()
    assert (shot.nb_frames, shot.project_id, shot.parent_id) == (120, project.pk, other_sequence.pk)

    assert_field_error(api.put(f"/api/data/shots/{shot.pk}", {"nb_frames": -1}, format="json"), "nb_frames")
    assert_field_error(api.put(f"/api/data/shots/{shot.pk}", {"parent_id": str(kind(
        ProjectFactory(), "Sequence", "SE01").pk)}, format="json"), "parent_id")
    assert api.put(f"/api/data/shots/{sequence.pk}", {"nb_frames": 3}, format="json").status_code == 404


def _logged(task, person, day, minutes):
    return services.time_spent_set(acting_user=None, task=task, person=person, date=dt.date(2024, 6, day),
                                   duration=minutes)


def test_delete_a_shot_with_zou_s_force_rules(manager, user, project):
    api = client_for(manager)
    sequence = kind(project, "Sequence", "SE01")
    bare = kind(project, "Shot", "SH01", parent=sequence)
    assert api.delete(f"/api/data/shots/{bare.pk}").status_code == 204
    assert not Entity.objects.filter(pk=bare.pk).exists()  # nothing linked: deleted

    shot = kind(project, "Shot", "SH02", parent=sequence)
    task = TaskFactory(entity=shot, assignees=[user])
    _logged(task, user, 4, 90)
    kept = TaskFactory(entity=kind(project, "Shot", "SH03", parent=sequence), assignees=[user])
    _logged(kept, user, 4, 30)

    assert api.delete(f"/api/data/shots/{shot.pk}").status_code == 204  # tasks: only canceled
    shot.refresh_from_db()
    assert shot.canceled and Task.objects.filter(pk=task.pk).exists()
    response = api.put(f"/api/data/shots/{shot.pk}", {"canceled": False}, format="json")  # gazu.restore_shot
    assert response.status_code == 200 and response.json()["canceled"] is False

    assert api.delete(f"/api/data/shots/{shot.pk}?force=true").status_code == 204
    assert not Entity.objects.filter(pk=shot.pk).exists()
    assert not Task.objects.filter(pk=task.pk).exists()
    assert list(TimeSpent.objects.values_list("task_id", "duration")) == [(kept.pk, 30)]
    assert totals.verify() == []  # the stored totals lost the 90 minutes with the rows
    user.refresh_from_db()
    assert user.last_presence == dt.date(2024, 6, 4)


def test_delete_a_sequence_or_an_episode(manager, user, project):
    api = client_for(manager)
    episode = kind(project, "Episode", "EP01")
    sequence = kind(project, "Sequence", "SE01", parent=episode)
    shot = kind(project, "Shot", "SH01", parent=sequence)
    scene = kind(project, "Scene", "SC01", parent=sequence)
    task = TaskFactory(entity=shot, assignees=[user])
    sequence_task = TaskFactory(entity=sequence, task_type=TaskTypeFactory(for_entity="Sequence"))
    _logged(task, user, 5, 60)
    other = TaskFactory(entity=kind(project, "Shot", "SH01", parent=kind(project, "Sequence", "SE02")),
                        assignees=[user])
    _logged(other, user, 6, 45)

    response = api.delete(f"/api/data/sequences/{sequence.pk}")
    assert response.status_code == 400
    assert response.json()["message"] == "Some data are still linked to this sequence."
    response = api.delete(f"/api/data/episodes/{episode.pk}")
    assert (response.status_code, response.json()["message"]) == (
        400, "Some data are still linked to this episode.")
    assert Entity.objects.filter(pk__in=[episode.pk, sequence.pk, shot.pk, scene.pk]).count() == 4

    assert api.delete(f"/api/data/episodes/{episode.pk}?force=true").status_code == 204
    assert not Entity.objects.filter(pk__in=[episode.pk, sequence.pk, shot.pk, scene.pk]).exists()
    assert not Task.objects.filter(pk__in=[task.pk, sequence_task.pk]).exists()
    assert list(TimeSpent.objects.values_list("task_id", "duration")) == [(other.pk, 45)]
    assert totals.verify() == []
    user.refresh_from_db()
    assert user.last_presence == dt.date(2024, 6, 6)

    empty = kind(project, "Sequence", "SE03")
    assert api.delete(f"/api/data/sequences/{empty.pk}").status_code == 204
    assert api.delete(f"/api/data/sequences/{other.entity.parent_id}?force=true").status_code == 204
    assert not TimeSpent.objects.exists()


def test_scenes(manager, vendor, project):
    api = client_for(manager)
    sequence = kind(project, "Sequence", "SE01")
    response = api.post(f"/api/data/projects/{project.pk}/scenes", {"name": "SC01", "sequence_id": str(sequence.pk)},
                        format="json")
    assert response.status_code == 201, response.content
    scene = response.json()
    assert (scene["type"], scene["parent_id"], scene["project_id"]) == ("Scene", str(sequence.pk), str(project.pk))
    assert ids(api.get("/api/data/scenes/all", {"parent_id": str(sequence.pk), "name": "SC01"})) == [scene["id"]]
    assert api.get(f"/api/data/scenes/{scene['id']}").json()["type"] == "Scene"
    assert ids(api.get(f"/api/data/projects/{project.pk}/scenes")) == [scene["id"]]
    assert ids(api.get(f"/api/data/sequences/{sequence.pk}/scenes")) == [scene["id"]]
    assert api.get(f"/api/data/scenes/{sequence.pk}").status_code == 404
    elsewhere = kind(ProjectFactory(), "Sequence", "SE01")
    assert_field_error(api.post(f"/api/data/projects/{project.pk}/scenes",
                                {"name": "SC02", "sequence_id": str(elsewhere.pk)}, format="json"), "sequence_id")
    assert client_for(vendor).get("/api/data/scenes/all").json() == []  # none assigned to them


def test_a_forced_episode_delete_takes_every_level_under_it(manager, user, project):
    # The generic entity routes accept any parent in the project: an entity under a shot is a fourth level,
    # which the forced delete used to leave behind, its RESTRICT link then refusing the forced delete (400).
    api = client_for(manager)
    episode = kind(project, "Episode", "EP01")
    shot = kind(project, "Shot", "SH01", parent=kind(project, "Sequence", "SE01", parent=episode))
    response = api.post("/api/data/entities", {
        "name": "SH01-insert", "project_id": str(project.pk), "entity_type_id": str(entity_type("Shot").pk),
        "parent_id": str(shot.pk)}, format="json")
    assert response.status_code == 201, response.content
    below_shot = Entity.objects.get(pk=response.json()["id"])
    task = TaskFactory(entity=below_shot, assignees=[user])
    _logged(task, user, 5, 60)

    assert api.delete(f"/api/data/episodes/{episode.pk}?force=true").status_code == 204
    assert not Entity.objects.filter(project=project).exists()
    assert not Task.objects.filter(pk=task.pk).exists() and not TimeSpent.objects.exists()
    assert totals.verify() == []
