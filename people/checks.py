"""Start-up checks of the permission table: every key a view or an admin screen names is declared, and every
declaration names real roles. A typo fails `manage.py check` (and runserver, migrate), not a request."""

from types import SimpleNamespace

from django.core import checks

from config.permissions import (
    EVERY_ROLE,
    MARKERS,
    SELF_SUFFIX,
    declared_permissions,
    has_self_variant,
    is_declared,
    required_permission,
)
from config.routes import api_routes


def _admin_keys():
    from django.contrib import admin

    for model_admin in admin.site._registry.values():
        owners = [model_admin, *getattr(model_admin, "inlines", [])]
        for owner in owners:
            for right, key in getattr(owner, "permission_keys", {}).items():
                yield f"{owner.__module__}.{getattr(owner, '__qualname__', type(owner).__qualname__)}", right, key


def _admin_screens_without_keys():
    """An admin screen or inline that does not take its rights from the table would fall back to Django's
    `app.codename` permissions, which mean nothing here."""
    from django.contrib import admin

    from config.permissions import TablePermissionsAdmin

    for model_admin in admin.site._registry.values():
        for owner in [type(model_admin), *getattr(model_admin, "inlines", [])]:
            if not issubclass(owner, TablePermissionsAdmin) or not owner.permission_keys:
                yield checks.Error(f"{owner.__module__}.{owner.__qualname__} takes no rights from the permission "
                                   "table", hint="Derive from config.admin.RosterModelAdmin (or "
                                   "RosterTabularInline) and set permission_keys.", obj=owner, id="people.E005")


TARGET_KWARGS = ("(?P<pk>", "(?P<person_id>")


def _self_rules_need_a_target(route):
    """A key with a `.self` variant is only settled once the action loads its target (`get_object()`): a route
    with no target in its path would let every holder of the variant through."""
    view = SimpleNamespace(required_permissions=getattr(route.view_class, "required_permissions", None),
                           action=route.action)
    key = required_permission(view, SimpleNamespace(method=route.method.upper()))
    if key and key not in MARKERS and has_self_variant(key) and not any(
            marker in route.pattern for marker in TARGET_KWARGS):
        yield checks.Error(f"{route.method.upper()} {route.pattern} requires {key!r}, which has a .self variant, "
                           "but its path names no target person", obj=route.view_class, id="people.E007")


def check_permission_table(app_configs=None, **kwargs):
    from people.models import Role

    errors = []
    roles = set(Role.values)
    for key, permission in declared_permissions().items():
        unknown = set() if permission.roles == EVERY_ROLE else set(permission.roles) - roles
        if unknown:
            errors.append(checks.Error(f"Permission {key!r} names unknown roles {sorted(unknown)}",
                                       obj=permission.app_label, id="people.E001"))
        if key.endswith(SELF_SUFFIX) and not is_declared(key[: -len(SELF_SUFFIX)]):
            errors.append(checks.Error(f"{key!r} is a self variant of an undeclared permission",
                                       obj=permission.app_label, id="people.E002"))
    seen = set()
    for route in api_routes():
        view_class = route.view_class
        if view_class is None:
            continue
        errors.extend(_self_rules_need_a_target(route))
        if view_class in seen:
            continue
        seen.add(view_class)
        for action, key in (getattr(view_class, "required_permissions", None) or {}).items():
            if key.endswith(SELF_SUFFIX):
                errors.append(checks.Error(
                    f"{view_class.__module__}.{view_class.__qualname__} names {key!r} for {action!r}: name the "
                    f"base key, its .self variant is applied to the target by the object permission",
                    obj=view_class, id="people.E006"))
            elif key not in MARKERS and not is_declared(key):
                errors.append(checks.Error(
                    f"{view_class.__module__}.{view_class.__qualname__} requires {key!r} for {action!r}, "
                    "a permission declared nowhere",
                    hint="Declare it in its app's permissions module (config.permissions.declare_permissions).",
                    obj=view_class, id="people.E003"))
    errors.extend(_admin_screens_without_keys())
    for owner, right, key in _admin_keys():
        if key.endswith(SELF_SUFFIX):
            errors.append(checks.Error(f"{owner} names {key!r} for {right!r}: an admin screen has no own record",
                                       obj=owner, id="people.E006"))
        elif not is_declared(key):
            errors.append(checks.Error(f"{owner} requires {key!r} for {right!r}, a permission declared nowhere",
                                       obj=owner, id="people.E004"))
    return errors


LOOPBACK_HOSTS = ("127.", "localhost", "[::1]")


def check_ldap_transport(app_configs=None, **kwargs):
    """Sign-in sends each LDAP person's password to the directory: over plain `ldap://` to another host, without
    StartTLS, anyone on the path reads it. A warning, not an error: some sites tunnel the link themselves."""
    from django.conf import settings

    url = (settings.LDAP_URL or "").strip().lower()
    if not url.startswith("ldap://") or settings.LDAP_START_TLS:
        return []
    host = url[len("ldap://"):]
    if host.startswith(LOOPBACK_HOSTS):
        return []
    return [checks.Warning(
        "LDAP_URL is a plain ldap:// URL to another host and LDAP_START_TLS is off: directory sign-ins would send "
        "passwords in clear.", hint="Use an ldaps:// URL, or set LDAP_START_TLS=1.", id="people.W001")]
