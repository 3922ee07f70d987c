"""Zou's dicts for long lists, built from database tuples instead of model instances and DRF fields.

A `RowPlan` is made once per (model, output keys, vendor): it picks the columns to read with `values_list`,
lets PostgreSQL format what it formats faster than Python (ids and timestamps as text), and compiles one
function that turns a tuple into the output dict, key order included. The output is exactly what the model's
`ZouModelSerializer` gives (a test compares them), so callers may pick either path.

JSON columns are handed to the renderer already rendered by the standard library (`RenderedJSON`), so
their bytes (float spellings, big integers) are those of DRF's renderer.
"""

import datetime as dt
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections, models
from django.db.models import Func, TextField
from django.db.models.functions import Cast


class ZouTimestampText(Func):
    """A timestamp as Zou writes it, naive UTC to the second (`2024-06-04T10:00:00`), formatted by PostgreSQL."""

    output_field = TextField()

    def as_sql(self, compiler, connection, **extra_context):
        raise NotImplementedError("ZouTimestampText is only planned on PostgreSQL")

    def as_postgresql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"""to_char(({sql}) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS')""", params


def zou_datetime_text(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    # strftime does not zero-pad years before 1000; isoformat does, as PostgreSQL's YYYY.
    return value.astimezone(dt.UTC).replace(tzinfo=None, microsecond=0).isoformat()


def _date_text(value):
    return None if value is None else value.isoformat()


def _uuid_text(value):
    return None if value is None else str(value)


class RenderedJSON:
    """JSON text rendered already, written as is by config.renderers.FastJSONRenderer."""

    __slots__ = ("text",)

    def __init__(self, text: str):
        self.text = text

    def __eq__(self, other):
        return isinstance(other, RenderedJSON) and other.text == self.text

    def __repr__(self):
        return f"RenderedJSON({self.text!r})"


def json_fragment(value) -> RenderedJSON | None:
    """A JSON column's value pre-rendered as DRF's JSONRenderer would render it (compact, UTF-8)."""
    if value is None:
        return None
    return RenderedJSON(json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":")))


def json_text_fragment(text: str | None) -> RenderedJSON | None:
    """The same from the column's text as the cursor gives it (Django reads jsonb as text on PostgreSQL)."""
    return None if text is None else json_fragment(json.loads(text))


@dataclass(frozen=True)
class Computed:
    """An output key computed from columns (full_name from first_name and last_name, ...)."""

    columns: tuple[str, ...]
    function: Callable[..., Any]


class RowPlan:
    """`keys` in output order; each is a constant (`constants`), a computed value (`computed`), or a concrete
    field of `model` by name or attname (`studio_id`). `in_sql` lets the database format ids and timestamps."""

    def __init__(self, model, keys: Iterable[str], *, constants: dict[str, Any] | None = None,
                 computed: dict[str, Computed] | None = None, in_sql: bool):
        self.model = model
        self.keys = tuple(keys)
        self.in_sql = in_sql
        constants = constants or {}
        computed = computed or {}
        self.columns: list[str] = []
        self.expressions: dict[str, Any] = {}
        namespace: dict[str, Any] = {}
        parts = []
        for key in self.keys:
            if key in constants:
                namespace[f"k_{len(namespace)}"] = constants[key]
                parts.append(f"{key!r}: k_{len(namespace) - 1}")
            elif key in computed:
                spec = computed[key]
                name = f"f_{len(namespace)}"
                namespace[name] = spec.function
                args = ", ".join(f"r[{self._column(column)}]" for column in spec.columns)
                parts.append(f"{key!r}: {name}({args})")
            else:
                converter = self._converter(key)
                index = self._column(key)
                if converter is None:
                    parts.append(f"{key!r}: r[{index}]")
                else:
                    name = f"c_{len(namespace)}"
                    namespace[name] = converter
                    parts.append(f"{key!r}: {name}(r[{index}])")
        # One dict display per row: the fastest way CPython builds a dict with known keys.
        source = "def build(r):\n    return {" + ", ".join(parts) + "}\n"
        exec(compile(source, f"<RowPlan {model.__name__}>", "exec"), namespace)  # noqa: S102 - keys are ours
        self.build: Callable[[tuple], dict] = namespace["build"]

    def _field(self, name: str) -> models.Field:
        for field in self.model._meta.concrete_fields:
            if name in (field.name, field.attname):
                return field
        raise KeyError(f"{self.model.__name__} has no column {name!r}")

    @cached_property
    def attnames(self) -> tuple[str, ...]:
        return tuple(self._field(name).attname for name in self.columns)

    def _column(self, name: str) -> int:
        """The position of `name` in the values_list tuple, reading it (or its SQL text form) once."""
        if name not in self.columns:
            self.columns.append(name)
            field = self._field(name)
            if self.in_sql and isinstance(field, (models.UUIDField, models.ForeignKey)):
                self.expressions[name] = Cast(field.attname, TextField())
            elif self.in_sql and isinstance(field, models.DateTimeField):
                self.expressions[name] = ZouTimestampText(field.attname)
            else:
                self.expressions[name] = field.attname
        return self.columns.index(name)

    def _converter(self, name: str):
        field = self._field(name)
        if isinstance(field, models.JSONField):
            return json_text_fragment if self.in_sql else json_fragment
        if isinstance(field, models.DateTimeField):
            return None if self.in_sql else zou_datetime_text
        if isinstance(field, models.DateField):
            return _date_text
        if isinstance(field, (models.UUIDField, models.ForeignKey)):
            return None if self.in_sql else _uuid_text
        if isinstance(field, models.FloatField):
            return lambda value: None if value is None else float(value)
        return None

    def values_list(self, queryset, **extra):
        """The queryset as tuples in this plan's column order, then any `extra` named expressions."""
        annotations = {f"_row_{i}": expression for i, expression in enumerate(self.expressions.values())
                       if not isinstance(expression, str)}
        names = []
        position = 0
        for expression in self.expressions.values():
            if isinstance(expression, str):
                names.append(expression)
            else:
                names.append(f"_row_{position}")
            position += 1
        queryset = queryset.annotate(**annotations) if annotations else queryset
        if extra:
            queryset = queryset.annotate(**extra)
        return queryset.values_list(*names, *extra)

    def fetch(self, queryset, **extra) -> list[tuple]:
        """`values_list`'s tuples straight from the cursor (only for plans with `in_sql=True`): the plan's
        converters read the database's values, so Django's per-row converters are skipped."""
        assert self.in_sql, "a plan with in_sql=False expects Python values: use values_list"
        query = self.values_list(queryset, **extra).query
        try:
            sql, params = query.sql_with_params()
        except EmptyResultSet:
            return []
        with connections[queryset.db].cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    def row_of(self, instance) -> tuple:
        """An instance read as the tuple the plan expects (only for plans with `in_sql=False`)."""
        assert not self.in_sql, "an instance holds Python values: use a plan with in_sql=False"
        return tuple(getattr(instance, attname) for attname in self.attnames)
