"""Who may call what: one table from role to permissions, read by one DRF permission class.

Views declare the permission each action needs (`required_permissions`); the rule "a person may act on
their own record" is the `*.self` permission paired with the target check in `person_may`.
"""

from rest_framework.permissions import BasePermission

from config.errors import Forbidden
from people.models import Person, Role

EVERY_ROLE = frozenset(Role.values)

# Each permission maps to the roles that hold it. Keep this table the one place a role grants anything.
PERMISSION_ROLES: dict[str, frozenset[str]] = {
    # Persons
    "persons.view": EVERY_ROLE,
    "persons.view_details": frozenset({Role.ADMIN, Role.MANAGER}),  # safe form on GET one
    "persons.list_details": frozenset({Role.ADMIN}),  # safe form on the list, every filter
    "persons.create": frozenset({Role.ADMIN}),
    "persons.change": frozenset({Role.ADMIN}),
    "persons.change.self": EVERY_ROLE,
    "persons.change_privileged_fields": frozenset({Role.ADMIN}),  # role, active, departments, ...
    "persons.delete": frozenset({Role.ADMIN}),
    "persons.manage_departments": frozenset({Role.ADMIN}),
    "persons.set_password": frozenset({Role.ADMIN}),
    "persons.invite": frozenset({Role.ADMIN}),
    "persons.disable_two_factor": frozenset({Role.ADMIN}),
    "persons.change_avatar": frozenset({Role.ADMIN}),
    "persons.change_avatar.self": EVERY_ROLE,
    "persons.view_desktop_logins": frozenset({Role.ADMIN, Role.MANAGER}),
    "persons.view_desktop_logins.self": EVERY_ROLE,
    "persons.add_desktop_login": frozenset({Role.ADMIN}),
    "persons.add_desktop_login.self": EVERY_ROLE,
    # Studio structure
    "departments.view": EVERY_ROLE,
    "departments.change": frozenset({Role.ADMIN}),
    "departments.manage_equipment": frozenset({Role.ADMIN}),
    "studios.view": EVERY_ROLE,
    "studios.change": frozenset({Role.ADMIN}),
    "softwares.view": EVERY_ROLE,
    "softwares.change": frozenset({Role.ADMIN}),
    "hardware_items.view": frozenset({Role.ADMIN}),
    "hardware_items.change": frozenset({Role.ADMIN}),
    "salary_scales.view": frozenset({Role.ADMIN}),
    "salary_scales.change": frozenset({Role.ADMIN}),
    "organisations.view": EVERY_ROLE,
    "organisations.view_secrets": frozenset({Role.ADMIN}),
    "organisations.change": frozenset({Role.ADMIN}),
    # Session: a bot has no interactive session to end or password to change.
    "auth.session": EVERY_ROLE,
    "admin_site.access": frozenset({Role.ADMIN}),
}

# Identity types that hold no interactive-session permissions, whatever their role.
BOT_DENIED_PERMISSIONS = frozenset({"auth.session"})


def person_has_permission(person: Person, permission: str) -> bool:
    if permission not in PERMISSION_ROLES:
        raise KeyError(f"Unknown permission {permission!r}: add it to PERMISSION_ROLES")
    if person.is_bot and permission in BOT_DENIED_PERMISSIONS:
        return False
    return person.role in PERMISSION_ROLES[permission]


def person_may(person: Person, permission: str, *, target: Person | None = None) -> bool:
    """The permission itself, or its `.self` variant when the target is the person acting."""
    if person_has_permission(person, permission):
        return True
    self_permission = f"{permission}.self"
    return (
        target is not None
        and target.pk == person.pk
        and self_permission in PERMISSION_ROLES
        and person_has_permission(person, self_permission)
    )


def ensure_person_may(person: Person, permission: str, *, target: Person | None = None) -> None:
    if not person_may(person, permission, target=target):
        raise Forbidden("You are not allowed to do this.")


class HasRosterPermission(BasePermission):
    """Authenticated, and holding the permission the view declares for this action (if any).

    `required_permissions` maps an action name (or HTTP method, lowercase) to a permission; the
    key "*" applies to every action not listed. A view without the attribute only needs a login.
    """

    message = "You are not allowed to do this."

    def has_permission(self, request, view):
        person = request.user
        if not isinstance(person, Person):
            return False
        required = getattr(view, "required_permissions", None)
        if not required:
            return True
        action = getattr(view, "action", None) or request.method.lower()
        permission = required.get(action, required.get(request.method.lower(), required.get("*")))
        if permission is None:
            return True
        # A permission with a `.self` variant depends on the target: the view checks it with
        # `ensure_person_may` once it has loaded that target.
        if f"{permission}.self" in PERMISSION_ROLES:
            return True
        return person_has_permission(person, permission)
