"""The admin's monthly sheets (timetracking.admin_pages): a department's timesheet and everyone's presence,
persons x days of one month.

The timesheet's rows are the department's current members (bots aside) who are active or logged time that
month, and its cells all of their time that day, on any project and task type: it answers "how much did the
people of this department work", not "how much work went to this department's task types" (the time tables'
`department_id`). A person in two departments appears in both. The database adds the minutes up, in one
`GROUP BY person, date` over the month's time spent; Python only lays out the grouped cells and adds up the
rows and columns of that grid (at most persons x 31 numbers). Three queries whatever the size of the department
or of the history: the persons, the grouped cells, the day-offs overlapping the month. It reads the raw rows,
not the stored totals (timetracking.totals), whose layout is theirs to change.

The presence sheet is the presence CSV's data (timetracking.presence), laid out for a page."""

import calendar
import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q, Sum

from people.models import Person
from timetracking import presence
from timetracking.models import DayOff, TimeSpent


def shade_of(minutes: float) -> str:
    """A timesheet cell's shade: no time, under 4 hours, 4 to 8 hours (both included), over 8 hours."""
    if minutes <= 0:
        return "none"
    if minutes < 4 * 60:
        return "short"
    if minutes <= 8 * 60:
        return "full"
    return "over"


def hours(minutes: float) -> float:
    return round(minutes / 60, 2)


@dataclass(frozen=True)
class Month:
    year: int
    month: int

    @classmethod
    def parse(cls, raw: str) -> "Month":
        """`YYYY-MM`, read as the presence CSV reads it (an ApplicationError when it is not a month)."""
        return cls(*presence.parse_month(raw))

    @classmethod
    def of(cls, day: dt.date) -> "Month":
        return cls(day.year, day.month)

    @property
    def key(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.year, self.month, 1)

    @property
    def last_day(self) -> dt.date:
        return dt.date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])

    @property
    def days(self) -> list[dt.date]:
        return [self.first_day + dt.timedelta(days=n) for n in range(self.last_day.day)]

    @property
    def previous(self) -> "Month | None":
        if self.month > 1:
            return Month(self.year, self.month - 1)
        return Month(self.year - 1, 12) if self.year > 1 else None

    @property
    def next(self) -> "Month | None":
        if self.month < 12:
            return Month(self.year, self.month + 1)
        return Month(self.year + 1, 1) if self.year < dt.MAXYEAR else None


@dataclass
class Day:
    date: dt.date

    @property
    def is_weekend(self) -> bool:
        return self.date.weekday() >= 5


@dataclass
class TimesheetCell(Day):
    minutes: float = 0.0
    day_off: bool = False

    @property
    def hours(self) -> float:
        return hours(self.minutes)

    @property
    def shade(self) -> str:
        return shade_of(self.minutes)


@dataclass
class TimesheetRow:
    person: Person
    cells: list[TimesheetCell]

    @property
    def minutes(self) -> float:
        return sum(cell.minutes for cell in self.cells)

    @property
    def hours(self) -> float:
        return hours(self.minutes)

    @property
    def days_off(self) -> int:
        return sum(cell.day_off for cell in self.cells)


@dataclass
class Timesheet:
    month: Month
    rows: list[TimesheetRow]
    days: list[Day] = field(init=False)

    def __post_init__(self):
        self.days = [Day(day) for day in self.month.days]

    @property
    def column_hours(self) -> list[float]:
        return [hours(sum(row.cells[n].minutes for row in self.rows)) for n in range(len(self.days))]

    @property
    def minutes(self) -> float:
        return sum(row.minutes for row in self.rows)

    @property
    def hours(self) -> float:
        return hours(self.minutes)


def department_timesheet(*, department_id, month: Month) -> Timesheet:
    first, last = month.first_day, month.last_day
    in_month = Q(date__gte=first, date__lte=last)
    of_department = Q(person__department_memberships__department_id=department_id)
    logged = TimeSpent.objects.filter(in_month, person_id=OuterRef("pk"))
    persons = list(
        Person.objects.filter(department_memberships__department_id=department_id, is_bot=False)
        .filter(Q(active=True) | Exists(logged))
        .order_by("first_name", "last_name", "id")
        .only("id", "first_name", "last_name", "email"))
    cells = {(person_id, date): minutes for person_id, date, minutes in (
        TimeSpent.objects.filter(in_month, of_department).order_by()
        .values("person_id", "date").annotate(minutes=Sum("duration"))
        .values_list("person_id", "date", "minutes"))}
    days_off = set()
    for person_id, start, end in (DayOff.objects.filter(of_department, date__lte=last, end_date__gte=first)
                                  .values_list("person_id", "date", "end_date")):
        day = max(start, first)
        while day <= min(end, last):
            days_off.add((person_id, day))
            day += dt.timedelta(days=1)
    rows = [TimesheetRow(person, [TimesheetCell(day, cells.get((person.pk, day), 0.0), (person.pk, day) in days_off)
                                  for day in month.days])
            for person in persons]
    return Timesheet(month, rows)


@dataclass
class PresenceCell(Day):
    present: bool


@dataclass
class PresenceRow:
    person: Person
    cells: list[PresenceCell]

    @property
    def days_present(self) -> int:
        return sum(cell.present for cell in self.cells)


@dataclass
class PresenceSheet:
    month: Month
    rows: list[PresenceRow]
    days: list[Day] = field(init=False)

    def __post_init__(self):
        self.days = [Day(day) for day in self.month.days]

    @property
    def column_counts(self) -> list[int]:
        return [sum(row.cells[n].present for row in self.rows) for n in range(len(self.days))]


def presence_sheet(*, month: Month) -> PresenceSheet:
    """The presence CSV's rows and marks (two queries: timetracking.presence's selectors)."""
    present = presence.presence_days(year=month.year, month=month.month)
    rows = [PresenceRow(person, [PresenceCell(day, (person.id, day.day) in present) for day in month.days])
            for person in presence.presence_persons()]
    return PresenceSheet(month, rows)
