"""The admin's 360 view of one person (issue 7, item 8; seed 003): the profile with its recent history, and a
summary of counts and last activity. Reads only; who may read them is people.visibility's question.

Every part is one query whatever the person's history (lists are cut at the window's limit, counts are
computed by the database), and sections from higher apps (people.profile_sections) promise the same, so both
routes run a fixed number of queries (asserted in tests/people/test_hr_data.py and the query baselines).
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, IntegerField, Max, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from audit.models import AuditEntry
from audit.selectors import MAX_LIMIT, audit_entries_for
from config.api import parse_positive_int
from config.errors import field_error
from departments.models import Department, Team
from people.models import DesktopLoginLog, Person, PersonDepartment, PersonTeam
from people.profile_sections import ProfileWindow, profile_sections

# Seed 003: "Maximum number of records per sub-resource. Default: 50." The bound is the audit log's (500).
DEFAULT_PROFILE_LIMIT = 50


def parse_profile_window(params) -> ProfileWindow:
    """`start` and `end`: ISO dates (YYYY-MM-DD), both included, either may be left out; `limit`: 1 to 500.
    Anything else is a 400 naming the parameter."""
    start, end = _iso_date(params, "start"), _iso_date(params, "end")
    if start is not None and end is not None and end < start:
        raise field_error("end", "end must not be before start.")
    limit = parse_positive_int(params, "limit", DEFAULT_PROFILE_LIMIT)
    if limit > MAX_LIMIT:
        raise field_error("limit", f"limit must be {MAX_LIMIT} at most.")
    return ProfileWindow(start=start, end=end, limit=limit)


def _iso_date(params, name: str) -> dt.date | None:
    raw = params.get(name)
    if raw is None or raw == "":
        return None
    try:
        return dt.date.fromisoformat(str(raw))
    except ValueError:
        raise field_error(name, f"{name} must be an ISO date (YYYY-MM-DD).") from None


def _within(field: str, window: ProfileWindow) -> Q:
    """`field` (a date-time) within the window's days, as bounds on the column itself so its index serves."""
    condition = Q()
    if window.start is not None:
        condition &= Q(**{f"{field}__gte": _day_start(window.start)})
    # The last day of the calendar has no day after it to bound by: it is open on that side.
    if window.end is not None and window.end < dt.date.max:
        condition &= Q(**{f"{field}__lt": _day_start(window.end + dt.timedelta(days=1))})
    return condition


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _count(rows: QuerySet, per: str = "person_id") -> Coalesce:
    """How many `rows` (filtered on the outer person) there are, as a subquery of the person's own row."""
    counted = rows.order_by().values(per).annotate(n=Count("*")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


# The 360 profile ------------------------------------------------------------------------------------------


def admin_profile_persons() -> QuerySet[Person]:
    """Persons as the 360 profile loads them: with their line manager's name ("Reports to") and how many
    report to them directly, in the same query."""
    return Person.objects.annotate(
        reports_to_first_name=F("manager__first_name"),
        reports_to_last_name=F("manager__last_name"),
        direct_reports_count=_count(Person.objects.filter(manager_id=OuterRef("pk")), per="manager_id"),
    )


@dataclass(frozen=True)
class AdminProfile:
    reports_to: dict | None
    direct_reports_count: int
    departments: list[dict]
    teams: list[dict]
    audit_events: list[AuditEntry]
    desktop_login_logs: list[DesktopLoginLog]
    sections: dict[str, Any]


def person_admin_profile(*, person: Person, window: ProfileWindow) -> AdminProfile:
    """`person` loaded from admin_profile_persons(): departments, teams, the newest audit events about them
    and desktop logins within the window (at most `limit` each), and every registered section."""
    return AdminProfile(
        reports_to=_reports_to(person),
        direct_reports_count=person.direct_reports_count,
        departments=list(Department.objects.filter(memberships__person=person)
                         .order_by("memberships__created_at", "memberships__id")
                         .values("id", "name", "color", "archived")),
        teams=list(Team.objects.filter(memberships__person=person)
                   .order_by("memberships__created_at", "memberships__id")
                   .values("id", "name", "archived")),
        # Events about the person only, never those they made: an HR person's actions are other persons' HR
        # data, which this viewer may not see.
        audit_events=list(audit_entries_for(target_type="person", target_id=person.pk)
                          .filter(_within("at", window))[:window.limit]),
        desktop_login_logs=list(DesktopLoginLog.objects.filter(person=person).filter(_within("date", window))
                                .order_by("-date", "-id")[:window.limit]),
        sections={section.name: section.profile(person, window) for section in profile_sections()},
    )


def _reports_to(person: Person) -> dict | None:
    if person.manager_id is None:
        return None
    first_name, last_name = (person.reports_to_first_name or "").strip(), (person.reports_to_last_name or "").strip()
    return {"id": person.manager_id, "full_name": " ".join(part for part in (first_name, last_name) if part)}


# The summary ----------------------------------------------------------------------------------------------


def admin_summary_persons() -> QuerySet[Person]:
    """Persons as the summary loads them: their own counts and last desktop login, in the same query."""
    person = OuterRef("pk")
    last_login_log = (DesktopLoginLog.objects.filter(person_id=person).order_by("-date").values("date")[:1])
    return Person.objects.annotate(
        departments_count=_count(PersonDepartment.objects.filter(person_id=person)),
        teams_count=_count(PersonTeam.objects.filter(person_id=person)),
        direct_reports_count=_count(Person.objects.filter(manager_id=person), per="manager_id"),
        desktop_logins_count=_count(DesktopLoginLog.objects.filter(person_id=person)),
        last_desktop_login=Subquery(last_login_log),
    )


def person_admin_summary(*, person: Person) -> dict:
    """`person` loaded from admin_summary_persons(): counts and the times of their latest activity; the audit
    log in one query (events about them, and the latest they made, which says when they were last active)."""
    about = Q(target_type="person", target_id=str(person.pk))
    by = Q(actor_id=person.pk)
    audit = AuditEntry.objects.filter(about | by).aggregate(
        events=Count("id", filter=about), last_event=Max("at", filter=about), last_action=Max("at", filter=by))
    moments = [moment for moment in (person.last_login, person.last_desktop_login, audit["last_action"])
               if moment is not None]
    return {
        "person_id": person.pk,
        "full_name": person.full_name,
        "status": person.status,
        "created_at": person.created_at,
        "counts": {
            "departments": person.departments_count,
            "teams": person.teams_count,
            "direct_reports": person.direct_reports_count,
            "audit_events": audit["events"],
            "desktop_logins": person.desktop_logins_count,
        },
        "last_activity": {
            "at": max(moments, default=None),
            "last_login": person.last_login,
            "last_presence": person.last_presence,
            "last_desktop_login": person.last_desktop_login,
            "last_audit_event": audit["last_event"],
            "last_action": audit["last_action"],
        },
        "sections": {section.name: section.summary(person) for section in profile_sections()},
    }
