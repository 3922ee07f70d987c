"""gazu 1.3.1 against a live Roster server: a script enters a production (department, person, task status,
entity type, task type, project with its team, sequence, shot, task), logs time on it, reads it back per day,
range, week, month and year, books day-offs (which clear the time logged on their days), reads the presence CSV,
and the artist reads their own time and day-off through `gazu.user`."""

import datetime as dt
import importlib

import gazu
import pytest
from django.apps import apps
from gazu.exception import NotAllowedException, ParameterException, RouteNotFoundException

from people.models import DesktopLoginLog
from tests.conftest import PASSWORD, make_person

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def zou_task_statuses():
    """What the data migration made, which an earlier transactional test's flush may have removed (serialized
    rollback would clash with the content types other transactional tests' flushes recreate)."""
    migration = importlib.import_module("timetracking.migrations.0005_zou_default_task_statuses")
    migration.create_default_task_statuses(apps, None)


@pytest.fixture
def gazu_host(live_server):
    host = f"{live_server.url}/api"
    gazu.set_host(host)
    yield host
    gazu.client.default_client.tokens = {"access_token": None, "refresh_token": None}


def task_duration(task: dict) -> float:
    return gazu.task.get_task(task)["duration"]


def durations(time_spents: list[dict]) -> dict[str, float]:
    return {row["date"]: row["duration"] for row in time_spents}


@pytest.fixture
def production(gazu_host):
    """What a studio script does first: the catalog, a person, a project with its team, a shot and its task."""
    make_person(role="admin", email="john.did@gmail.com", first_name="John", last_name="Did")
    gazu.log_in("john.did@gmail.com", PASSWORD)

    animation = gazu.person.new_department("Animation", color="#E64A19")
    artist = gazu.person.new_person("John", "Doe", "john.doe@gmail.com", desktop_login="john.doe",
                                    departments=[animation], password=PASSWORD)
    # Zou's `init-data` statuses are there from the start (a data migration), "Todo" the default, which gazu's
    # new_task (no status given) reads first.
    todo = gazu.task.get_default_task_status()
    assert (todo["name"], todo["short_name"]) == ("Todo", "todo")
    wip = gazu.task.get_task_status_by_short_name("wip")
    assert wip["is_wip"]
    shot_type = gazu.entity.get_entity_type_by_name("Shot") or gazu.entity.new_entity_type("Shot")
    task_type = gazu.task.new_task_type("Animation", color="#E64A19", for_entity="Shot")
    assert gazu.task.new_task_type("Animation", for_entity="Shot")["id"] == task_type["id"]  # looked up
    project = gazu.project.new_project("Cosmos Landromat", "short", team=[artist], task_types=[task_type],
                                       task_statuses=[todo, wip])
    assert gazu.project.get_project_by_name("Cosmos Landromat")["id"] == project["id"]
    assert project["team"] == [artist["id"]]
    sequence = gazu.shot.new_sequence(project, "SE01")
    shot = gazu.shot.new_shot(project, sequence, "SH01", nb_frames=48)
    assert (sequence["type"], shot["type"]) == ("Sequence", "Shot")
    assert (shot["entity_type_id"], shot["parent_id"], shot["nb_frames"]) == (
        shot_type["id"], sequence["id"], 48)
    task = gazu.task.new_task(shot, task_type, assignees=[artist])
    assert (task["task_status_id"], task["assignees"]) == (todo["id"], [artist["id"]])
    assert gazu.task.new_task(shot, task_type)["id"] == task["id"]  # looked up, not duplicated
    return {"artist": artist, "project": project, "task": task, "task_type": task_type, "shot": shot}


def test_a_script_logs_time_and_reads_it_back(production):
    artist, task = production["artist"], production["task"]

    entry = gazu.task.set_time_spent(task, artist, "2024-06-03", 240)
    assert (entry["person_id"], entry["task_id"], entry["date"], entry["duration"]) == (
        artist["id"], task["id"], "2024-06-03", 240)
    assert gazu.task.add_time_spent(task, artist, "2024-06-03", 60)["duration"] == 300
    assert gazu.task.set_time_spent(task, artist, "2024-06-03", 200)["duration"] == 200  # set, not add
    gazu.task.set_time_spent(task, artist, "2024-06-04", 120)
    gazu.task.set_time_spent(task, artist, "2024-06-10", 90)
    gazu.task.set_time_spent(task, artist, "2024-07-01", 30)

    by_task = gazu.task.get_time_spent(task)
    assert by_task["total"] == 440
    assert durations(by_task[artist["id"]]) == {"2024-06-03": 200, "2024-06-04": 120, "2024-06-10": 90,
                                                "2024-07-01": 30}
    of_day = gazu.task.get_time_spent(task, "2024-06-04")
    assert (of_day["total"], [row["duration"] for row in of_day[artist["id"]]]) == (120, [120])
    assert task_duration(task) == 440

    june = gazu.person.get_time_spents_range(artist["id"], "2024-06-01", "2024-06-30")
    assert durations(june) == {"2024-06-03": 200, "2024-06-04": 120, "2024-06-10": 90}
    assert durations(gazu.person.get_all_month_time_spents(artist["id"], dt.date(2024, 6, 15))) == durations(june)
    assert durations(gazu.person.get_time_spents_by_date(artist, "2024-06-04")) == {"2024-06-04": 120}

    [week_23] = gazu.person.get_week_time_spents(artist, 2024, 23)
    assert (week_23["task_id"], week_23["duration"], week_23["entity_name"], week_23["sequence_name"],
            week_23["project_name"]) == (task["id"], 320, "SH01", "SE01", "Cosmos Landromat")
    assert [row["duration"] for row in gazu.person.get_week_time_spents(artist, 2024, 24)] == [90]
    assert [row["duration"] for row in gazu.person.get_year_time_spents(artist, 2024)] == [440]
    assert gazu.person.get_year_time_spents(artist, 2023) == []

    # The artist, with a client of their own, reads their time through gazu.user.
    mine = gazu.client.create_client(gazu.client.get_host())
    gazu.log_in("john.doe@gmail.com", PASSWORD, client=mine)
    assert durations(gazu.user.get_timespents_range("2024-06-01", "2024-06-05", client=mine)) == {
        "2024-06-03": 200, "2024-06-04": 120}
    with pytest.raises(NotAllowedException):  # admins only: someone's raw range
        gazu.person.get_time_spents_range(artist["id"], "2024-06-01", "2024-06-30", client=mine)

    # Removing an entry (data/time-spents/<id>) brings the task's duration down.
    july = gazu.person.get_all_month_time_spents(artist["id"], dt.date(2024, 7, 1))
    assert gazu.task.remove_time_spent(july[0]) == ""
    assert gazu.person.get_all_month_time_spents(artist["id"], dt.date(2024, 7, 1)) == []
    assert task_duration(task) == 410


def test_a_script_books_day_offs(production):
    artist, task = production["artist"], production["task"]
    gazu.task.set_time_spent(task, artist, "2024-06-10", 90)
    gazu.task.set_time_spent(task, artist, "2024-06-13", 60)

    day_off = gazu.person.new_day_off(artist, "2024-06-10", "2024-06-11", description="Dentist")
    assert (day_off["person_id"], day_off["date"], day_off["end_date"], day_off["description"]) == (
        artist["id"], "2024-06-10", "2024-06-11", "Dentist")
    # The time logged on the days off is gone, and the task's duration with it.
    assert durations(gazu.person.get_time_spents_range(artist["id"], "2024-06-01", "2024-06-30")) == {
        "2024-06-13": 60}
    assert task_duration(task) == 60
    with pytest.raises(ParameterException, match="Day off already exists for this period"):
        gazu.person.new_day_off(artist, "2024-06-11", "2024-06-12")

    assert gazu.person.get_day_off(day_off["id"])["id"] == day_off["id"]
    assert [d["id"] for d in gazu.person.get_day_offs(artist)] == [day_off["id"]]
    assert [d["id"] for d in gazu.person.get_week_day_offs(artist, 2024, 24)] == [day_off["id"]]
    assert gazu.person.get_week_day_offs(artist, 2024, 23) == []
    assert [d["id"] for d in gazu.person.get_month_day_offs(artist, 2024, 6)] == [day_off["id"]]
    assert gazu.person.get_month_day_offs(artist, 2024, 7) == []
    assert [d["id"] for d in gazu.person.get_year_day_offs(artist, 2024)] == [day_off["id"]]

    # gazu PUTs the whole dict back; a longer leave clears the newly covered day too.
    day_off["end_date"] = "2024-06-13"
    updated = gazu.person.update_day_off(day_off)
    assert (updated["id"], updated["end_date"]) == (day_off["id"], "2024-06-13")
    assert gazu.person.get_time_spents_range(artist["id"], "2024-06-01", "2024-06-30") == []

    mine = gazu.client.create_client(gazu.client.get_host())
    gazu.log_in("john.doe@gmail.com", PASSWORD, client=mine)
    assert gazu.user.get_day_off("2024-06-12", client=mine)["id"] == day_off["id"]
    assert gazu.user.get_day_off("2024-06-14", client=mine) == {}

    assert gazu.person.remove_day_off(day_off) == ""
    assert gazu.person.get_day_offs(artist) == []
    with pytest.raises(RouteNotFoundException):
        gazu.person.get_day_off(day_off["id"])


def test_a_script_reads_the_presence_log(production):
    artist = production["artist"]
    for day, hour in ((3, 9), (3, 14), (28, 23)):
        DesktopLoginLog.objects.create(person_id=artist["id"], date=dt.datetime(2024, 6, day, hour, tzinfo=dt.UTC))

    csv = gazu.person.get_presence_log(2024, 6)

    days = ";".join(str(day) for day in range(1, 31))
    empty = ";" * 30
    doe = ";" * 3 + "X" + ";" * 25 + "X" + ";" * 2
    assert csv == f"2024;{days}\r\nJohn Did{empty}\r\nJohn Doe{doe}\r\n"


def test_gazu_shot_helpers_enter_sequences_and_shots(gazu_host):
    make_person(role="admin", email="john.did@gmail.com", first_name="John", last_name="Did")
    gazu.log_in("john.did@gmail.com", PASSWORD)
    project = gazu.project.new_project("Cosmos Landromat", "short")
    sequence = gazu.shot.new_sequence(project, "SE01")  # GET data/sequences?project_id=&name=, then POST
    assert (sequence["type"], sequence["name"], sequence["project_id"]) == ("Sequence", "SE01", project["id"])
    assert gazu.shot.new_sequence(project, "SE01")["id"] == sequence["id"]  # looked up, not duplicated
    shot = gazu.shot.new_shot(project, sequence, "SH01", nb_frames=48, frame_in=1, frame_out=48,
                              description="Opening")  # GET data/shots/all?sequence_id=&name=, then POST
    assert (shot["type"], shot["parent_id"], shot["nb_frames"], shot["description"], shot["data"]) == (
        "Shot", sequence["id"], 48, "Opening", {"frame_in": 1, "frame_out": 48})
    assert gazu.shot.new_shot(project, sequence, "SH01")["id"] == shot["id"]
    gazu.shot.new_shot(project, sequence, "SH02")

    assert [s["id"] for s in gazu.shot.all_sequences_for_project(project)] == [sequence["id"]]
    assert [s["name"] for s in gazu.shot.all_shots_for_project(project)] == ["SH01", "SH02"]
    assert gazu.shot.get_sequence(sequence["id"])["name"] == "SE01"
    assert gazu.shot.get_shot(shot["id"])["nb_frames"] == 48
    assert gazu.shot.get_sequence_from_shot(shot)["id"] == sequence["id"]
    assert gazu.shot.get_shot_by_name(sequence, "SH02")["name"] == "SH02"
    assert gazu.shot.get_shot_by_name(sequence, "SH03") is None


def test_gazu_shot_helpers_for_episodes_updates_and_deletes(production):
    """An admin script's episode work: episodes and their sequences and shots, a shot's changes, and the
    removals with Zou's rules (a shot with tasks is canceled, then restored; `force` deletes with the tasks)."""
    project, shot = production["project"], production["shot"]
    episode = gazu.shot.new_episode(project, "EP01")  # GET data/episodes?project_id=&name=, then POST
    assert (episode["type"], episode["name"], episode["project_id"]) == ("Episode", "EP01", project["id"])
    assert gazu.shot.new_episode(project, "EP01")["id"] == episode["id"]
    assert gazu.shot.get_episode_by_name(project, "EP01")["id"] == episode["id"]
    assert gazu.shot.get_episode(episode["id"])["name"] == "EP01"
    assert [e["id"] for e in gazu.shot.all_episodes_for_project(project)] == [episode["id"]]
    sequence = gazu.shot.new_sequence(project, "SE02", episode=episode)  # GET ...?episode_id=&name=, then POST
    assert sequence["parent_id"] == episode["id"]
    assert gazu.shot.get_sequence_by_name(project, "SE02", episode=episode)["id"] == sequence["id"]
    assert gazu.shot.get_episode_from_sequence(sequence)["id"] == episode["id"]
    assert [s["id"] for s in gazu.shot.all_sequences_for_episode(episode)] == [sequence["id"]]
    episode_shot = gazu.shot.new_shot(project, sequence, "SH10", nb_frames=24)
    assert [s["id"] for s in gazu.shot.all_shots_for_episode(episode)] == [episode_shot["id"]]
    assert [s["id"] for s in gazu.shot.all_shots_for_sequence(sequence)] == [episode_shot["id"]]

    shot = gazu.shot.get_shot(shot["id"])
    shot["nb_frames"], shot["description"] = 60, "Longer"
    assert gazu.shot.update_shot(shot)["nb_frames"] == 60  # PUT data/entities/<id>
    gazu.shot.update_shot_data(shot, {"frame_in": 101})
    assert gazu.shot.get_shot(shot["id"])["data"] == {"frame_in": 101}

    gazu.shot.remove_shot(shot)  # it has a task: canceled, not deleted
    assert gazu.shot.get_shot(shot["id"])["canceled"] is True
    assert gazu.shot.restore_shot(shot)["canceled"] is False  # PUT data/shots/<id>
    gazu.task.set_time_spent(production["task"], production["artist"], dt.date(2024, 6, 3), 60)
    gazu.shot.remove_shot(shot, force=True)
    with pytest.raises(RouteNotFoundException):
        gazu.shot.get_shot(shot["id"])
    assert gazu.person.get_time_spents_range(production["artist"]["id"], "2024-06-01", "2024-06-30") == []

    with pytest.raises(ParameterException):  # linked to its sequence: Zou's 400 without force
        gazu.shot.remove_episode(episode)
    gazu.shot.remove_episode(episode, force=True)
    assert gazu.shot.get_episode_by_name(project, "EP01") is None
    with pytest.raises(RouteNotFoundException):
        gazu.shot.get_shot(episode_shot["id"])
    gazu.shot.remove_sequence(gazu.shot.get_sequence_by_name(project, "SE01"))  # its one shot went above
    assert gazu.shot.all_sequences_for_project(project) == []


def test_gazu_scene_helpers(production):
    project = production["project"]
    sequence = gazu.shot.get_sequence_by_name(project, "SE01")
    scene = gazu.scene.new_scene(project, sequence, "SC01")
    assert (scene["type"], scene["name"], scene["parent_id"]) == ("Scene", "SC01", sequence["id"])
    assert [s["id"] for s in gazu.scene.all_scenes(project)] == [scene["id"]]
    assert [s["id"] for s in gazu.scene.all_scenes()] == [scene["id"]]  # data/scenes/all
    assert [s["id"] for s in gazu.scene.all_scenes_for_sequence(sequence)] == [scene["id"]]
    assert gazu.scene.get_scene(scene["id"])["name"] == "SC01"
    assert gazu.scene.get_scene_by_name(sequence, "SC01")["id"] == scene["id"]
    scene["description"] = "Rooftop"
    assert gazu.scene.update_scene(scene)["description"] == "Rooftop"


def test_gazu_get_task(production):
    full = gazu.task.get_task(production["task"])
    assert full["id"] == production["task"]["id"]
    assert (full["project"]["id"], full["task_type"]["id"], full["entity"]["id"], full["sequence"]["name"]) == (
        production["project"]["id"], production["task_type"]["id"], production["shot"]["id"], "SE01")
    assert (full["task_status"]["short_name"], [p["id"] for p in full["persons"]]) == (
        "todo", [production["artist"]["id"]])
