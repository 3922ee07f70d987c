"""Who may do what, asked one way everywhere: `person.has_perm(key)` or `person.has_perm(key, target)`.

The people app's keys are declared below (each app declares its own, see `config.permissions`). A person's
effective keys are those their role holds in the registry, plus the keys granted to them, minus the keys
denied them (a denial wins over the role and over a grant), minus the humans-only keys for bots. Grants and
denials are `PersonPermissionRule` rows, copied in compact form onto the person's row
(`Person.permission_overrides`) so that checking costs no query; a rule past its `expires_at` counts for
nothing from that instant. `RosterPermissionBackend` computes the set once per person object and state; the
admin (through `Person.has_perm` and `TablePermissionsAdmin`), the DRF permission class and the services all
use it. A key `k` with a `k.self` variant is granted on one's own record by the variant; granting or denying
`k` leaves `k.self` alone (they are two keys).

The `hr` role (HR operations) across the apps' tables:

| area | hr holds | left to admins |
|---|---|---|
| persons (people) | details and lists in the safe form, create, change, privileged fields (role, state, employment terms, salary), departments, teams, placement, roles, admin profile, state, invitations, avatars, desktop logins (read), grants and denials | delete, set a password or hand out a reset link, turn 2FA off, record desktop logins, give keys one does not hold |
| back office | `admin_site.access`, the persons, desktop logins, time spent (read), day-offs, audit log and outbox screens | organisation, salary scales, hardware, catalog writes, productions, quotas |
| catalogs (departments) | read, as everyone | departments, studios, work shifts, teams, software, hardware: writes |
| system settings (departments) | nothing | organisation (and its secrets), salary scales: guarded keys |
| time (timetracking) | everyone's time spent and months (read), day-offs (read, write), the presence CSV | changing logged time, productions, tasks |
| audit, outbox | read; resend failed emails | |

No one climbs through the table: a change to a person (their role, grants or denials) may not give them a key
the actor does not hold, unless the actor holds `persons.grant_any_permission` (admins); and a person who
holds a guarded key (the system settings, `persons.grant_any_permission`) is changed only by someone who holds
it too, so HR manages everyone but the admins (`people.services.permission_rules`).
"""

import logging

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from rest_framework.permissions import BasePermission

from config.permissions import (
    ANY_PERSON,
    EVERY_ROLE,
    PUBLIC,
    SELF_SUFFIX,
    declare_permissions,
    declared_permissions,
    has_self_variant,
    is_declared,
    required_permission,
)

logger = logging.getLogger(__name__)

ADMIN = ("admin",)
ADMIN_HR = ("admin", "hr")

PEOPLE_PERMISSIONS = {
    # Persons
    "persons.view": EVERY_ROLE,
    "persons.view_details": ("admin", "manager", "hr"),  # safe form on GET one
    "persons.list_details": ADMIN_HR,  # safe form on the list, every filter
    "persons.create": ADMIN_HR,
    "persons.change": ADMIN_HR,
    "persons.change.self": EVERY_ROLE,
    "persons.change_privileged_fields": ADMIN_HR,  # role, active, departments, employment terms, ...
    "persons.delete": ADMIN,
    "persons.manage_departments": ADMIN_HR,
    "persons.manage_teams": ADMIN_HR,
    "persons.manage_state": ADMIN_HR,
    "persons.manage_placement": ADMIN_HR,
    "persons.manage_roles": ADMIN_HR,
    "persons.manage_profile": ADMIN_HR,
    # A password set or a reset link handed over lets the actor sign in as the person: admins only.
    "persons.set_password": ADMIN,
    "persons.invite": ADMIN_HR,
    "persons.disable_two_factor": ADMIN,
    "persons.change_avatar": ADMIN_HR,
    "persons.change_avatar.self": EVERY_ROLE,
    "persons.view_desktop_logins": ("admin", "manager", "hr"),
    "persons.view_desktop_logins.self": EVERY_ROLE,
    "persons.add_desktop_login": ADMIN,
    "persons.add_desktop_login.self": EVERY_ROLE,
    # Settings, search, presence and the directory (issue 7 item 6). A bot has no preferences, presence or
    # contacts of its own; an admin may still read and set a bot's settings.
    "persons.view_settings": ADMIN_HR,  # HR reads everyone's HR data, settings included (item 2)
    "persons.view_settings.self": EVERY_ROLE,
    "persons.change_settings": ADMIN,
    "persons.change_settings.self": EVERY_ROLE,
    "persons.search": ADMIN_HR,  # by email (seed 002)
    "persons.change_own_profile": EVERY_ROLE,  # names and phone, as PUT on oneself allows (bots included)
    "persons.set_own_presence": EVERY_ROLE,
    "persons.view_directory": EVERY_ROLE,
    # HR data (the 360 profile and summary, the audit trail; people.visibility): everyone's, or that of the
    # members of one's departments. Line managers see their reports' and everyone their own, with no key.
    "persons.view_hr_data_all": ADMIN_HR,
    "persons.view_hr_data_department": ("supervisor",),
    # Grants and denials (GET and PATCH .../permissions): everyone reads their own.
    "persons.view_permissions": ADMIN_HR,
    "persons.view_permissions.self": EVERY_ROLE,
    "persons.manage_permissions": ADMIN_HR,
    # Give a role or a key one does not hold oneself (people.services.permission_rules): the top of the table.
    "persons.grant_any_permission": ADMIN,
    "persons.view_ldap_sync_runs": ADMIN,  # the LDAP sync's records in the back office
    # Sessions: a bot has no interactive session to end or password to change.
    "auth.session": EVERY_ROLE,
    # The HR back office: entering it, and each of its screens (see TablePermissionsAdmin).
    "admin_site.access": ADMIN_HR,
}


def declare_people_permissions() -> None:
    declare_permissions("people", PEOPLE_PERMISSIONS, humans_only={
        "auth.session",
        "persons.view_settings.self", "persons.change_settings.self", "persons.set_own_presence",
        "persons.view_directory",
    }, guarded={"persons.grant_any_permission"})


def role_permissions(*, role: str, is_bot: bool) -> frozenset[str]:
    """The keys a role holds (for a bot: without the humans-only ones)."""
    return frozenset(
        key for key, permission in declared_permissions().items()
        if permission.held_by_role(role) and not (is_bot and permission.humans_only)
    )


def active_overrides(overrides: dict | None, *, now=None) -> tuple[frozenset[str], frozenset[str]]:
    """(granted, denied) keys of a compact `Person.permission_overrides` whose rules have not expired; keys
    no longer declared anywhere count for nothing."""
    if not overrides:
        return frozenset(), frozenset()
    now = now or timezone.now()
    granted, denied = set(), set()
    for key, (effect, expires_at) in overrides.items():
        if not is_declared(key) or (expires_at is not None and parse_datetime(expires_at) <= now):
            continue
        (granted if effect == "grant" else denied).add(key)
    return frozenset(granted), frozenset(denied)


def effective_permissions(*, role: str, is_bot: bool, granted: frozenset[str], denied: frozenset[str]
                          ) -> frozenset[str]:
    """The role's keys plus the grants, minus the denials (a denial wins); a bot never holds a humans-only key,
    granted or not."""
    declared = declared_permissions()
    grants = frozenset(key for key in granted if not (is_bot and declared[key].humans_only))
    return (role_permissions(role=role, is_bot=is_bot) | grants) - denied


class RosterPermissionBackend:
    """Django's permission questions answered from the permission table. Authenticates nobody (that is
    `people.backends.PersonBackend`); Django asks every backend in AUTHENTICATION_BACKENDS for permissions."""

    cache_attribute = "_roster_permission_cache"

    def authenticate(self, request, **credentials):
        return None

    def get_all_permissions(self, user_obj, obj=None) -> frozenset[str]:
        if not getattr(user_obj, "is_active", False) or getattr(user_obj, "role", None) is None:
            return frozenset()
        # Keyed by what the answer depends on, so a role or a rule changed in place is seen at once, and so is
        # a rule that expires while the object lives (the active rules are worked out on every call: a few
        # dict entries, no query).
        granted, denied = active_overrides(getattr(user_obj, "permission_overrides", None))
        cache_key = (user_obj.role, user_obj.is_bot, granted, denied)
        cached = getattr(user_obj, self.cache_attribute, None)
        if cached is None or cached[0] != cache_key:
            cached = (cache_key, effective_permissions(role=user_obj.role, is_bot=user_obj.is_bot,
                                                       granted=granted, denied=denied))
            setattr(user_obj, self.cache_attribute, cached)
        return cached[1]

    def has_perm(self, user_obj, perm: str, obj=None) -> bool:
        if not is_declared(perm):
            # Views and admin screens are checked at start-up (people.checks); anything else asking for an
            # undeclared key (a typo, Django's own `app.codename` strings) is refused, loudly.
            logger.error("Permission %r is declared nowhere: refused", perm)
            return False
        held = self.get_all_permissions(user_obj)
        if perm in held:
            return True
        # The `.self` variant: the target is the person asking.
        own_record = obj is not None and getattr(obj, "pk", None) == user_obj.pk and _is_person(obj)
        return own_record and f"{perm}{SELF_SUFFIX}" in held

    def has_module_perms(self, user_obj, app_label: str) -> bool:
        return "admin_site.access" in self.get_all_permissions(user_obj) and any(
            permission.app_label == app_label and key in self.get_all_permissions(user_obj)
            for key, permission in declared_permissions().items()
        )


def _is_person(obj) -> bool:
    from django.contrib.auth import get_user_model

    return isinstance(obj, get_user_model())


class HasRosterPermission(BasePermission):
    """The key the view declares for this action (`required_permissions`), fail closed: an action that
    declares nothing is refused (and a meta-test fails). Keys with a `.self` variant are settled by
    `has_object_permission` once the view has loaded its target with `get_object()`."""

    message = "You are not allowed to do this."

    def has_permission(self, request, view):
        if not hasattr(view, request.method.lower()):
            return True  # a method the route does not serve: DRF answers 405 next
        key = self._key(request, view)
        if key == PUBLIC:
            return True
        person = request.user
        if person is None or not getattr(person, "is_authenticated", False):
            return False
        if key is None:
            return False
        if key == ANY_PERSON:
            return True
        if has_self_variant(key):
            return person.has_perm(key) or person.has_perm(f"{key}{SELF_SUFFIX}")
        return person.has_perm(key)

    def has_object_permission(self, request, view, obj):
        key = self._key(request, view)
        if key in (PUBLIC, ANY_PERSON):
            return True
        return key is not None and request.user.has_perm(key, obj)

    @staticmethod
    def _key(request, view) -> str | None:
        if request.method == "OPTIONS":
            # DRF's metadata describes the route's fields, never its data: as open as the route's most open
            # method (public routes answer anyone, as Zou's do), and never less than "signed in".
            declared = set((getattr(view, "required_permissions", None) or {}).values())
            return PUBLIC if declared and declared <= {PUBLIC} else ANY_PERSON
        return required_permission(view, request)
