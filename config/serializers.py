from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers


class ZouModelSerializer(serializers.ModelSerializer):
    """Output in Zou's shape: every dict carries `"type": "<ModelName>"` next to its columns."""

    zou_type = ""
    type = serializers.SerializerMethodField()

    @extend_schema_field(OpenApiTypes.STR)
    def get_type(self, obj) -> str:
        return self.zou_type or obj.__class__.__name__


class StrictChoiceField(serializers.ChoiceField):
    """A choice field whose error reads like Zou's ("Invalid role")."""

    def __init__(self, *args, field_label: str, **kwargs):
        kwargs.setdefault("error_messages", {"invalid_choice": f"Invalid {field_label}"})
        super().__init__(*args, **kwargs)
