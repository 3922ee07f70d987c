"""Whose HR data a person may open (issue 7, item 2; seed 003), decided here and only here.

"HR data" is what Zou does not show: the 360 profile and summary, the audit trail, and whatever later routes
add about one person (permissions, settings, time beyond Zou's own rules). Zou's directory
(`people.selectors.person_qs_visible_to`, every role lists everyone in its form) is a different question and
keeps Zou's answer.

A viewer sees the HR data of:
- everyone, holding `persons.view_hr_data_all` (admins, and HR once that role exists);
- their direct and indirect reports: the persons whose `manager` field (the line manager, "Reports to";
  nothing to do with the `manager` *role*, Zou's production manager) leads to the viewer, at any depth;
- the members of their own departments, holding `persons.view_hr_data_department` (supervisors);
- themselves.
Anyone else is hidden: the loaders answer 404, as for a person who does not exist.
"""

import uuid

from django.db import connection
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL

from config.api import parse_uuid
from config.errors import NotFound
from people.models import Person, PersonDepartment
from people.selectors import person_qs_visible_to

SEES_EVERYONE = "persons.view_hr_data_all"
SEES_DEPARTMENT_MEMBERS = "persons.view_hr_data_department"
# Reading the whole audit log (audit.permissions) covers any one person's trail.
READS_WHOLE_AUDIT_LOG = "audit.view"

NOT_FOUND_MESSAGE = "Person not found."


def _reports_of_sql() -> str:
    """The ids of everyone whose chain of line managers reaches the parameter, as one recursive query.
    `UNION` (not `UNION ALL`) drops ids already found, so even a loop in the data (refused on write by
    people.services) would end the recursion instead of running forever."""
    table = connection.ops.quote_name(Person._meta.db_table)
    pk = connection.ops.quote_name(Person._meta.pk.column)
    manager = connection.ops.quote_name(Person._meta.get_field("manager").column)
    return (
        f"WITH RECURSIVE line_reports (id) AS ("
        f"SELECT {pk} FROM {table} WHERE {manager} = %s "
        f"UNION SELECT report.{pk} FROM {table} AS report "
        f"JOIN line_reports ON report.{manager} = line_reports.id"
        f") SELECT id FROM line_reports"
    )


def line_reports_condition(*, viewer: Person) -> Q:
    """Persons who report to `viewer`, directly or through others: a subquery, no query of its own."""
    viewer_id = Person._meta.pk.get_db_prep_value(viewer.pk, connection)
    return Q(pk__in=RawSQL(_reports_of_sql(), [viewer_id]))


def department_members_condition(*, viewer: Person) -> Q:
    """Members of any department `viewer` belongs to: a subquery, no query of its own."""
    viewer_departments = PersonDepartment.objects.filter(person_id=viewer.pk).values("department_id")
    members = PersonDepartment.objects.filter(department_id__in=viewer_departments).values("person_id")
    return Q(pk__in=members)


def person_hr_visible_qs(*, viewer: Person, queryset: QuerySet[Person] | None = None) -> QuerySet[Person]:
    """The persons whose HR data `viewer` may open, narrowed from `queryset` (every person by default).
    Filtering it costs no query of its own: the rules are subqueries of the one that reads the persons."""
    queryset = Person.objects.all() if queryset is None else queryset
    if viewer.has_perm(SEES_EVERYONE):
        return queryset
    visible = Q(pk=viewer.pk) | line_reports_condition(viewer=viewer)
    if viewer.has_perm(SEES_DEPARTMENT_MEMBERS):
        visible |= department_members_condition(viewer=viewer)
    return queryset.filter(visible)


def _load(queryset: QuerySet[Person], person_id) -> Person:
    pk = person_id if isinstance(person_id, uuid.UUID) else parse_uuid(
        person_id, status_code=404, message=NOT_FOUND_MESSAGE)
    person = queryset.filter(pk=pk).first()
    if person is None:
        raise NotFound(NOT_FOUND_MESSAGE)
    return person


def person_for_hr_data(*, viewer: Person, person_id, queryset: QuerySet[Person] | None = None) -> Person:
    """The person `person_id` names, in one query, if `viewer` may open their HR data. A malformed id, an
    unknown one and a hidden person are the same 404, so the answer tells nothing of who exists."""
    return _load(person_hr_visible_qs(viewer=viewer, queryset=queryset), person_id)


def person_for_audit_trail(*, viewer: Person, person_id) -> Person:
    """The person whose audit trail `viewer` asks for: whoever reads the whole audit log reads any person's
    (anyone in the directory), everyone else the trails of the persons whose HR data they see."""
    if viewer.has_perm(READS_WHOLE_AUDIT_LOG):
        return _load(person_qs_visible_to(viewer=viewer), person_id)
    return person_for_hr_data(viewer=viewer, person_id=person_id)
