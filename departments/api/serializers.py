from rest_framework import serializers

from config.serializers import ZouModelSerializer, validate_storable_json
from departments.models import (
    Department,
    HardwareItem,
    HardwareItemDepartmentLink,
    Organisation,
    SalaryScale,
    Software,
    SoftwareDepartmentLink,
    Studio,
    Team,
    WorkShift,
)

TIMESTAMPS = ["id", "type", "created_at", "updated_at"]


class DepartmentSerializer(ZouModelSerializer):
    zou_type = "Department"

    class Meta:
        model = Department
        fields = [*TIMESTAMPS, "name", "color", "archived"]


class DepartmentInputSerializer(serializers.ModelSerializer):
    class Meta:
        model = Department
        fields = ["name", "color", "archived"]


class StudioSerializer(ZouModelSerializer):
    zou_type = "Studio"

    class Meta:
        model = Studio
        fields = [*TIMESTAMPS, "name", "color", "archived"]


class StudioInputSerializer(serializers.ModelSerializer):
    class Meta:
        model = Studio
        fields = ["name", "color", "archived"]


class WorkShiftSerializer(ZouModelSerializer):
    zou_type = "WorkShift"

    class Meta:
        model = WorkShift
        fields = [*TIMESTAMPS, "name", "start_time", "end_time", "working_days"]


class WorkShiftInputSerializer(serializers.ModelSerializer):
    working_days = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=7), min_length=1,
                                         required=False, help_text="ISO weekdays, 1 (Monday) to 7 (Sunday).")

    class Meta:
        model = WorkShift
        fields = ["name", "start_time", "end_time", "working_days"]


class TeamSerializer(ZouModelSerializer):
    zou_type = "Team"

    class Meta:
        model = Team
        fields = [*TIMESTAMPS, "name", "description", "archived"]


class TeamInputSerializer(serializers.ModelSerializer):
    class Meta:
        model = Team
        fields = ["name", "description", "archived"]


SOFTWARE_FIELDS = ["name", "short_name", "archived", "version", "file_extension", "secondary_extensions",
                   "monthly_cost", "inventory_amount"]


class SoftwareSerializer(ZouModelSerializer):
    zou_type = "Software"

    class Meta:
        model = Software
        fields = [*TIMESTAMPS, *SOFTWARE_FIELDS]


class SoftwareInputSerializer(serializers.ModelSerializer):
    class Meta:
        model = Software
        fields = SOFTWARE_FIELDS

    validate_secondary_extensions = staticmethod(validate_storable_json)


HARDWARE_FIELDS = ["name", "short_name", "archived", "monthly_cost", "inventory_amount"]


class HardwareItemSerializer(ZouModelSerializer):
    zou_type = "HardwareItem"

    class Meta:
        model = HardwareItem
        fields = [*TIMESTAMPS, *HARDWARE_FIELDS]


class HardwareItemInputSerializer(serializers.ModelSerializer):
    class Meta:
        model = HardwareItem
        fields = HARDWARE_FIELDS


class SalaryScaleSerializer(ZouModelSerializer):
    zou_type = "SalaryScale"
    department_id = serializers.UUIDField(read_only=True)

    class Meta:
        model = SalaryScale
        fields = [*TIMESTAMPS, "department_id", "position", "seniority", "salary"]


class SalaryScaleInputSerializer(serializers.ModelSerializer):
    class Meta:
        model = SalaryScale
        fields = ["position", "seniority", "salary"]


ORGANISATION_FIELDS = ["name", "hours_by_day", "has_avatar", "use_original_file_name", "timesheets_locked",
                       "format_duration_in_hours", "hd_by_default", "dark_theme_by_default",
                       "chat_token_slack", "chat_webhook_mattermost", "chat_token_discord"]


class OrganisationSerializer(ZouModelSerializer):
    """Chat secrets appear only when the context says the viewer may see them."""

    zou_type = "Organisation"

    class Meta:
        model = Organisation
        fields = [*TIMESTAMPS, *ORGANISATION_FIELDS]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if not self.context.get("show_secrets"):
            for field in Organisation.CHAT_SECRET_FIELDS:
                data.pop(field, None)
        return data


class OrganisationInputSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = ORGANISATION_FIELDS


class SoftwareDepartmentLinkSerializer(ZouModelSerializer):
    zou_type = "SoftwareDepartmentLink"
    department_id = serializers.UUIDField(read_only=True)
    software_id = serializers.UUIDField(read_only=True)

    class Meta:
        model = SoftwareDepartmentLink
        fields = [*TIMESTAMPS, "department_id", "software_id"]


class HardwareItemDepartmentLinkSerializer(ZouModelSerializer):
    zou_type = "HardwareItemDepartmentLink"
    department_id = serializers.UUIDField(read_only=True)
    hardware_item_id = serializers.UUIDField(read_only=True)

    class Meta:
        model = HardwareItemDepartmentLink
        fields = [*TIMESTAMPS, "department_id", "hardware_item_id"]


class SoftwareLinkInputSerializer(serializers.Serializer):
    software_id = serializers.UUIDField()


class HardwareItemLinkInputSerializer(serializers.Serializer):
    hardware_item_id = serializers.UUIDField()
