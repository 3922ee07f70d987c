"""A person's settings and preferences (issue 7; seeds 002 and 004): one JSON object whose keys are declared
below, each with its type and the values it may take.

Some keys are Zou's own person columns (timezone, locale, clock, date format, appearance, the notification
switches): those stay in their columns, which the rest of Roster reads (quotas take the person's timezone), so a
setting has one home. The other keys are Roster's client preferences, kept in `Person.preferences`, which stores
only the values that differ from their defaults: a default changed later reaches everyone who never chose.

Reading gives every key (stored value or default). Writing replaces the whole object, as a PUT does: a key left
out goes back to its default. Unknown keys and wrong types are refused with a 400 naming the key.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from audit.services import audit_record
from config.errors import field_error
from people import validators
from people.models import Appearance, DateFormat, Person
from people.services.escalation import ensure_may_manage


@dataclass(frozen=True)
class Setting:
    key: str
    kind: type  # bool, int or str: the JSON type the value must have
    default: Any = None  # for keys kept in `Person.preferences`; a column's default is the model field's
    column: str | None = None  # the Person column that holds it, if any
    choices: tuple[str, ...] = ()
    minimum: int | None = None
    maximum: int | None = None
    nullable: bool = False
    normalize: Callable[[Any], Any] | None = None  # people.validators' normalizer for a column's value
    help: str = ""

    def default_value(self) -> Any:
        if self.column is not None:
            return Person._meta.get_field(self.column).get_default()
        return self.default

    def type_name(self) -> str:
        name = {bool: "true or false", int: "an integer", str: "a string"}[self.kind]
        return f"{name} or null" if self.nullable else name


BOOLEAN_COLUMNS = ("use_12_hour_clock", "notifications_enabled", "notifications_slack_enabled",
                   "notifications_mattermost_enabled", "notifications_discord_enabled")

SETTINGS: tuple[Setting, ...] = (
    # Zou's person columns.
    Setting("timezone", str, column="timezone", normalize=validators.normalize_timezone,
            help="An IANA time zone name, e.g. Europe/Paris."),
    Setting("locale", str, column="locale", normalize=validators.normalize_locale,
            help="A locale Babel knows, e.g. en_US."),
    Setting("display_date_format", str, column="display_date_format", choices=tuple(DateFormat.values),
            nullable=True),
    Setting("appearance", str, column="appearance", choices=tuple(Appearance.values), help="The theme."),
    *(Setting(key, bool, column=key) for key in BOOLEAN_COLUMNS),
    # Roster's client preferences.
    Setting("week_starts_on", str, default="monday", choices=("monday", "sunday", "saturday")),
    Setting("show_weekends", bool, default=True),
    Setting("duration_unit", str, default="hours", choices=("hours", "days"),
            help="How durations are shown in time sheets."),
    Setting("list_page_size", int, default=100, minimum=10, maximum=500),
    Setting("thumbnail_width", int, default=150, minimum=50, maximum=1000),
    Setting("hide_archived_content", bool, default=True),
    Setting("notify_by_email", bool, default=True, help="Email me what the studio notifies me of."),
    Setting("notify_on_assignment", bool, default=True),
    Setting("notify_on_day_off_decision", bool, default=True),
    Setting("email_digest", str, default="off", choices=("off", "daily", "weekly")),
)
SETTINGS_BY_KEY = {setting.key: setting for setting in SETTINGS}
SETTING_COLUMNS = tuple(setting.column for setting in SETTINGS if setting.column)


def person_settings_values(person: Person) -> dict[str, Any]:
    """Every declared key with the person's value, or its default: read from the loaded row, no query."""
    stored = person.preferences if isinstance(person.preferences, dict) else {}
    return {
        setting.key: getattr(person, setting.column) if setting.column else stored.get(setting.key,
                                                                                         setting.default)
        for setting in SETTINGS
    }


def _clean(setting: Setting, value: Any) -> Any:
    key = setting.key
    if value is None:
        if setting.nullable:
            return None
        raise field_error(key, f"{key} must be {setting.type_name()}.")
    # JSON has one number type: true is no integer here, and "true" no boolean.
    if setting.kind is bool and not isinstance(value, bool):
        raise field_error(key, f"{key} must be {setting.type_name()}.")
    if setting.kind is int and (isinstance(value, bool) or not isinstance(value, int)):
        raise field_error(key, f"{key} must be {setting.type_name()}.")
    if setting.kind is str and not isinstance(value, str):
        raise field_error(key, f"{key} must be {setting.type_name()}.")
    if setting.choices and value not in setting.choices:
        raise field_error(key, f"{key} must be one of: {', '.join(setting.choices)}.")
    if setting.minimum is not None and value < setting.minimum:
        raise field_error(key, f"{key} must be at least {setting.minimum}.")
    if setting.maximum is not None and value > setting.maximum:
        raise field_error(key, f"{key} must be at most {setting.maximum}.")
    if setting.normalize is not None:
        try:
            value = setting.normalize(value)
        except ValidationError as exc:
            raise field_error(key, exc.messages[0]) from None
    return value


def settings_validate(body: Any) -> dict[str, Any]:
    """The whole settings object a PUT asks for, every key present (left out: its default), or a 400 naming
    the first unknown key or wrong value. Seed 004 sends `{"settings": {...}}`: that wrapper is taken off."""
    if isinstance(body, dict) and set(body) == {"settings"} and isinstance(body["settings"], dict):
        body = body["settings"]
    if not isinstance(body, dict):
        raise field_error("settings", "Settings must be a JSON object.")
    unknown = sorted(set(body) - set(SETTINGS_BY_KEY))
    if unknown:
        raise field_error(unknown[0], f"Unknown setting: {unknown[0]}.")
    return {setting.key: _clean(setting, body[setting.key]) if setting.key in body else setting.default_value()
            for setting in SETTINGS}


@transaction.atomic
def person_settings_replace(*, acting_user: Person, person: Person, body: Any) -> dict[str, Any]:
    """Replace the person's settings with `body` (validated whole first); one audit row with each changed key's
    before and after. Nothing changed: nothing is written, not even `updated_at`."""
    wanted = settings_validate(body)
    person = Person.objects.select_for_update().get(pk=person.pk)
    # Whoever is granted the key still changes nobody holding a guarded key they lack (an admin's settings).
    ensure_may_manage(acting_user=acting_user, person=person)
    before = person_settings_values(person)
    changes = {key: [before[key], wanted[key]] for key in wanted if before[key] != wanted[key]}
    if not changes:
        return before
    for setting in SETTINGS:
        if setting.column:
            setattr(person, setting.column, wanted[setting.key])
    person.preferences = {setting.key: wanted[setting.key] for setting in SETTINGS
                       if not setting.column and wanted[setting.key] != setting.default}
    person.save(update_fields=[*SETTING_COLUMNS, "preferences", "updated_at"])
    audit_record(actor=acting_user, action="person.settings_changed", target=person, target_type="person",
                 changes=changes)
    return person_settings_values(person)
