"""Shapes of the settings, current-user, presence, search and directory routes (issue 7 item 6). The services
validate the bodies (400 naming the key); these serializers document them in the OpenAPI schema, and shape the
few outputs that are not Zou person rows."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from config.rows import zou_datetime_text
from config.serializers import ZouDateTimeField
from people.api.serializers import PersonSafeSerializer
from people.columns import SAFE_FIELDS
from people.models import Person, Presence
from people.services.settings import SETTINGS, Setting


def _settings_field(setting: Setting) -> serializers.Field:
    options = {"required": False, "allow_null": setting.nullable, "help_text": setting.help or None}
    if setting.choices:
        return serializers.ChoiceField(choices=setting.choices, **options)
    if setting.kind is bool:
        return serializers.BooleanField(**options)
    if setting.kind is int:
        return serializers.IntegerField(min_value=setting.minimum, max_value=setting.maximum, **options)
    return serializers.CharField(**options)


# One field per declared key, so the schema lists exactly the keys people.services.settings accepts.
PersonSettingsSerializer = type("PersonSettingsSerializer", (serializers.Serializer,), {
    setting.key: _settings_field(setting) for setting in SETTINGS
})


PRESENCE_FIELDS = ("presence", "presence_changed_at", "last_seen", "online")


class PresenceSerializer(serializers.Serializer):
    presence = serializers.ChoiceField(choices=Presence.choices)
    presence_changed_at = ZouDateTimeField(allow_null=True, help_text="When the presence was last changed.")
    last_seen = ZouDateTimeField(allow_null=True, help_text="The latest API activity (to the minute).")
    online = serializers.BooleanField(help_text="Presence active, and seen within the last few minutes.")


def presence_fields(person: Person, *, online: bool) -> dict:
    return {"presence": person.presence, "presence_changed_at": zou_datetime_text(person.presence_changed_at),
            "last_seen": zou_datetime_text(person.last_seen), "online": online}


class CurrentUserSerializer(PersonSafeSerializer):
    """The caller's own safe record with department and team ids, plus their presence (documentation only:
    the route builds the row as people.api.person_rows does)."""

    presence = serializers.ChoiceField(choices=Presence.choices)
    presence_changed_at = ZouDateTimeField(allow_null=True)
    last_seen = ZouDateTimeField(allow_null=True)
    online = serializers.SerializerMethodField()

    class Meta(PersonSafeSerializer.Meta):
        fields = [*SAFE_FIELDS, *PRESENCE_FIELDS]

    @extend_schema_field(serializers.BooleanField())
    def get_online(self, person) -> bool:
        return False


class PresenceInputSerializer(serializers.Serializer):
    presence = serializers.ChoiceField(choices=Presence.choices)


class ProfileInputSerializer(serializers.Serializer):
    first_name = serializers.CharField(required=False, max_length=80)
    last_name = serializers.CharField(required=False, max_length=80, allow_blank=True)
    phone = serializers.CharField(required=False, max_length=30, allow_blank=True, allow_null=True)


class DirectoryEntrySerializer(serializers.Serializer):
    id = serializers.UUIDField()
    first_name = serializers.CharField()
    last_name = serializers.CharField()
    full_name = serializers.CharField()
    email = serializers.CharField(allow_null=True, help_text=(
        "Null unless the caller reads emails in Zou's person form (admins, HR, production managers)."))
    has_avatar = serializers.BooleanField()
    departments = serializers.ListField(child=serializers.UUIDField())
    presence = serializers.ChoiceField(choices=Presence.choices)
    last_seen = ZouDateTimeField(allow_null=True)
    online = serializers.BooleanField()

