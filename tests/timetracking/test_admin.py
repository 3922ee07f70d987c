"""The production screens of the HR back office: every screen opens, and saves keep the services' rules (task
durations, status dates, day-offs that never overlap and clear time spent) with refusals shown as messages."""

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.test import Client

from tests.timetracking.factories import (
    EntityFactory,
    ProjectFactory,
    TaskFactory,
    TaskStatusFactory,
    day_off,
)
from tests.timetracking.factories import time_spent as log_time
from timetracking.models import DayOff, Task, TimeSpent

pytestmark = pytest.mark.django_db

SCREENS = ["project", "entitytype", "tasktype", "taskstatus", "entity", "task", "timespent", "dayoff"]


@pytest.fixture
def hr(admin):
    client = Client()
    client.force_login(admin)
    return client


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.mark.parametrize("screen", SCREENS)
def test_every_screen_opens_for_an_admin_and_stays_closed_to_others(hr, user, screen):
    task = TaskFactory()
    log_time(task=task, person=user, date=dt.date(2024, 6, 4), duration=60)
    day_off(person=user, date=dt.date(2024, 6, 10))
    assert hr.get(f"/admin/timetracking/{screen}/").status_code == 200
    assert hr.get(f"/admin/timetracking/{screen}/add/").status_code == 200
    artist = Client()
    artist.force_login(user)
    assert artist.get(f"/admin/timetracking/{screen}/").status_code in (302, 403)


def test_time_and_day_off_lists_have_a_date_hierarchy(hr, user):
    log_time(task=TaskFactory(), person=user, date=dt.date(2024, 6, 4), duration=60)
    response = hr.get("/admin/timetracking/timespent/", {"date__year": "2024", "date__month": "6"})
    assert response.status_code == 200 and "2024" in response.content.decode()
    assert hr.get("/admin/timetracking/dayoff/", {"date__year": "2024"}).status_code == 200


def test_time_spent_added_in_the_admin_updates_the_task_duration(hr, user):
    task = TaskFactory()
    log_time(task=task, person=user, date=dt.date(2024, 6, 3), duration=100)
    response = hr.post("/admin/timetracking/timespent/add/", {
        "person": str(user.pk), "task": str(task.pk), "date": "2024-06-04", "duration": "500"})
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Task.objects.get(pk=task.pk).duration == 600
    row = TimeSpent.objects.get(date=dt.date(2024, 6, 4))
    response = hr.post(f"/admin/timetracking/timespent/{row.pk}/change/", {
        "person": str(user.pk), "task": str(task.pk), "date": "2024-06-04", "duration": "50"})
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Task.objects.get(pk=task.pk).duration == 150
    response = hr.post(f"/admin/timetracking/timespent/{row.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert Task.objects.get(pk=task.pk).duration == 100


def test_an_overlapping_day_off_is_refused_with_a_message(hr, user):
    day_off(person=user, date=dt.date(2024, 6, 10), end_date=dt.date(2024, 6, 14))
    response = hr.post("/admin/timetracking/dayoff/add/", {
        "person": str(user.pk), "date": "2024-06-14", "end_date": "2024-06-16", "description": "x"})
    assert response.status_code == 302
    assert messages_of(response) == ["Day off already exists for this period"]
    assert DayOff.objects.count() == 1


def test_a_day_off_added_in_the_admin_clears_the_time_of_its_days(hr, user):
    task = TaskFactory()
    log_time(task=task, person=user, date=dt.date(2024, 6, 11), duration=120)
    response = hr.post("/admin/timetracking/dayoff/add/", {
        "person": str(user.pk), "date": "2024-06-10", "end_date": "2024-06-12", "description": ""})
    assert response.status_code == 302, response.content.decode()[:3000]
    assert DayOff.objects.filter(person=user).count() == 1
    assert not TimeSpent.objects.exists() and Task.objects.get(pk=task.pk).duration == 0


def test_a_status_change_in_the_admin_sets_the_dates(hr):
    task = TaskFactory()
    done = TaskStatusFactory(is_done=True)
    response = hr.post(f"/admin/timetracking/task/{task.pk}/change/", {
        "name": "main", "description": "", "priority": 0, "difficulty": 3, "estimation": 0,
        "completion_rate": 0, "retake_count": 0, "sort_order": 0, "nb_assets_ready": 0, "nb_drawings": 0,
        "data": "null", "project": str(task.project_id), "task_type": str(task.task_type_id),
        "task_status": str(done.pk), "entity": str(task.entity_id)})
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Task.objects.get(pk=task.pk).done_date is not None


def test_an_open_project_is_not_deleted_from_the_admin(hr):
    project = ProjectFactory()
    EntityFactory(project=project)
    response = hr.post(f"/admin/timetracking/project/{project.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert messages_of(response) == ["Only closed projects can be deleted"]
