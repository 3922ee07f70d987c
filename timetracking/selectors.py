"""Every read with a rule: which projects, entities and tasks a person sees (Zou's project-team rule), which
tasks they may change, whose time spent they may read or log, the time tables (from the stored totals), and
the relation id lists a listing needs, loaded in bounded queries."""

import datetime as dt
import uuid
from collections import defaultdict
from dataclasses import dataclass

from django.contrib.postgres.aggregates import StringAgg
from django.db import connection, models
from django.db.models import Exists, F, Min, OuterRef, Q, QuerySet, Sum

from config.errors import ApplicationError, Forbidden
from config.rows import RenderedJSON
from people.models import Person, PersonDepartment
from timetracking.models import (
    DayOff,
    Entity,
    Project,
    ProjectPersonLink,
    TableCellJSON,
    Task,
    TaskPersonLink,
    TimeSpent,
    TimeSpentPersonTotal,
    TimeSpentTotal,
)


def _on_team(viewer: Person, project_ref: str = "pk") -> Exists:
    return Exists(ProjectPersonLink.objects.filter(project=OuterRef(project_ref), person=viewer))


def project_qs_visible_to(*, viewer: Person) -> QuerySet[Project]:
    """Admins see every project; everyone else the projects whose team they are on."""
    queryset = Project.objects.all()
    if viewer.has_perm("projects.view_all"):
        return queryset
    return queryset.filter(_on_team(viewer))


def _assigned(viewer: Person, task_ref: str) -> Exists:
    return Exists(TaskPersonLink.objects.filter(task=OuterRef(task_ref), person=viewer))


def entity_qs_visible_to(*, viewer: Person) -> QuerySet[Entity]:
    """The entities of the projects one sees; a vendor sees only entities with a task assigned to them."""
    queryset = Entity.objects.select_related("entity_type")
    if not viewer.has_perm("projects.view_all"):
        queryset = queryset.filter(_on_team(viewer, "project_id"))
    if not viewer.has_perm("tasks.view_unassigned"):
        queryset = queryset.filter(Exists(TaskPersonLink.objects.filter(task__entity=OuterRef("pk"),
                                                                        person=viewer)))
    return queryset


def task_qs_visible_to(*, viewer: Person) -> QuerySet[Task]:
    """The tasks of the projects one sees; a vendor sees only the tasks assigned to them."""
    queryset = Task.objects.all()
    if not viewer.has_perm("projects.view_all"):
        queryset = queryset.filter(_on_team(viewer, "project_id"))
    if not viewer.has_perm("tasks.view_unassigned"):
        queryset = queryset.filter(_assigned(viewer, "pk"))
    return queryset


def task_is_changeable_by(*, viewer: Person, task: Task) -> bool:
    """Among the tasks one sees: admins and managers change any, supervisors those whose task type belongs
    to one of their departments."""
    if viewer.has_perm("tasks.change_any_department"):
        return True
    department_id = task.task_type.department_id
    return department_id is not None and PersonDepartment.objects.filter(
        person=viewer, department_id=department_id).exists()


def attach_relation_ids(instances, field_names: tuple[str, ...]) -> list:
    """Set `<field>_ids` (lists of id strings) on every instance for each many-to-many field named: one query
    per field, whatever the number of instances."""
    instances = list(instances)
    if not instances:
        return instances
    model = type(instances[0])
    pks = [instance.pk for instance in instances]
    for name in field_names:
        field = model._meta.get_field(name)
        assert isinstance(field, models.ManyToManyField)
        through = field.remote_field.through
        source = through._meta.get_field(field.m2m_field_name()).attname
        target = through._meta.get_field(field.m2m_reverse_field_name()).attname
        grouped = defaultdict(list)
        rows = through.objects.filter(**{f"{source}__in": pks}).order_by("pk").values_list(source, target)
        for owner_id, other_id in rows:
            grouped[owner_id].append(str(other_id))
        for instance in instances:
            setattr(instance, f"{name}_ids", grouped[instance.pk])
    return instances


def relation_ids(instance, name: str) -> list[str]:
    """The ids attached by `attach_relation_ids`, or read now for a single instance."""
    attached = getattr(instance, f"{name}_ids", None)
    if attached is None:
        attach_relation_ids([instance], (name,))
        attached = getattr(instance, f"{name}_ids")
    return attached


# Time spent -------------------------------------------------------------------------------------------

def _team_project_ids(viewer: Person) -> QuerySet:
    return ProjectPersonLink.objects.filter(person=viewer).values("project_id")


def _department_ids(viewer: Person) -> QuerySet:
    return PersonDepartment.objects.filter(person=viewer).values("department_id")


def time_spent_is_writable_by(*, viewer: Person, task: Task, person: Person) -> bool:
    """Zou's check_time_spent_access: the person is assigned to the task, and the caller is that person, or
    may log for others on a project they see (admins: all; managers: their team's). `task` is one the
    viewer sees (task_qs_visible_to)."""
    if not TaskPersonLink.objects.filter(task=task, person=person).exists():
        return False
    return person.pk == viewer.pk or viewer.has_perm("time_spents.log_for_others")


def person_time_spents_visible_to(*, viewer: Person, person: Person, project_id=None,
                                  opens_hr_data: bool = False) -> QuerySet[TimeSpent]:
    """A person's time spent as `viewer` may read it (zou-api.md 5 #5-#9): admins and the person all of it;
    managers and supervisors the time on their team's projects (a `project_id` outside them is a 403), and
    supervisors only on task types of their departments; anyone else gets a 403. Beyond Zou, whoever opens the
    person's HR data (`opens_hr_data`, people.visibility: a line manager, say) reads all of it."""
    queryset = TimeSpent.objects.filter(person=person)
    if project_id is not None:
        queryset = queryset.filter(task__project_id=project_id)
    if viewer.has_perm("time_spents.view") or viewer.pk == person.pk or opens_hr_data:
        return queryset
    if not viewer.has_perm("time_spents.view_projects"):
        raise Forbidden("You are not allowed to see this person's time spent.")
    if project_id is not None and not ProjectPersonLink.objects.filter(person=viewer,
                                                                       project_id=project_id).exists():
        raise Forbidden("You are not on this project's team.")
    queryset = queryset.filter(task__project_id__in=_team_project_ids(viewer))
    if not viewer.has_perm("time_spents.view_any_department"):
        queryset = queryset.filter(task__task_type__department_id__in=_department_ids(viewer))
    return queryset


def task_time_spents_visible_to(*, viewer: Person, task: Task) -> QuerySet[TimeSpent]:
    """A task's time spent as `viewer` may read it, by the rule of a person's time (above): admins all of it,
    the project's managers all of it, supervisors all of it on task types of their departments; anyone else,
    and a supervisor on another department's task, only their own rows. `task` is one the viewer sees."""
    queryset = TimeSpent.objects.filter(task=task)
    if viewer.has_perm("time_spents.view"):
        return queryset
    if viewer.has_perm("time_spents.view_projects") and (
            viewer.has_perm("time_spents.view_any_department")
            or PersonDepartment.objects.filter(person=viewer,
                                               department_id=task.task_type.department_id).exists()):
        return queryset.filter(task__project_id__in=_team_project_ids(viewer))
    return queryset.filter(person=viewer)


def task_time_entries(time_spents: QuerySet[TimeSpent]) -> list[dict]:
    """One entry per task with the summed duration (zou-api.md 5, the aggregated entry), grouped by the
    database; `sequence_name` and `episode_name` are the entity's parent and grandparent names."""
    rows = (
        time_spents.order_by()
        .values("task_id")
        .annotate(
            task_type_id=F("task__task_type_id"), project_id=F("task__project_id"),
            project_name=F("task__project__name"), entity_name=F("task__entity__name"),
            entity_type_name=F("task__entity__entity_type__name"), sequence_name=F("task__entity__parent__name"),
            episode_name=F("task__entity__parent__parent__name"), total=Sum("duration"),
        )
        .order_by("project_name", "entity_name", "task_id")
    )
    return [{"task_id": row["task_id"], "task_type_id": row["task_type_id"], "project_id": row["project_id"],
             "project_name": row["project_name"], "entity_name": row["entity_name"],
             "entity_type_name": row["entity_type_name"], "sequence_name": row["sequence_name"],
             "episode_name": row["episode_name"], "duration": float(row["total"])} for row in rows]


def _uuid_param(name: str, raw) -> uuid.UUID | None:
    if raw in (None, ""):
        return None
    try:
        return uuid.UUID(str(raw))
    except ValueError:
        raise ApplicationError(f"{name} is not a valid id.") from None


@dataclass(frozen=True)
class TableScope:
    """The stored totals a table covers: `where` on the totals' columns; `detailed` when it names projects
    or departments, so only the detailed totals (TimeSpentTotal) can answer, otherwise their rollup by
    person (TimeSpentPersonTotal) does, one row per person and period."""

    where: Q
    detailed: bool


def time_table_scope(*, viewer: Person, project_id=None, department_id=None, studio_id=None) -> TableScope:
    """The stored totals a table covers for `viewer` (zou-api.md 5, tables): admins every person's, filtered
    as asked; managers and supervisors their team's projects (another `project_id` is a 403), supervisors
    only their departments (another `department_id` is Zou's 400); anyone else only their own row."""
    project_id = _uuid_param("project_id", project_id)
    department_id = _uuid_param("department_id", department_id)
    studio_id = _uuid_param("studio_id", studio_id)
    scope = Q()
    if project_id is not None:
        scope &= Q(project_id=project_id)
    if department_id is not None:
        scope &= Q(department_key=department_id)
    detailed = project_id is not None or department_id is not None
    if studio_id is not None:
        scope &= Q(person__studio_id=studio_id)
    if viewer.has_perm("time_spents.view"):
        return TableScope(scope, detailed)
    if not viewer.has_perm("time_spents.view_projects"):
        return TableScope(scope & Q(person=viewer), detailed)
    if project_id is not None:
        if not ProjectPersonLink.objects.filter(person=viewer, project_id=project_id).exists():
            raise Forbidden("You are not on this project's team.")
    else:
        scope &= Q(project_id__in=_team_project_ids(viewer))
    if not viewer.has_perm("time_spents.view_any_department"):
        if department_id is not None:
            if not PersonDepartment.objects.filter(person=viewer, department_id=department_id).exists():
                raise ApplicationError("Supervisor not allowed to access this department")
        else:
            scope &= Q(department_key__in=_department_ids(viewer))
    return TableScope(scope, True)


def _table_totals(*, period: str, scope: TableScope, start: dt.date | None, end: dt.date | None) -> QuerySet:
    """The stored totals a table reads: the rollup when the scope allows, else the detailed totals."""
    model = TimeSpentTotal if scope.detailed else TimeSpentPersonTotal
    totals = model.objects.filter(scope.where, period=period).order_by()
    if start is not None:
        totals = totals.filter(period_start__gte=start, period_start__lt=end)
    return totals


def _table_rows(*, period: str, scope: TableScope, start: dt.date | None, end: dt.date | None) -> QuerySet:
    """`(n, p, m)` rows: period number, person id, minutes; one per person and period. The rollup is read as
    stored; the detailed totals are summed over the projects and departments in scope."""
    totals = _table_totals(period=period, scope=scope, start=start, end=end)
    if scope.detailed:
        return totals.values(n=F("period_number"), p=F("person_id")).annotate(m=Sum("minutes"))
    return totals.values(n=F("period_number"), p=F("person_id"), m=F("minutes"))


# The detailed totals' cells, summed over projects and departments then written as the rollup's stored
# `table_cell` is (the same SQL), one row of cells per period: `s` its start, `n` its number.
DETAILED_PERIODS_SQL = f"""
SELECT s, min(n), string_agg({TableCellJSON.POSTGRESQL_TEMPLATE.format(p="p", m="m")}, ',')
FROM (%(rows)s) AS table_rows GROUP BY s"""


def _table_period_cells(*, period: str, scope: TableScope, start: dt.date | None, end: dt.date | None
                        ) -> list[tuple]:
    """PostgreSQL: `(period start, period number, "<person id>":<minutes>,...)` rows, one per period, in no
    order. From the rollup, the stored cells are only concatenated: one pass over its index, in index order
    (grouped as they come, no sort, no hash table of a hundred thousand strings)."""
    totals = _table_totals(period=period, scope=scope, start=start, end=end)
    if not scope.detailed:
        rows = totals.values("period_start").annotate(n=Min("period_number"),
                                                      cells=StringAgg("table_cell", ","))
        return list(rows.values_list("period_start", "n", "cells"))
    rows = totals.values(s=F("period_start"), p=F("person_id")).annotate(n=Min("period_number"), m=Sum("minutes"))
    sql, params = rows.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(DETAILED_PERIODS_SQL.replace("%(rows)s", sql), params)
        return cursor.fetchall()


def time_table(*, period: str, scope: TableScope, start: dt.date | None = None, end: dt.date | None = None
               ) -> dict[str, dict[str, float]] | RenderedJSON:
    """`{"<period number>": {"<person id>": minutes}}` from the stored totals of one period kind, over
    [start, end) when given: one query over persons x periods, whatever the history's size. On PostgreSQL
    the database writes the cells' JSON itself (RenderedJSON, sent as is by FastJSONRenderer): a week table
    is a hundred thousand cells, which Python would spend most of the time turning into objects and back.
    Periods come in date order (their numbers ascending), which Python puts them in: a few dozen rows."""
    if connection.vendor == "postgresql":
        # One join of all the pieces: each intermediate string of megabytes would cost its own allocation.
        pieces = ["{"]
        for _, number, cells in sorted(_table_period_cells(period=period, scope=scope, start=start, end=end)):
            pieces += (",", '"', str(number), '":{', cells, "}")
        pieces[1:2] = []  # the comma before the first period, if any
        pieces.append("}")
        return RenderedJSON("".join(pieces))
    table: dict[str, dict[str, float]] = {}
    for row in _table_rows(period=period, scope=scope, start=start, end=end):
        table.setdefault(str(row["n"]), {})[str(row["p"])] = float(row["m"])
    return table


# Day-offs ---------------------------------------------------------------------------------------------

def day_offs_overlapping(day_offs: QuerySet[DayOff], start: dt.date, last: dt.date) -> QuerySet[DayOff]:
    """The day-offs that share at least one day with [start, last], ordered by date (Zou's tests)."""
    return day_offs.filter(end_date__gte=start, date__lte=last).order_by("date", "created_at")


def day_off_covering(day_offs: QuerySet[DayOff], day: dt.date) -> DayOff | None:
    return day_offs.filter(date__lte=day, end_date__gte=day).order_by("date").first()
