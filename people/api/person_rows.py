"""Persons as Zou dicts for the list and detail routes, built from tuples (config.rows): the same output as
PersonSafeSerializer / PersonMinimalSerializer, at a fraction of the cost for thousands of rows."""

import gc
from functools import lru_cache

from django.db import connection, connections
from django.db.models import OuterRef, TextField, Value
from django.db.models.functions import Cast

from config.rows import Computed, RowPlan
from people.api.serializers import MINIMAL_FIELDS, SAFE_FIELDS
from people.models import Person, PersonDepartment, PersonTeam
from people.selectors import PersonView


def _full_name(first_name: str, last_name: str) -> str:
    """Person.full_name, spelled out for speed (it runs once per listed person)."""
    first_name, last_name = first_name.strip(), last_name.strip()
    if first_name and last_name:
        return f"{first_name} {last_name}"
    return first_name or last_name


# The links a person's form lists as ids when relations are asked for: key -> (membership model, id column).
# The minimal form carries departments only.
RELATIONS = {"departments": (PersonDepartment, "department_id"), "teams": (PersonTeam, "team_id")}


@lru_cache(maxsize=16)
def person_row_plan(view: PersonView, *, relations: bool, in_sql: bool) -> RowPlan:
    keys = list(SAFE_FIELDS if view is PersonView.SAFE else MINIMAL_FIELDS)
    if view is PersonView.SAFE and not relations:
        keys = [key for key in keys if key not in RELATIONS]  # the safe form lists links only with relations
    return RowPlan(
        Person, keys, constants={"type": "Person"}, in_sql=in_sql,
        computed={
            "full_name": Computed(("first_name", "last_name"), _full_name),
            # Filled in by `_attach_relations` when relations are asked for, in place to keep key order.
            **{key: Computed((), list) for key in RELATIONS},
        },
    )


def _relation_keys(view: PersonView) -> tuple[str, ...]:
    keys = SAFE_FIELDS if view is PersonView.SAFE else MINIMAL_FIELDS
    return tuple(key for key in RELATIONS if key in keys)


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
        relation_keys = _relation_keys(view)
        first = -len(relation_keys)
        with connections[queryset.db].cursor() as cursor:
            cursor.execute(_page_rows_sql(view), [ids])
            by_id = {}
            for values in cursor.fetchall():
                row = build(values)
                row.update(zip(relation_keys, values[first:], strict=True))
                by_id[row["id"]] = row
        # A person deleted between the two reads is simply not on the page.
        return [by_id[key] for key in map(str, ids) if key in by_id]
    rows = [build(values) for values in (plan.fetch(queryset) if in_sql else plan.values_list(queryset))]
    if relations and rows:
        # A whole list: one plain query of memberships costs the database less than a subquery per person.
        _attach_relations(rows, persons=queryset.values("pk"), in_sql=in_sql, keys=_relation_keys(view))
    return rows


@lru_cache(maxsize=4)
def _page_rows_sql(view: PersonView) -> str:
    """`SELECT <the safe or minimal row, with the ids of its relations> FROM person WHERE id = ANY(%s)`,
    compiled once."""
    plan = person_row_plan(view, relations=True, in_sql=True)
    arrays = {f"{key}_ids": _ids_array(key) for key in _relation_keys(view)}
    query = plan.values_list(Person.objects.order_by(), **arrays).query
    sql, params = query.sql_with_params()
    # No parameters, no WHERE or ORDER BY of its own: the page's condition is appended as is.
    assert not params and sql.endswith('FROM "people_person"'), sql
    return f'{sql} WHERE "people_person"."id" = ANY(%s)'


def _ids_array(key: str):
    """A person's ids of one relation as a text array, in membership order (PostgreSQL only)."""
    from django.contrib.postgres.expressions import ArraySubquery

    model, column = RELATIONS[key]
    memberships = model.objects.filter(person_id=OuterRef("pk")).order_by("created_at", "id")
    return ArraySubquery(memberships.values(text=Cast(column, TextField())))


def with_relation_ids(queryset):
    """On PostgreSQL, each person's department and team ids (text, in membership order) read in the same
    query, as `departments_ids` and `teams_ids`."""
    if not _in_sql():
        return queryset
    return queryset.annotate(**{f"{key}_ids": _ids_array(key) for key in RELATIONS})


def person_row(person: Person, *, view: PersonView, relations: bool) -> dict:
    """One loaded person as a Zou dict; relation ids come from `with_relation_ids` when the person was loaded
    with them, else from one query."""
    plan = person_row_plan(view, relations=relations, in_sql=False)
    row = plan.build(plan.row_of(person))
    if relations:
        keys = _relation_keys(view)
        if all(hasattr(person, f"{key}_ids") for key in keys):
            row.update({key: list(getattr(person, f"{key}_ids")) for key in keys})
        else:
            _attach_relations([row], persons=[person.pk], in_sql=False, keys=keys)
    return row


def _attach_relations(rows: list[dict], *, persons, in_sql: bool, keys: tuple[str, ...]) -> None:
    """Every listed person's relation ids by one query (a UNION ALL of the membership tables)."""
    parts = []
    for key in keys:
        model, column = RELATIONS[key]
        person_id, linked_id = ((Cast("person_id", TextField()), Cast(column, TextField())) if in_sql
                                else ("person_id", column))
        parts.append(model.objects.filter(person__in=persons).order_by()
                     .values_list(Value(key), person_id, linked_id, "created_at", "id"))
    memberships = parts[0].union(*parts[1:], all=True).order_by("created_at", "id")
    by_person: dict[tuple[str, str], list[str]] = {}
    for key, person_id, linked_id, _, _ in memberships:
        by_person.setdefault((key, str(person_id)), []).append(str(linked_id))
    for row in rows:
        row.update({key: by_person.get((key, row["id"]), []) for key in keys})
