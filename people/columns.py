"""Every column of Person, declared once with what may be done with it. The services, serializers, filters,
selectors and the admin form take their lists from here; a test fails when a model field is missing.

Declaration order is the safe form's key order, which is part of Zou's JSON shape. The minimal form has
its own order (Zou's `present_minimal`), given by each column's `minimal` position."""

import enum
from dataclasses import dataclass
from operator import attrgetter

from people.models import Person


class Write(enum.Enum):
    NOBODY = "nobody"  # bookkeeping, a secret, or set by its own service (avatar, 2FA, sign-in)
    EDITORS = "editors"  # whoever may edit the person, the person included
    # Holders of `persons.change_privileged_fields`; dropped silently for others, as Zou does, because gazu
    # PUTs whole dicts back.
    PRIVILEGED = "privileged"


class Filter(enum.Enum):
    NONE = "none"
    DETAILS = "details"  # holders of `persons.list_details` (zou-api.md 4.1)
    PUBLIC = "public"  # anyone who may list persons


@dataclass(frozen=True)
class Column:
    key: str  # the name in Zou's JSON, in service data and in query strings
    safe: bool = False  # in the safe form (every column but the secrets)
    minimal: int | None = None  # position in the minimal form
    write: Write = Write.NOBODY
    filter: Filter = Filter.NONE
    admin_form: bool = False  # edited on the admin's person form
    # The paginated list sorts on it (config.api), so even the minimal list loads it.
    list_sort_key: bool = False
    computed: bool = False  # made at serialization (`type`, `full_name`), no model field
    model_name: str | None = None  # the model field's name where it is not the key (`studio` for `studio_id`)

    @property
    def field(self) -> str | None:
        """The Person model field behind the key; None for computed keys."""
        return None if self.computed else self.model_name or self.key

    @property
    def many_to_many(self) -> bool:
        return self.field is not None and Person._meta.get_field(self.field).many_to_many


EDITORS, PRIVILEGED = Write.EDITORS, Write.PRIVILEGED
DETAILS, PUBLIC = Filter.DETAILS, Filter.PUBLIC

COLUMNS = (
    Column("id", safe=True, minimal=1, filter=PUBLIC),
    Column("type", safe=True, minimal=2, computed=True),
    Column("created_at", safe=True, filter=DETAILS, list_sort_key=True),
    Column("updated_at", safe=True, filter=DETAILS, list_sort_key=True),
    Column("first_name", safe=True, minimal=3, write=EDITORS, filter=PUBLIC, admin_form=True),
    Column("last_name", safe=True, minimal=4, write=EDITORS, filter=PUBLIC, admin_form=True),
    Column("full_name", safe=True, minimal=5, filter=PUBLIC, computed=True),
    Column("email", safe=True, write=EDITORS, filter=PUBLIC, admin_form=True),
    Column("username", safe=True, write=PRIVILEGED, filter=DETAILS, admin_form=True),
    Column("phone", safe=True, write=EDITORS, filter=DETAILS, admin_form=True),
    Column("country", safe=True, write=EDITORS, filter=DETAILS, admin_form=True),
    # Employment terms are HR's to set, not the employee's (Zou lets people edit their own salary).
    Column("contract_type", safe=True, write=PRIVILEGED, filter=DETAILS, admin_form=True),
    Column("job_title", safe=True, write=EDITORS, filter=DETAILS, admin_form=True),
    # Not on the admin's form: `status` is the one control there, and `active` follows it.
    Column("active", safe=True, minimal=7, write=PRIVILEGED, filter=PUBLIC),
    Column("status", safe=True, write=PRIVILEGED, filter=DETAILS, admin_form=True),
    Column("archived", safe=True, write=PRIVILEGED, filter=DETAILS, admin_form=True),
    # Moved on by desktop logins; HR sees it read-only.
    Column("last_presence", safe=True, write=PRIVILEGED, filter=DETAILS),
    Column("desktop_login", safe=True, minimal=11, write=EDITORS, filter=PUBLIC, admin_form=True),
    # Turned on by enrolment, off by the two-factor service.
    Column("totp_enabled", safe=True, filter=DETAILS),
    Column("email_otp_enabled", safe=True, filter=DETAILS),
    Column("fido_enabled", safe=True, filter=DETAILS),
    Column("preferred_two_factor_authentication", safe=True, write=EDITORS, filter=DETAILS, admin_form=True),
    Column("shotgun_id", safe=True, write=EDITORS, filter=DETAILS, admin_form=True),
    Column("timezone", safe=True, write=EDITORS, filter=DETAILS, admin_form=True),
    Column("locale", safe=True, write=EDITORS, filter=DETAILS, admin_form=True),
    Column("use_12_hour_clock", safe=True, write=EDITORS, filter=DETAILS, admin_form=True),
    Column("display_date_format", safe=True, write=EDITORS, filter=DETAILS, admin_form=True),
    Column("appearance", safe=True, write=EDITORS, filter=DETAILS, admin_form=True),
    Column("data", safe=True, write=EDITORS, admin_form=True),  # free JSON: nothing to compare by equality
    Column("role", safe=True, minimal=10, write=PRIVILEGED, filter=PUBLIC, admin_form=True),
    Column("position", safe=True, write=PRIVILEGED, filter=DETAILS, admin_form=True),
    Column("seniority", safe=True, write=PRIVILEGED, filter=DETAILS, admin_form=True),
    Column("daily_salary", safe=True, write=PRIVILEGED, filter=DETAILS, admin_form=True),
    Column("has_avatar", safe=True, minimal=6, filter=PUBLIC),  # set by the avatar service
    Column("notifications_enabled", safe=True, write=EDITORS, filter=DETAILS, admin_form=True),
    Column("notifications_slack_enabled", safe=True, write=EDITORS, filter=DETAILS, admin_form=True),
    Column("notifications_slack_userid", safe=True, write=EDITORS, filter=DETAILS, admin_form=True),
    Column("notifications_mattermost_enabled", safe=True, write=EDITORS, filter=DETAILS, admin_form=True),
    Column("notifications_mattermost_userid", safe=True, write=EDITORS, filter=DETAILS, admin_form=True),
    Column("notifications_discord_enabled", safe=True, write=EDITORS, filter=DETAILS, admin_form=True),
    Column("notifications_discord_userid", safe=True, write=EDITORS, filter=DETAILS, admin_form=True),
    Column("is_bot", safe=True, minimal=12, write=PRIVILEGED, filter=PUBLIC, admin_form=True),
    Column("is_guest", safe=True, write=PRIVILEGED, filter=DETAILS, admin_form=True),
    Column("expiration_date", safe=True, write=EDITORS, filter=DETAILS, admin_form=True),
    Column("authentication_method", safe=True, write=PRIVILEGED, filter=DETAILS, admin_form=True),
    Column("is_generated_from_ldap", safe=True, write=PRIVILEGED, filter=DETAILS, admin_form=True),
    Column("ldap_uid", safe=True, write=PRIVILEGED, filter=DETAILS, admin_form=True),
    Column("studio_id", model_name="studio", safe=True, minimal=9, write=PRIVILEGED, filter=PUBLIC,
           admin_form=True),
    Column("manager_id", model_name="manager", safe=True, write=PRIVILEGED, filter=DETAILS, admin_form=True),
    # Written through the person services and the admin's membership inline.
    Column("departments", safe=True, minimal=8, write=PRIVILEGED, filter=PUBLIC),
    # Written by the team actions (/api/actions/persons/<id>/teams/...), not by a person's PUT.
    Column("teams", safe=True),
    # Set through PATCH /api/data/persons/<id>/reporting (or an admin's PUT); a Roster addition, after Zou's keys.
    Column("shift_id", model_name="shift", safe=True, write=PRIVILEGED, filter=DETAILS),
    # Preferences and presence (issue 7): read and written through their own routes (/api/data/persons/<id>/settings,
    # /api/data/user/...), which decide who sees them; not in Zou's forms.
    Column("preferences"),
    Column("presence"),
    Column("presence_changed_at"),
    Column("last_seen"),
    # Grants and denials in compact form, kept by their own service; read through .../permissions.
    Column("permission_overrides"),
    # Never serialized, written or filtered (zou-api.md 3.1): secrets, the lockout counters, and Django's
    # own `last_login` bookkeeping.
    Column("password"),
    Column("password_change_required"),  # set by force-password-reset, cleared by the person's new password
    Column("last_login"),
    Column("login_failed_attemps"),
    Column("last_login_failed"),
    Column("totp_secret"),
    Column("email_otp_secret"),
    Column("fido_credentials"),
    Column("otp_recovery_codes"),
)

# The lists each layer needs ---------------------------------------------------------------------------

# Serializers: the keys of the safe and minimal forms, in output order.
_MINIMAL_FORM = sorted((c for c in COLUMNS if c.minimal), key=attrgetter("minimal"))
SAFE_FIELDS = [c.key for c in COLUMNS if c.safe]
MINIMAL_FIELDS = [c.key for c in _MINIMAL_FORM]

# Services: the scalar columns a write may set (`departments` is a relation, written by its own helper),
# and the columns only privileged callers may write.
WRITABLE_FIELDS = frozenset(c.key for c in COLUMNS if c.write is not Write.NOBODY and not c.many_to_many)
PRIVILEGED_FIELDS = frozenset(c.key for c in COLUMNS if c.write is Write.PRIVILEGED)

# FilterSet: model field names (it turns foreign keys into their `_id` form); computed keys have their own
# filter method.
FILTER_FIELDS = [c.field for c in COLUMNS if c.filter is not Filter.NONE and not c.computed]
PUBLIC_FILTER_FIELDS = frozenset(c.key for c in COLUMNS if c.filter is Filter.PUBLIC)

ADMIN_FORM_FIELDS = [c.field for c in COLUMNS if c.admin_form]

# What a minimal list loads from the database: the minimal form's stored columns and the sort keys.
MINIMAL_COLUMNS = (
    *(c.key for c in _MINIMAL_FORM if c.field and not c.many_to_many),
    *(c.key for c in COLUMNS if c.list_sort_key),
)
