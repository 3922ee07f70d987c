"""Per-person grants and denials (issue 7; seed 003's permission overrides, seed 004's capability matrix), and
the two rules that keep anyone from climbing through the permission table:

- giving: a change to a person (their role, their grants, lifting a denial) may not give them a key the actor
  does not hold, unless the actor holds `persons.grant_any_permission`;
- guarding: a person who holds a guarded key (config.permissions, e.g. `organisations.change`) is changed only
  by someone who holds it too. A suspended admin still counts as one: the keys are those of the role and
  rules, whatever the account's state.

Both rules live in people.services.escalation, which every service that changes another person calls.
"""

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from audit.services import audit_record
from config.errors import field_error
from config.permissions import get_permission, is_declared
from people.models import PermissionEffect, Person, PersonPermissionRule
from people.services.escalation import (
    ensure_grants_end_with_the_actors,
    ensure_may_manage,
    ensure_no_escalation,
    person_keys,
)
from people.services.lifecycle import _reason
from people.services.persons import person_locked_for_update

MAX_RULES = 200  # far more than the registry's keys twice over: a bigger body is a mistake or an attack


# Reading a PATCH body ---------------------------------------------------------------------------------


def _expiry(field: str, raw, *, now: dt.datetime) -> dt.datetime | None:
    """ISO 8601: a date-time, or a date meaning "through that day" (until the next midnight, studio time)."""
    if raw is None:
        return None
    if not isinstance(raw, str):
        raise field_error(field, "expires_at must be an ISO 8601 date or date-time, or null.")
    try:  # the date first: Python reads "2025-06-30" as a date-time too, at the start of the day
        day = parse_date(raw)
    except ValueError:
        day = None
    try:
        moment = None if day is not None else parse_datetime(raw)
    except ValueError:
        moment = None
    try:
        if day is not None:
            moment = timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))
        if moment is not None and timezone.is_naive(moment):
            moment = timezone.make_aware(moment)
        if moment is not None:
            moment.astimezone(dt.UTC)  # stored and compared in UTC: the instant must exist there too
    except OverflowError:  # the last day of year 9999, or an instant that UTC puts past it
        raise field_error(field, f"expires_at {raw!r} is out of range.") from None
    if moment is None:
        raise field_error(field, f"expires_at {raw!r} is not an ISO 8601 date or date-time.")
    if moment <= now:
        raise field_error(field, f"expires_at {raw!r} is not in the future.")
    return moment


def _rules(field: str, raw, *, person: Person, now: dt.datetime) -> dict[str, dt.datetime | None]:
    """`[key | {"key": ..., "expires_at": ...}, ...]` as {key: expires_at}; every problem is a 400 naming the
    field and the key."""
    if not isinstance(raw, list):
        raise field_error(field, f"{field} must be a list of permission keys.")
    if len(raw) > MAX_RULES:
        raise field_error(field, f"{field} lists more than {MAX_RULES} rules.")
    rules: dict[str, dt.datetime | None] = {}
    for item in raw:
        if isinstance(item, dict):
            unknown = sorted(set(item) - {"key", "expires_at"})
            if unknown:
                raise field_error(field, f"Unknown field in a {field} rule: {unknown[0]}.")
            key, expires_at = item.get("key"), item.get("expires_at")
        else:
            key, expires_at = item, None
        if not isinstance(key, str) or not key:
            raise field_error(field, f"Each {field} rule names a permission key (a string).")
        if not is_declared(key):
            raise field_error(field, f"Unknown permission: {key}.")
        if key in rules:
            raise field_error(field, f"{key} is listed twice in {field}.")
        if field == "granted" and person.is_bot and get_permission(key).humans_only:
            raise field_error(field, f"{key} is for people only: a bot never holds it.")
        rules[key] = _expiry(field, expires_at, now=now)
    return rules


def _iso(moment: dt.datetime | None) -> str | None:
    """In UTC, so that one instant reads the same whether it came from the database or from a request."""
    return moment.astimezone(dt.UTC).isoformat() if moment is not None else None


def _compact(grants: dict, denials: dict) -> dict[str, list]:
    return {**{key: [PermissionEffect.GRANT.value, _iso(moment)] for key, moment in grants.items()},
            **{key: [PermissionEffect.DENY.value, _iso(moment)] for key, moment in denials.items()}}


def _audited(rules: dict[str, dt.datetime | None]) -> dict[str, str | None]:
    return {key: _iso(moment) for key, moment in sorted(rules.items())}


@transaction.atomic
def person_set_permission_rules(*, acting_user: Person | None, person: Person, body: dict[str, Any]) -> Person:
    """PATCH .../permissions: `granted` and `denied`, each given, replace that set (one absent is left as it
    is); `reason` is kept with the rules and in the audit row. A key in both sets is refused. Rules unchanged
    keep who set them and when. One audit row when something changed, none otherwise."""
    unknown = sorted(set(body) - {"granted", "denied", "reason"})
    if unknown:
        raise field_error(unknown[0], f"Unknown field: {unknown[0]}.")
    reason = _reason(body.get("reason"))
    now = timezone.now()
    person = person_locked_for_update(person)
    ensure_may_manage(acting_user=acting_user, person=person)

    stored = {rule.key: rule for rule in PersonPermissionRule.objects.filter(person=person)}
    before = {effect: {key: rule.expires_at for key, rule in stored.items() if rule.effect == effect}
              for effect in PermissionEffect.values}
    after = {
        PermissionEffect.GRANT: (_rules("granted", body["granted"], person=person, now=now)
                                 if "granted" in body else before[PermissionEffect.GRANT]),
        PermissionEffect.DENY: (_rules("denied", body["denied"], person=person, now=now)
                                if "denied" in body else before[PermissionEffect.DENY]),
    }
    both = sorted(set(after[PermissionEffect.GRANT]) & set(after[PermissionEffect.DENY]))
    if both:
        raise field_error("denied", f"{both[0]} is both granted and denied: a rule is one or the other.")

    # A grant set or changed is given by this actor, even where the role holds the key today (the grant
    # outlives a change of role); lifting a denial gives back what the role holds.
    new_compact = _compact(after[PermissionEffect.GRANT], after[PermissionEffect.DENY])
    given = {key for key, moment in after[PermissionEffect.GRANT].items()
             if key not in before[PermissionEffect.GRANT] or before[PermissionEffect.GRANT][key] != moment}
    gained = person_keys(person, overrides=new_compact) - person_keys(person)
    ensure_no_escalation(acting_user=acting_user, gained=given | gained)
    ensure_grants_end_with_the_actors(acting_user=acting_user,
                                      grants={key: after[PermissionEffect.GRANT][key] for key in given})

    changes = {}
    for field, effect in (("granted", PermissionEffect.GRANT), ("denied", PermissionEffect.DENY)):
        if _audited(before[effect]) != _audited(after[effect]):
            changes[field] = [_audited(before[effect]), _audited(after[effect])]
    if not changes:
        return person

    wanted = {(key, effect.value, moment) for effect in PermissionEffect for key, moment in after[effect].items()}
    kept = {key for key, rule in stored.items() if (key, rule.effect, rule.expires_at) in wanted}
    PersonPermissionRule.objects.filter(person=person).exclude(key__in=kept).delete()
    PersonPermissionRule.objects.bulk_create([
        PersonPermissionRule(person=person, key=key, effect=effect, expires_at=moment, created_by=acting_user,
                             reason=reason)
        for key, effect, moment in sorted(wanted) if key not in kept
    ])
    person.permission_overrides = new_compact
    person.save(update_fields=["permission_overrides", "updated_at"])
    audit_record(actor=acting_user, action="person.permissions_changed", target=person, target_type="person",
                 changes=changes, reason=reason)
    return person
