"""The time-tracking rules, service by service: the dates a status change sets (zou-api.md 8), `Task.duration`
kept equal to its time spent (3.2, 5.3; items 43-44), day-offs that never overlap and clear the time spent on
their days (5.4; items 41-42, 53), and what a person delete refuses or removes (4.5; item 20)."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone

from config.errors import ApplicationError
from people.models import Person
from people.services.persons import person_delete
from tests.timetracking.factories import (
    ProjectFactory,
    TaskFactory,
    TaskStatusFactory,
    day_off,
    time_spent,
)
from timetracking import services
from timetracking.models import DayOff, ProjectPersonLink, Task, TaskPersonLink, TimeSpent

pytestmark = pytest.mark.django_db

JUNE_4 = dt.date(2024, 6, 4)


def _recent(value: dt.datetime | None) -> bool:
    return value is not None and abs((timezone.now() - value).total_seconds()) < 60


# Status rules (section 8) -----------------------------------------------------------------------------

def _set_status(task: Task, status) -> Task:
    services.task_update(acting_user=None, task=task, data={"task_status": status})
    return Task.objects.get(pk=task.pk)


def test_first_wip_status_sets_the_real_start_date_once():
    todo, wip, retake = TaskStatusFactory(), TaskStatusFactory(is_wip=True), TaskStatusFactory(is_retake=True)
    task = TaskFactory(task_status=todo)
    assert task.real_start_date is None
    task = _set_status(task, wip)
    started = task.real_start_date
    assert _recent(started)
    Task.objects.filter(pk=task.pk).update(real_start_date=started - dt.timedelta(days=3))
    task = _set_status(_set_status(Task.objects.get(pk=task.pk), retake), wip)
    assert task.real_start_date == started - dt.timedelta(days=3)  # only the first WIP status sets it


def test_feedback_request_sets_end_date_and_any_other_status_clears_it():
    wip, review = TaskStatusFactory(is_wip=True), TaskStatusFactory(is_feedback_request=True)
    task = _set_status(TaskFactory(), review)
    assert _recent(task.end_date) and task.done_date is None
    task = _set_status(task, wip)
    assert task.end_date is None


def test_done_status_sets_done_date_and_any_other_status_clears_it():
    done, wip = TaskStatusFactory(is_done=True), TaskStatusFactory(is_wip=True)
    task = _set_status(TaskFactory(), done)
    assert _recent(task.done_date) and task.end_date is None
    task = _set_status(task, wip)
    assert task.done_date is None


def test_reapplying_the_same_status_keeps_the_dates():
    review = TaskStatusFactory(is_feedback_request=True)
    task = _set_status(TaskFactory(), review)
    earlier = task.end_date - dt.timedelta(days=2)
    Task.objects.filter(pk=task.pk).update(end_date=earlier)
    task = _set_status(Task.objects.get(pk=task.pk), review)
    assert task.end_date == earlier


def test_a_task_created_in_a_done_status_has_its_done_date():
    task = TaskFactory(task_status=TaskStatusFactory(is_done=True, is_wip=False))
    assert _recent(task.done_date)


# Time spent and Task.duration ------------------------------------------------------------------------

def _sum(task: Task) -> float:
    return TimeSpent.objects.filter(task=task).aggregate(total=Sum("duration"))["total"] or 0.0


def test_set_then_add_makes_one_row_and_the_task_duration_follows(user):
    task = TaskFactory()
    time_spent(task=task, person=user, date=JUNE_4, duration=3600)
    row = services.time_spent_set(acting_user=None, task=task, person=user, date=JUNE_4, duration=10800,
                                  add=True)
    assert row.duration == 14400
    assert TimeSpent.objects.filter(task=task).count() == 1
    assert Task.objects.get(pk=task.pk).duration == 14400 == _sum(task)


def test_duration_is_the_sum_of_every_person_after_edits_and_deletes(user, manager):
    task = TaskFactory()
    first = time_spent(task=task, person=user, date=JUNE_4, duration=500)
    time_spent(task=task, person=manager, date=JUNE_4, duration=300)
    time_spent(task=task, person=user, date=JUNE_4 + dt.timedelta(days=1), duration=100)
    assert Task.objects.get(pk=task.pk).duration == 900
    services.time_spent_update(acting_user=None, time_spent=first, data={"duration": 50})
    assert Task.objects.get(pk=task.pk).duration == 450 == _sum(task)
    services.time_spent_delete(acting_user=None, time_spent=first)
    assert Task.objects.get(pk=task.pk).duration == 400 == _sum(task)


def test_moving_time_spent_to_another_task_recomputes_both(user):
    one, other = TaskFactory(), TaskFactory()
    row = time_spent(task=one, person=user, date=JUNE_4, duration=120)
    services.time_spent_update(acting_user=None, time_spent=row, data={"task": other})
    assert Task.objects.get(pk=one.pk).duration == 0
    assert Task.objects.get(pk=other.pk).duration == 120


@pytest.mark.parametrize("duration", [0, -5, float("nan"), float("inf"), "60", None, True])
def test_duration_must_be_a_positive_number(user, duration):
    with pytest.raises(ApplicationError) as raised:
        time_spent(task=TaskFactory(), person=user, date=JUNE_4, duration=duration)
    assert raised.value.data["errors"][0]["field"] == "duration"


def test_the_database_refuses_a_duration_of_zero(user):
    task = TaskFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        TimeSpent.objects.create(task=task, person=user, date=JUNE_4, duration=0)


def test_new_time_spent_moves_last_presence_forward_only(user):
    task = TaskFactory()
    time_spent(task=task, person=user, date=JUNE_4, duration=60)
    assert Person.objects.get(pk=user.pk).last_presence == JUNE_4
    time_spent(task=task, person=user, date=JUNE_4 - dt.timedelta(days=10), duration=60)
    assert Person.objects.get(pk=user.pk).last_presence == JUNE_4


# Day-offs --------------------------------------------------------------------------------------------

def test_day_off_clears_the_time_spent_of_the_days_it_covers_and_the_durations_follow(user, manager):
    task = TaskFactory()
    time_spent(task=task, person=user, date=dt.date(2024, 6, 3), duration=100)
    time_spent(task=task, person=user, date=dt.date(2024, 6, 4), duration=200)
    time_spent(task=task, person=user, date=dt.date(2024, 6, 6), duration=400)
    time_spent(task=task, person=manager, date=dt.date(2024, 6, 4), duration=30)
    day_off(person=user, date=dt.date(2024, 6, 4), end_date=dt.date(2024, 6, 5))
    assert sorted(TimeSpent.objects.filter(person=user).values_list("duration", flat=True)) == [100, 400]
    assert Task.objects.get(pk=task.pk).duration == 530 == _sum(task)  # Zou kept 730 here


def test_moving_a_day_off_clears_the_new_days(user):
    task = TaskFactory()
    time_spent(task=task, person=user, date=dt.date(2024, 6, 10), duration=60)
    off = day_off(person=user, date=dt.date(2024, 6, 3))
    services.day_off_update(acting_user=None, day_off=off, data={"date": dt.date(2024, 6, 10),
                                                                 "end_date": dt.date(2024, 6, 11)})
    assert not TimeSpent.objects.filter(person=user).exists()
    assert Task.objects.get(pk=task.pk).duration == 0


@pytest.mark.parametrize(("start", "end"), [
    (dt.date(2024, 6, 1), dt.date(2024, 6, 10)),  # touches the first day
    (dt.date(2024, 6, 14), dt.date(2024, 6, 20)),  # touches the last day
    (dt.date(2024, 6, 1), dt.date(2024, 6, 30)),  # covers the whole period
    (dt.date(2024, 6, 12), dt.date(2024, 6, 12)),  # inside it
])
def test_overlapping_day_offs_are_refused(user, start, end):
    day_off(person=user, date=dt.date(2024, 6, 10), end_date=dt.date(2024, 6, 14))
    with pytest.raises(ApplicationError, match="Day off already exists for this period"):
        day_off(person=user, date=start, end_date=end)


def test_next_free_day_and_other_people_are_fine(user, manager):
    day_off(person=user, date=dt.date(2024, 6, 10), end_date=dt.date(2024, 6, 14))
    day_off(person=user, date=dt.date(2024, 6, 15))
    day_off(person=manager, date=dt.date(2024, 6, 10), end_date=dt.date(2024, 6, 14))
    assert DayOff.objects.count() == 3


def test_extending_a_day_off_does_not_collide_with_itself(user):
    off = day_off(person=user, date=dt.date(2024, 6, 10), end_date=dt.date(2024, 6, 11))
    services.day_off_update(acting_user=None, day_off=off, data={"end_date": dt.date(2024, 6, 20)})
    assert DayOff.objects.get(pk=off.pk).end_date == dt.date(2024, 6, 20)


def test_end_before_start_is_refused_by_the_service_and_the_database(user):
    with pytest.raises(ApplicationError) as raised:
        day_off(person=user, date=dt.date(2024, 6, 10), end_date=dt.date(2024, 6, 9))
    assert raised.value.data["errors"][0]["field"] == "end_date"
    with pytest.raises(IntegrityError), transaction.atomic():
        DayOff.objects.create(person=user, date=dt.date(2024, 6, 10), end_date=dt.date(2024, 6, 9))


def test_the_database_itself_refuses_overlaps(user):
    """Even a write that skips the services (a raw ORM create) cannot overlap on PostgreSQL (the suite's
    database: config/settings/test.py refuses any other)."""
    DayOff.objects.create(person=user, date=dt.date(2024, 6, 10), end_date=dt.date(2024, 6, 14))
    with pytest.raises(IntegrityError), transaction.atomic():
        DayOff.objects.create(person=user, date=dt.date(2024, 6, 14), end_date=dt.date(2024, 6, 16))
    DayOff.objects.create(person=user, date=dt.date(2024, 6, 15), end_date=dt.date(2024, 6, 16))


# Person delete (4.5) --------------------------------------------------------------------------------

@pytest.fixture
def busy_user(user, manager):
    """John Doe on a project's team, assigned a task he logged time on, with a day off; he assigned a task."""
    project = ProjectFactory(team=[user])
    task = TaskFactory(entity__project=project, assignees=[user, manager])
    other = TaskFactory(entity__project=project)
    Task.objects.filter(pk=other.pk).update(assigner=user)
    time_spent(task=task, person=user, date=JUNE_4, duration=500)
    time_spent(task=task, person=manager, date=JUNE_4, duration=60)
    day_off(person=user, date=dt.date(2024, 7, 1))
    return user, task, other


@pytest.mark.parametrize("linked", ["time_spent", "day_off", "assignment", "team", "assigner"])
def test_a_plain_delete_is_refused_while_time_data_remains(admin, user, linked):
    project = ProjectFactory()
    if linked == "time_spent":
        time_spent(task=TaskFactory(), person=user, date=JUNE_4, duration=10)
    elif linked == "day_off":
        day_off(person=user, date=JUNE_4)
    elif linked == "assignment":
        TaskFactory(assignees=[user])
    elif linked == "team":
        ProjectPersonLink.objects.create(project=project, person=user)
    else:
        Task.objects.filter(pk=TaskFactory().pk).update(assigner=user)
    with pytest.raises(ApplicationError, match="Some data are still linked to given person."):
        person_delete(acting_user=admin, person=user)
    assert Person.objects.filter(pk=user.pk).exists()


def test_a_forced_delete_removes_the_time_data_and_keeps_totals_right(admin, manager, busy_user):
    user, task, other = busy_user
    person_delete(acting_user=admin, person=user, force=True)
    assert not Person.objects.filter(pk=user.pk).exists()
    assert not TimeSpent.objects.filter(person_id=user.pk).exists()
    assert not DayOff.objects.filter(person_id=user.pk).exists()
    assert list(TaskPersonLink.objects.filter(task=task).values_list("person_id", flat=True)) == [manager.pk]
    assert not ProjectPersonLink.objects.filter(person_id=user.pk).exists()
    assert Task.objects.get(pk=other.pk).assigner_id is None
    assert Task.objects.get(pk=task.pk).duration == 60 == _sum(task)


def test_a_refused_forced_delete_keeps_the_time_data(admin, busy_user, monkeypatch):
    """The signal runs inside the delete's transaction: when the delete fails afterwards, nothing is lost."""
    user, task, _ = busy_user
    from people.services import persons

    def failing_delete(self, *args, **kwargs):
        raise IntegrityError("simulated")

    monkeypatch.setattr(Person, "delete", failing_delete)
    with pytest.raises(ApplicationError):
        with transaction.atomic():
            persons.person_delete(acting_user=admin, person=user, force=True)
    assert TimeSpent.objects.filter(person=user).count() == 1
    assert Task.objects.get(pk=task.pk).duration == 560
