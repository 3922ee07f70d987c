"""The four time tables' two sources and two writers: the rollup by person (TimeSpentPersonTotal) answers
tables without a project or department, the detailed totals the others; PostgreSQL writes the JSON itself,
with DRF's bytes (float spellings included, the rollup's stored cells too) and the same content as the
portable Python path, periods in ascending order."""

import datetime as dt
import json

import pytest
from django.db import connection
from django.db.models import Q
from hypothesis import example, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from config.rows import RenderedJSON
from departments.models import Department
from tests.conftest import make_person
from tests.timetracking.factories import TaskFactory, TaskTypeFactory, time_spent
from timetracking import selectors
from timetracking.models import NO_DEPARTMENT, Period, TimeSpentPersonTotal, TimeSpentTotal
from timetracking.totals import EPSILON

pytestmark = pytest.mark.django_db

TABLES = ["year-table", "month-table/2024", "week-table/2024", "day-table/2024/6"]


@pytest.fixture
def history():
    animation = Department.objects.create(name="Animation", color="#112233")
    first, second = make_person(email="first@example.com"), make_person(email="second@example.com")
    animated = TaskFactory(task_type=TaskTypeFactory(department=animation))
    other = TaskFactory()
    # 0.1 + 0.2 is 0.30000000000000004: a float DRF spells with all its digits.
    time_spent(task=animated, person=first, date=dt.date(2024, 6, 4), duration=0.1)
    time_spent(task=other, person=first, date=dt.date(2024, 6, 4), duration=0.2)
    time_spent(task=animated, person=second, date=dt.date(2024, 6, 5), duration=90.5)
    time_spent(task=other, person=second, date=dt.date(2024, 6, 12), duration=800)
    return {"animation": animation, "first": first, "second": second, "animated": animated, "other": other}


@pytest.mark.parametrize("table", TABLES)
@pytest.mark.parametrize("query", ["", "project", "department"])
def test_the_json_is_drfs_bytes_and_equals_the_portable_path(admin_api, history, table, query, monkeypatch):
    params = {"project": {"project_id": str(history["other"].project_id)},
              "department": {"department_id": str(history["animation"].pk)}}.get(query, {})
    response = admin_api.get(f"/api/data/persons/time-spents/{table}", params)
    assert response.status_code == 200
    body = response.json()
    assert body  # every table of this history has cells
    assert list(body) == sorted(body, key=int)  # periods in ascending order
    assert response.content == json.dumps(body, separators=(",", ":")).encode()
    if connection.vendor == "postgresql":  # the same content from the Python path (SQLite's)
        admin = history["first"].__class__.objects.get(role="admin")
        scope = selectors.time_table_scope(viewer=admin, project_id=params.get("project_id"),
                                           department_id=params.get("department_id"))
        period = {"year": Period.YEAR, "month": Period.MONTH, "week": Period.WEEK, "day": Period.DAY}[
            table.split("-")[0]]
        bounds = {"year-table": (None, None), "month-table/2024": (dt.date(2024, 1, 1), dt.date(2025, 1, 1)),
                  "week-table/2024": (dt.date(2024, 1, 1), dt.date(2024, 12, 30)),
                  "day-table/2024/6": (dt.date(2024, 6, 1), dt.date(2024, 7, 1))}[table]
        monkeypatch.setattr(connection, "vendor", "sqlite")
        assert selectors.time_table(period=period, scope=scope, start=bounds[0], end=bounds[1]) == body


def test_unfiltered_tables_read_the_rollup_and_filtered_ones_the_detailed_totals(admin_api, history):
    first = str(history["first"].pk)
    year_table = "/api/data/persons/time-spents/year-table"
    assert admin_api.get(year_table).json()["2024"][first] == 0.30000000000000004
    # Each reader takes exactly one source: skew each and see which answer moves.
    TimeSpentPersonTotal.objects.filter(person=history["first"], period=Period.YEAR).update(minutes=1000)
    assert admin_api.get(year_table).json()["2024"][first] == 1000.0
    by_project = admin_api.get(year_table, {"project_id": str(history["animated"].project_id)}).json()
    assert by_project == {"2024": {first: 0.1, str(history["second"].pk): 90.5}}
    TimeSpentTotal.objects.filter(person=history["first"], period=Period.YEAR,
                                  project_id=history["animated"].project_id).update(minutes=7)
    assert admin_api.get(year_table, {"project_id": str(history["animated"].project_id)}).json()["2024"][first] == 7
    assert admin_api.get(year_table).json()["2024"][first] == 1000.0


def test_the_rollup_is_the_sum_of_the_detailed_totals_per_person_and_period(history):
    for row in TimeSpentPersonTotal.objects.all():
        detailed = TimeSpentTotal.objects.filter(period=row.period, period_start=row.period_start,
                                                 person_id=row.person_id)
        assert row.minutes == pytest.approx(sum(total.minutes for total in detailed))
        assert {total.period_number for total in detailed} == {row.period_number}
    assert TimeSpentPersonTotal.objects.count() == 3 + 3 + 2 + 2  # days, weeks (June 12: week 24), months, years


def test_periods_come_in_ascending_order_whatever_their_number_of_digits(admin_api):
    """Python puts the PostgreSQL rows in date order; as text, "10" would sort before "9"."""
    person, task = make_person(email="weeks@example.com"), TaskFactory()
    for day in (dt.date(2024, 2, 26), dt.date(2024, 3, 4), dt.date(2024, 1, 1), dt.date(2024, 12, 23)):
        time_spent(task=task, person=person, date=day, duration=60)
    for params in ({}, {"project_id": str(task.project_id)}):
        body = admin_api.get("/api/data/persons/time-spents/week-table/2024", params).json()
        assert list(body) == ["1", "9", "10", "52"]
        body = admin_api.get("/api/data/persons/time-spents/month-table/2024", params).json()
        assert list(body) == ["1", "2", "3", "12"]


def test_the_stored_cell_follows_every_write_of_the_rollup(history):
    cell = TimeSpentPersonTotal.objects.get(period=Period.YEAR, person=history["first"])
    assert cell.table_cell == f'"{history["first"].pk}":0.30000000000000004'
    time_spent(task=history["other"], person=history["first"], date=dt.date(2024, 7, 1), duration=99.7)
    cell.refresh_from_db()
    assert cell.table_cell == f'"{history["first"].pk}":{json.dumps(cell.minutes)}'
    assert cell.minutes == 0.1 + 0.2 + 99.7
    for row in TimeSpentPersonTotal.objects.all():
        assert row.table_cell == f'"{row.person_id}":{json.dumps(row.minutes)}'


# Every float a total may hold, spelled by the cells' SQL exactly as DRF's renderer spells it: stored totals
# are never within EPSILON of zero, and are far below 1e16 (19 billion years of minutes; beyond, PostgreSQL
# may print more digits than repr, as orjson prints other ones). Around both spellings' switches to
# exponents (1e-4; 1e15 for PostgreSQL, 1e16 for Python), integral or not, positive or negative.
BELOW_1E16 = 9999999999999998.0  # the largest float below 1e16
FLOATS = st.one_of(
    st.floats(min_value=EPSILON, max_value=BELOW_1E16),
    st.floats(min_value=1e14, max_value=BELOW_1E16),
    st.floats(min_value=EPSILON, max_value=1e-3),
    st.integers(min_value=1, max_value=int(BELOW_1E16)).map(float),
).flatmap(lambda value: st.sampled_from([value, -value]))


class CellSpelling(HypothesisTestCase):
    @settings(max_examples=200, deadline=None)
    @given(st.lists(FLOATS, min_size=1, max_size=20))
    @example([0.1 + 0.2, 480.0, 1e15, 1e15 + 0.5, 1e15 + 0.125, BELOW_1E16, 1e-4,
              1e-5, 0.0001234, 123456789.123, 2.0**53, 2.0**53 + 2, -7.5])
    def test_both_sources_spell_the_minutes_as_drf(self, values):
        """One total per day: the rollup's stored cells and the detailed totals' cells written at read time."""
        person, project = make_person(email="cells@example.com"), TaskFactory().project
        first = dt.date(2024, 1, 1)
        days = [first + dt.timedelta(days=index) for index in range(len(values))]
        TimeSpentPersonTotal.objects.bulk_create([
            TimeSpentPersonTotal(period=Period.DAY, period_start=day, period_number=index + 1, person=person,
                                 minutes=value) for index, (day, value) in enumerate(zip(days, values, strict=True))])
        TimeSpentTotal.objects.bulk_create([
            TimeSpentTotal(period=Period.DAY, period_start=day, period_number=index + 1, person=person,
                           project=project, department_key=NO_DEPARTMENT, minutes=value)
            for index, (day, value) in enumerate(zip(days, values, strict=True))])
        expected = json.dumps({str(index + 1): {str(person.pk): value} for index, value in enumerate(values)},
                              separators=(",", ":"))
        for row in TimeSpentPersonTotal.objects.filter(person=person):
            assert row.table_cell == f'"{person.pk}":{json.dumps(row.minutes)}'
        for detailed in (False, True):
            table = selectors.time_table(period=Period.DAY, scope=selectors.TableScope(Q(), detailed),
                                         start=first, end=days[-1] + dt.timedelta(days=1))
            assert table == RenderedJSON(expected)
