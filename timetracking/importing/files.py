"""One function per file of csv-import.md, with the columns it reads, in the order of their references."""

import json
from collections.abc import Callable
from typing import Any

from django.contrib.auth.hashers import make_password
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from audit.models import AuditEntry
from departments.models import Department, Position, Seniority
from people import validators
from people.models import (
    SIGN_IN_STATUSES,
    ContractType,
    DesktopLoginLog,
    Person,
    PersonDepartment,
    PersonStatus,
    Role,
)
from timetracking import services
from timetracking.importing.base import Context, FileReport, fail
from timetracking.importing.cells import (
    Column,
    Row,
    check_references,
    choice,
    color,
    ids_of,
    normalized,
    not_negative,
    parse_bool,
    parse_date,
    parse_datetime,
    parse_float,
    parse_int,
    parse_reference,
    parse_uuid,
    positive,
    text,
    unique_in_file,
)
from timetracking.importing.writing import link_rows, upsert
from timetracking.models import (
    DayOff,
    Entity,
    EntityType,
    ForEntity,
    ProductionType,
    Project,
    Task,
    TaskPersonLink,
    TaskStatus,
    TaskType,
    TimeSpent,
)
from timetracking.task_statuses import ZOU_DEFAULT_TASK_STATUSES


def import_departments(ctx: Context, report: FileReport, rows: list[Row]) -> None:
    unique_in_file(report.name, rows, ("name",), message="another line has this name", casefold=True)
    ids = {row["id"] for row in rows}
    taken = {name.lower(): pk for pk, name in Department.objects.values_list("pk", "name")}
    for row in rows:
        other = taken.get(row["name"].lower())
        if other is not None and other not in ids:
            raise fail(report.name, row.line, "name", f"another department ({other}) has this name")
    upsert(ctx, report, Department, rows, fields=["name", "color"],
           to_values=lambda row, existing: {"id": row["id"], "name": row["name"], "color": row["color"]})


DEPARTMENT_COLUMNS = [
    Column("id", parse_uuid, required=True),
    Column("name", text(80), required=True),
    Column("color", color, empty=""),
    Column("kind"),  # free text, ignored
]

PERSON_FIELDS = ["first_name", "last_name", "email", "phone", "country", "contract_type", "active", "status",
                 "archived", "desktop_login", "timezone", "locale", "role", "position", "seniority",
                 "daily_salary", "created_at"]


def _person_status(active: bool, existing_status: str | None) -> str:
    """As `person_create` without a password: an active newcomer is invited; an update of `active` moves the
    status the way the person services do, and leaves it alone when `active` does not change."""
    if existing_status is None:
        return PersonStatus.INVITED if active else PersonStatus.INACTIVE
    if (existing_status in SIGN_IN_STATUSES) == active:
        return existing_status
    return PersonStatus.ACTIVE if active else PersonStatus.INACTIVE


def _audit_value(value):
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def import_persons(ctx: Context, report: FileReport, rows: list[Row]) -> None:
    ids = {row["id"] for row in rows}
    _check_sign_in_identifiers(report.name, rows, ids)
    status_at = PERSON_FIELDS.index("status")
    created_at_at = PERSON_FIELDS.index("created_at")
    labels = {}

    def to_values(row: Row, existing: tuple | None) -> dict:
        values = {f: row.values.get(f) for f in PERSON_FIELDS if f != "status"}
        values["id"] = row["id"]
        values["status"] = _person_status(row["active"], existing[status_at] if existing else None)
        if existing is not None and values["created_at"] is None:
            values["created_at"] = existing[created_at_at]  # an empty cell keeps the stored date
        if existing is None:
            values["password"] = make_password(None)
        labels[row["id"]] = " ".join(p for p in (row["first_name"], row["last_name"]) if p) or str(row["id"])
        return values

    def on_created(values: dict) -> None:
        changes = {f: [None, _audit_value(values[f])] for f in PERSON_FIELDS
                   if values[f] not in (None, "", False) and f != "created_at"}
        ctx.audit_entries.append(_audit_entry("person.created", values["id"], labels[values["id"]], changes))

    def on_updated(values: dict, before: tuple, differing: list[str]) -> None:
        changes = {f: [_audit_value(before[PERSON_FIELDS.index(f)]), _audit_value(values[f])] for f in differing}
        ctx.audit_entries.append(_audit_entry("person.updated", values["id"], labels[values["id"]], changes))

    upsert(ctx, report, Person, rows, fields=PERSON_FIELDS, to_values=to_values, on_created=on_created,
           on_updated=on_updated)


def _audit_entry(action: str, person_id, label: str, changes: dict) -> AuditEntry:
    return AuditEntry(action=action, actor_id=None, actor_label="", target_type="person",
                      target_id=str(person_id), target_label=label[:300], changes=changes, reason="import_csv")


def _check_sign_in_identifiers(name: str, rows: list[Row], ids: set) -> None:
    """Emails (any case) and desktop logins name one non-bot person each, in the file and in the database,
    and an email never equals another person's desktop login (sign-in tries both; see people.services)."""
    emails: dict[str, tuple] = {}  # lowercased email -> its owner
    logins: dict[str, tuple] = {}  # desktop login -> its owner
    logins_lower: dict[str, tuple] = {}
    for pk, email, login in Person.objects.filter(is_bot=False).values_list("pk", "email", "desktop_login"):
        if pk in ids:
            continue
        if email:
            emails[email.lower()] = ("the database", pk)
        if login:
            logins[login] = logins_lower[login.lower()] = ("the database", pk)
    for row in rows:  # imported persons are never bots
        email, login = row["email"], row["desktop_login"]
        if email:
            clash = emails.get(email.lower()) or logins_lower.get(email.lower())
            if clash is not None:
                raise fail(name, row.line, "email", f"already used by another person ({_where(clash)})")
            emails[email.lower()] = (f"line {row.line}", row["id"])
        if login:
            clash = logins.get(login) or emails.get(login.lower())
            if clash is not None:
                raise fail(name, row.line, "desktop_login", f"already used by another person ({_where(clash)})")
            logins[login] = logins_lower[login.lower()] = (f"line {row.line}", row["id"])


def _where(owner: tuple) -> str:
    place, pk = owner
    return place if place.startswith("line") else f"{pk}, in the database"


PERSON_COLUMNS = [
    Column("id", parse_uuid, required=True),
    Column("first_name", text(80), required=True),
    Column("last_name", text(80), empty=""),
    Column("email", normalized(validators.normalize_email)),
    Column("phone", text(30), empty=""),
    Column("country", normalized(validators.normalize_country)),
    Column("contract_type", choice(ContractType.values), empty=ContractType.OPEN_ENDED),
    Column("active", parse_bool, empty=True),
    Column("archived", parse_bool, empty=False),
    Column("desktop_login", text(80), empty=""),
    Column("timezone", normalized(validators.normalize_timezone),
           empty=Person._meta.get_field("timezone").default),
    Column("locale", normalized(validators.normalize_locale), empty=Person._meta.get_field("locale").default),
    Column("role", choice(Role.values), empty=Role.USER),
    Column("position", choice(Position.values)),
    Column("seniority", choice(Seniority.values)),
    Column("daily_salary", not_negative(parse_int), empty=0),
    Column("created_at", parse_datetime),
]


def import_department_links(ctx: Context, report: FileReport, rows: list[Row]) -> None:
    check_references(report.name, rows, "person_id", ids_of(Person), "person")
    check_references(report.name, rows, "department_id", ids_of(Department), "department")
    link_rows(ctx, report, PersonDepartment, rows, ("person_id", "department_id"))


LINK_PERSON_DEPARTMENT = [Column("person_id", parse_reference, required=True),
                          Column("department_id", parse_reference, required=True)]

PROJECT_FIELDS = ["name", "code", "production_type", "fps", "start_date", "end_date"]


def import_project(ctx: Context, report: FileReport, rows: list[Row]) -> None:
    if len(rows) != 1:
        raise fail(report.name, rows[1].line if len(rows) > 1 else 1, None,
                   f"must hold exactly one project (it holds {len(rows)})")
    row = rows[0]
    if row["start_date"] and row["end_date"] and row["end_date"] < row["start_date"]:
        raise fail(report.name, row.line, "end_date", "is before start_date")
    clash = Project.objects.filter(name=row["name"]).exclude(pk=row["id"]).values_list("pk", flat=True).first()
    if clash is not None:
        raise fail(report.name, row.line, "name", f"another project ({clash}) has this name")
    status_id = services.project_status_get_or_create(services.OPEN).pk

    def to_values(row: Row, existing: tuple | None) -> dict:
        values = {"id": row["id"], **{f: row[f] for f in PROJECT_FIELDS}}
        if existing is None:
            values["project_status_id"] = status_id
        return values

    upsert(ctx, report, Project, rows, fields=PROJECT_FIELDS, to_values=to_values)
    ctx.project = Project.objects.get(pk=row["id"])


PROJECT_COLUMNS = [
    Column("id", parse_uuid, required=True),
    Column("name", text(80), required=True),
    Column("code", text(80)),
    Column("production_type", choice(ProductionType.values), empty=ProductionType.SHORT),
    Column("fps", text(10), empty="25"),
    Column("start_date", parse_date),
    Column("end_date", parse_date),
]


def _by_name(model: type[models.Model], key: str = "name") -> dict[str, models.Model]:
    return {getattr(row, key).lower(): row for row in model.objects.all()}


def import_entities(ctx: Context, report: FileReport, rows: list[Row]) -> None:
    types = _by_name(EntityType)
    created_types = 0
    for row in rows:
        if row["type"].lower() not in types:
            types[row["type"].lower()] = EntityType.objects.create(name=row["type"])
            created_types += 1
        row.values["entity_type_id"] = types[row["type"].lower()].pk
    report.side_created["entity types"] = created_types
    known = {row["id"] for row in rows} | ids_of(Entity, project=ctx.project)
    others = ids_of(Entity) - known
    for row in rows:
        if row["parent_id"] in others:
            raise fail(report.name, row.line, "parent_id", "the parent belongs to another project")
        if row["parent_id"] == row["id"]:
            raise fail(report.name, row.line, "parent_id", "an entity cannot be its own parent")
    check_references(report.name, rows, "parent_id", known, "entity")
    unique_in_file(report.name, rows, ("name", "entity_type_id", "parent_id"), column="name",
                   message="another line has this name, type and parent")
    fields = ["name", "entity_type_id", "parent_id", "nb_frames", "project_id"]
    upsert(ctx, report, Entity, rows, fields=fields, to_values=lambda row, existing: {
        "id": row["id"], "name": row["name"], "entity_type_id": row["entity_type_id"],
        "parent_id": row["parent_id"], "nb_frames": row["nb_frames"], "project_id": ctx.project.pk})


ENTITY_COLUMNS = [
    Column("id", parse_uuid, required=True),
    Column("type", text(30), required=True),
    Column("name", text(160), required=True),
    Column("parent_id", parse_reference),
    Column("nb_frames", not_negative(parse_int)),
]

# Kitsu's default statuses; a short name the file brings that is not among them gets no flag.
KNOWN_STATUSES = ZOU_DEFAULT_TASK_STATUSES


def _status_named(short_name: str) -> TaskStatus:
    flags = dict(KNOWN_STATUSES.get(short_name.lower(), {"name": short_name, "color": "#999999"}))
    if flags.pop("is_default", False) and not TaskStatus.objects.filter(is_default=True).exists():
        flags["is_default"] = True
    return TaskStatus.objects.create(short_name=short_name, **flags)


TASK_FIELDS = ["entity_id", "task_type_id", "task_status_id", "estimation", "real_start_date", "end_date",
               "done_date", "project_id"]


def import_tasks(ctx: Context, report: FileReport, rows: list[Row]) -> None:
    entities = {pk: type_name for pk, type_name in
                Entity.objects.filter(project=ctx.project).values_list("pk", "entity_type__name")}
    others = ids_of(Entity) - set(entities)
    for row in rows:
        if row["entity_id"] in others:
            raise fail(report.name, row.line, "entity_id", "the entity belongs to another project")
    check_references(report.name, rows, "entity_id", set(entities), "entity")

    departments, task_types, statuses = _by_name(Department), _by_name(TaskType), _by_name(TaskStatus, "short_name")
    made = {"departments": 0, "task types": 0, "task statuses": 0}
    for row in rows:
        entity_type = entities[row["entity_id"]]
        is_asset = entity_type not in ("Episode", "Sequence", "Shot", "Edit", "Concept")
        task_type = task_types.get(row["task_type"].lower())
        if task_type is None:
            department = None
            if row["department"]:
                department = departments.get(row["department"].lower())
                if department is None:
                    department = departments[row["department"].lower()] = Department.objects.create(
                        name=row["department"])
                    made["departments"] += 1
            for_entity = row["task_type_for_entity"] or (ForEntity.ASSET if is_asset else entity_type)
            task_type = task_types[row["task_type"].lower()] = TaskType.objects.create(
                name=row["task_type"], for_entity=for_entity, department=department)
            made["task types"] += 1
        fits = is_asset if task_type.for_entity == ForEntity.ASSET else entity_type == task_type.for_entity
        if not fits:
            raise fail(report.name, row.line, "task_type",
                       f"{task_type.name} is for {task_type.for_entity} tasks, the entity is a {entity_type}")
        status = statuses.get(row["status"].lower())
        if status is None:
            status = statuses[row["status"].lower()] = _status_named(row["status"])
            made["task statuses"] += 1
        row.values["task_type_id"] = task_type.pk
        row.values["task_status"] = status
    report.side_created.update(made)
    unique_in_file(report.name, rows, ("entity_id", "task_type_id"), column="task_type",
                   message="the entity already has a task of this type")

    def to_values(row: Row, existing: tuple | None) -> dict:
        status = row["task_status"]
        values = {"id": row["id"], "entity_id": row["entity_id"], "task_type_id": row["task_type_id"],
                  "task_status_id": status.pk, "estimation": row["estimation"],
                  "real_start_date": row["real_start_date"], "end_date": row["end_date"],
                  "done_date": row["end_date"] if status.is_done else None, "project_id": ctx.project.pk}
        if existing is None:
            values["name"] = "main"
        return values

    upsert(ctx, report, Task, rows, fields=TASK_FIELDS, to_values=to_values)


TASK_COLUMNS = [
    Column("id", parse_uuid, required=True),
    Column("entity_id", parse_reference, required=True),
    Column("task_type", text(40), required=True),
    Column("task_type_for_entity", choice([ForEntity.SHOT, ForEntity.ASSET])),
    Column("department", text(80)),
    Column("status", text(10), required=True),
    # Checked, not stored: a task's duration is the sum of its time spent, recomputed at the end.
    Column("duration", not_negative(parse_float), empty=0.0),
    Column("estimation", not_negative(parse_float), empty=0.0),
    Column("real_start_date", parse_datetime),
    Column("end_date", parse_datetime),
]


def import_task_assignees(ctx: Context, report: FileReport, rows: list[Row]) -> None:
    check_references(report.name, rows, "task_id", ids_of(Task), "task")
    check_references(report.name, rows, "person_id", ids_of(Person), "person")
    link_rows(ctx, report, TaskPersonLink, rows, ("task_id", "person_id"))


LINK_TASK_PERSON = [Column("task_id", parse_reference, required=True), Column("person_id", parse_reference, required=True)]


def import_time_spents(ctx: Context, report: FileReport, rows: list[Row]) -> None:
    check_references(report.name, rows, "person_id", ids_of(Person), "person")
    check_references(report.name, rows, "task_id", ids_of(Task), "task")
    unique_in_file(report.name, rows, ("person_id", "task_id", "date"), column="date",
                   message="this person already has time spent on this task on this day")
    fields = ["person_id", "task_id", "date", "duration"]
    upsert(ctx, report, TimeSpent, rows, fields=fields,
           to_values=lambda row, existing: {"id": row["id"], "person_id": row["person_id"],
                                            "task_id": row["task_id"], "date": row["date"],
                                            "duration": row["duration"]})


TIME_SPENT_COLUMNS = [
    Column("id", parse_uuid, required=True),
    Column("person_id", parse_reference, required=True),
    Column("task_id", parse_reference, required=True),
    Column("date", parse_date, required=True),
    Column("duration", positive(parse_float), required=True),
]


def import_day_offs(ctx: Context, report: FileReport, rows: list[Row]) -> None:
    check_references(report.name, rows, "person_id", ids_of(Person), "person")
    for row in rows:
        if row["end_date"] is None:
            row.values["end_date"] = row["date"]
        elif row["end_date"] < row["date"]:
            raise fail(report.name, row.line, "end_date", "is before date")
    # A person's day-offs never overlap (PostgreSQL's exclusion constraint would refuse them without a line).
    ids = {row["id"] for row in rows}
    spans: dict[Any, list[tuple]] = {}
    for pk, person_id, start, end in DayOff.objects.order_by().values_list("pk", "person_id", "date", "end_date"):
        if pk not in ids:
            spans.setdefault(person_id, []).append((start, end, "a day-off in the database"))
    for row in sorted(rows, key=lambda r: r.line):
        for start, end, where in spans.get(row["person_id"], ()):
            if start <= row["end_date"] and row["date"] <= end:
                raise fail(report.name, row.line, "date", f"overlaps {where} ({start} to {end})")
        spans.setdefault(row["person_id"], []).append((row["date"], row["end_date"], f"line {row.line}"))
    fields = ["person_id", "date", "end_date", "description"]
    upsert(ctx, report, DayOff, rows, fields=fields, to_values=lambda row, existing: {
        "id": row["id"], **{f: row[f] for f in fields}})


DAY_OFF_COLUMNS = [
    Column("id", parse_uuid, required=True),
    Column("person_id", parse_reference, required=True),
    Column("date", parse_date, required=True),
    Column("end_date", parse_date),
    Column("description", empty=""),
]


def import_desktop_login_logs(ctx: Context, report: FileReport, rows: list[Row]) -> None:
    check_references(report.name, rows, "person_id", ids_of(Person), "person")
    upsert(ctx, report, DesktopLoginLog, rows, fields=["person_id", "date"], to_values=lambda row, existing: {
        "id": row["id"], "person_id": row["person_id"], "date": row["date"]})


DESKTOP_LOGIN_COLUMNS = [
    Column("id", parse_uuid, required=True),
    Column("person_id", parse_reference, required=True),
    Column("date", parse_datetime, required=True),
]

IMPORTERS: dict[str, tuple[list[Column], Callable[[Context, FileReport, list[Row]], None]]] = {
    "departments.csv": (DEPARTMENT_COLUMNS, import_departments),
    "persons.csv": (PERSON_COLUMNS, import_persons),
    "department_links.csv": (LINK_PERSON_DEPARTMENT, import_department_links),
    "project.csv": (PROJECT_COLUMNS, import_project),
    "entities.csv": (ENTITY_COLUMNS, import_entities),
    "tasks.csv": (TASK_COLUMNS, import_tasks),
    "task_assignees.csv": (LINK_TASK_PERSON, import_task_assignees),
    "time_spents.csv": (TIME_SPENT_COLUMNS, import_time_spents),
    "day_offs.csv": (DAY_OFF_COLUMNS, import_day_offs),
    "desktop_login_logs.csv": (DESKTOP_LOGIN_COLUMNS, import_desktop_login_logs),
}


