"""The four time tables' two sources and two writers: the rollup by person (TimeSpentPersonTotal) answers
tables without a project or department, the detailed totals the others; PostgreSQL writes the JSON itself,
with DRF's bytes (float spellings included) and the same content as the portable Python path."""

import datetime as dt
import json

import pytest
from django.db import connection

from departments.models import Department
from tests.conftest import make_person
from tests.timetracking.factories import TaskFactory, TaskTypeFactory, time_spent
from timetracking import selectors
from timetracking.models import Period, TimeSpentPersonTotal, TimeSpentTotal

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
