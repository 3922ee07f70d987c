"""Who may do what, asked one way everywhere: `person.has_perm(key)` or `person.has_perm(key, target)`.

The people app's keys are declared below (each app declares its own, see `config.permissions`). A person's
effective keys are those their role holds in the registry, minus the humans-only keys for bots; they are
computed once per person object (ModelBackend's per-request cache) by `RosterPermissionBackend`, which the
admin (through `Person.has_perm` and `TablePermissionsAdmin`), the DRF permission class and the services all
use. A key `k` with a `k.self` variant is granted on one's own record by the variant.
"""

import logging

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

PEOPLE_PERMISSIONS = {
    # Persons
    "persons.view": EVERY_ROLE,
    "persons.view_details": ("admin", "manager"),  # safe form on GET one
    "persons.list_details": ADMIN,  # safe form on the list, every filter
    "persons.create": ADMIN,
    "persons.change": ADMIN,
    "persons.change.self": EVERY_ROLE,
    "persons.change_privileged_fields": ADMIN,  # role, active, departments, employment terms, ...
    "persons.delete": ADMIN,
    "persons.manage_departments": ADMIN,
    "persons.manage_teams": ADMIN,
    "persons.manage_state": ADMIN,
    "persons.manage_placement": ADMIN,
    "persons.manage_roles": ADMIN,
    "persons.manage_profile": ADMIN,
    "persons.set_password": ADMIN,
    "persons.invite": ADMIN,
    "persons.disable_two_factor": ADMIN,
    "persons.change_avatar": ADMIN,
    "persons.change_avatar.self": EVERY_ROLE,
    "persons.view_desktop_logins": ("admin", "manager"),
    "persons.view_desktop_logins.self": EVERY_ROLE,
    "persons.add_desktop_login": ADMIN,
    "persons.add_desktop_login.self": EVERY_ROLE,
    "persons.view_ldap_sync_runs": ADMIN,  # the LDAP sync's records in the back office
    # Sessions: a bot has no interactive session to end or password to change.
    "auth.session": EVERY_ROLE,
    # The HR back office: entering it, and each of its screens (see TablePermissionsAdmin).
    "admin_site.access": ADMIN,
}


def declare_people_permissions() -> None:
    declare_permissions("people", PEOPLE_PERMISSIONS, humans_only={"auth.session"})


def _role_permissions(*, role: str, is_bot: bool) -> frozenset[str]:
    return frozenset(
        key for key, permission in declared_permissions().items()
        if permission.held_by_role(role) and not (is_bot and permission.humans_only)
    )


class RosterPermissionBackend:
    """Django's permission questions answered from the permission table. Authenticates nobody (that is
    `people.backends.PersonBackend`); Django asks every backend in AUTHENTICATION_BACKENDS for permissions."""

    cache_attribute = "_roster_permission_cache"

    def authenticate(self, request, **credentials):
        return None

    def get_all_permissions(self, user_obj, obj=None) -> frozenset[str]:
        if not getattr(user_obj, "is_active", False) or getattr(user_obj, "role", None) is None:
            return frozenset()
        # Keyed by what the answer depends on, so changing a person's role in place is seen at once.
        cache_key = (user_obj.role, user_obj.is_bot)
        cached = getattr(user_obj, self.cache_attribute, None)
        if cached is None or cached[0] != cache_key:
            cached = (cache_key, _role_permissions(role=user_obj.role, is_bot=user_obj.is_bot))
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
