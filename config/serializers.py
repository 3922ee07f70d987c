import datetime as dt
import json

from django.db import models
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.settings import api_settings

ZOU_DATETIME_FORMAT = "%Y-%m-%dT%H:%M:%S"

# Field types whose DRF representation of a non-null model value is the value itself.
PASS_THROUGH_FIELDS = (serializers.BooleanField, serializers.CharField, serializers.IntegerField,
                       serializers.ChoiceField, serializers.JSONField)


@extend_schema_field({
    "type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$", "example": "2024-06-04T10:00:00",
    "description": "UTC date and time without offset or microseconds, as Zou writes them.",
})
class ZouDateTimeField(serializers.DateTimeField):
    """Zou's timestamps are naive UTC; documented as such so strict clients accept them."""


class ZouModelSerializer(serializers.ModelSerializer):
    """Output in Zou's shape: every dict carries `"type": "<ModelName>"` next to its columns.

    Lists of thousands of rows go through `to_representation` once per row, so each field's conversion is
    planned once per serializer (a plain attribute read for most columns) instead of DRF's generic walk.
    """

    zou_type = ""
    type = serializers.SerializerMethodField()
    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.DateTimeField: ZouDateTimeField,
    }

    @extend_schema_field(OpenApiTypes.STR)
    def get_type(self, obj) -> str:
        return self.zou_type or obj.__class__.__name__

    def to_representation(self, instance):
        plan = self.__dict__.get("_representation_plan")
        if plan is None:
            plan = self._representation_plan = [
                (field.field_name, self._field_converter(field)) for field in self._readable_fields
            ]
        return {name: convert(instance) for name, convert in plan}

    def _field_converter(self, field):
        if isinstance(field, serializers.SerializerMethodField):
            return getattr(self, field.method_name)
        if len(field.source_attrs) != 1:
            return self._generic_converter(field)
        attr = field.source_attrs[0]
        field_format = getattr(field, "format", api_settings.DATETIME_FORMAT)
        if isinstance(field, serializers.DateTimeField) and field_format == api_settings.DATETIME_FORMAT:
            fmt = api_settings.DATETIME_FORMAT

            def convert_datetime(obj):
                value = getattr(obj, attr)
                if value is None:
                    return None
                value = value.astimezone(dt.UTC)
                # strftime does not zero-pad years before 1000; isoformat does, and is the same text otherwise.
                if fmt == ZOU_DATETIME_FORMAT:
                    return value.replace(tzinfo=None, microsecond=0).isoformat()
                return value.strftime(fmt)

            return convert_datetime
        if isinstance(field, serializers.DateField) and not isinstance(field, serializers.DateTimeField):
            def convert_date(obj):
                value = getattr(obj, attr)
                return None if value is None else value.isoformat()

            return convert_date
        if isinstance(field, serializers.UUIDField):
            def convert_uuid(obj):
                value = getattr(obj, attr)
                return None if value is None else str(value)

            return convert_uuid
        if isinstance(field, serializers.FloatField):
            def convert_float(obj):
                value = getattr(obj, attr)
                return None if value is None else float(value)

            return convert_float
        if isinstance(field, PASS_THROUGH_FIELDS) and not isinstance(field, serializers.DateField):
            return lambda obj: getattr(obj, attr)
        return self._generic_converter(field)

    @staticmethod
    def _generic_converter(field):
        def convert(obj):
            value = field.get_attribute(obj)
            return None if value is None else field.to_representation(value)

        return convert


class StrictChoiceField(serializers.ChoiceField):
    """A choice field whose error reads like Zou's ("Invalid role")."""

    def __init__(self, *args, field_label: str, **kwargs):
        kwargs.setdefault("error_messages", {"invalid_choice": f"Invalid {field_label}"})
        super().__init__(*args, **kwargs)


# Free-form JSON a client may store (a person's `data`, ...): bounded so one record cannot weigh megabytes or
# nest deeper than anything reads it.
MAX_JSON_DEPTH = 32
MAX_JSON_BYTES = 64 * 1024
UNSTORABLE_TEXT = "Text cannot contain NUL characters or lone surrogates."


def _unstorable_text(text: str) -> bool:
    # PostgreSQL text and jsonb hold neither NUL characters nor lone UTF-16 surrogates (which JSON's "\ud800"
    # escapes can produce).
    return "\x00" in text or any("\ud800" <= char <= "\udfff" for char in text)


def json_value_problem(value, *, max_depth: int = MAX_JSON_DEPTH, max_bytes: int = MAX_JSON_BYTES) -> str | None:
    """Why a JSON value cannot be stored, or None. Walks the value without recursion (a client may send
    hundreds of levels), checking depth and text first, then the serialized size."""
    pending = [(value, 1)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, str):
            if _unstorable_text(item):
                return UNSTORABLE_TEXT
        elif isinstance(item, (dict, list)):
            if depth > max_depth:
                return f"Nested deeper than {max_depth} levels."
            if isinstance(item, dict):
                for key, child in item.items():
                    if _unstorable_text(key):
                        return UNSTORABLE_TEXT
                    pending.append((child, depth + 1))
            else:
                pending.extend((child, depth + 1) for child in item)
    if len(json.dumps(value, ensure_ascii=False).encode()) > max_bytes:
        return f"Larger than {max_bytes // 1024} KB once serialized."
    return None


def validate_storable_json(value):
    """A `validate_<field>` for JSON fields: too deep, too large or unstorable text is a 400 naming the field."""
    problem = json_value_problem(value)
    if problem:
        raise serializers.ValidationError(problem)
    return value
