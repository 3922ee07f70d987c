"""Every read with a rule: who sees which persons, in which serialization, filtered on what."""

import datetime as dt
import enum

from django.conf import settings
from django.db.models import Q, QuerySet, Value
from django.db.models.functions import Concat
from django.utils import timezone

from config.permissions import is_declared
from people.columns import MINIMAL_COLUMNS, PUBLIC_FILTER_FIELDS
from people.models import DesktopLoginLog, Person, PersonDepartment, PersonStatus, PersonTeam, Presence, Role


class PersonView(enum.Enum):
    SAFE = "safe"
    MINIMAL = "minimal"


def person_count_toward_user_limit() -> int:
    return Person.objects.filter(active=True, is_bot=False, is_guest=False).count()


def person_qs_visible_to(*, viewer: Person) -> QuerySet[Person]:
    """Every role sees the whole directory in Zou; scoping by manager or department will narrow this."""
    return Person.objects.all()


def person_list_qs(*, viewer: Person, view: PersonView) -> QuerySet[Person]:
    queryset = person_qs_visible_to(viewer=viewer)
    if view is PersonView.MINIMAL:
        queryset = queryset.only(*MINIMAL_COLUMNS)
    return queryset


def person_attach_relation_ids(persons) -> list[Person]:
    """Load every listed person's department and team ids (`departments_ids`, `teams_ids`) in one query each,
    without building Department or Team objects."""
    persons = list(persons)
    for attribute, model, column in (("departments_ids", PersonDepartment, "department_id"),
                                     ("teams_ids", PersonTeam, "team_id")):
        by_person: dict = {person.pk: [] for person in persons}
        memberships = model.objects.filter(person_id__in=list(by_person)).order_by("created_at", "id")
        for person_id, linked_id in memberships.values_list("person_id", column):
            by_person[person_id].append(str(linked_id))
        for person in persons:
            setattr(person, attribute, by_person[person.pk])
    return persons


def person_list_view_for(*, viewer: Person) -> PersonView:
    return PersonView.SAFE if viewer.has_perm("persons.list_details") else PersonView.MINIMAL


def person_detail_view_for(*, viewer: Person) -> PersonView:
    return PersonView.SAFE if viewer.has_perm("persons.view_details") else PersonView.MINIMAL


def person_filter_fields_for(*, viewer: Person, all_fields: frozenset[str]) -> frozenset[str]:
    if viewer.has_perm("persons.list_details"):
        return all_fields
    return all_fields & PUBLIC_FILTER_FIELDS


def person_department_ids(person: Person) -> list[str]:
    attached = getattr(person, "departments_ids", None)
    if attached is None:
        return [str(pk) for pk in PersonDepartment.objects.filter(person=person).order_by(
            "created_at", "id").values_list("department_id", flat=True)]
    return attached


def person_team_ids(person: Person) -> list[str]:
    attached = getattr(person, "teams_ids", None)
    if attached is None:
        return [str(pk) for pk in PersonTeam.objects.filter(person=person).order_by(
            "created_at", "id").values_list("team_id", flat=True)]
    return attached


def desktop_login_logs_of(*, person: Person) -> QuerySet[DesktopLoginLog]:
    return DesktopLoginLog.objects.filter(person=person).order_by("-date")


def headcount_charts() -> dict[str, list[dict]]:
    """Active persons by role, department and status, counted by the database, for the HR admin's charts."""
    from django.db.models import Count, Q

    from departments.models import Department

    active_humans = Q(active=True, is_bot=False)
    by_role = Person.objects.filter(active_humans).values("role").annotate(count=Count("id")).order_by("role")
    by_status = Person.objects.filter(is_bot=False).values("status").annotate(count=Count("id")).order_by(
        "status"
    )
    by_department = (
        Department.objects.filter(archived=False)
        .annotate(count=Count("memberships", filter=Q(memberships__person__active=True,
                                                      memberships__person__is_bot=False)))
        .values("name", "color", "count").order_by("-count", "name")
    )
    unassigned = Person.objects.filter(active_humans, department_memberships__isnull=True).count()
    return {
        "role": _bars([(Role(row["role"]).label, row["count"], "") for row in by_role]),
        "status": _bars([(PersonStatus(row["status"]).label, row["count"], "") for row in by_status]),
        "department": _bars([*((row["name"], row["count"], row["color"]) for row in by_department),
                             ("No department", unassigned, "")]),
    }


def _bars(rows: list[tuple[str, int, str]]) -> list[dict]:
    peak = max((count for _, count, _ in rows), default=0) or 1
    return [{"label": label, "count": count, "color": color or "#417690", "percent": round(100 * count / peak)}
            for label, count, color in rows]


# The HR dashboard (the admin index) ---------------------------------------------------------------------


def headcount_dashboard() -> dict[str, list[dict]]:
    """The dashboard's two charts, each bar with the person-list filter that lists whom it counts.

    Departments count active humans, as in headcount_charts(), plus a bar for those in no department;
    statuses count every human, in the lifecycle's order, empty ones included.
    """
    from django.db.models import Count, Q

    from departments.models import Department

    active_humans = {"active__exact": "1", "is_bot__exact": "0"}
    departments = list(
        Department.objects.filter(archived=False)
        .annotate(count=Count("memberships", filter=Q(memberships__person__active=True,
                                                      memberships__person__is_bot=False)))
        .values("pk", "name", "color", "count").order_by("-count", "name")
    )
    unassigned = Person.objects.filter(active=True, is_bot=False, department_memberships__isnull=True).count()
    department_rows = [(row["name"], row["count"], row["color"],
                        {"departments__id__exact": str(row["pk"]), **active_humans}) for row in departments]
    # Not `departments__isnull`: the person list's department filter takes that parameter and ignores it.
    department_rows.append(("No department", unassigned, "", {"department_memberships__isnull": "True",
                                                              **active_humans}))

    counts = dict(Person.objects.filter(is_bot=False).values_list("status").annotate(count=Count("id")).order_by())
    status_rows = [(status.label, counts.get(status.value, 0), "", {"status__exact": status.value,
                                                                     "is_bot__exact": "0"})
                   for status in PersonStatus]
    return {"department": _bars_with_filters(department_rows), "status": _bars_with_filters(status_rows)}


def _bars_with_filters(rows: list[tuple[str, int, str, dict]]) -> list[dict]:
    bars = _bars([(label, count, color) for label, count, color, _ in rows])
    for bar, (_, _, color, filters) in zip(bars, rows, strict=True):
        bar["color"] = color  # no colour of its own: the template draws it in the theme's
        bar["filters"] = filters
    return bars


def invitations_pending(*, limit: int) -> dict:
    """Persons invited who have not accepted yet (status "invited"), most recently invited first, each with
    the expiry of their newest unused invitation link (None: no link was sent); and how many of them hold a
    link that still works. Two queries whatever the numbers."""
    from django.db.models import Count, F, Max, Q
    from django.utils import timezone

    now = timezone.now()
    invitation = Q(password_reset_tokens__purpose="invite")  # the purpose people.services.person_invite issues
    unused_invitation = invitation & Q(password_reset_tokens__used_at__isnull=True)
    invited = Person.objects.filter(status=PersonStatus.INVITED, is_bot=False)
    totals = invited.aggregate(
        persons=Count("id", distinct=True),
        with_valid_link=Count("id", distinct=True,
                              filter=unused_invitation & Q(password_reset_tokens__expires_at__gt=now)),
    )
    persons = list(
        invited.annotate(invited_at=Max("password_reset_tokens__created_at", filter=invitation),
                         link_expires_at=Max("password_reset_tokens__expires_at", filter=unused_invitation))
        .only("id", "first_name", "last_name", "email", "created_at")
        .order_by(F("invited_at").desc(nulls_last=True), "first_name", "last_name")[:limit]
    )
    for person in persons:
        person.link_is_valid = person.link_expires_at is not None and person.link_expires_at > now
    return {"total": totals["persons"], "with_valid_link": totals["with_valid_link"], "persons": persons}


# Search, the directory and presence (issue 7 item 6) ------------------------------------------------------


def person_search_by_email(*, viewer: Person, email: str) -> QuerySet[Person]:
    """The person with this email among those the viewer sees, compared as sign-in compares it (stripped, any
    case: people.services.sign_in.person_find_for_login). Emails are unique among non-bots only, and a bot's
    address signs nobody in, so bots are not searched: the answer holds at most one person."""
    return person_qs_visible_to(viewer=viewer).filter(email__iexact=email.strip(), is_bot=False)


def person_directory_qs(*, viewer: Person, name: str | None = None) -> QuerySet[Person]:
    """The persons the viewer may contact: the active humans they see (guests and bots are nobody to talk to),
    themself excluded; `name` keeps those whose first name, last name or full name contains it, in any case."""
    queryset = (person_qs_visible_to(viewer=viewer).filter(active=True, is_bot=False, is_guest=False)
                .exclude(pk=viewer.pk))
    name = (name or "").strip()
    if name:
        queryset = queryset.alias(directory_full_name=Concat("first_name", Value(" "), "last_name")).filter(
            Q(first_name__icontains=name) | Q(last_name__icontains=name) | Q(directory_full_name__icontains=name))
    return queryset.only(*DIRECTORY_COLUMNS).order_by("first_name", "last_name", "id")


DIRECTORY_COLUMNS = ("id", "first_name", "last_name", "email", "has_avatar", "is_bot", "presence", "last_seen")


def online_since(now=None):
    """Seen after this instant, a person whose presence is "active" is online."""
    return (now or timezone.now()) - dt.timedelta(minutes=settings.ROSTER_PRESENCE_ONLINE_MINUTES)


def person_is_online(person: Person, *, since) -> bool:
    return (not person.is_bot and person.presence == Presence.ACTIVE and person.last_seen is not None
            and person.last_seen >= since)
def person_permission_breakdown(*, person: Person, explain: bool = False) -> dict:
    """GET .../permissions: the role's keys, the grants and denials in force, the effective set (seed 003's
    shape), every stored rule (expired ones too, marked), and with `explain` the rule behind each effective or
    denied key. One query for the rules, none when the person has none."""
    from django.utils import timezone

    from people.permissions import effective_permissions, role_permissions

    now = timezone.now()
    rules = (list(person.permission_rules.select_related("created_by").order_by("key"))
             if person.permission_overrides else [])
    active = [rule for rule in rules if rule.is_active(now)]
    granted = frozenset(rule.key for rule in active if rule.effect == "grant" and is_declared(rule.key))
    denied = frozenset(rule.key for rule in active if rule.effect == "deny" and is_declared(rule.key))
    from_role = role_permissions(role=person.role, is_bot=person.is_bot)
    effective = effective_permissions(role=person.role, is_bot=person.is_bot, granted=granted, denied=denied)
    breakdown = {
        "person_id": str(person.pk),
        "role": person.role,
        "role_permissions": sorted(from_role),
        "granted": sorted(granted),
        "denied": sorted(denied),
        "effective": sorted(effective),
        "rules": [_rule_row(rule, now) for rule in rules],
    }
    if explain:
        by_key = {rule.key: rule for rule in active}
        role_rule = f"role:{person.role}"
        explained = {}
        for key in sorted(effective):
            # The role's key is explained by the role even when also granted: the grant adds nothing today.
            stored = by_key.get(key)
            explained[key] = {"rule": role_rule if key in from_role else "grant", "overrides": None,
                              "stored_rule": _rule_row(stored, now) if stored else None}
        for key in sorted(denied):
            explained[key] = {"rule": "deny", "overrides": role_rule if key in from_role else None,
                              "stored_rule": _rule_row(by_key[key], now)}
        breakdown["explain"] = explained
    return breakdown


def _rule_row(rule, now) -> dict:
    return {
        "key": rule.key,
        "effect": rule.effect,
        "expires_at": rule.expires_at,
        "active": rule.is_active(now),
        "set_by_id": str(rule.created_by_id) if rule.created_by_id else None,
        "set_by": rule.created_by.full_name if rule.created_by_id else None,
        "set_at": rule.created_at,
        "reason": rule.reason,
    }
