"""Person shapes: the safe and minimal output forms of Zou (zou-api.md 3.3) and the write input."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from config.serializers import StrictChoiceField, ZouModelSerializer, validate_storable_json
from departments.models import Position, Seniority
from people.columns import MINIMAL_FIELDS, SAFE_FIELDS
from people.models import (
    Appearance,
    AuthenticationMethod,
    ContractType,
    DesktopLoginLog,
    Person,
    PersonStatus,
    Role,
    TwoFactorMethod,
)
from people.selectors import person_department_ids, person_team_ids

# The `manager` field is the line manager, not the `manager` role (Zou's production manager).
REPORTS_TO = "Reports to: the person's line manager (not the production manager role)."


class _PersonOutput(ZouModelSerializer):
    zou_type = "Person"
    full_name = serializers.CharField(read_only=True)
    studio_id = serializers.UUIDField(read_only=True, allow_null=True)
    departments = serializers.SerializerMethodField()

    @extend_schema_field({"type": "array", "items": {"type": "string", "format": "uuid"}})
    def get_departments(self, person) -> list[str]:
        return person_department_ids(person) if self.context.get("relations") else []


class PersonSafeSerializer(_PersonOutput):
    """Every column but the secrets; `departments` and `teams` only when relations are asked for."""

    manager_id = serializers.UUIDField(read_only=True, allow_null=True, help_text=REPORTS_TO)
    teams = serializers.SerializerMethodField()

    class Meta:
        model = Person
        fields = SAFE_FIELDS

    @extend_schema_field({"type": "array", "items": {"type": "string", "format": "uuid"}})
    def get_teams(self, person) -> list[str]:
        return person_team_ids(person) if self.context.get("relations") else []

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if not self.context.get("relations"):
            data.pop("departments", None)
            data.pop("teams", None)
        return data


class PersonSafeWithTokenSerializer(PersonSafeSerializer):
    """What create and update return: a bot's fresh API token appears once, here."""

    access_token = serializers.SerializerMethodField()

    class Meta(PersonSafeSerializer.Meta):
        fields = [*SAFE_FIELDS, "access_token"]

    @extend_schema_field({"type": "string", "description": "Only for a bot, once, when its token is issued."})
    def get_access_token(self, person) -> str | None:
        return self.context.get("access_token")

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if not data.get("access_token"):
            data.pop("access_token", None)
        return data


class PersonMinimalSerializer(_PersonOutput):
    class Meta:
        model = Person
        fields = MINIMAL_FIELDS


PG_INT_MAX = 2**31 - 1  # an IntegerField column


class PersonInputSerializer(serializers.Serializer):
    """Types only; the rules (uniqueness, limits, formats, who may set what) live in people.services."""

    first_name = serializers.CharField(max_length=80, allow_blank=True)
    last_name = serializers.CharField(max_length=80, allow_blank=True)
    email = serializers.CharField(max_length=254, allow_null=True, allow_blank=True, required=False)
    username = serializers.CharField(max_length=80, allow_null=True, allow_blank=True, required=False)
    password = serializers.CharField(allow_null=True, required=False, write_only=True, trim_whitespace=False)
    phone = serializers.CharField(max_length=30, allow_blank=True, allow_null=True, required=False)
    country = serializers.CharField(max_length=20, allow_null=True, allow_blank=True, required=False,
                                    trim_whitespace=False)
    contract_type = StrictChoiceField(ContractType.choices, field_label="contract_type", required=False)
    job_title = serializers.CharField(max_length=120, allow_blank=True, required=False)
    active = serializers.BooleanField(required=False)
    status = StrictChoiceField(PersonStatus.choices, field_label="status", required=False)
    archived = serializers.BooleanField(required=False)
    last_presence = serializers.DateField(allow_null=True, required=False)
    desktop_login = serializers.CharField(max_length=80, allow_blank=True, allow_null=True, required=False)
    timezone = serializers.CharField(max_length=64, required=False)
    locale = serializers.JSONField(required=False)
    use_12_hour_clock = serializers.BooleanField(required=False)
    display_date_format = serializers.JSONField(required=False, allow_null=True)
    appearance = StrictChoiceField(Appearance.choices, field_label="appearance", required=False)
    data = serializers.JSONField(required=False, allow_null=True)
    role = StrictChoiceField(Role.choices, field_label="role", required=False)
    position = StrictChoiceField(Position.choices, field_label="position", required=False, allow_null=True)
    seniority = StrictChoiceField(Seniority.choices, field_label="seniority", required=False, allow_null=True)
    daily_salary = serializers.IntegerField(min_value=0, max_value=PG_INT_MAX, required=False)
    notifications_enabled = serializers.BooleanField(required=False)
    notifications_slack_enabled = serializers.BooleanField(required=False)
    notifications_slack_userid = serializers.CharField(max_length=60, allow_blank=True, required=False)
    notifications_mattermost_enabled = serializers.BooleanField(required=False)
    notifications_mattermost_userid = serializers.CharField(max_length=60, allow_blank=True, required=False)
    notifications_discord_enabled = serializers.BooleanField(required=False)
    notifications_discord_userid = serializers.CharField(max_length=60, allow_blank=True, required=False)
    is_bot = serializers.BooleanField(required=False)
    is_guest = serializers.BooleanField(required=False)
    expiration_date = serializers.DateField(
        allow_null=True, required=False, input_formats=["%Y-%m-%d"],
        error_messages={"invalid": "Expiration date is not valid."},
    )
    authentication_method = StrictChoiceField(
        AuthenticationMethod.choices, field_label="authentication_method", required=False
    )
    is_generated_from_ldap = serializers.BooleanField(required=False)
    ldap_uid = serializers.CharField(max_length=60, allow_null=True, allow_blank=True, required=False)
    studio_id = serializers.UUIDField(allow_null=True, required=False)
    manager_id = serializers.UUIDField(allow_null=True, required=False, help_text=REPORTS_TO)
    shotgun_id = serializers.IntegerField(allow_null=True, min_value=-PG_INT_MAX - 1, max_value=PG_INT_MAX,
                                          required=False)
    preferred_two_factor_authentication = StrictChoiceField(
        TwoFactorMethod.choices, field_label="preferred_two_factor_authentication", required=False,
        allow_null=True,
    )
    departments = serializers.ListField(child=serializers.JSONField(allow_null=True), required=False,
                                        allow_null=True)

    validate_data = staticmethod(validate_storable_json)


class DesktopLoginLogSerializer(ZouModelSerializer):
    zou_type = "DesktopLoginLog"
    person_id = serializers.UUIDField(read_only=True)

    class Meta:
        model = DesktopLoginLog
        fields = ["id", "type", "created_at", "updated_at", "person_id", "date"]


class DesktopLoginLogInputSerializer(serializers.Serializer):
    date = serializers.DateTimeField(
        required=False, allow_null=True, input_formats=["%Y-%m-%dT%H:%M:%S", "%Y-%m-%d", "%Y-%m-%d %H:%M:%S"],
        error_messages={"invalid": "Date must be YYYY-MM-DDTHH:MM:SS or YYYY-MM-DD (no microseconds)."},
    )


class MyDesktopLoginLogInputSerializer(serializers.Serializer):
    """`/data/user/desktop-login-logs`: Zou passes the string through, and gazu sends
    `datetime.now().isoformat()`, microseconds included, so any ISO 8601 datetime is accepted here."""

    date = serializers.DateTimeField(
        required=False, allow_null=True, input_formats=["iso-8601"],
        error_messages={"invalid": "Date must be an ISO 8601 datetime."},
    )


class DepartmentIdSerializer(serializers.Serializer):
    department_id = serializers.UUIDField()


class ReportingSerializer(serializers.Serializer):
    manager_id = serializers.UUIDField(required=False, allow_null=True,
                                       help_text=f"{REPORTS_TO} Applied with update_manager.")
    update_manager = serializers.BooleanField(required=False, default=False)
    shift_id = serializers.UUIDField(required=False, allow_null=True, help_text="Applied with update_shift.")
    update_shift = serializers.BooleanField(required=False, default=False)
    designation = serializers.CharField(required=False, help_text="The job title.")


class RoleChangeSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=Role.choices)


class DepartmentChangeSerializer(serializers.Serializer):
    department_id = serializers.UUIDField(required=False)
    designation = serializers.CharField(required=False, help_text="The job title.")
    remove_from_department = serializers.BooleanField(required=False, default=False)


class DepartmentDetailsSerializer(serializers.Serializer):
    department_id = serializers.UUIDField(required=False)
    shift_id = serializers.UUIDField(required=False, allow_null=True)
    manager_id = serializers.UUIDField(required=False, allow_null=True, help_text=REPORTS_TO)
    designation = serializers.CharField(required=False, help_text="The job title.")


class AdminProfileSerializer(serializers.Serializer):
    first_name = serializers.CharField(required=False)
    last_name = serializers.CharField(required=False)
    email = serializers.EmailField(required=False)
    phone = serializers.CharField(required=False, max_length=30)
    designation = serializers.CharField(required=False, help_text="The job title.")


class StateChangeSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, max_length=1000, help_text="Kept in the audit log.")


class StatusChangeSerializer(StateChangeSerializer):
    status = serializers.ChoiceField(choices=PersonStatus.choices)


class ForcedPasswordResetSerializer(serializers.Serializer):
    message = serializers.CharField()
    email_sent = serializers.BooleanField(help_text="Whether a notice was queued (the person has an email).")


class SetPasswordSerializer(serializers.Serializer):
    password = serializers.CharField(trim_whitespace=False)
    password_2 = serializers.CharField(trim_whitespace=False)

    def validate(self, attrs):
        if attrs["password"] != attrs["password_2"]:
            raise serializers.ValidationError({"password_2": "Confirmation password doesn't match."})
        return attrs


class ChangeOwnPasswordSerializer(serializers.Serializer):
    old_password = serializers.CharField(trim_whitespace=False)
    password = serializers.CharField(trim_whitespace=False)
    password_2 = serializers.CharField(trim_whitespace=False)


class LoginSerializer(serializers.Serializer):
    email = serializers.CharField(allow_blank=True, help_text="Email or desktop login.")
    password = serializers.CharField(required=False, default="default", trim_whitespace=False)
    totp = serializers.CharField(required=False, allow_null=True, allow_blank=True)
    email_otp = serializers.CharField(required=False, allow_null=True, allow_blank=True)
    fido_authentication_response = serializers.JSONField(required=False, allow_null=True)
    recovery_code = serializers.CharField(required=False, allow_null=True, allow_blank=True)


class ResetPasswordRequestSerializer(serializers.Serializer):
    email = serializers.CharField()


class ResetPasswordSerializer(serializers.Serializer):
    email = serializers.CharField()
    token = serializers.CharField()
    password = serializers.CharField(trim_whitespace=False)
    password2 = serializers.CharField(trim_whitespace=False)


class AvatarUploadSerializer(serializers.Serializer):
    file = serializers.FileField(required=False)
