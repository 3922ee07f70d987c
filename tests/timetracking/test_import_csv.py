"""`manage.py import_csv DIR` (csv-import.md; issue 8 item 4): a small hand-written folder holding every file,
a re-import that changes nothing, a changed row that is updated, each kind of bad row aborting with its file,
line and column and leaving the database as it was, missing referenced files, a row the database itself
refuses, and a generated 20,000-time-spent dataset in one run."""

import datetime as dt
import io
import time
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Sum

from audit.models import AuditEntry
from bench.import_dataset import write_dataset
from departments.models import Department
from people.models import DesktopLoginLog, Person, PersonDepartment, PersonStatus
from tests.factories import PersonFactory
from tests.timetracking.factories import TaskFactory, time_spent
from timetracking.models import (
    DayOff,
    Entity,
    EntityType,
    Project,
    Task,
    TaskPersonLink,
    TaskStatus,
    TaskType,
    TimeSpent,
)

pytestmark = pytest.mark.django_db

ANIMATION = "00000000-0000-4000-8000-00000000d001"
LAYOUT = "00000000-0000-4000-8000-00000000d002"
ADA = "00000000-0000-4000-8000-00000000a001"
BEN = "00000000-0000-4000-8000-00000000a002"
CLEO = "00000000-0000-4000-8000-00000000a003"
PROJECT = "00000000-0000-4000-8000-00000000b001"
SEQUENCE = "00000000-0000-4000-8000-00000000e001"
SHOT_1 = "00000000-0000-4000-8000-00000000e002"
SHOT_2 = "00000000-0000-4000-8000-00000000e003"
HERO = "00000000-0000-4000-8000-00000000e004"
ANIM_1 = "00000000-0000-4000-8000-00000000c001"
ANIM_2 = "00000000-0000-4000-8000-00000000c002"
MODEL_HERO = "00000000-0000-4000-8000-00000000c003"

FILES = {
    "departments.csv": f"""id,name,color,kind
{ANIMATION},Animation,#FF8800,production
{LAYOUT},Layout,#0088FF,
""",
    "persons.csv": f"""id,first_name,last_name,email,phone,country,contract_type,active,archived,desktop_login,timezone,locale,role,position,seniority,daily_salary,created_at
{ADA},Ada,Lovelace,ada@studio.example,+33 1 02 03 04 05,FR,open-ended,True,False,ada,Europe/Paris,fr_FR,supervisor,lead,senior,400,2021-03-01T09:00:00
{BEN},Ben,Bit,ben@studio.example,,GB,freelance,True,False,ben,Europe/London,en_GB,user,artist,junior,200,
{CLEO},Cleo,Gone,cleo@studio.example,,,fixed-term,False,True,,Europe/Paris,fr_FR,user,,,0,2020-01-01T00:00:00
""",
    "department_links.csv": f"""person_id,department_id
{ADA},{ANIMATION}
{BEN},{ANIMATION}
{BEN},{LAYOUT}
""",
    "project.csv": f"""id,name,code,production_type,fps,start_date,end_date
{PROJECT},Cosmos,CSM,featurefilm,24,2024-01-08,2024-12-20
""",
    "entities.csv": f"""id,type,name,parent_id,nb_frames
{SHOT_1},Shot,SH010,{SEQUENCE},48
{SEQUENCE},Sequence,SQ01,,
{SHOT_2},Shot,SH020,{SEQUENCE},
{HERO},Character,Hero,,
""",
    "tasks.csv": f"""id,entity_id,task_type,task_type_for_entity,department,status,duration,estimation,real_start_date,end_date
{ANIM_1},{SHOT_1},Animation,Shot,Animation,wip,999,600,2024-06-03T09:00:00,
{ANIM_2},{SHOT_2},Animation,Shot,Animation,done,0,480,2024-06-03,2024-06-10T17:30:00
{MODEL_HERO},{HERO},Modeling,Asset,Modeling,wfa,60,960,,2024-06-07T12:00:00
""",
    "task_assignees.csv": f"""task_id,person_id
{ANIM_1},{BEN}
{ANIM_2},{BEN}
{MODEL_HERO},{ADA}
""",
    "time_spents.csv": f"""id,person_id,task_id,date,duration
00000000-0000-4000-8000-00000000f001,{BEN},{ANIM_1},2024-06-03,240
00000000-0000-4000-8000-00000000f002,{BEN},{ANIM_1},2024-06-04,180.5
00000000-0000-4000-8000-00000000f003,{BEN},{ANIM_2},2024-06-04,60
00000000-0000-4000-8000-00000000f004,{ADA},{MODEL_HERO},2024-06-05,480
""",
    "day_offs.csv": f"""id,person_id,date,end_date,description
00000000-0000-4000-8000-0000000000a1,{BEN},2024-07-01,2024-07-05,Summer
00000000-0000-4000-8000-0000000000a2,{BEN},2024-08-01,,
""",
    "desktop_login_logs.csv": f"""id,person_id,date
00000000-0000-4000-8000-0000000000b1,{ADA},2024-06-10T08:59:00
00000000-0000-4000-8000-0000000000b2,{ADA},2024-06-12T07:30:00+02:00
""",
}

IMPORTED_MODELS = (Department, Person, PersonDepartment, Project, EntityType, Entity, TaskType, TaskStatus, Task,
                   TaskPersonLink, TimeSpent, DayOff, DesktopLoginLog, AuditEntry)


def write(directory: Path, files: dict[str, str]) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        (directory / name).write_text(content, encoding="utf-8")
    return directory


@pytest.fixture(autouse=True)
def no_task_statuses(db):
    """The import creates the statuses a file names and the database lacks: start without the ones the data
    migration makes, so that it has some to create."""
    TaskStatus.objects.all().delete()


@pytest.fixture
def folder(tmp_path) -> Path:
    return write(tmp_path / "studio", FILES)


def run(directory: Path) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_csv", str(directory), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def snapshot() -> dict:
    """Every row of every table the import writes, every column included (timestamps too)."""
    return {model.__name__: list(model.objects.order_by("pk").values()) for model in IMPORTED_MODELS}


def test_every_file_is_imported(folder):
    out, err = run(folder)

    assert "persons.csv: 3 rows, 3 created, 0 updated, 0 unchanged" in out
    assert "time_spents.csv: 4 rows, 4 created, 0 updated, 0 unchanged" in out
    assert "tasks.csv: 3 rows, 3 created" in out and "2 task types" in out and "3 task statuses" in out
    assert "time_spents.csv" in err and "4/4" in err  # the progress line

    ada, ben, cleo = (Person.objects.get(pk=pk) for pk in (ADA, BEN, CLEO))
    assert (ada.full_name, ada.email, ada.role, ada.position, ada.seniority, ada.daily_salary) == (
        "Ada Lovelace", "ada@studio.example", "supervisor", "lead", "senior", 400)
    assert ada.created_at == dt.datetime(2021, 3, 1, 9, tzinfo=dt.UTC)
    assert (ada.country, ada.timezone, ada.locale, ada.desktop_login) == ("FR", "Europe/Paris", "fr_FR", "ada")
    assert (ben.contract_type, ben.phone, ben.position) == ("freelance", "", "artist")
    # No password: invited when active (as a person created without one), inactive otherwise; never a bot.
    assert not any(person.has_usable_password() for person in (ada, ben, cleo))
    assert (ada.status, ada.active, cleo.status, cleo.active, cleo.archived) == (
        PersonStatus.INVITED, True, PersonStatus.INACTIVE, False, True)
    assert not any(person.is_bot or person.is_guest for person in (ada, ben, cleo))
    assert sorted(ben.departments.values_list("name", flat=True)) == ["Animation", "Layout"]
    assert Department.objects.get(pk=LAYOUT).color == "#0088FF"

    project = Project.objects.get(pk=PROJECT)
    assert (project.name, project.code, project.production_type, project.fps) == ("Cosmos", "CSM", "featurefilm",
                                                                                "24")
    assert (project.start_date, project.end_date, project.project_status.name) == (
        dt.date(2024, 1, 8), dt.date(2024, 12, 20), "Open")
    shot = Entity.objects.get(pk=SHOT_1)
    assert (shot.entity_type.name, str(shot.parent_id), shot.nb_frames, shot.project_id) == (
        "Shot", SEQUENCE, 48, project.pk)
    assert Entity.objects.get(pk=HERO).entity_type.name == "Character"

    modeling = TaskType.objects.get(name="Modeling")
    assert (modeling.for_entity, modeling.department.name) == ("Asset", "Modeling")  # department created
    assert str(TaskType.objects.get(name="Animation").department_id) == ANIMATION
    flags = {status.short_name: (status.is_wip, status.is_feedback_request, status.is_done)
             for status in TaskStatus.objects.all()}
    assert flags == {"wip": (True, False, False), "wfa": (False, True, False), "done": (False, False, True)}

    anim_1, anim_2, model_hero = (Task.objects.get(pk=pk) for pk in (ANIM_1, ANIM_2, MODEL_HERO))
    assert {task.project_id for task in (anim_1, anim_2, model_hero)} == {project.pk}
    # Duration = the sum of the time spent, whatever the file said (999, 0, 60).
    assert (anim_1.duration, anim_2.duration, model_hero.duration) == (420.5, 60.0, 480.0)
    assert (anim_1.estimation, anim_1.real_start_date, anim_1.end_date, anim_1.done_date) == (
        600.0, dt.datetime(2024, 6, 3, 9, tzinfo=dt.UTC), None, None)
    done_at = dt.datetime(2024, 6, 10, 17, 30, tzinfo=dt.UTC)
    assert (anim_2.real_start_date, anim_2.end_date, anim_2.done_date) == (
        dt.datetime(2024, 6, 3, tzinfo=dt.UTC), done_at, done_at)
    assert model_hero.done_date is None and model_hero.end_date == dt.datetime(2024, 6, 7, 12, tzinfo=dt.UTC)
    assert list(anim_1.assignees.values_list("pk", flat=True)) == [ben.pk]

    assert TimeSpent.objects.get(pk="00000000-0000-4000-8000-00000000f002").duration == 180.5
    assert list(DayOff.objects.filter(person=ben).values_list("date", "end_date", "description")) == [
        (dt.date(2024, 7, 1), dt.date(2024, 7, 5), "Summer"), (dt.date(2024, 8, 1), dt.date(2024, 8, 1), "")]
    assert sorted(DesktopLoginLog.objects.values_list("date", flat=True)) == [
        dt.datetime(2024, 6, 10, 8, 59, tzinfo=dt.UTC), dt.datetime(2024, 6, 12, 5, 30, tzinfo=dt.UTC)]
    # Zou's last_presence: the later of the last time spent and the last desktop login day.
    assert (ada.last_presence, ben.last_presence, cleo.last_presence) == (
        dt.date(2024, 6, 12), dt.date(2024, 6, 4), None)
    # One audit row per person created, as for any other creation.
    assert AuditEntry.objects.filter(action="person.created", reason="import_csv").count() == 3


def test_a_second_import_creates_and_changes_nothing(folder):
    run(folder)
    before = snapshot()

    out, _ = run(folder)

    assert snapshot() == before
    assert "Imported in" in out and ": 0 created, 0 updated." in out
    assert "time_spents.csv: 4 rows, 0 created, 0 updated, 4 unchanged" in out


def test_a_changed_row_is_updated_and_the_rest_left_alone(folder):
    run(folder)
    before = snapshot()
    write(folder, {
        "persons.csv": FILES["persons.csv"].replace("Ben,Bit,", "Ben,Byte,"),
        "time_spents.csv": FILES["time_spents.csv"].replace("2024-06-04,180.5", "2024-06-04,120"),
    })

    out, _ = run(folder)

    assert "persons.csv: 3 rows, 0 created, 1 updated, 2 unchanged" in out
    assert "time_spents.csv: 4 rows, 0 created, 1 updated, 3 unchanged" in out
    assert Person.objects.get(pk=BEN).last_name == "Byte"
    assert Task.objects.get(pk=ANIM_1).duration == 360.0
    after = snapshot()
    ada_before = next(row for row in before["Person"] if str(row["id"]) == ADA)
    assert next(row for row in after["Person"] if str(row["id"]) == ADA) == ada_before
    update = AuditEntry.objects.get(action="person.updated")
    assert (update.target_id, update.changes) == (BEN, {"last_name": ["Bit", "Byte"]})


def _replace(name: str, old: str, new: str) -> dict[str, str]:
    assert old in FILES[name], old
    return {name: FILES[name].replace(old, new)}


BAD_ROWS = [
    pytest.param(_replace("time_spents.csv", "2024-06-04,60", "2024-06-04,0"),
                 "time_spents.csv line 4, column duration: must be > 0", id="duration zero"),
    pytest.param(_replace("time_spents.csv", "2024-06-04,60", "2024-06-04,-5"),
                 "time_spents.csv line 4, column duration: must be > 0", id="duration negative"),
    pytest.param(_replace("time_spents.csv", "2024-06-04,60", "2024-06-04,an hour"),
                 "time_spents.csv line 4, column duration: not a number: 'an hour'", id="duration text"),
    pytest.param(_replace("time_spents.csv", f"{BEN},{ANIM_2},2024-06-04",
                          f"00000000-0000-4000-8000-00000000ffff,{ANIM_2},2024-06-04"),
                 "time_spents.csv line 4, column person_id: no person with the id "
                 "00000000-0000-4000-8000-00000000ffff", id="unknown person"),
    pytest.param(_replace("time_spents.csv", f"{BEN},{ANIM_2},2024-06-04", f"{BEN},not-an-id,2024-06-04"),
                 "time_spents.csv line 4, column task_id: not a UUID: 'not-an-id'", id="malformed task id"),
    pytest.param(_replace("time_spents.csv", f"{BEN},{ANIM_2},2024-06-04", f"{BEN},{ANIM_1},2024-06-04"),
                 "time_spents.csv line 4, column date: this person already has time spent on this task on this "
                 "day (line 3)", id="same person task day"),
    pytest.param(_replace("time_spents.csv", "2024-06-05,480", "2024-06-31,480"),
                 "time_spents.csv line 5, column date: not a date (YYYY-MM-DD): '2024-06-31'", id="bad date"),
    pytest.param(_replace("time_spents.csv", "00000000-0000-4000-8000-00000000f004",
                          "00000000-0000-4000-8000-00000000f001"),
                 "time_spents.csv line 5, column id: the same id is on another line (line 2)", id="same id"),
    pytest.param(_replace("persons.csv", ",True,False,ben,", ",yes,False,ben,"),
                 "persons.csv line 3, column active: must be True or False, not 'yes'", id="boolean"),
    pytest.param(_replace("persons.csv", "ben@studio.example", "ben@"),
                 "persons.csv line 3, column email:", id="email"),
    pytest.param(_replace("persons.csv", "ben@studio.example", "ADA@studio.example"),
                 "persons.csv line 3, column email: already used by another person (line 2)", id="same email"),
    pytest.param(_replace("persons.csv", ",Europe/London,", ",Mars/Olympus,"),
                 "persons.csv line 3, column timezone: Invalid timezone: 'Mars/Olympus'.", id="timezone"),
    pytest.param(_replace("persons.csv", ",user,artist,junior,", ",wizard,artist,junior,"),
                 "persons.csv line 3, column role: 'wizard' is not one of", id="role"),
    pytest.param(_replace("persons.csv", ",junior,200,", ",junior,99999999999,"),
                 "persons.csv line 3, column daily_salary: out of range: '99999999999'", id="salary range"),
    pytest.param(_replace("persons.csv", f"{BEN},Ben,", f"{BEN},,"),
                 "persons.csv line 3, column first_name: is required", id="required"),
    pytest.param(_replace("departments.csv", "#0088FF", "blue"),
                 "departments.csv line 3, column color: not a color #RRGGBB: 'blue'", id="color"),
    pytest.param(_replace("project.csv", "2024-01-08,2024-12-20", "2024-12-20,2024-01-08"),
                 "project.csv line 2, column end_date: is before start_date", id="project dates"),
    pytest.param({"project.csv": FILES["project.csv"] + "00000000-0000-4000-8000-00000000b002,Other,,short,25,,\n"},
                 "project.csv line 3: must hold exactly one project (it holds 2)", id="two projects"),
    pytest.param(_replace("entities.csv", f"SH020,{SEQUENCE}", "SH020,00000000-0000-4000-8000-00000000eeee"),
                 "entities.csv line 4, column parent_id: no entity with the id", id="unknown parent"),
    pytest.param(_replace("entities.csv", f"{HERO},Character,Hero,,",
                          f"{HERO},Character,Hero,,-3"),
                 "entities.csv line 5, column nb_frames: must be >= 0", id="frames"),
    pytest.param(_replace("tasks.csv", f"{ANIM_2},{SHOT_2},", f"{ANIM_2},{HERO},"),
                 "tasks.csv line 3, column task_type: Animation is for Shot tasks, the entity is a Character",
                 id="task type for another entity type"),
    pytest.param(_replace("tasks.csv", f"{ANIM_2},{SHOT_2},", f"{ANIM_2},{SHOT_1},"),
                 "tasks.csv line 3, column task_type: the entity already has a task of this type (line 2)",
                 id="two tasks of a type"),
    pytest.param(_replace("tasks.csv", ",Shot,Animation,done,", ",Edit,Animation,done,"),
                 "tasks.csv line 3, column task_type_for_entity: 'Edit' is not one of Shot, Asset",
                 id="task type for entity"),
    pytest.param(_replace("tasks.csv", "done,0,480", "done,0,-480"),
                 "tasks.csv line 3, column estimation: must be >= 0", id="estimation"),
    pytest.param(_replace("task_assignees.csv", f"{MODEL_HERO},{ADA}", f"{MODEL_HERO},{ANIM_1}"),
                 f"task_assignees.csv line 4, column person_id: no person with the id {ANIM_1}", id="assignee"),
    pytest.param(_replace("day_offs.csv", "2024-07-01,2024-07-05", "2024-07-05,2024-07-01"),
                 "day_offs.csv line 2, column end_date: is before date", id="day-off dates"),
    pytest.param(_replace("day_offs.csv", "2024-08-01,,", "2024-07-05,,"),
                 "day_offs.csv line 3, column date: overlaps line 2 (2024-07-01 to 2024-07-05)", id="overlap"),
    pytest.param(_replace("desktop_login_logs.csv", "2024-06-10T08:59:00", "yesterday"),
                 "desktop_login_logs.csv line 2, column date: not a date-time (ISO 8601): 'yesterday'",
                 id="login date"),
    pytest.param({"time_spents.csv": "id,person_id,task_id,date\n"},
                 "time_spents.csv line 1, column duration: missing from the header", id="header"),
]


@pytest.mark.parametrize(("changes", "message"), BAD_ROWS)
def test_a_bad_row_aborts_the_whole_import_naming_file_line_and_column(tmp_path, changes, message):
    PersonFactory(first_name="Already", last_name="Here", email="already@studio.example")
    before = snapshot()
    folder = write(tmp_path / "studio", {**FILES, **changes})

    with pytest.raises(CommandError) as refused:
        run(folder)

    assert message in str(refused.value)
    assert str(refused.value).startswith("Import aborted, nothing was changed: ")
    assert snapshot() == before


def test_a_bad_row_after_a_first_import_leaves_the_first_import_as_it_was(folder):
    run(folder)
    before = snapshot()
    write(folder, {"persons.csv": FILES["persons.csv"].replace("Ben,Bit,", "Ben,Byte,"),
                   **_replace("time_spents.csv", "2024-06-05,480", "2024-06-05,0")})

    with pytest.raises(CommandError, match="time_spents.csv line 5, column duration: must be > 0"):
        run(folder)

    assert snapshot() == before


def test_a_row_the_database_refuses_is_named(folder):
    """Another time spent of the same person, task and day is already stored under another id: the unique
    constraint refuses the row, and the error names the file (and, on PostgreSQL, the line)."""
    run(folder)
    TimeSpent.objects.filter(pk="00000000-0000-4000-8000-00000000f003").update(
        id="00000000-0000-4000-8000-00000000f0ff")
    before = snapshot()

    with pytest.raises(CommandError) as refused:
        run(folder)

    assert "time_spents.csv" in str(refused.value) and "refused by the database" in str(refused.value)
    if connection.vendor == "postgresql":  # its error names the key, so the line is found
        assert "time_spents.csv line 4, column person_id, task_id, date: refused by the database" in str(
            refused.value)
    assert snapshot() == before


@pytest.mark.parametrize(("missing", "message"), [
    ("persons.csv", "department_links.csv refers to persons.csv, which is missing"),
    ("tasks.csv", "task_assignees.csv refers to tasks.csv, which is missing"),
    ("project.csv", "entities.csv refers to project.csv, which is missing"),
    ("entities.csv", "tasks.csv refers to entities.csv, which is missing"),
])
def test_a_file_that_another_refers_to_is_required(tmp_path, missing, message):
    folder = write(tmp_path / "studio", {name: content for name, content in FILES.items() if name != missing})

    with pytest.raises(CommandError, match=message):
        run(folder)

    assert Person.objects.count() == 0 and Department.objects.count() == 0


def test_every_file_is_optional_when_nothing_refers_to_it(tmp_path):
    out, _ = run(write(tmp_path / "studio", {name: FILES[name] for name in ("departments.csv", "persons.csv",
                                                                            "desktop_login_logs.csv")}))

    assert "desktop_login_logs.csv: 2 rows, 2 created" in out
    assert Person.objects.count() == 3 and not Task.objects.exists()


def test_time_spent_on_an_existing_task_keeps_its_duration_right(tmp_path):
    """References may also name rows already in the database; the durations still come out right."""
    task = TaskFactory()
    person = PersonFactory(email="dora@studio.example")
    time_spent(task=task, person=person, date=dt.date(2024, 6, 3), duration=60)
    files = {name: FILES[name] for name in ("departments.csv", "persons.csv", "project.csv", "entities.csv",
                                            "tasks.csv")}
    files["time_spents.csv"] = f"id,person_id,task_id,date,duration\n00000000-0000-4000-8000-00000000f777,{person.pk},{task.pk},2024-06-04,30\n"

    run(write(tmp_path / "studio", files))

    assert Task.objects.get(pk=task.pk).duration == 90.0
    assert Person.objects.get(pk=person.pk).last_presence == dt.date(2024, 6, 4)


def test_an_unknown_folder_is_refused(tmp_path):
    with pytest.raises(CommandError, match="no such directory"):
        run(tmp_path / "nowhere")


def test_a_generated_dataset_of_20000_time_spents_imports_in_one_run(tmp_path):
    counts = write_dataset(tmp_path / "generated", persons=200, time_spents=20_000, seed=7)

    started = time.perf_counter()
    out, _ = run(tmp_path / "generated")
    elapsed = time.perf_counter() - started
    print(f"\nimport_csv: {sum(counts.values())} rows in {elapsed:.1f} s")

    assert "Imported in" in out and f": {sum(counts.values())} created, 0 updated." in out
    assert TimeSpent.objects.count() == 20_000 and Person.objects.count() == 200
    sums = dict(TimeSpent.objects.order_by().values_list("task").annotate(total=Sum("duration")))
    assert all(duration == sums.get(pk, 0) for pk, duration in Task.objects.values_list("pk", "duration"))
    out, _ = run(tmp_path / "generated")
    assert ": 0 created, 0 updated." in out
