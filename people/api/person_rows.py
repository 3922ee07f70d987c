"""Persons as Zou dicts for the list and detail routes, built from tuples (config.rows): the same output as
PersonSafeSerializer / PersonMinimalSerializer, at a fraction of the cost for thousands of rows."""

import gc
from functools import lru_cache

from django.db import connection, connections
from django.db.models import OuterRef, TextField
from django.db.models.functions import Cast

from config.rows import Computed, RowPlan
from people.api.serializers import MINIMAL_FIELDS, SAFE_FIELDS
from people.models import Person, PersonDepartment
from people.selectors import PersonView


def _full_name(first_name: str, last_name: str) -> str:
    """Person.full_name, spelled out for speed (it runs once per listed person)."""
    first_name, last_name = first_name.strip(), last_name.strip()
    if first_name and last_name:
        return f"{first_name} {last_name}"
    return first_name or last_name


@lru_cache(maxsize=16)
def person_row_plan(view: PersonView, *, relations: bool, in_sql: bool) -> RowPlan:
    keys = list(SAFE_FIELDS if view is PersonView.SAFE else MINIMAL_FIELDS)
    if view is PersonView.SAFE and not relations:
        keys.remove("departments")  # the safe form shows departments only with relations
    return RowPlan(
        Person, keys, constants={"type": "Person"}, in_sql=in_sql,
        computed={
            "full_name": Computed(("first_name", "last_name"), _full_name),
            # Filled in by `_attach_departments` when relations are asked for, in place to keep key order.
            "departments": Computed((), list),
        },
    )


def _in_sql() -> bool:
    return connection.vendor == "postgresql"


def person_rows(queryset, *, view: PersonView, relations: bool) -> list[dict]:
    """Every person of `queryset` (ordered and sliced as the caller wants) as Zou dicts: one query, plus one
    for department ids when relations are asked for."""
    # Thousands of new dicts would set off the cyclic garbage collector many times over, though none of them
    # can form a cycle: it waits until the rows are built.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _person_rows(queryset, view=view, relations=relations)
    finally:
        if collecting:
            gc.enable()


def _person_rows(queryset, *, view: PersonView, relations: bool) -> list[dict]:
    in_sql = _in_sql()
    plan = person_row_plan(view, relations=relations, in_sql=in_sql)
    build = plan.build
    if relations and in_sql and queryset.query.is_sliced:
        # A page: its ids first (a small query), then its rows by one statement written once per form, which
        # PostgreSQL keeps prepared; department ids come as an array column of that statement.
        ids = list(queryset.values_list("pk", flat=True))
        if not ids:
            return []
        with connections[queryset.db].cursor() as cursor:
            cursor.execute(_page_rows_sql(view), [ids])
            by_id = {}
            for values in cursor.fetchall():
                row = build(values)
                row["departments"] = values[-1]
                by_id[row["id"]] = row
        # A person deleted between the two reads is simply not on the page.
        return [by_id[key] for key in map(str, ids) if key in by_id]
    rows = [build(values) for values in (plan.fetch(queryset) if in_sql else plan.values_list(queryset))]
    if relations and rows:
        # A whole list: one plain query of memberships costs the database less than a subquery per person.
        _attach_departments(rows, persons=queryset.values("pk"), in_sql=in_sql)
    return rows


@lru_cache(maxsize=4)
def _page_rows_sql(view: PersonView) -> str:
    """`SELECT <the safe or minimal row, with department ids> FROM person WHERE id = ANY(%s)`, compiled once."""
    plan = person_row_plan(view, relations=True, in_sql=True)
    query = plan.values_list(Person.objects.order_by(), department_ids=_department_ids_array()).query
    sql, params = query.sql_with_params()
    # No parameters, no WHERE or ORDER BY of its own: the page's condition is appended as is.
    assert not params and sql.endswith('FROM "people_person"'), sql
    return f'{sql} WHERE "people_person"."id" = ANY(%s)'


def _department_ids_array():
    """A person's department ids as a text array, in membership order (PostgreSQL only)."""
    from django.contrib.postgres.expressions import ArraySubquery

    memberships = PersonDepartment.objects.filter(person_id=OuterRef("pk")).order_by("created_at", "id")
    return ArraySubquery(memberships.values(text=Cast("department_id", TextField())))


def with_department_ids(queryset):
    """On PostgreSQL, each person's department ids (text, in membership order) read in the same query."""
    return queryset.annotate(department_ids=_department_ids_array()) if _in_sql() else queryset


def person_row(person: Person, *, view: PersonView, relations: bool) -> dict:
    """One loaded person as a Zou dict; department ids come from `with_department_ids` when the person was
    loaded with them, else from one query."""
    plan = person_row_plan(view, relations=relations, in_sql=False)
    row = plan.build(plan.row_of(person))
    if relations:
        attached = getattr(person, "department_ids", None)
        if attached is not None:
            row["departments"] = list(attached)
        else:
            _attach_departments([row], persons=[person.pk], in_sql=False)
    return row


def _attach_departments(rows: list[dict], *, persons, in_sql: bool) -> None:
    memberships = PersonDepartment.objects.filter(person__in=persons).order_by("created_at", "id")
    if in_sql:
        pairs = memberships.values_list(Cast("person_id", TextField()), Cast("department_id", TextField()))
    else:
        pairs = ((str(person_id), str(department_id))
                 for person_id, department_id in memberships.values_list("person_id", "department_id"))
    by_person: dict[str, list[str]] = {}
    for person_id, department_id in pairs:
        by_person.setdefault(person_id, []).append(department_id)
    for row in rows:
        row["departments"] = by_person.get(row["id"], [])
