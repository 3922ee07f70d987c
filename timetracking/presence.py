"""The monthly presence CSV (zou-api.md section 7): one row per active, non-guest person (bots included), one
column per day of the month, `X` where the person has a desktop login that day (UTC).

On PostgreSQL one query gives each person's row in order with the days present as a bit mask (`bit_or` of
`1 << day` over the person's logins of the month, read from the (person, date) index alone); elsewhere two
queries (the persons, then the distinct (person, day) pairs). Python only lays the cells out, with the bytes
of the `csv` module Zou uses (`;` between cells, CRLF after every row, quoting where a name needs it): the
day cells are `X` or empty, which the module never quotes, so only a name that could need quoting is
handed to it (`csv_field`)."""

import calendar
import csv
import datetime as dt
import io
import re

from django.contrib.postgres.aggregates import BitOr
from django.db import connection
from django.db.models import BigIntegerField, Func, OuterRef, Subquery
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


class DayBitUTC(Func):
    """PostgreSQL: `1 << d` (a bigint, bits 1 to 31) for a timestamp on day `d` of its month in UTC, the day
    read with `date_part` (a double) rather than `EXTRACT` (a numeric, several times slower per row)."""

    output_field = BigIntegerField()
    template = "(1::bigint << date_part('day', %(expressions)s AT TIME ZONE 'UTC')::integer)"


def presence_rows(*, year: int, month: int) -> list[tuple[str, str, int]]:
    """`(first name, last name, days)` for every person with a row, in order, `days` a bit mask (bit `d` set
    where day `d` has a login, UTC). On PostgreSQL one query: per person, a probe of the desktop logins'
    (person, date) index over the month; elsewhere the persons, then the distinct (person, day) pairs."""
    persons = presence_persons()
    if connection.vendor == "postgresql":
        logins = (_logins_of_month(year, month).filter(person=OuterRef("pk")).values("person_id")
                  .annotate(days=BitOr(DayBitUTC("date"))).values("days"))
        return [(first_name, last_name, days or 0) for first_name, last_name, days in
                persons.annotate(days=Subquery(logins)).values_list("first_name", "last_name", "days")]
    masks: dict = {}
    for person_id, day in presence_days(year=year, month=month):
        masks[person_id] = masks.get(person_id, 0) | 1 << day
    return [(first_name, last_name, masks.get(person_id, 0))
            for person_id, first_name, last_name in persons.values_list("id", "first_name", "last_name")]


# A name holding none of these (and not empty) is written by the csv module as it is, unquoted.
CSV_SPECIAL = re.compile(r'[;"\r\n]')


def csv_field(text: str) -> str:
    """`text` as one cell of a row of several, exactly as `csv.writer(delimiter=";")` writes it."""
    if text and CSV_SPECIAL.search(text) is None:
        return text
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";").writerow([text, ""])
    return buffer.getvalue()[:-len(";\r\n")]  # the empty second cell, then the module's CRLF


def presence_csv(*, year: int, month: int) -> str:
    """The CSV text, exactly as Zou writes it: a header of the year then the days 1..N, then the rows."""
    days_in_month = calendar.monthrange(year, month)[1]
    # The cells of a row: bit d of the mask (day d) read from the right of its binary spelling, each bit
    # becoming `;X` or `;`.
    width = f"0{days_in_month}b"
    cells = str.maketrans({"0": ";", "1": ";X"})
    lines = [";".join([str(year), *(str(day) for day in range(1, days_in_month + 1))])]
    for first_name, last_name, days in presence_rows(year=year, month=month):
        # Person.full_name, from the two columns rather than a model instance per person.
        full_name = " ".join(part for part in (first_name.strip(), last_name.strip()) if part)
        lines.append(csv_field(spreadsheet_safe(full_name)) + format(days >> 1, width)[::-1].translate(cells))
    lines.append("")
    return "\r\n".join(lines)


# A cell starting with one of these is a formula to Excel and LibreOffice, even quoted.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(text: str) -> str:
    """A name is text, never a formula: anyone may set their own name, and an admin opens this file in a
    spreadsheet. Such a cell gets a leading apostrophe, which spreadsheets show as text (the one place these
    bytes may differ from Zou's, whose export runs whatever a name says)."""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def presence_csv_bytes(*, year: int, month: int) -> bytes:
    return presence_csv(year=year, month=month).encode("utf-8")
