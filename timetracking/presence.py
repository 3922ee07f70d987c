"""The monthly presence CSV (zou-api.md section 7): one row per active, non-guest person (bots included), one
column per day of the month, `X` where the person has a desktop login that day (UTC).

The database does the work in two queries whatever the size of the studio: the persons, then the distinct
(person, day) pairs of the month. Python only lays the cells out, with the `csv` module Zou uses, so the bytes
match Zou's (`;` between cells, CRLF after every row, quoting where a name needs it)."""

import calendar
import csv
import datetime as dt
import io
import re

from django.contrib.postgres.aggregates import ArrayAgg
from django.db import connection
from django.db.models.functions import ExtractDay

from config.errors import ApplicationError
from people.models import DesktopLoginLog, Person

INVALID_MONTH = "Invalid month or year."
MONTH_PATTERN = re.compile(r"^(\d{4})-(\d{1,2})$")
CONTENT_TYPE = "text/csv"
CONTENT_DISPOSITION = "attachment; filename=kitsu_export.csv"


def parse_month(raw: str) -> tuple[int, int]:
    """`YYYY-MM` (Zou reads it with `strptime("%Y-%m")`, so `2024-6` passes too) as (year, month)."""
    match = MONTH_PATTERN.match(raw or "")
    if match is None:
        raise ApplicationError(INVALID_MONTH)
    year, month = int(match[1]), int(match[2])
    if year < 1 or not 1 <= month <= 12:
        raise ApplicationError(INVALID_MONTH)
    return year, month


def _month_bounds(year: int, month: int) -> tuple[dt.datetime, dt.datetime | None]:
    """[first instant of the month, first instant of the next) in UTC; no end after December 9999."""
    start = dt.datetime(year, month, 1, tzinfo=dt.UTC)
    if month < 12:
        return start, start.replace(month=month + 1)
    return start, start.replace(year=year + 1, month=1) if year < dt.MAXYEAR else None


def presence_persons():
    """Who gets a row: active people who are not guests (Zou's `get_active_persons`; bots stay)."""
    return (Person.objects.filter(active=True, is_guest=False).order_by("first_name", "last_name", "id")
            .only("id", "first_name", "last_name"))


def _logins_of_month(year: int, month: int):
    start, end = _month_bounds(year, month)
    logs = DesktopLoginLog.objects.filter(date__gte=start)
    if end is not None:
        logs = logs.filter(date__lt=end)
    return logs.order_by().annotate(day=ExtractDay("date", tzinfo=dt.UTC))


def presence_days(*, year: int, month: int) -> set[tuple]:
    """The distinct (person id, day of month) pairs with a desktop login in the month, days read in UTC."""
    return set(_logins_of_month(year, month).values_list("person_id", "day").distinct())


def presence_days_by_person(*, year: int, month: int) -> dict:
    """Each person's days with a desktop login in the month (UTC). On PostgreSQL one row per person (the days
    gathered in an array), elsewhere the distinct pairs: a month of a large studio is tens of thousands of
    logins, which Python would otherwise turn into as many tuples."""
    if connection.vendor == "postgresql":
        rows = _logins_of_month(year, month).values("person_id").annotate(days=ArrayAgg("day", distinct=True))
        return {row["person_id"]: set(row["days"]) for row in rows}
    by_person: dict = {}
    for person_id, day in presence_days(year=year, month=month):
        by_person.setdefault(person_id, set()).add(day)
    return by_person


def presence_csv(*, year: int, month: int) -> str:
    """The CSV text, exactly as Zou writes it: a header of the year then the days 1..N, then the rows."""
    days_in_month = calendar.monthrange(year, month)[1]
    days = range(1, days_in_month + 1)
    present = presence_days_by_person(year=year, month=month)
    nobody: set = set()
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")  # the csv module's default line ending is CRLF, as in Zou
    writer.writerow([str(year), *(str(day) for day in days)])
    for person_id, first_name, last_name in presence_persons().values_list("id", "first_name", "last_name"):
        # Person.full_name, from the two columns rather than a model instance per person.
        full_name = " ".join(part for part in (first_name.strip(), last_name.strip()) if part)
        logged = present.get(person_id, nobody)
        writer.writerow([spreadsheet_safe(full_name), *("X" if day in logged else "" for day in days)])
    return buffer.getvalue()


# A cell starting with one of these is a formula to Excel and LibreOffice, even quoted.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(text: str) -> str:
    """A name is text, never a formula: anyone may set their own name, and an admin opens this file in a
    spreadsheet. Such a cell gets a leading apostrophe, which spreadsheets show as text (the one place these
    bytes may differ from Zou's, whose export runs whatever a name says)."""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def presence_csv_bytes(*, year: int, month: int) -> bytes:
    return presence_csv(year=year, month=month).encode("utf-8")
