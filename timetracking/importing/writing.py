"""Writing the rows: new ids by COPY (PostgreSQL) or batched INSERTs, changed rows by batched UPDATEs,
identical rows left alone; a row the database refuses named by its file (and line, where the key is known)."""

import operator
import re
from collections.abc import Callable, Iterator
from typing import Any

from django.db import DataError, IntegrityError, connection, models, transaction
from django.db.models.fields import AutoFieldMixin

from timetracking.importing.base import COPY_CHUNK, READ_CHUNK, Context, FileReport, ImportFailed, fail
from timetracking.importing.cells import Row, unique_in_file


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


