"""Every read with a rule: who sees which persons, in which serialization, filtered on what."""

import enum

from django.db.models import QuerySet

from people.columns import MINIMAL_COLUMNS, PUBLIC_FILTER_FIELDS
from people.models import DesktopLoginLog, Person, PersonDepartment, PersonStatus, Role


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


def person_attach_department_ids(persons) -> list[Person]:
    """Load every listed person's department ids in one query, without building Department objects."""
    persons = list(persons)
    by_person: dict = {person.pk: [] for person in persons}
    memberships = PersonDepartment.objects.filter(person_id__in=list(by_person)).order_by("created_at", "id")
    for person_id, department_id in memberships.values_list("person_id", "department_id"):
        by_person[person_id].append(str(department_id))
    for person in persons:
        person.department_ids = by_person[person.pk]
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
    attached = getattr(person, "department_ids", None)
    if attached is None:
        return [str(pk) for pk in PersonDepartment.objects.filter(person=person).order_by(
            "created_at", "id").values_list("department_id", flat=True)]
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
    return {
        "role": _bars([(Role(row["role"]).label, row["count"], "") for row in by_role]),
        "status": _bars([(PersonStatus(row["status"]).label, row["count"], "") for row in by_status]),
        "department": _bars([(row["name"], row["count"], row["color"]) for row in by_department]),
    }


def _bars(rows: list[tuple[str, int, str]]) -> list[dict]:
    peak = max((count for _, count, _ in rows), default=0) or 1
    return [{"label": label, "count": count, "color": color or "#417690", "percent": round(100 * count / peak)}
            for label, count, color in rows]
