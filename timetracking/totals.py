"""The stored time totals (models.TimeSpentTotal): kept equal to a `GROUP BY` over the raw time spent.

Every change is pushed as a delta by the database itself: the rows a write touches are grouped by period
(day, ISO week, month, year), person, project and task-type department, and added with one
`INSERT ... SELECT ... ON CONFLICT DO UPDATE SET minutes = minutes + excluded.minutes` (PostgreSQL and SQLite
alike). A change that moves time between keys (a task's task type, a task type's department, a row's date
or person) subtracts the rows' contribution before the change and adds it after. Totals that reach zero are
deleted (the upsert returns what it touched), so a key exists only while it has time spent.

The period keys are computed with Django's date functions (`TruncWeek`, `ExtractWeek`, ...), which are ISO
weeks on both databases (on SQLite through Django's own SQL functions). `rebuild` recomputes everything with
one `INSERT ... SELECT ... GROUP BY` per period; `verify` compares the stored rows with a fresh `GROUP BY`.

Callers hold the locks that keep a delta exact (see services): the rows and their person or task are
locked before the delta is read, so no concurrent write can change them between the delta and the write.
"""

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.db import connection, models
from django.db.models import F, QuerySet, Sum, Value
from django.db.models.functions import (
    Cast,
    Coalesce,
    ExtractDay,
    ExtractMonth,
    ExtractWeek,
    ExtractYear,
    TruncMonth,
    TruncWeek,
    TruncYear,
)

from timetracking.models import NO_DEPARTMENT, Period, TimeSpent, TimeSpentPersonTotal, TimeSpentTotal

# Durations are float minutes: a total that comes back within this of zero is zero (float residue).
EPSILON = 1e-6

COLUMNS = ("period", "period_start", "period_number", "person_id", "project_id", "department_key", "minutes")
KEY_COLUMNS = COLUMNS[:2] + COLUMNS[3:6]
ALIASES = ("t_period", "t_start", "t_number", "t_person", "t_project", "t_department", "t_minutes")
# The rollup over projects and departments (TimeSpentPersonTotal).
PERSON_COLUMNS = ("period", "period_start", "period_number", "person_id", "minutes")
PERSON_KEY_COLUMNS = ("period", "period_start", "person_id")


def period_start_and_number(period: str, field: str = "date"):
    """The expressions of a date's period start and printed number, for one period kind."""
    if period == Period.DAY:
        return F(field), ExtractDay(field)
    if period == Period.WEEK:
        return TruncWeek(field), ExtractWeek(field)  # the ISO week's Monday and number
    if period == Period.MONTH:
        return TruncMonth(field), ExtractMonth(field)
    return TruncYear(field), ExtractYear(field)


def _grouped(time_spents: QuerySet, period: str, *, factor: float = 1.0, minutes: float | None = None
             ) -> QuerySet:
    """The rows' minutes grouped by one period kind and the total's key, in the columns of ALIASES; with
    `minutes`, that constant for each row instead (no grouping: meant for one row)."""
    start, number = period_start_and_number(period)
    if minutes is not None:
        minutes = Value(float(minutes))
    else:
        minutes = Sum("duration") if factor == 1.0 else Sum("duration") * Value(factor)
    return (
        time_spents.order_by()
        .annotate(
            t_period=Cast(Value(period.value if isinstance(period, Period) else period),
                          models.CharField(max_length=5)),
            t_start=Cast(start, models.DateField()),
            t_number=Cast(number, models.SmallIntegerField()),
            t_person=F("person_id"),
            t_project=F("task__project_id"),
            t_department=Coalesce(F("task__task_type__department_id"), Value(NO_DEPARTMENT),
                                  output_field=models.UUIDField()),
        )
        .values(*ALIASES[:-1])
        .annotate(t_minutes=Cast(minutes, models.FloatField()))
    )


def _select_sql(querysets: list[QuerySet]) -> tuple[str, list]:
    """One SELECT of the ALIASES columns over the UNION ALL of the grouped querysets."""
    parts, params = [], []
    columns = ", ".join(ALIASES)
    for index, queryset in enumerate(querysets):
        sql, part_params = queryset.query.sql_with_params()
        parts.append(f"SELECT {columns} FROM ({sql}) AS part{index}")
        params.extend(part_params)
    return " UNION ALL ".join(parts), params


def _table(model=TimeSpentTotal) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _quoted(columns) -> str:
    return ", ".join(connection.ops.quote_name(column) for column in columns)


def _upsert(cursor, sql: str, params: list, model) -> None:
    """Run an INSERT ... ON CONFLICT ... RETURNING id, minutes; delete the totals it left at zero."""
    cursor.execute(sql, params)
    zero = [row_id for row_id, minutes in cursor.fetchall() if abs(minutes) < EPSILON]
    if zero:
        model.objects.filter(pk__in=zero).delete()


def apply(time_spents: QuerySet, *, factor: float = 1.0, minutes: float | None = None) -> None:
    """Add `factor` times the minutes of `time_spents` (a TimeSpent queryset) to the stored totals: +1 after
    rows appear, -1 before they go; or add `minutes` at the keys of the one row of `time_spents` (a duration
    set or added). One statement for the four period kinds of the detailed totals, one for their rollup by
    person; then the totals that reached zero, if any did, are deleted."""
    if minutes == 0:
        return
    select, params = _select_sql([_grouped(time_spents, period, factor=factor, minutes=minutes)
                                  for period in Period])
    table, person_table = _table(), _table(TimeSpentPersonTotal)
    # `WHERE true` keeps SQLite from reading ON CONFLICT as a join constraint; the ORDER BY makes concurrent
    # writers lock the total rows in one order.
    detailed = (
        f"INSERT INTO {table} ({_quoted(COLUMNS)}) "
        f"SELECT {', '.join(ALIASES)} FROM ({select}) AS delta WHERE t_minutes <> 0 "
        f"ORDER BY t_period, t_start, t_person, t_project, t_department "
        f"ON CONFLICT ({_quoted(KEY_COLUMNS)}) "
        f"DO UPDATE SET minutes = {table}.minutes + excluded.minutes "
        f"RETURNING id, minutes"
    )
    rollup = (
        f"INSERT INTO {person_table} ({_quoted(PERSON_COLUMNS)}) "
        f"SELECT t_period, t_start, t_number, t_person, SUM(t_minutes) FROM ({select}) AS delta "
        f"GROUP BY t_period, t_start, t_number, t_person HAVING SUM(t_minutes) <> 0 "
        f"ORDER BY t_period, t_start, t_person "
        f"ON CONFLICT ({_quoted(PERSON_KEY_COLUMNS)}) "
        f"DO UPDATE SET minutes = {person_table}.minutes + excluded.minutes "
        f"RETURNING id, minutes"
    )
    with connection.cursor() as cursor:
        _upsert(cursor, detailed, params, TimeSpentTotal)
        _upsert(cursor, rollup, params, TimeSpentPersonTotal)


def rollup_rebuild(cursor) -> int:
    """The rollup by person, recomputed from the detailed totals (one INSERT ... SELECT ... GROUP BY)."""
    TimeSpentPersonTotal.objects.all().delete()
    cursor.execute(
        f"INSERT INTO {_table(TimeSpentPersonTotal)} ({_quoted(PERSON_COLUMNS)}) "
        f"SELECT period, period_start, period_number, person_id, SUM(minutes) FROM {_table()} "
        f"GROUP BY period, period_start, period_number, person_id")
    return cursor.rowcount


def rebuild(*, progress: Callable[[str], None] | None = None, rollup: bool = True) -> int:
    """Recompute every stored total from the raw rows: one INSERT ... SELECT ... GROUP BY per period kind,
    then the rollup by person from those (unless `rollup` is false: migration 0002, before its table).
    Returns the number of detailed totals written. Writers wait meanwhile (PostgreSQL: a SHARE lock on time
    spent)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"LOCK TABLE {connection.ops.quote_name(TimeSpent._meta.db_table)} IN SHARE MODE")
        TimeSpentTotal.objects.all().delete()
        written = 0
        for period in Period:
            select, params = _select_sql([_grouped(TimeSpent.objects.all(), period)])
            cursor.execute(f"INSERT INTO {_table()} ({_quoted(COLUMNS)}) {select}", params)
            written += cursor.rowcount
            if progress is not None:
                progress(f"{period.label}: {cursor.rowcount} totals")
        if rollup:
            rolled = rollup_rebuild(cursor)
            if progress is not None:
                progress(f"All projects and departments: {rolled} totals by person")
    return written


def vacuum_after_rebuild() -> bool:
    """PostgreSQL, outside a transaction: VACUUM (ANALYZE) both totals tables; returns whether it ran. A rebuild
    rewrites every row, leaving as many dead rows as live ones, an empty visibility map and stale statistics:
    until autovacuum comes by, the time tables read the rollup with a sequential scan and a hash instead of its
    covering index alone (a week table twice as slow on `make bench` data)."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return False
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM (ANALYZE) {_table()}, {_table(TimeSpentPersonTotal)}")
    return True


@dataclass(frozen=True)
class Mismatch:
    period: str
    period_start: dt.date
    person_id: object
    project_id: object
    department_key: object
    stored: float | None
    expected: float | None


def _key(row) -> tuple:
    return tuple(str(value) for value in row)


def verify(*, progress: Callable[[str], None] | None = None) -> list[Mismatch]:
    """The stored totals that differ from a fresh GROUP BY over the raw rows (missing, extra or off)."""
    mismatches: list[Mismatch] = []
    for period in Period:
        expected = {
            _key(row[:2] + row[3:6]): (row, row[6])
            for row in _grouped(TimeSpent.objects.all(), period).values_list(*ALIASES)
        }
        stored = {
            _key(row[:5]): (row, row[5])
            for row in TimeSpentTotal.objects.filter(period=period).values_list(
                "period", "period_start", "person_id", "project_id", "department_key", "minutes")
        }
        for key in expected.keys() | stored.keys():
            want = expected.get(key, (None, None))[1]
            have = stored.get(key, (None, None))[1]
            if want is None or have is None or abs(want - have) > EPSILON * max(1.0, abs(want)):
                row = (stored.get(key) or expected.get(key))[0]
                start, person, project, department = (
                    (row[1], row[2], row[3], row[4]) if key in stored else (row[1], row[3], row[4], row[5]))
                mismatches.append(Mismatch(str(period), start, person, project, department, have, want))
        if progress is not None:
            progress(f"{period.label}: {len(stored)} totals checked")
        mismatches.extend(_verify_rollup(period))
    return mismatches


def _verify_rollup(period: str) -> list[Mismatch]:
    """The rollup by person of one period kind against a fresh GROUP BY over the raw rows (project and
    department reported as None)."""
    start, number = period_start_and_number(period)
    expected = {
        (str(row[0]), str(row[1])): row for row in TimeSpent.objects.order_by().annotate(
            t_start=Cast(start, models.DateField())).values_list("t_start", "person_id").annotate(
            t_minutes=Sum("duration"))
    }
    stored = {
        (str(row[0]), str(row[1])): row for row in TimeSpentPersonTotal.objects.filter(period=period).values_list(
            "period_start", "person_id", "minutes")
    }
    mismatches = []
    for key in expected.keys() | stored.keys():
        want = expected[key][2] if key in expected else None
        have = stored[key][2] if key in stored else None
        if want is None or have is None or abs(want - have) > EPSILON * max(1.0, abs(want)):
            row = stored.get(key) or expected.get(key)
            mismatches.append(Mismatch(str(period), row[0], row[1], None, None, have, want))
    return mismatches


def iter_mismatch_lines(mismatches: list[Mismatch], limit: int = 20) -> Iterator[str]:
    for mismatch in mismatches[:limit]:
        yield (f"{mismatch.period} {mismatch.period_start} person {mismatch.person_id} project "
               f"{mismatch.project_id} department {mismatch.department_key}: stored {mismatch.stored}, "
               f"expected {mismatch.expected}")
