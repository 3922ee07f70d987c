"""Zou's list filters on top of django-filter: every declared column filters by equality, a value that
starts with `[` is a JSON list (IN), booleans parse leniently, `name` is ILIKE, and a bad value is a 400
that names the column."""

import copy
import datetime as dt
import json
import uuid

import django_filters
from django import forms
from django.db import models
from django.db.models import Exists, OuterRef

from config.errors import ApplicationError, field_error

TRUE_WORDS = frozenset({"true", "1", "yes", "on", "y", "t"})
FALSE_WORDS = frozenset({"false", "0", "no", "off", "n", "f"})

# Query keys that shape the response rather than filter it.
RESERVED_PARAMS = frozenset({"page", "limit", "relations", "fields", "with_pass_hash", "force"})


@models.CharField.register_lookup
class ILike(models.Lookup):
    """SQL ILIKE: case-insensitive, `%` and `_` are wildcards (Zou's `name` filter)."""

    lookup_name = "zou_ilike"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        operator = "ILIKE" if connection.vendor == "postgresql" else "LIKE"
        return f"{lhs} {operator} {rhs}", [*lhs_params, *rhs_params]


def parse_bool(field: str, raw) -> bool:
    if isinstance(raw, bool):
        return raw
    word = str(raw).strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise field_error(field, f"Invalid boolean value for {field}: {raw!r}.")


def parse_value(field_name: str, model_field, raw):
    """A query-string value converted to the column's type, or a 400 naming the column."""
    if raw is None:
        return None
    try:
        if isinstance(model_field, models.BooleanField):
            return parse_bool(field_name, raw)
        if isinstance(model_field, (models.UUIDField, models.ForeignKey, models.ManyToManyField)):
            return uuid.UUID(str(raw))
        if isinstance(model_field, (models.IntegerField, models.BigIntegerField)):
            return int(raw)
        if isinstance(model_field, models.FloatField):
            return float(raw)
        if isinstance(model_field, models.DateTimeField):
            return dt.datetime.fromisoformat(str(raw))
        if isinstance(model_field, models.DateField):
            return dt.date.fromisoformat(str(raw))
    except (ValueError, TypeError, OverflowError):
        raise field_error(field_name, f"Invalid value for {field_name}: {raw!r}.") from None
    if isinstance(raw, (dict, list)) or "\x00" in str(raw):  # PostgreSQL text cannot hold NUL
        raise field_error(field_name, f"Invalid value for {field_name}: {raw!r}.")
    return str(raw)


class ZouFilter(django_filters.Filter):
    field_class = forms.CharField

    def __init__(self, *args, model_field=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.model_field = model_field
        self.param_name = self.field_name

    def __deepcopy__(self, memo):
        # Every FilterSet instance deep-copies its filters; a deep copy of `model_field` would copy the
        # model's field (and what it points to) for each of ~50 person columns on every list request.
        clone = copy.copy(self)
        clone.extra = dict(self.extra)
        clone.__dict__.pop("_field", None)  # the form field built lazily for this instance
        return clone

    def filter(self, qs, value):
        if value in (None, ""):
            return qs
        name = self.param_name  # errors name the key the client sent (`studio_id`), not the model field
        if isinstance(value, str) and value.lstrip().startswith("["):
            try:
                items = json.loads(value)
            except (ValueError, RecursionError):  # RecursionError: a list nested too deeply
                raise field_error(name, f"Invalid JSON list for {name}.") from None
            if not isinstance(items, list):
                raise field_error(name, f"Invalid JSON list for {name}.")
            values = [parse_value(name, self.model_field, item) for item in items]
            return self._apply(qs, "in", values)
        parsed = parse_value(name, self.model_field, value)
        if self.field_name == "name" and isinstance(self.model_field, models.CharField):
            # A pattern ending in a lone escape character is a database error: match the backslash literally.
            if (len(parsed) - len(parsed.rstrip("\\"))) % 2:
                parsed += "\\"
            return self._apply(qs, "zou_ilike", parsed)
        # Emails are unique regardless of case, so a lookup by email ignores case too (gazu's new_person).
        lookup = "iexact" if isinstance(self.model_field, models.EmailField) else "exact"
        return self._apply(qs, lookup, parsed)

    def _apply(self, qs, lookup, value):
        field = self.model_field
        if isinstance(field, models.ManyToManyField):
            through = field.remote_field.through
            source = field.m2m_field_name()
            target = field.m2m_reverse_field_name()
            match = through.objects.filter(**{source: OuterRef("pk"), f"{target}__{lookup}": value})
            return qs.filter(Exists(match))
        column = field.attname if isinstance(field, models.ForeignKey) else self.field_name
        if value is None:
            return qs.filter(**{f"{column}__isnull": True})
        return qs.filter(**{f"{column}__{lookup}": value})


class ZouFilterSet(django_filters.FilterSet):
    """Subclasses list the filterable columns in Meta.fields; FK columns take their `<name>_id` form."""

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        # A filter absent from the query string filters nothing: keep only those named, so the form built for
        # validation holds a few fields instead of one per column.
        named = set(data or ())
        self.filters = {name: flt for name, flt in self.filters.items() if name in named}

    @classmethod
    def filter_for_field(cls, field, field_name, lookup_expr="exact"):
        return ZouFilter(field_name=field_name, model_field=field)

    @classmethod
    def get_filters(cls):
        filters = super().get_filters()
        for name, flt in list(filters.items()):
            model_field = getattr(flt, "model_field", None)
            if isinstance(model_field, models.ForeignKey):
                filters.pop(name)
                flt.param_name = model_field.attname
                filters[model_field.attname] = flt
        return filters

    @classmethod
    def column_names(cls) -> frozenset[str]:
        """Every name a client could mean as a column: a key among these but not allowed is a 400."""
        model = cls._meta.model
        names = set()
        for field in model._meta.get_fields():
            if field.concrete or field.many_to_many:
                if field.auto_created and not field.concrete:
                    continue
                names.add(field.name)
                names.add(getattr(field, "attname", field.name))
        return frozenset(names | set(getattr(cls, "extra_columns", ())))

    @classmethod
    def check_keys(cls, params, *, allowed: frozenset[str]) -> None:
        columns = cls.column_names()
        for key in params:
            if key in RESERVED_PARAMS:
                continue
            if key in columns and key not in allowed:
                raise ApplicationError(f"Filtering on {key} is not allowed.", data={
                    "errors": [{"field": key, "message": f"Filtering on {key} is not allowed."}]
                })
