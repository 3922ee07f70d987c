"""Time tracking's parts of a person's 360 profile and summary (people.profile_sections), registered from
TimetrackingConfig.ready(): time spent, read from the stored day totals (timetracking.totals) so its cost does
not follow the history's size, and day-offs. Each callable runs a fixed number of queries."""

from django.db.models import Count, Max, Min, Sum

from people.profile_sections import ProfileSection, ProfileWindow, register_profile_section
from timetracking.models import DayOff, Period, TimeSpentPersonTotal

_DATE = {"type": "string", "format": "date"}
_NULLABLE_DATE = {**_DATE, "nullable": True}


def _day_totals(person):
    return TimeSpentPersonTotal.objects.filter(period=Period.DAY, person=person)


def time_spent_profile(person, window: ProfileWindow) -> dict:
    """Minutes in the window (all of it) and per day (the newest `limit` days with time): two queries."""
    days = _day_totals(person)
    if window.start is not None:
        days = days.filter(period_start__gte=window.start)
    if window.end is not None:
        days = days.filter(period_start__lte=window.end)
    totals = days.aggregate(minutes=Sum("minutes"), days=Count("id"))
    per_day = days.order_by("-period_start").values_list("period_start", "minutes")[:window.limit]
    return {
        "total_minutes": totals["minutes"] or 0,
        "days_count": totals["days"],
        "days": [{"date": day.isoformat(), "minutes": minutes} for day, minutes in per_day],
    }


def time_spent_summary(person) -> dict:
    """Every day with time spent: how many, their minutes, the first and the last. One query."""
    totals = _day_totals(person).aggregate(days=Count("id"), minutes=Sum("minutes"), first_day=Min("period_start"),
                                           last_day=Max("period_start"))
    return {
        "days": totals["days"],
        "minutes": totals["minutes"] or 0,
        "first_day": totals["first_day"].isoformat() if totals["first_day"] else None,
        "last_day": totals["last_day"].isoformat() if totals["last_day"] else None,
    }


def day_offs_profile(person, window: ProfileWindow) -> list[dict]:
    """The day-offs overlapping the window, latest first, at most `limit`: one query."""
    day_offs = DayOff.objects.filter(person=person)
    if window.start is not None:
        day_offs = day_offs.filter(end_date__gte=window.start)
    if window.end is not None:
        day_offs = day_offs.filter(date__lte=window.end)
    rows = day_offs.order_by("-date").values_list("id", "date", "end_date", "description")[:window.limit]
    return [{"id": str(pk), "date": start.isoformat(), "end_date": end.isoformat(), "description": description}
            for pk, start, end, description in rows]


def day_offs_summary(person) -> dict:
    """How many day-offs, and the latest one's first and last days. One query: a person's day-offs never
    overlap, so the latest start and the latest end are those of the same day-off."""
    totals = DayOff.objects.filter(person=person).aggregate(count=Count("id"), last_date=Max("date"),
                                                             last_end_date=Max("end_date"))
    return {"count": totals["count"],
            "last_date": totals["last_date"].isoformat() if totals["last_date"] else None,
            "last_end_date": totals["last_end_date"].isoformat() if totals["last_end_date"] else None}


TIME_SPENT_SECTION = ProfileSection(
    name="time_spent",
    profile=time_spent_profile,
    summary=time_spent_summary,
    profile_schema={"type": "object", "properties": {
        "total_minutes": {"type": "number"}, "days_count": {"type": "integer"},
        "days": {"type": "array", "items": {"type": "object", "properties": {
            "date": _DATE, "minutes": {"type": "number"}}}},
    }},
    summary_schema={"type": "object", "properties": {
        "days": {"type": "integer"}, "minutes": {"type": "number"},
        "first_day": _NULLABLE_DATE, "last_day": _NULLABLE_DATE,
    }},
)

DAY_OFFS_SECTION = ProfileSection(
    name="day_offs",
    profile=day_offs_profile,
    summary=day_offs_summary,
    profile_schema={"type": "array", "items": {"type": "object", "properties": {
        "id": {"type": "string", "format": "uuid"}, "date": _DATE, "end_date": _DATE,
        "description": {"type": "string"},
    }}},
    summary_schema={"type": "object", "properties": {
        "count": {"type": "integer"}, "last_date": _NULLABLE_DATE, "last_end_date": _NULLABLE_DATE,
    }},
)


def register_timetracking_profile_sections() -> None:
    register_profile_section(TIME_SPENT_SECTION)
    register_profile_section(DAY_OFFS_SECTION)
