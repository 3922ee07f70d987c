"""The stored time totals (timetracking.totals): equal to a fresh GROUP BY over the raw rows after every kind of
write, with ISO weeks, a sentinel for "no department", no zero rows; rebuilt and verified by a command."""

import datetime as dt
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from departments.models import Department
from people.models import Person, Role
from people.services.persons import person_delete
from tests.conftest import make_person
from tests.timetracking.factories import TaskFactory, TaskTypeFactory, day_off, time_spent
from timetracking import services, totals
from timetracking.models import NO_DEPARTMENT, DayOff, Period, TimeSpent, TimeSpentPersonTotal, TimeSpentTotal

JUNE_4 = dt.date(2024, 6, 4)


def stored(period: str, **filters) -> dict:
    return {(str(row.period_start), row.period_number): row.minutes
            for row in TimeSpentTotal.objects.filter(period=period, **filters)}


@pytest.mark.django_db
def test_one_write_lands_in_the_four_periods_with_their_numbers():
    person, task = make_person(), TaskFactory()
    time_spent(task=task, person=person, date=JUNE_4, duration=800)
    assert stored(Period.DAY) == {("2024-06-04", 4): 800.0}
    assert stored(Period.WEEK) == {("2024-06-03", 23): 800.0}  # the ISO week's Monday
    assert stored(Period.MONTH) == {("2024-06-01", 6): 800.0}
    assert stored(Period.YEAR) == {("2024-01-01", 2024): 800.0}
    row = TimeSpentTotal.objects.get(period=Period.DAY)
    assert (row.person_id, row.project_id, row.department_key) == (person.pk, task.project_id, NO_DEPARTMENT)


@pytest.mark.django_db
def test_iso_weeks_across_the_new_year():
    person, task = make_person(), TaskFactory()
    time_spent(task=task, person=person, date=dt.date(2024, 12, 30), duration=60)  # ISO 2025-W01
    time_spent(task=task, person=person, date=dt.date(2027, 1, 1), duration=30)  # ISO 2026-W53
    assert stored(Period.WEEK) == {("2024-12-30", 1): 60.0, ("2026-12-28", 53): 30.0}


@pytest.mark.django_db
def test_set_add_update_and_delete_keep_the_totals_and_leave_no_zero_rows():
    person, task = make_person(), TaskFactory()
    row = services.time_spent_set(acting_user=None, task=task, person=person, date=JUNE_4, duration=3600)
    services.time_spent_set(acting_user=None, task=task, person=person, date=JUNE_4, duration=10800, add=True)
    assert stored(Period.MONTH) == {("2024-06-01", 6): 14400.0}
    services.time_spent_set(acting_user=None, task=task, person=person, date=JUNE_4, duration=60)
    assert stored(Period.MONTH) == {("2024-06-01", 6): 60.0}
    row.refresh_from_db()
    services.time_spent_update(acting_user=None, time_spent=row, data={"date": dt.date(2024, 7, 1)})
    assert stored(Period.MONTH) == {("2024-07-01", 7): 60.0}
    assert totals.verify() == []
    services.time_spent_delete(acting_user=None, time_spent=row)
    assert TimeSpentTotal.objects.count() == 0


@pytest.mark.django_db
def test_a_task_type_changing_department_moves_its_time():
    modeling = Department.objects.create(name="Modeling", color="#FF0000")
    task = TaskFactory()
    time_spent(task=task, person=make_person(), date=JUNE_4, duration=120)
    services.catalog_update(acting_user=None, instance=task.task_type, data={"department": modeling})
    assert set(TimeSpentTotal.objects.values_list("department_key", flat=True)) == {modeling.pk}
    other_type = TaskTypeFactory()
    services.task_update(acting_user=None, task=task, data={"task_type": other_type})
    assert set(TimeSpentTotal.objects.values_list("department_key", flat=True)) == {NO_DEPARTMENT}
    assert totals.verify() == []


@pytest.mark.django_db
def test_day_offs_forced_deletes_and_task_deletes_bring_totals_down(admin):
    person, other, task = make_person(), make_person(), TaskFactory()
    for day in (3, 4, 5):
        time_spent(task=task, person=person, date=dt.date(2024, 6, day), duration=100)
    time_spent(task=task, person=other, date=JUNE_4, duration=50)
    day_off(person=person, date=JUNE_4)
    assert stored(Period.WEEK, person=person) == {("2024-06-03", 23): 200.0}
    person_delete(acting_user=admin, person=person, force=True)
    assert not TimeSpentTotal.objects.filter(person_id=person.pk).exists()
    assert totals.verify() == []
    services.task_delete(acting_user=None, task=task, force=True)
    assert TimeSpentTotal.objects.count() == 0


@pytest.mark.django_db
def test_the_command_verifies_fixes_and_rebuilds(capsys):
    person, task = make_person(), TaskFactory()
    time_spent(task=task, person=person, date=JUNE_4, duration=800)
    call_command("time_totals", "--verify")
    TimeSpentTotal.objects.filter(period=Period.WEEK).update(minutes=1)
    TimeSpentTotal.objects.filter(period=Period.DAY).delete()
    with pytest.raises(CommandError, match="off"):
        call_command("time_totals", "--verify")
    assert len(totals.verify()) == 2
    call_command("time_totals", "--fix")
    assert totals.verify() == []
    TimeSpentTotal.objects.all().delete()
    assert services.time_totals_rebuild() == 4
    assert stored(Period.WEEK) == {("2024-06-03", 23): 800.0}
    assert "Rebuilt" not in capsys.readouterr().err


@pytest.mark.django_db(transaction=True)
def test_the_command_vacuums_what_it_rebuilt(capsys):
    """Outside a transaction the rebuilt tables are vacuumed at once: every page all-visible again (the time
    tables read the rollup's covering index alone) and fresh statistics."""
    person, task = make_person(), TaskFactory()
    for day in range(1, 29):
        time_spent(task=task, person=person, date=dt.date(2024, 2, day), duration=60)
    call_command("time_totals", "--rebuild")
    assert "Vacuumed and analyzed the rebuilt tables." in capsys.readouterr().out
    with connection.cursor() as cursor:
        for model in (TimeSpentTotal, TimeSpentPersonTotal):
            cursor.execute("SELECT relpages, relallvisible, reltuples FROM pg_class WHERE oid = %s::regclass",
                           [model._meta.db_table])
            pages, all_visible, tuples = cursor.fetchone()
            assert pages > 0 and all_visible == pages, model
            # 28 days, 5 ISO weeks (Thursday the 1st to Wednesday the 28th), a month, a year
            assert tuples == model.objects.count() == 28 + 5 + 1 + 1, model


# The property: whatever the writes, the stored totals equal a fresh GROUP BY --------------------------

DAYS = st.dates(min_value=dt.date(2024, 12, 20), max_value=dt.date(2025, 1, 12))  # across a year and ISO week
DURATIONS = st.sampled_from([15.0, 30.0, 60.0, 90.5, 480.0])
OPERATIONS = st.lists(st.one_of(
    st.tuples(st.just("set"), st.integers(0, 2), st.integers(0, 2), DAYS, DURATIONS, st.booleans()),
    st.tuples(st.just("update"), st.integers(0, 50), st.integers(0, 2), DAYS, DURATIONS),
    st.tuples(st.just("delete"), st.integers(0, 50)),
    st.tuples(st.just("day_off"), st.integers(0, 2), DAYS, st.integers(0, 3)),
    st.tuples(st.just("department"), st.integers(0, 2), st.integers(0, 2)),
    st.tuples(st.just("delete_person"), st.integers(0, 2)),
), min_size=1, max_size=25)


class TotalsProperty(HypothesisTestCase):
    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(OPERATIONS)
    def test_totals_equal_a_fresh_group_by(self, operations):
        departments = [None, Department.objects.create(name="Anim", color="#111111"),
                       Department.objects.create(name="Layout", color="#222222")]
        admin = make_person(role=Role.ADMIN, email="admin@example.com")
        persons = [make_person(email=f"p{i}@example.com") for i in range(3)]
        types = [TaskTypeFactory(department=departments[i]) for i in range(3)]
        tasks = [TaskFactory(task_type=types[i], assignees=persons) for i in range(3)]
        for operation in operations:
            kind, *args = operation
            persons = [Person.objects.filter(pk=p.pk).first() or p for p in persons]
            if kind == "set":
                person_index, task_index, day, duration, add = args
                if Person.objects.filter(pk=persons[person_index].pk).exists() and not DayOff.objects.filter(
                        person=persons[person_index], date__lte=day, end_date__gte=day).exists():
                    services.time_spent_set(acting_user=None, task=tasks[task_index],
                                            person=persons[person_index], date=day, duration=duration, add=add)
            elif kind == "update":
                index, task_index, day, duration = args
                rows = list(TimeSpent.objects.order_by("pk"))
                if rows:
                    row = rows[index % len(rows)]
                    clash = TimeSpent.objects.filter(person=row.person_id, task=tasks[task_index], date=day
                                                     ).exclude(pk=row.pk).exists()
                    if not clash:
                        services.time_spent_update(acting_user=None, time_spent=row, data={
                            "task": tasks[task_index], "date": day, "duration": duration})
            elif kind == "delete":
                rows = list(TimeSpent.objects.order_by("pk"))
                if rows:
                    services.time_spent_delete(acting_user=None, time_spent=rows[args[0] % len(rows)])
            elif kind == "day_off":
                person_index, day, length = args
                person = persons[person_index]
                end = day + dt.timedelta(days=length)
                if Person.objects.filter(pk=person.pk).exists() and not DayOff.objects.filter(
                        person=person, date__lte=end, end_date__gte=day).exists():
                    day_off(person=person, date=day, end_date=end)
            elif kind == "department":
                type_index, department_index = args
                services.catalog_update(acting_user=None, instance=types[type_index],
                                        data={"department": departments[department_index]})
            elif kind == "delete_person":
                person = persons[args[0]]
                if Person.objects.filter(pk=person.pk).exists():
                    person_delete(acting_user=admin, person=person, force=True)
            assert totals.verify() == [], operation
        assert not TimeSpentTotal.objects.filter(minutes__lt=totals.EPSILON).exists()
        # The rollup's stored table cells (PostgreSQL's generated column) follow its minutes.
        for row in TimeSpentPersonTotal.objects.all():
            assert row.table_cell == f'"{row.person_id}":{json.dumps(row.minutes)}', row
