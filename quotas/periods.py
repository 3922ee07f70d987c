"""Days, weeks and months as a person lives them: a period is a half-open range of local calendar days
[first_day, end_day), and its bounds in UTC are the local midnights of those days in the person's timezone.

Business days are Monday to Friday; no holidays (Zou has none either)."""

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from config.errors import field_error

INVALID_DATE = "Invalid month or year."


@dataclass(frozen=True)
class Period:
    first_day: dt.date
    end_day: dt.date  # the first day after the period

    def __contains__(self, day: dt.date) -> bool:
        return self.first_day <= day < self.end_day

    def utc_bounds(self, tz: dt.tzinfo) -> tuple[dt.datetime, dt.datetime]:
        return local_midnight(self.first_day, tz), local_midnight(self.end_day, tz)


def zone(name: str | None) -> dt.tzinfo:
    """The person's timezone, UTC when it is empty or unknown to this machine."""
    try:
        return ZoneInfo(name) if name else dt.UTC
    except (ZoneInfoNotFoundError, ValueError):
        return dt.UTC


def local_midnight(day: dt.date, tz: dt.tzinfo) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=tz).astimezone(dt.UTC)


def local_day(moment: dt.datetime, tz: dt.tzinfo) -> dt.date:
    return moment.astimezone(tz).date()


def _number(raw, field: str) -> int:
    try:
        return int(str(raw))
    except ValueError:
        raise field_error(field, INVALID_DATE) from None


def month_period(year, month) -> Period:
    year, month = _number(year, "year"), _number(month, "month")
    if not 1 <= month <= 12:
        raise field_error("month", INVALID_DATE)
    if not dt.MINYEAR <= year < dt.MAXYEAR:
        raise field_error("year", INVALID_DATE)
    first = dt.date(year, month, 1)
    return Period(first, dt.date(year + month // 12, month % 12 + 1, 1))


def week_period(year, week) -> Period:
    """An ISO week, Monday to Sunday."""
    year, week = _number(year, "year"), _number(week, "week")
    if not dt.MINYEAR <= year < dt.MAXYEAR:
        raise field_error("year", INVALID_DATE)
    try:
        first = dt.date.fromisocalendar(year, week, 1)
    except ValueError:
        raise field_error("week", INVALID_DATE) from None
    return Period(first, first + dt.timedelta(days=7))


def day_period(year, month, day) -> Period:
    year, month, day = _number(year, "year"), _number(month, "month"), _number(day, "day")
    try:
        first = dt.date(year, month, day)
        return Period(first, first + dt.timedelta(days=1))
    except (ValueError, OverflowError):
        raise field_error("day" if 1 <= month <= 12 else "month", INVALID_DATE) from None


def working_days(start: dt.date, end: dt.date) -> list[dt.date]:
    """The business days from `start` to `end`, both included. A task that began and ended over one weekend
    still took a day: its end day. (Zou counts `start` whether or not it is a business day, which only
    differs for a task started on a weekend; then its shares did not add up to one.)"""
    if end < start:
        return [end]
    days = [start + dt.timedelta(days=offset) for offset in range((end - start).days + 1)]
    return [day for day in days if day.weekday() < 5] or [end]


def week_key(day: dt.date) -> str:
    """Zou's week key: the ISO year and week, not zero-padded ("2024-5")."""
    iso_year, iso_week, _ = day.isocalendar()
    return f"{iso_year}-{iso_week}"
