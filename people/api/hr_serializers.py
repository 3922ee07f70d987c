"""Shapes of the HR-data routes: the admin's 360 profile and summary of one person (seed 003)."""

from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from rest_framework import serializers

from audit.api.serializers import AuditEntrySerializer
from config.serializers import ZouDateTimeField
from people.api.serializers import DesktopLoginLogSerializer, PersonSafeSerializer
from people.profile_sections import profile_sections


class ProfileSectionsField(serializers.Field):
    """The parts registered by higher apps (people.profile_sections), passed through as they come: each
    section returns JSON-able data. Its schema is read from the registry when the document is built."""

    def __init__(self, *, part: str, **kwargs):
        assert part in ("profile", "summary")
        self.part = part
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def to_representation(self, value):
        return value


class ProfileSectionsFieldSchema(OpenApiSerializerFieldExtension):
    target_class = ProfileSectionsField

    def map_serializer_field(self, auto_schema, direction):
        properties = {section.name: getattr(section, f"{self.target.part}_schema")
                      for section in profile_sections()}
        return {"type": "object", "properties": properties,
                "description": "Sections added by other apps (time tracking: time spent, day-offs)."}


class ReportsToSerializer(serializers.Serializer):
    id = serializers.UUIDField(help_text="The line manager (the person's `manager_id`).")
    full_name = serializers.CharField()


class ProfileDepartmentSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()
    color = serializers.CharField()
    archived = serializers.BooleanField()


class ProfileTeamSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()
    archived = serializers.BooleanField()


class ProfileWindowSerializer(serializers.Serializer):
    start = serializers.DateField(allow_null=True)
    end = serializers.DateField(allow_null=True)
    limit = serializers.IntegerField()


class AdminProfileOutputSerializer(serializers.Serializer):
    """The 360 profile, documented; the view builds it from its parts (the profile is the safe form)."""

    profile = PersonSafeSerializer(help_text="The person's full record (every column but secrets), with "
                                             "department and team ids.")
    reports_to = ReportsToSerializer(allow_null=True, help_text="Reports to: the person's line manager.")
    direct_reports_count = serializers.IntegerField()
    departments = ProfileDepartmentSerializer(many=True)
    teams = ProfileTeamSerializer(many=True)
    audit_events = AuditEntrySerializer(many=True, help_text="Changes made to the person, newest first.")
    desktop_login_logs = DesktopLoginLogSerializer(many=True, help_text="Newest first.")
    sections = ProfileSectionsField(part="profile")
    window = ProfileWindowSerializer(help_text="The range and limit every list above was read with.")


class SummaryCountsSerializer(serializers.Serializer):
    departments = serializers.IntegerField()
    teams = serializers.IntegerField()
    direct_reports = serializers.IntegerField()
    audit_events = serializers.IntegerField(help_text="Changes made to the person.")
    desktop_logins = serializers.IntegerField()


class LastActivitySerializer(serializers.Serializer):
    at = ZouDateTimeField(allow_null=True, help_text="The latest of the last login, desktop login and action.")
    last_login = ZouDateTimeField(allow_null=True)
    last_presence = serializers.DateField(allow_null=True)
    last_desktop_login = ZouDateTimeField(allow_null=True)
    last_audit_event = ZouDateTimeField(allow_null=True, help_text="The latest change made to the person.")
    last_action = ZouDateTimeField(allow_null=True, help_text="The latest change the person made.")


class AdminSummarySerializer(serializers.Serializer):
    person_id = serializers.UUIDField()
    full_name = serializers.CharField()
    status = serializers.CharField()
    created_at = ZouDateTimeField()
    counts = SummaryCountsSerializer()
    last_activity = LastActivitySerializer()
    sections = ProfileSectionsField(part="summary")
