"""Time spent and day-offs over Zou's routes (zou-api.md 5 #4-#20, 5.2-5.5): Zou's checklist items 29-33, 40-44,
49, 53 and 54, the manager/supervisor scoping of the person routes and the tables, and that every route of
those sections resolves to the time-tracking app."""

import datetime as dt
import uuid

import pytest
from django.urls import resolve

from departments.models import Department, Studio
from people.models import DesktopLoginLog, Person
from people.services.persons import person_add_department
from tests.conftest import client_for, make_person
from tests.timetracking.factories import (
    EntityFactory,
    ProjectFactory,
    TaskFactory,
    TaskTypeFactory,
    day_off,
    entity_type,
    time_spent,
)
from timetracking.models import DayOff, Task, TimeSpent

pytestmark = pytest.mark.django_db

JUNE_4 = dt.date(2024, 6, 4)


@pytest.fixture
def shot_task(user):
    """A task on shot SH01 of sequence SE01, assigned to `user`, on a project whose team `user` is on."""
    project = ProjectFactory(name="Cosmos Landromat", team=[user])
    sequence = EntityFactory(name="SE01", project=project, entity_type=entity_type("Sequence"))
    shot = EntityFactory(name="SH01", project=project, parent=sequence)
    return TaskFactory(entity=shot, assignees=[user])


def _sum(rows) -> float:
    return sum(row["duration"] for row in rows)


# Logging time on a task (5.3; items 43, 44) ---------------------------------------------------------------

def test_set_then_add_makes_one_row_and_the_task_duration_follows(user_api, user, shot_task):
    path = f"/api/actions/tasks/{shot_task.pk}/time-spents/2024-06-04/persons/{user.pk}"
    response = user_api.post(path, {"duration": 3600}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["type"] == "TimeSpent" and response.json()["duration"] == 3600.0
    response = user_api.post(f"{path}/add", {"duration": 10800}, format="json")
    assert response.status_code == 201 and response.json()["duration"] == 14400.0
    assert TimeSpent.objects.filter(task=shot_task).count() == 1
    assert Task.objects.get(pk=shot_task.pk).duration == 14400.0
    body = user_api.get(f"/api/actions/tasks/{shot_task.pk}/time-spents").json()
    assert body["total"] == 14400.0 and [row["duration"] for row in body[str(user.pk)]] == [14400.0]
    assert user_api.get(f"/api/actions/tasks/{shot_task.pk}/time-spents/2024-06-05").json() == {"total": 0.0}
    response = user_api.delete(path)
    assert response.status_code == 201 and response.json()["duration"] == 14400.0
    assert Task.objects.get(pk=shot_task.pk).duration == 0
    assert user_api.delete(path).status_code == 404


def test_logging_needs_an_assignment_and_the_right_caller(user, manager, shot_task, admin_api):
    other = make_person(email="other@example.com")
    path = f"/api/actions/tasks/{shot_task.pk}/time-spents/2024-06-04/persons/{other.pk}"
    assert admin_api.post(path, {"duration": 60}, format="json").status_code == 403  # not assigned
    shot_task.assignees.add(other)
    assert client_for(user).post(path, {"duration": 60}, format="json").status_code == 403  # someone else
    assert client_for(manager).post(path, {"duration": 60}, format="json").status_code == 404  # not on team
    shot_task.project.team.add(manager)
    assert client_for(manager).post(path, {"duration": 60}, format="json").status_code == 201
    assert admin_api.post(path, {"duration": 0}, format="json").status_code == 400
    assert admin_api.post(path.replace("2024-06-04", "2024-13-04"), {"duration": 5}, format="json"
                          ).status_code == 400


# A person's time spent (items 29, 30) ----------------------------------------------------------------------

@pytest.fixture
def logged(user, shot_task):
    """Zou's fixture: 2 rows on 2018-06-04 summing to 800, a third in June 2018 (1400 in all)."""
    other_task = TaskFactory(entity=EntityFactory(name="SH02", project=shot_task.project), assignees=[user])
    time_spent(task=shot_task, person=user, date=dt.date(2018, 6, 4), duration=500)
    time_spent(task=other_task, person=user, date=dt.date(2018, 6, 4), duration=300)
    time_spent(task=shot_task, person=user, date=dt.date(2018, 6, 10), duration=600)
    return other_task


def test_a_persons_day_month_and_range(admin_api, user, logged):
    rows = admin_api.get(f"/api/data/persons/{user.pk}/time-spents/2018-06-04").json()
    assert len(rows) == 2 and _sum(rows) == 800
    rows = admin_api.get(f"/api/data/persons/{user.pk}/time-spents/month/all/2018/06").json()
    assert len(rows) == 3 and _sum(rows) == 1400 and [row["date"] for row in rows] == sorted(
        row["date"] for row in rows)
    rows = admin_api.get(f"/api/data/persons/{user.pk}/time-spents",
                         {"start_date": "2018-06-01", "end_date": "2018-06-04"}).json()
    assert len(rows) == 2
    assert admin_api.get(f"/api/data/persons/{user.pk}/time-spents", {"start_date": "2018-06-01"}
                         ).status_code == 400
    assert admin_api.get(f"/api/data/persons/{user.pk}/time-spents/2018-06-xx").status_code == 400
    assert admin_api.get(f"/api/data/persons/{user.pk}/time-spents/month/all/2018/13").status_code == 400
    rows = admin_api.get(f"/api/data/persons/{user.pk}/time-spents/by-date", {"date": "2018-06-04"}).json()
    assert len(rows) == 2  # gazu 1.1's spelling
    assert admin_api.get(f"/api/data/persons/{uuid.uuid4()}/time-spents/2018-06-04").status_code == 404


def test_aggregated_entries_by_task(user_api, user, shot_task, logged):
    year = user_api.get(f"/api/data/persons/{user.pk}/time-spents/year/2018").json()
    assert sorted(entry["duration"] for entry in year) == [300.0, 1100.0]
    [entry] = [entry for entry in year if entry["task_id"] == str(shot_task.pk)]
    assert entry == {"task_id": str(shot_task.pk), "task_type_id": str(shot_task.task_type_id),
                     "project_id": str(shot_task.project_id), "project_name": "Cosmos Landromat",
                     "entity_name": "SH01", "entity_type_name": "Shot", "sequence_name": "SE01",
                     "episode_name": None, "duration": 1100.0}
    month = user_api.get(f"/api/data/persons/{user.pk}/time-spents/month/2018/6").json()
    assert _sum(month) == 1400
    week = user_api.get(f"/api/data/persons/{user.pk}/time-spents/week/2018/23").json()  # June 4-10
    assert _sum(week) == 1400
    day = user_api.get(f"/api/data/persons/{user.pk}/time-spents/day/2018/6/4").json()
    assert _sum(day) == 800
    assert user_api.get(f"/api/data/persons/{user.pk}/time-spents/year/2017").json() == []


def test_person_routes_scoping(user, manager, supervisor, client_person, bot, shot_task, logged, admin_api):
    path = f"/api/data/persons/{user.pk}/time-spents/year/2018"
    assert client_for(client_person).get(path).status_code == 403
    assert client_for(manager).get(path).json() == []  # not on the project's team
    shot_task.project.team.add(manager, supervisor)
    assert _sum(client_for(manager).get(path).json()) == 1400
    assert client_for(supervisor).get(path).json() == []  # the task types have no department of theirs
    animation = Department.objects.create(name="Animation", color="#123456")
    person_add_department(acting_user=None, person=supervisor, department_id=animation.pk)
    shot_task.task_type.department = animation
    shot_task.task_type.save()
    assert _sum(client_for(supervisor).get(path).json()) == 1100
    other_project = ProjectFactory()
    assert client_for(manager).get(path, {"project_id": str(other_project.pk)}).status_code == 403
    assert admin_api.get(f"/api/data/persons/{bot.pk}/time-spents/year/2018").status_code == 403
    assert client_for(user).get(f"/api/data/persons/{user.pk}/time-spents",
                                {"start_date": "2018-06-01", "end_date": "2018-06-30"}).status_code == 403



def test_whoever_opens_a_persons_hr_data_reads_all_their_time_and_day_offs(user, supervisor, client_person,
                                                                          shot_task, logged):
    """Issue 7 item 2: a line manager (any role, at any depth) and a supervisor of the person's department read
    the person's whole time and day-offs, beyond Zou's project rules; a stranger stays refused."""
    day_off(person=user, date=dt.date(2018, 6, 11))
    routes = (f"/api/data/persons/{user.pk}/time-spents/year/2018",
              f"/api/data/persons/{user.pk}/time-spents/month/all/2018/06",
              f"/api/data/persons/{user.pk}/day-offs/month/2018/06")
    top_manager = make_person(email="top@example.com", role="vendor")
    line_manager = make_person(email="line@example.com", role="client")
    for path in routes:  # strangers to the user: Zou's rules, which refuse these roles
        assert client_for(line_manager).get(path).status_code == 403
        assert client_for(top_manager).get(path).status_code == 403
    Person.objects.filter(pk=user.pk).update(manager=line_manager)
    Person.objects.filter(pk=line_manager.pk).update(manager=top_manager)
    for caller in (line_manager, top_manager):
        year, month, day_offs = (client_for(caller).get(path) for path in routes)
        assert _sum(year.json()) == 1400 and _sum(month.json()) == 1400
        assert [row["date"] for row in day_offs.json()] == ["2018-06-11"]
    assert client_for(client_person).get(routes[0]).status_code == 403  # still a stranger

    # A supervisor: Zou's rule shows none of it (no team, no department on the task types) until the user
    # joins one of the supervisor's departments.
    assert client_for(supervisor).get(routes[0]).json() == []
    assert client_for(supervisor).get(routes[2]).status_code == 403
    layout = Department.objects.create(name="Layout", color="#654321")
    person_add_department(acting_user=None, person=supervisor, department_id=layout.pk)
    person_add_department(acting_user=None, person=user, department_id=layout.pk)
    assert _sum(client_for(supervisor).get(routes[0]).json()) == 1400
    assert client_for(supervisor).get(routes[2]).status_code == 200

# The tables (items 31, 54; the scoping of 5) ---------------------------------------------------------------

def test_tables_for_800_minutes_on_june_4(admin_api, user, shot_task):
    time_spent(task=shot_task, person=user, date=JUNE_4, duration=500)
    time_spent(task=TaskFactory(entity=EntityFactory(project=shot_task.project), assignees=[user]),
               person=user, date=JUNE_4, duration=300)
    pid = str(user.pk)
    assert admin_api.get("/api/data/persons/time-spents/year-table/").json() == {"2024": {pid: 800.0}}
    assert admin_api.get("/api/data/persons/time-spents/month-table/2024").json() == {"6": {pid: 800.0}}
    assert admin_api.get("/api/data/persons/time-spents/week-table/2024").json() == {"23": {pid: 800.0}}
    assert admin_api.get("/api/data/persons/time-spents/day-table/2024/06").json() == {"4": {pid: 800.0}}
    assert admin_api.get("/api/data/persons/time-spents/day-table/2024/05").json() == {}
    assert admin_api.get("/api/data/persons/time-spents/month-table/2023").json() == {}
    assert admin_api.get("/api/data/persons/time-spents/day-table/2024/13").status_code == 400
    assert b'800.0' in admin_api.get("/api/data/persons/time-spents/year-table").content


def test_tables_filters_and_scoping(user, manager, supervisor, client_person, admin_api):
    paris = Studio.objects.create(name="Paris", color="#000000")
    animation = Department.objects.create(name="Animation", color="#123456")
    layout = Department.objects.create(name="Layout", color="#654321")
    artist = make_person(email="artist@example.com", studio_id=paris.pk)
    first = TaskFactory(task_type=TaskTypeFactory(department=animation), assignees=[user, artist])
    second = TaskFactory(task_type=TaskTypeFactory(department=layout), assignees=[user])
    time_spent(task=first, person=user, date=JUNE_4, duration=100)
    time_spent(task=first, person=artist, date=JUNE_4, duration=200)
    time_spent(task=second, person=user, date=JUNE_4, duration=400)
    table = "/api/data/persons/time-spents/year-table"
    uid, aid = str(user.pk), str(artist.pk)
    assert admin_api.get(table).json() == {"2024": {uid: 500.0, aid: 200.0}}
    assert admin_api.get(table, {"project_id": str(second.project_id)}).json() == {"2024": {uid: 400.0}}
    assert admin_api.get(table, {"department_id": str(animation.pk)}).json() == {"2024": {uid: 100.0, aid: 200.0}}
    assert admin_api.get(table, {"studio_id": str(paris.pk)}).json() == {"2024": {aid: 200.0}}
    assert admin_api.get(table, {"project_id": "nope"}).status_code == 400
    # Others see their own row only.
    assert client_for(user).get(table).json() == {"2024": {uid: 500.0}}
    assert client_for(client_person).get(table).json() == {}
    # Managers: their team's projects; another project is a 403.
    first.project.team.add(manager, supervisor)
    assert client_for(manager).get(table).json() == {"2024": {uid: 100.0, aid: 200.0}}
    assert client_for(manager).get(table, {"project_id": str(second.project_id)}).status_code == 403
    # Supervisors: also their own departments; another department is Zou's 400.
    assert client_for(supervisor).get(table).json() == {}
    person_add_department(acting_user=None, person=supervisor, department_id=animation.pk)
    assert client_for(supervisor).get(table).json() == {"2024": {uid: 100.0, aid: 200.0}}
    response = client_for(supervisor).get(table, {"department_id": str(layout.pk)})
    assert response.status_code == 400
    assert response.json()["message"] == "Supervisor not allowed to access this department"


# Day-offs (items 32, 33, 40-42, 53) -------------------------------------------------------------------------

def test_day_off_crud(admin_api, user):
    response = admin_api.post("/api/data/day-offs", {"person_id": str(user.pk), "date": "2024-06-10",
                                                     "end_date": "2024-06-12"}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["type"] == "DayOff" and body["date"] == "2024-06-10" and body["end_date"] == "2024-06-12"
    assert [row["id"] for row in admin_api.get("/api/data/day-offs").json()] == [body["id"]]
    assert admin_api.get(f"/api/data/day-offs/{body['id']}").json()["person_id"] == str(user.pk)
    assert admin_api.get(f"/api/data/day-offs/{uuid.uuid4()}").status_code == 404
    response = admin_api.put(f"/api/data/day-offs/{body['id']}", {**body, "description": "Holidays"}, format="json")
    assert response.status_code == 200 and response.json()["description"] == "Holidays"
    assert admin_api.delete(f"/api/data/day-offs/{body['id']}").status_code == 204
    assert not DayOff.objects.exists()


def test_day_offs_belong_to_their_person(user, admin):
    mine = client_for(user)
    response = mine.post("/api/data/day-offs", {"person_id": str(user.pk), "date": "2024-06-10",
                                                "end_date": "2024-06-10"}, format="json")
    assert response.status_code == 201
    assert mine.post("/api/data/day-offs", {"person_id": str(admin.pk), "date": "2024-06-10",
                                            "end_date": "2024-06-10"}, format="json").status_code == 403
    theirs = day_off(person=admin, date=JUNE_4)
    assert mine.get(f"/api/data/day-offs/{theirs.pk}").status_code == 403
    assert mine.delete(f"/api/data/day-offs/{theirs.pk}").status_code == 403
    assert mine.get("/api/data/day-offs").status_code == 403
    own = response.json()
    assert mine.put(f"/api/data/day-offs/{own['id']}", {**own, "person_id": str(admin.pk)}, format="json"
                    ).status_code == 403
    assert mine.put(f"/api/data/day-offs/{own['id']}", {**own, "description": "x"}, format="json").status_code == 200


def test_overlaps_are_refused_and_extending_through_put_is_not(admin_api, user):
    day_off(person=user, date=dt.date(2024, 6, 10), end_date=dt.date(2024, 6, 12))
    for date, end in (("2024-06-08", "2024-06-10"), ("2024-06-12", "2024-06-14"), ("2024-06-01", "2024-06-30")):
        response = admin_api.post("/api/data/day-offs", {"person_id": str(user.pk), "date": date, "end_date": end},
                                  format="json")
        assert response.status_code == 400 and response.json()["message"] == "Day off already exists for this period"
    response = admin_api.post("/api/data/day-offs", {"person_id": str(user.pk), "date": "2024-06-13",
                                                     "end_date": "2024-06-13"}, format="json")
    assert response.status_code == 201
    first = DayOff.objects.get(date=dt.date(2024, 6, 10))
    response = admin_api.put(f"/api/data/day-offs/{first.pk}", {"date": "2024-06-09"}, format="json")
    assert response.status_code == 200


def test_a_day_off_clears_the_time_it_covers_and_moving_it_clears_the_new_days(admin_api, user, shot_task):
    for day in (3, 4, 5, 6):
        time_spent(task=shot_task, person=user, date=dt.date(2024, 6, day), duration=100)
    response = admin_api.post("/api/data/day-offs", {"person_id": str(user.pk), "date": "2024-06-04",
                                                     "end_date": "2024-06-04"}, format="json")
    assert sorted(TimeSpent.objects.values_list("date__day", flat=True)) == [3, 5, 6]
    assert Task.objects.get(pk=shot_task.pk).duration == 300  # Zou forgot this one
    admin_api.put(f"/api/data/day-offs/{response.json()['id']}", {"end_date": "2024-06-05"}, format="json")
    assert sorted(TimeSpent.objects.values_list("date__day", flat=True)) == [3, 6]
    assert admin_api.get("/api/data/persons/time-spents/day-table/2024/6").json() == {
        "3": {str(user.pk): 100.0}, "6": {str(user.pk): 100.0}}


def test_day_off_listings_by_period(admin_api, user, supervisor):
    monday = day_off(person=user, date=dt.date(2024, 6, 10))
    base = f"/api/data/persons/{user.pk}/day-offs"
    ids = [str(monday.pk)]

    def listed(path):
        return [row["id"] for row in admin_api.get(path).json()]

    assert listed(f"{base}/week/2024/24") == ids and listed(f"{base}/week/2024/23") == []
    assert listed(f"{base}/month/2024/06") == ids and listed(f"{base}/month/2024/05") == []
    assert listed(f"{base}/year/2024") == ids and listed(f"{base}/year/2023") == []
    assert listed(base) == ids
    assert listed("/api/data/persons/day-offs/2024/06") == ids and listed("/api/data/persons/day-offs/2024/05") == []
    assert admin_api.get(f"{base}/2024-06-10").json()["id"] == str(monday.pk)
    assert client_for(supervisor).get(f"{base}/2024-06-10").status_code == 403
    assert client_for(user).get("/api/data/persons/day-offs/2024/06").json()[0]["id"] == str(monday.pk)
    assert client_for(supervisor).get("/api/data/persons/day-offs/2024/06").json() == []


def test_day_off_covering_a_day_and_month_overlap_ordered_by_date(admin_api, user):
    later = day_off(person=user, date=dt.date(2024, 6, 20), end_date=dt.date(2024, 6, 21))
    earlier = day_off(person=user, date=dt.date(2024, 5, 28), end_date=dt.date(2024, 6, 3))
    assert admin_api.get(f"/api/data/persons/{user.pk}/day-offs/2024-06-02").json()["id"] == str(earlier.pk)
    assert admin_api.get(f"/api/data/persons/{user.pk}/day-offs/2024-06-05").json() == {}
    rows = admin_api.get(f"/api/data/persons/{user.pk}/day-offs/month/2024/06").json()
    assert [row["id"] for row in rows] == [str(earlier.pk), str(later.pk)]


# /data/time-spents (item 43) and the current user's routes (5.2) -------------------------------------------

def test_time_spent_crud(admin_api, user, shot_task):
    body = {"person_id": str(user.pk), "task_id": str(shot_task.pk), "date": "2024-06-04", "duration": 120}
    response = admin_api.post("/api/data/time-spents", body, format="json")
    assert response.status_code == 201 and response.json()["type"] == "TimeSpent"
    assert admin_api.post("/api/data/time-spents", body, format="json").status_code == 400  # same day twice
    row = response.json()
    assert [r["id"] for r in admin_api.get("/api/data/time-spents", {"person_id": str(user.pk)}).json()] == [
        row["id"]]
    assert admin_api.get("/api/data/time-spents", {"person_id": str(uuid.uuid4())}).json() == []
    assert admin_api.get("/api/data/time-spents", {"start_date": "2024-06-05", "end_date": "2024-06-30"}
                         ).json() == []
    response = admin_api.put(f"/api/data/time-spents/{row['id']}", {**row, "duration": 240}, format="json")
    assert response.status_code == 200 and Task.objects.get(pk=shot_task.pk).duration == 240
    assert client_for(user).delete(f"/api/data/time-spents/{row['id']}").status_code == 204
    assert Task.objects.get(pk=shot_task.pk).duration == 0


def test_current_user_routes(user, shot_task):
    mine = client_for(user)
    time_spent(task=shot_task, person=user, date=JUNE_4, duration=90)
    off = day_off(person=user, date=dt.date(2024, 6, 10))
    assert [row["duration"] for row in mine.get("/api/data/user/time-spents").json()] == [90.0]
    assert mine.get("/api/data/user/time-spents", {"start_date": "2024-06-05", "end_date": "2024-06-09"}
                    ).json() == []
    assert len(mine.get("/api/data/user/time-spents/2024-06-04").json()) == 1
    assert mine.get(f"/api/data/user/tasks/{shot_task.pk}/time-spents/2024-06-04").json()["duration"] == 90.0
    assert mine.get(f"/api/data/user/tasks/{shot_task.pk}/time-spents/2024-06-05").json() is None
    assert mine.get("/api/data/user/day-offs/2024-06-10").json()["id"] == str(off.pk)
    assert mine.get("/api/data/user/day-offs/2024-06-11").json() == {}


# last_presence (item 49) ------------------------------------------------------------------------------------

def test_last_presence_is_the_later_of_time_spent_and_desktop_logins(user, shot_task):
    def presence():
        return Person.objects.get(pk=user.pk).last_presence

    assert presence() is None
    row = time_spent(task=shot_task, person=user, date=JUNE_4, duration=60)
    assert presence() == JUNE_4
    DesktopLoginLog.objects.create(person=user, date=dt.datetime(2024, 6, 8, 9, tzinfo=dt.UTC))
    time_spent(task=shot_task, person=user, date=dt.date(2024, 6, 1), duration=60)
    assert presence() == dt.date(2024, 6, 8)
    DesktopLoginLog.objects.all().delete()
    from timetracking import services

    services.time_spent_delete(acting_user=None, time_spent=row)
    assert presence() == dt.date(2024, 6, 1)


# Route placement -------------------------------------------------------------------------------------------

ZOU_TIME_PATHS = [
    "data/persons/{p}/time-spents", "data/persons/{p}/time-spents/2024-06-04",
    "data/persons/{p}/time-spents/year/2024", "data/persons/{p}/time-spents/month/2024/06",
    "data/persons/{p}/time-spents/week/2024/23", "data/persons/{p}/time-spents/day/2024/06/04",
    "data/persons/{p}/time-spents/month/all/2024/06", "data/persons/time-spents/year-table/",
    "data/persons/time-spents/month-table/2024", "data/persons/time-spents/week-table/2024",
    "data/persons/time-spents/day-table/2024/06", "data/persons/{p}/day-offs/2024-06-04",
    "data/persons/day-offs/2024/06", "data/persons/{p}/day-offs/week/2024/23",
    "data/persons/{p}/day-offs/month/2024/06", "data/persons/{p}/day-offs/year/2024", "data/persons/{p}/day-offs",
    "data/user/time-spents", "data/user/time-spents/2024-06-04", "data/user/tasks/{t}/time-spents/2024-06-04",
    "data/user/day-offs/2024-06-04", "actions/tasks/{t}/time-spents/2024-06-04/persons/{p}",
    "actions/tasks/{t}/time-spents/2024-06-04/persons/{p}/add", "actions/tasks/{t}/time-spents",
    "actions/tasks/{t}/time-spents/2024-06-04", "data/day-offs", "data/day-offs/{t}", "data/time-spents",
    "data/time-spents/{t}",
]


@pytest.mark.parametrize("path", ZOU_TIME_PATHS)
def test_each_zou_time_path_resolves_to_the_timetracking_app(path):
    match = resolve("/api/" + path.format(p=uuid.uuid4(), t=uuid.uuid4()))
    assert match.func.cls.__module__.startswith("timetracking."), (path, match.func.cls)


def test_a_tasks_time_shows_colleagues_rows_only_to_those_who_may_read_their_time(admin, manager, user):
    """Review finding: the task routes showed a teammate's time to anyone on the team, while the person routes
    refuse it. Now both follow one rule: admins and the project's managers see every row; a user sees their
    own rows only."""
    from tests.conftest import client_for, make_person
    from tests.timetracking.factories import TaskFactory
    from timetracking import services as tt_services

    peer = make_person(email="peer@example.com")
    task = TaskFactory(entity__project__team=[manager, user, peer], assignees=[user, peer])
    for person, minutes in ((user, 60), (peer, 90)):
        tt_services.time_spent_set(acting_user=admin, task=task, person=person,
                                   date=dt.date(2024, 6, 4), duration=minutes)
    path = f"/api/actions/tasks/{task.pk}/time-spents/2024-06-04"
    mine = client_for(user).get(path).json()
    assert set(mine) == {"total", str(user.pk)} and mine["total"] == 60.0
    everyone = client_for(manager).get(path).json()
    assert set(everyone) == {"total", str(user.pk), str(peer.pk)} and everyone["total"] == 150.0
    assert set(client_for(user).get(f"/api/actions/tasks/{task.pk}/time-spents").json()) == {"total", str(user.pk)}
