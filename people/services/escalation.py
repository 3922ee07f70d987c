"""The two rules that keep anyone from climbing through the permission table (issue 7): giving no key one
does not hold, and changing nobody who holds a guarded key one does not hold. Every service that changes
another person calls `ensure_may_manage`; role changes and grants call `ensure_no_escalation`, and handing a
bot's token to someone else calls `ensure_may_hold_credentials_of`. See
people.services.permission_rules for the grants and denials themselves."""

from django.utils.dateparse import parse_datetime

from config.errors import Forbidden
from config.permissions import declared_permissions
from people.models import Person
from people.permissions import active_overrides, effective_permissions, role_permissions


def person_keys(person: Person, *, role: str | None = None, is_bot: bool | None = None,
                overrides: dict | None = None) -> frozenset[str]:
    """The keys a person's role and rules give them, whether or not the account may sign in now (unlike
    `get_all_permissions`, empty for an inactive account); the keyword arguments ask "what if"."""
    granted, denied = active_overrides(person.permission_overrides if overrides is None else overrides)
    return effective_permissions(role=person.role if role is None else role,
                                 is_bot=person.is_bot if is_bot is None else is_bot, granted=granted, denied=denied)


def ensure_may_manage(*, acting_user: Person | None, person: Person) -> None:
    """Refuse (403) when the person holds a guarded key the actor does not: HR does not change an admin."""
    if acting_user is None or acting_user.pk == person.pk:
        return
    declared = declared_permissions()
    above = sorted(key for key in person_keys(person)
                   if declared[key].guarded and not acting_user.has_perm(key))
    if above:
        raise Forbidden(f"This person holds permissions you do not ({', '.join(above)}): only someone who holds "
                        "them may change this person.", data={"permissions": above})


def ensure_no_escalation(*, acting_user: Person | None, gained: frozenset[str] | set[str]) -> None:
    """Refuse (403) to give keys the actor does not hold; the system (no actor) and the holders of
    `persons.grant_any_permission` may give anything."""
    if acting_user is None or not gained or acting_user.has_perm("persons.grant_any_permission"):
        return
    missing = sorted(key for key in gained if not acting_user.has_perm(key))
    if missing:
        raise Forbidden(f"You can't give permissions you do not hold: {', '.join(missing)}.",
                        data={"permissions": missing})


def ensure_may_hold_credentials_of(*, acting_user: Person | None, person: Person,
                                   credential: str = "This bot's token") -> None:
    """Refuse (403) to hand the actor a credential of `person` that would let them act with keys they do not
    hold: whoever holds a bot's API token holds the bot's keys, as whoever sets a password holds the person's
    (hence `persons.set_password` is admins' only), and whoever moves a person's sign-in identity (email,
    desktop login, LDAP entry) to an address they control can reset the password there and sign in as them."""
    if acting_user is None or acting_user.pk == person.pk or acting_user.has_perm("persons.grant_any_permission"):
        return
    missing = sorted(key for key in person_keys(person) if not acting_user.has_perm(key))
    if missing:
        raise Forbidden(f"{credential} would give you permissions you do not hold: {', '.join(missing)}.",
                        data={"permissions": missing})


def ensure_grants_end_with_the_actors(*, acting_user: Person | None, grants: dict) -> None:
    """Refuse (403) a grant that would outlast the actor's own hold on its key: someone holding a key only
    through a grant that ends on a date gives it until that date at the latest, never for good. `grants` maps
    each key given to its end (a datetime, or None for no end); holders of `persons.grant_any_permission` and
    the system are not bound."""
    if acting_user is None or not grants or acting_user.has_perm("persons.grant_any_permission"):
        return
    from_role = role_permissions(role=acting_user.role, is_bot=acting_user.is_bot)
    own_ends = {key: parse_datetime(end) for key, (effect, end) in (acting_user.permission_overrides or {}).items()
                if effect == "grant" and end is not None and key not in from_role}
    too_long = sorted(key for key, end in grants.items()
                      if key in own_ends and (end is None or end > own_ends[key]))
    if too_long:
        key = too_long[0]
        raise Forbidden(f"You hold {key} only until {own_ends[key].isoformat()}: a grant you give ends by then.",
                        data={"permissions": too_long})
