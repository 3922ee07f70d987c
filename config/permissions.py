"""The permission registry: every app declares its own permission keys, with the roles that hold each, from its
`AppConfig.ready()`; `people.permissions` evaluates them for a person (role, then per-person rules).

Apps below `people` (departments) and above it (time tracking, quotas) declare keys here without importing
`people`: roles are named by their values ("admin", "manager", ...), which a system check validates.

Views name the key each action needs in `required_permissions`; two markers stand for "no key":
`PUBLIC` (no sign-in at all) and `ANY_PERSON` (anyone signed in). An action that names nothing is refused.
"""

from collections.abc import Iterable
from dataclasses import dataclass

PUBLIC = "@public"
ANY_PERSON = "@any-person"
MARKERS = frozenset({PUBLIC, ANY_PERSON})

# Stands for every role, including roles added later.
EVERY_ROLE = "@every-role"

# The suffix of a key's "on your own record" variant: `persons.change.self` lets a person change themselves.
SELF_SUFFIX = ".self"


@dataclass(frozen=True)
class Permission:
    key: str
    roles: frozenset[str] | str  # role values, or EVERY_ROLE
    app_label: str
    humans_only: bool = False  # never held by bots, whatever their role (an interactive session, ...)
    # A holder may be changed (record, state, role, grants) only by someone who holds the key too: the
    # system-settings keys, so that HR, who manages every person, cannot manage the admins above them.
    guarded: bool = False

    def held_by_role(self, role: str) -> bool:
        return self.roles == EVERY_ROLE or role in self.roles


_REGISTRY: dict[str, Permission] = {}


def declare_permissions(app_label: str, table: dict[str, Iterable[str] | str], *,
                        humans_only: Iterable[str] = (), guarded: Iterable[str] = ()) -> None:
    """Add an app's keys. Declaring a key twice with another meaning is a programming error."""
    humans_only, guarded = frozenset(humans_only), frozenset(guarded)
    for key, roles in table.items():
        permission = Permission(
            key=key, roles=roles if roles == EVERY_ROLE else frozenset(roles), app_label=app_label,
            humans_only=key in humans_only, guarded=key in guarded,
        )
        existing = _REGISTRY.get(key)
        if existing is not None and existing != permission:
            raise ValueError(f"Permission {key!r} is declared twice ({existing.app_label}, {app_label})")
        _REGISTRY[key] = permission
    for name, keys in (("humans_only", humans_only), ("guarded", guarded)):
        unknown = keys - set(table)
        if unknown:
            raise ValueError(f"{name} names undeclared keys: {sorted(unknown)}")


def declared_permissions() -> dict[str, Permission]:
    return dict(_REGISTRY)


def is_declared(key: str) -> bool:
    return key in _REGISTRY


def get_permission(key: str) -> Permission:
    try:
        return _REGISTRY[key]
    except KeyError:
        raise KeyError(f"Unknown permission {key!r}: declare it in its app's permissions module") from None


def has_self_variant(key: str) -> bool:
    return f"{key}{SELF_SUFFIX}" in _REGISTRY


def required_permission(view, request) -> str | None:
    """The key (or marker) a view declares for the action or HTTP method at hand; None when it names none.

    `required_permissions` maps an action name, or a lowercase HTTP method, to a key; "*" covers the rest.
    """
    required = getattr(view, "required_permissions", None) or {}
    action = getattr(view, "action", None)
    method = request.method.lower()
    if method == "head":
        method = "get"  # HEAD is GET without the body: the same right
    for name in (action, method, "*"):
        if name and name in required:
            return required[name]
    return None


class TablePermissionsAdmin:
    """A ModelAdmin (or inline) mixin: the screen's rights come from the permission table, so a role sees
    exactly the screens its keys allow. `permission_keys` maps "view", "add", "change", "delete" to keys; a
    right without a key is refused. Changing implies viewing, as in Django."""

    permission_keys: dict[str, str] = {}

    def _holds(self, request, right: str) -> bool:
        key = self.permission_keys.get(right)
        return key is not None and request.user.has_perm(key)

    def has_view_permission(self, request, obj=None):
        return self._holds(request, "view") or self._holds(request, "change")

    def has_add_permission(self, request, *args):
        return self._holds(request, "add")

    def has_change_permission(self, request, obj=None):
        return self._holds(request, "change")

    def has_delete_permission(self, request, obj=None):
        return self._holds(request, "delete")

    def has_module_permission(self, request):
        return any(self._holds(request, right) for right in self.permission_keys)
