"""The bulk CSV import (`manage.py import_csv DIR`, /work/shared/docs/csv-import.md): a studio's people,
production and time history, loaded in one transaction.

How it goes, file by file in the order of their references:
- every cell is parsed and checked in Python first, so a bad row aborts the import naming its file, line and
  column (`time_spents.csv line 17, column duration: must be > 0`), before anything is written;
- ids are kept: the rows already in the database are read back by id (in chunks), and each CSV row is then
  new (inserted), changed (updated) or identical (left alone, `updated_at` included), so a second import of the
  same folder creates nothing and changes nothing;
- new rows go in by COPY on PostgreSQL and by batched INSERTs elsewhere (the embedded SQLite of `make run`);
  the database still checks every constraint, and one it refuses is reported with its file (and line, where
  PostgreSQL names the key);
- at the end the database recomputes each task's `duration` (the sum of its time spent) and each person's
  `last_presence` in one UPDATE each.

Task types, departments (by name), task statuses (by short name) and entity types (by name) that tasks and
entities name are created when missing. Imported persons get an unusable password and the `invited` status when
active (they are invited or reset later), like a person created without a password; an import is an operator's
bulk load, so the per-request user limit does not apply to it."""

import csv
import datetime as dt
import functools
import json
import math
import operator
import re
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DataError, IntegrityError, connection, models, transaction
from django.db.models import Max
from django.db.models.fields import AutoFieldMixin
from django.db.models.functions import TruncDate
from django.utils import timezone

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

# The files, in import order, with the files each one refers to.
FILES: dict[str, tuple[str, ...]] = {
    "departments.csv": (),
    "persons.csv": (),
    "department_links.csv": ("persons.csv", "departments.csv"),
    "project.csv": (),
    "entities.csv": ("project.csv",),
    "tasks.csv": ("project.csv", "entities.csv"),
    "task_assignees.csv": ("tasks.csv", "persons.csv"),
    "time_spents.csv": ("persons.csv", "tasks.csv"),
    "day_offs.csv": ("persons.csv",),
    "desktop_login_logs.csv": ("persons.csv",),
}

COPY_CHUNK = 20_000  # rows per COPY (PostgreSQL) or executemany (elsewhere), one progress step each
READ_CHUNK = 10_000  # ids per query when reading existing rows back (SQLite: 900, its parameter limit)


class ImportFailed(Exception):
    """A bad row or file: the message names it, and nothing of the import is kept."""


@dataclass
class FileReport:
    name: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    # Catalog rows created because a row named them ("task types: 2", ...).
    side_created: dict[str, int] = field(default_factory=dict)

    def summary(self) -> str:
        text = f"{self.name}: {self.rows} rows, {self.created} created, {self.updated} updated, " \
               f"{self.unchanged} unchanged"
        extra = ", ".join(f"{count} {what}" for what, count in self.side_created.items() if count)
        return f"{text} (also created: {extra})" if extra else text


@dataclass
class ImportReport:
    files: list[FileReport]
    seconds: float

    @property
    def created(self) -> int:
        return sum(report.created for report in self.files)

    @property
    def updated(self) -> int:
        return sum(report.updated for report in self.files)


class Progress:
    """What the import tells as it goes; the command draws it on stderr, tests may collect it."""

    def reading(self, name: str) -> None: ...

    def start(self, name: str, total: int) -> None: ...

    def advance(self, name: str, done: int, total: int) -> None: ...

    def finish(self, report: FileReport) -> None: ...


# Cells ----------------------------------------------------------------------------------------------

class CellError(ValueError):
    pass


def parse_uuid(raw: str) -> uuid.UUID:
    try:
        return uuid.UUID(raw)
    except ValueError:
        raise CellError(f"not a UUID: {raw!r}") from None


# References repeat (a person's id is on each of their time spent rows): parsed once each.
parse_reference = functools.lru_cache(maxsize=1 << 16)(parse_uuid)


def parse_bool(raw: str) -> bool:
    lowered = raw.lower()
    if lowered == "true":
        return True
    if lowered == "false":
        return False
    raise CellError(f"must be True or False, not {raw!r}")


def parse_int(raw: str) -> int:
    try:
        value = int(raw)
    except ValueError:
        raise CellError(f"not a whole number: {raw!r}") from None
    if not -(2**31) <= value < 2**31:  # the integer columns are 32-bit
        raise CellError(f"out of range: {raw!r}")
    return value


def parse_float(raw: str) -> float:
    try:
        value = float(raw)
    except ValueError:
        raise CellError(f"not a number: {raw!r}") from None
    if not math.isfinite(value):
        raise CellError(f"not a finite number: {raw!r}")
    return value


def parse_date(raw: str) -> dt.date:
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise CellError(f"not a date (YYYY-MM-DD): {raw!r}") from None


def parse_datetime(raw: str) -> dt.datetime:
    """ISO date-time, UTC unless it carries an offset; a bare date is its midnight, UTC."""
    try:
        value = dt.datetime.fromisoformat(raw)
    except ValueError:
        raise CellError(f"not a date-time (ISO 8601): {raw!r}") from None
    if value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC)


def positive(parse: Callable[[str], float]) -> Callable[[str], float]:
    def check(raw: str):
        value = parse(raw)
        if value <= 0:
            raise CellError("must be > 0")
        return value
    return check


def not_negative(parse: Callable[[str], float]) -> Callable[[str], float]:
    def check(raw: str):
        value = parse(raw)
        if value < 0:
            raise CellError("must be >= 0")
        return value
    return check


def choice(values: Iterable[str]) -> Callable[[str], str]:
    allowed = tuple(values)

    def check(raw: str) -> str:
        if raw not in allowed:
            raise CellError(f"{raw!r} is not one of {', '.join(allowed)}")
        return raw
    return check


def text(max_length: int) -> Callable[[str], str]:
    def check(raw: str) -> str:
        if len(raw) > max_length:
            raise CellError(f"longer than {max_length} characters")
        return raw
    return check


def normalized(normalize: Callable[[str], Any]) -> Callable[[str], Any]:
    """A people validator (email, country, timezone, locale) as a cell parser."""
    def check(raw: str):
        try:
            return normalize(raw)
        except ValidationError as exc:
            raise CellError(exc.messages[0]) from None
    return check


COLOR = re.compile(r"^#[0-9A-Fa-f]{6}$")


def color(raw: str) -> str:
    if not COLOR.match(raw):
        raise CellError(f"not a color #RRGGBB: {raw!r}")
    return raw


@dataclass(frozen=True)
class Column:
    name: str
    parse: Callable[[str], Any] = str
    required: bool = False
    empty: Any = None  # the value of an empty cell (or of a column the file leaves out)


@dataclass
class Row:
    line: int
    values: dict[str, Any]

    def __getitem__(self, key):
        return self.values[key]


# Reading --------------------------------------------------------------------------------------------

class Context:
    def __init__(self, directory: Path, progress: Progress):
        self.directory = directory
        self.progress = progress
        self.now = timezone.now()
        self.postgres = connection.vendor == "postgresql"
        self.project: Project | None = None
        self.reports: list[FileReport] = []
        self.audit_entries: list[AuditEntry] = []

    def path(self, name: str) -> Path:
        return self.directory / name

    def present(self, name: str) -> bool:
        return self.path(name).is_file()


def fail(name: str, line: int, column: str | None, message: str) -> ImportFailed:
    where = f"{name} line {line}" + (f", column {column}" if column else "")
    return ImportFailed(f"{where}: {message}")


def read_rows(ctx: Context, name: str, columns: list[Column]) -> list[Row]:
    """Every row of a file, its cells parsed; the first bad cell aborts with its line and column."""
    rows = []
    with open(ctx.path(name), newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle)
        try:
            header = [cell.strip() for cell in next(reader)]
        except StopIteration:
            return []
        except (UnicodeDecodeError, csv.Error) as exc:
            raise fail(name, 1, None, f"unreadable: {exc}") from None
        positions = {column: index for index, column in reversed(list(enumerate(header)))}
        for column in columns:
            if column.required and column.name not in positions:
                raise fail(name, 1, column.name, "missing from the header")
        layout = [(column, positions.get(column.name)) for column in columns]
        try:
            for cells in reader:
                if not any(cell.strip() for cell in cells):
                    continue  # a blank line
                line = reader.line_num
                values = {}
                for column, position in layout:
                    raw = cells[position].strip() if position is not None and position < len(cells) else ""
                    if raw == "":
                        if column.required:
                            raise fail(name, line, column.name, "is required")
                        values[column.name] = column.empty
                        continue
                    try:
                        values[column.name] = column.parse(raw)
                    except CellError as exc:
                        raise fail(name, line, column.name, str(exc)) from None
                rows.append(Row(line, values))
        except (UnicodeDecodeError, csv.Error) as exc:
            raise fail(name, reader.line_num, None, f"unreadable: {exc}") from None
    return rows


def unique_in_file(name: str, rows: list[Row], keys: tuple[str, ...], *, column: str | None = None,
                   message: str = "duplicate", casefold: bool = False) -> None:
    """No two lines share `keys` (a NULL part never clashes, as in a unique index)."""
    seen: dict[tuple, int] = {}
    key_of = operator.itemgetter(*keys)
    for row in rows:
        key = key_of(row.values)
        if not isinstance(key, tuple):
            key = (key,)
        if None in key:
            continue
        if casefold:
            key = tuple(part.lower() if isinstance(part, str) else part for part in key)
        first = seen.setdefault(key, row.line)
        if first != row.line:
            raise fail(name, row.line, column or keys[0], f"{message} (line {first})")


def check_references(name: str, rows: list[Row], column: str, known: set, what: str) -> None:
    for row in rows:
        value = row[column]
        if value is not None and value not in known:
            raise fail(name, row.line, column, f"no {what} with the id {value}")


def ids_of(model: type[models.Model], **filters) -> set:
    return set(model.objects.filter(**filters).values_list("pk", flat=True))


# Writing --------------------------------------------------------------------------------------------

def _chunks(items: list, size: int) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _insert_fields(model: type[models.Model]) -> list[models.Field]:
    return [f for f in model._meta.concrete_fields if not isinstance(f, AutoFieldMixin)]


def _layout(ctx: Context, model: type[models.Model], sample: dict[str, Any]) -> tuple[list, list, list]:
    """The columns of an insert: those the rows bring (every row of a file brings the same keys), then the
    others with their constant value (timestamps: now; else the field's default, or NULL)."""
    given, constant, constants = [], [], []
    for f in _insert_fields(model):
        if f.attname in sample:
            given.append(f)
            continue
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            value = ctx.now
        elif f.has_default():
            value = f.get_default()
        elif f.null:
            value = None
        else:
            raise RuntimeError(f"{model.__name__}.{f.name}: no value and no default")
        constant.append(f)
        constants.append(value)
    return given, constant, constants


def _full_rows(ctx: Context, given: list[models.Field], constants: list, chunk: list[tuple[int, dict]]) -> list:
    values_of = operator.itemgetter(*(f.attname for f in given))
    rows = []
    for _, values in chunk:
        picked = values_of(values)
        rows.append([*(picked if len(given) > 1 else (picked,)), *constants])
    if any(f.attname == "created_at" for f in given):  # an empty created_at cell: now
        position = next(i for i, f in enumerate(given) if f.attname == "created_at")
        for row in rows:
            if row[position] is None:
                row[position] = ctx.now
    return rows


def _locate(name: str, entries: list[tuple[int, dict]], exc: IntegrityError | DataError) -> ImportFailed:
    """The database refused a row: name it by the key PostgreSQL reports, or at least name the file."""
    cause = exc.__cause__
    diag = getattr(cause, "diag", None)
    detail = getattr(diag, "message_detail", None) or ""
    primary = (getattr(diag, "message_primary", None) or str(exc)).splitlines()[0]
    match = re.match(r"Key \((?P<columns>[^)]*)\)=\((?P<values>.*)\)", detail)
    if match:
        columns = [column.strip() for column in match["columns"].split(",")]
        wanted = [value.strip() for value in match["values"].split(",")]
        for line, values in entries:
            if [str(values.get(column, "")) for column in columns] == wanted:
                return fail(name, line, ", ".join(columns), f"refused by the database: {primary} ({detail})")
    return ImportFailed(f"{name}: refused by the database: {primary}" + (f" ({detail})" if detail else ""))


def insert(ctx: Context, name: str, model: type[models.Model], entries: list[tuple[int, dict]]) -> None:
    """New rows ((line, values) pairs), by COPY on PostgreSQL and batched INSERTs elsewhere, with a progress
    step per chunk."""
    if not entries:
        return
    given, constant, constants = _layout(ctx, model, entries[0][1])
    fields = given + constant
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    json_positions = [i for i, f in enumerate(fields) if isinstance(f, models.JSONField)]
    done = 0
    try:
        for chunk in _chunks(entries, COPY_CHUNK):
            full = _full_rows(ctx, given, constants, chunk)
            with connection.cursor() as cursor:
                if ctx.postgres:
                    _copy(cursor, table, columns, full, json_positions)
                else:
                    prepared = [[f.get_db_prep_save(value, connection) for f, value in zip(fields, row, strict=True)]
                                for row in full]
                    placeholders = ", ".join(["%s"] * len(fields))
                    cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", prepared)
            done += len(chunk)
            ctx.progress.advance(name, done, len(entries))
    except (IntegrityError, DataError) as exc:
        raise _locate(name, entries, exc) from None


def _copy(cursor, table: str, columns: str, rows: list[list], json_positions: list[int]) -> None:
    from psycopg.types.json import Jsonb

    with connection.wrap_database_errors, cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for row in rows:
            for position in json_positions:
                if row[position] is not None:
                    row[position] = Jsonb(row[position])
            copy.write_row(row)


def existing_rows(model: type[models.Model], ids: list, fields: list[str]) -> dict[Any, tuple]:
    """id -> the values of `fields`, for the ids already in the database, read back in chunks."""
    found = {}
    if not ids or not model.objects.exists():  # a first import: nothing to read back
        return found
    rows = model.objects.order_by().values_list("pk", *fields)
    if len(ids) > READ_CHUNK:
        # Many ids: one pass over the table beats tens of queries with thousands of ids in their IN lists.
        wanted = set(ids)
        for pk, *values in rows.iterator(chunk_size=READ_CHUNK):
            if pk in wanted:
                found[pk] = tuple(values)
        return found
    size = READ_CHUNK if connection.vendor == "postgresql" else 900
    for chunk in _chunks(ids, size):
        for pk, *values in rows.filter(pk__in=chunk):
            found[pk] = tuple(values)
    return found


def upsert(ctx: Context, report: FileReport, model: type[models.Model], rows: list[Row], *,
           fields: list[str], to_values: Callable[[Row, tuple | None], dict],
           on_created: Callable[[dict], None] | None = None,
           on_updated: Callable[[dict, tuple, list[str]], None] | None = None) -> None:
    """Insert the new ids, update the changed rows (their `updated_at` too), leave the identical ones alone.

    `to_values(row, existing)` gives the row's stored values (attnames -> values, `id` included); `existing` is
    the stored tuple of `fields`, or None for a new row. Only `fields` are compared and updated."""
    unique_in_file(report.name, rows, ("id",), message="the same id is on another line")
    current = existing_rows(model, [row["id"] for row in rows], fields)
    new, changed = [], []
    for row in rows:
        before = current.get(row["id"])
        values = to_values(row, before)
        if before is None:
            new.append((row.line, values))
            continue
        after = tuple(values[f] for f in fields)
        if after == before:
            report.unchanged += 1
            continue
        differing = [f for f, old, value in zip(fields, before, after, strict=True) if old != value]
        changed.append((row.line, values, before, differing))
    ctx.progress.start(report.name, len(new) + len(changed))
    insert(ctx, report.name, model, new)
    report.created = len(new)
    if changed:
        _update(ctx, report, model, changed, on_updated)
    report.updated = len(changed)
    if on_created is not None:
        for _, values in new:
            on_created(values)


def _update(ctx, report, model, changed, on_updated) -> None:
    by_fields: dict[tuple[str, ...], list] = {}
    for _, values, before, differing in changed:
        by_fields.setdefault(tuple(differing), []).append(values)
        if on_updated is not None:
            on_updated(values, before, differing)
    has_updated_at = any(f.attname == "updated_at" for f in model._meta.concrete_fields)
    try:
        with transaction.atomic():
            for differing, group in by_fields.items():
                instances = []
                for values in group:
                    instance = model(pk=values["id"])
                    for f in differing:
                        setattr(instance, f, values[f])
                    if has_updated_at:
                        instance.updated_at = ctx.now
                    instances.append(instance)
                names = [*differing, "updated_at"] if has_updated_at else list(differing)
                model.objects.bulk_update(instances, [model._meta.get_field(_field_name(model, f)).name
                                                      for f in names], batch_size=500)
    except (IntegrityError, DataError) as exc:
        raise _locate(report.name, [(line, values) for line, values, _, _ in changed], exc) from None


def _field_name(model, attname: str) -> str:
    for f in model._meta.concrete_fields:
        if f.attname == attname:
            return f.name
    return attname


def link_rows(ctx: Context, report: FileReport, model: type[models.Model], rows: list[Row],
              pair: tuple[str, str]) -> None:
    """Link tables (memberships, assignments): a pair already there is left alone; nothing is removed."""
    left, right = pair
    unique_in_file(report.name, rows, pair, message="the same pair is on another line")
    existing = set(model.objects.order_by().values_list(left, right))
    new = [(row.line, {left: row[left], right: row[right]}) for row in rows
           if (row[left], row[right]) not in existing]
    report.unchanged = len(rows) - len(new)
    ctx.progress.start(report.name, len(new))
    insert(ctx, report.name, model, new)
    report.created = len(new)


# The files ------------------------------------------------------------------------------------------

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
KNOWN_STATUSES = {
    "todo": {"name": "Todo", "color": "#f5f5f5", "is_default": True},
    "ready": {"name": "Ready", "color": "#fbbf24"},
    "wip": {"name": "Work In Progress", "color": "#3273dc", "is_wip": True},
    "wfa": {"name": "Waiting For Approval", "color": "#ab26ff", "is_feedback_request": True},
    "retake": {"name": "Retake", "color": "#ff3860", "is_retake": True},
    "done": {"name": "Done", "color": "#22d160", "is_done": True},
}


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


# After the files ------------------------------------------------------------------------------------

def task_durations_recompute() -> int:
    """Every task's duration = the sum of its time spent, in one UPDATE of the tasks that differ. The sums come
    from one grouped scan of the time spent joined in (PostgreSQL and SQLite >= 3.33 both read UPDATE ... FROM):
    a correlated subquery per task costs a second per few thousand tasks at this volume."""
    task, time_spent = (connection.ops.quote_name(model._meta.db_table) for model in (Task, TimeSpent))
    with connection.cursor() as cursor:
        cursor.execute(f"""
            UPDATE {task} SET duration = totals.total
            FROM (SELECT t.id AS task_id, COALESCE(SUM(ts.duration), 0) AS total
                  FROM {task} t LEFT JOIN {time_spent} ts ON ts.task_id = t.id GROUP BY t.id) totals
            WHERE {task}.id = totals.task_id AND {task}.duration <> totals.total""")
        return cursor.rowcount


def last_presences_recompute() -> int:
    """Move each person's `last_presence` on to their last time spent or desktop login day (zou-api.md 3,
    item 49): the database gives each person's last days in two grouped queries; the persons it moves on are
    written in a few batched UPDATEs."""
    last: dict[Any, dt.date] = {}
    grouped = [
        TimeSpent.objects.order_by().values_list("person_id").annotate(last=Max("date")),
        DesktopLoginLog.objects.order_by().values_list("person_id")
        .annotate(last=Max(TruncDate("date", tzinfo=dt.UTC))),
    ]
    for rows in grouped:
        for person_id, day in rows:
            if day is not None and (person_id not in last or day > last[person_id]):
                last[person_id] = day
    behind = [Person(pk=pk, last_presence=last[pk]) for pk, current in
              Person.objects.order_by().values_list("pk", "last_presence")
              if pk in last and (current is None or current < last[pk])]
    Person.objects.bulk_update(behind, ["last_presence"], batch_size=500)
    return len(behind)


# The import -----------------------------------------------------------------------------------------

def check_files(directory: Path) -> list[str]:
    """The files present, in import order; a file whose references are missing aborts here, before any write."""
    if not directory.is_dir():
        raise ImportFailed(f"{directory}: no such directory")
    present = [name for name in FILES if (directory / name).is_file()]
    if not present:
        raise ImportFailed(f"{directory}: none of the import files is there ({', '.join(FILES)})")
    for name in present:
        for needed in FILES[name]:
            if needed not in present:
                raise ImportFailed(f"{name} refers to {needed}, which is missing from {directory}")
    return present


def csv_import(*, directory: Path, progress: Progress | None = None) -> ImportReport:
    """Load the folder in one transaction; ImportFailed (nothing kept) names the first bad file or row."""
    started = time.monotonic()
    directory = Path(directory)
    present = check_files(directory)
    ctx = Context(directory, progress or Progress())
    with transaction.atomic():
        for name in present:
            columns, importer = IMPORTERS[name]
            ctx.progress.reading(name)
            rows = read_rows(ctx, name, columns)
            report = FileReport(name, rows=len(rows))
            if rows or name == "project.csv":
                importer(ctx, report, rows)
            ctx.reports.append(report)
            ctx.progress.finish(report)
        AuditEntry.objects.bulk_create(ctx.audit_entries, batch_size=1000)
        task_durations_recompute()
        last_presences_recompute()
        # The stored per-person time totals: rebuilt from the rows just imported (the time-spent services keep
        # them in step on every other write).
        rebuild_totals = getattr(services, "time_totals_rebuild", None)
        if rebuild_totals is not None:
            rebuild_totals()
    return ImportReport(files=ctx.reports, seconds=time.monotonic() - started)
