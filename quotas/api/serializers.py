"""Zou's quota shapes: the shot dicts of the quota-shots listing, and the statistics (documented here; the
dicts themselves are built by quotas.selectors)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from timetracking.api.serializers import EntitySerializer


class QuotaShotSerializer(EntitySerializer):
    """A shot Entity dict (Zou's raw `entity.serialize()`, hence `type: "Entity"`), with `full_name`
    ("SEQ / SHOT" or "EP / SEQ / SHOT") and `weight`."""

    full_name = serializers.CharField(read_only=True)
    weight = serializers.FloatField(read_only=True)

    class Meta(EntitySerializer.Meta):
        fields = [*EntitySerializer.Meta.fields, "full_name", "weight"]

    @extend_schema_field(OpenApiTypes.STR)
    def get_type(self, obj) -> str:
        return "Entity"


BUCKETS = {"type": "object", "additionalProperties": {"type": "number"}}
LEVEL = {"type": "object", "properties": {name: BUCKETS for name in ("frames", "seconds", "drawings", "count",
                                                                       "entries")}}
YEAR = {"type": "object", "properties": {name: BUCKETS for name in ("frames", "seconds", "drawings", "count")}}
ENTRY = {"type": "object", "properties": {"day": LEVEL, "week": LEVEL, "month": LEVEL, "year": YEAR}}
QUOTA_STATISTICS = {
    "type": "object",
    "description": 'Entries keyed by person id (project quotas) or task type id (person quotas), plus "total".',
    "additionalProperties": ENTRY,
}
