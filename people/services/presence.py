"""Presence (seed 003): what a person says of themself (`active` or `away`), and `last_seen`, the time of their
latest API activity, which together say whether they are online (people.selectors.person_is_online)."""

import datetime as dt
import logging
import time

from django.core.cache import cache
from django.db import DatabaseError, transaction
from django.utils import timezone

from audit.services import audit_record
from config.errors import field_error
from people.models import Person, Presence

logger = logging.getLogger(__name__)

# `last_seen` moves on at most this often per person: online-ness is counted in minutes, and a write on every
# request would take a row lock per request on the busiest rows.
LAST_SEEN_EVERY_SECONDS = 60
# After the shared cache failed, this process leaves it alone this long: a Redis that does not answer costs a
# request its socket timeout (a second), which must not be paid on every request of everyone.
CACHE_PAUSE_SECONDS = 30
_cache_paused_until = 0.0


def _claim_last_seen_write(person_id) -> bool:
    """One request per person and period gets to write, across every process and host: an atomic `add` in the
    shared cache (Redis SET NX, or an INSERT in the database cache). Without the cache, nobody writes."""
    global _cache_paused_until
    if time.monotonic() < _cache_paused_until:
        return False
    try:
        return cache.add(f"presence:last-seen:{person_id}", 1, timeout=LAST_SEEN_EVERY_SECONDS)
    except Exception:  # any backend failure: activity is best effort, the request goes on
        _cache_paused_until = time.monotonic() + CACHE_PAUSE_SECONDS
        logger.debug("Shared cache unavailable: last_seen of %s not recorded", person_id, exc_info=True)
        return False


def _record_activity(person: Person) -> None:
    now = timezone.now()
    if person.last_seen is not None and now - person.last_seen < dt.timedelta(seconds=LAST_SEEN_EVERY_SECONDS):
        return  # the row loaded with the token is recent enough: no cache or database round trip at all
    if not _claim_last_seen_write(person.pk):
        return
    try:
        # One UPDATE of one column: activity is no edit of the record (no `updated_at`, no audit row).
        Person.objects.filter(pk=person.pk).update(last_seen=now)
    except DatabaseError:
        logger.warning("last_seen of %s not recorded", person.pk, exc_info=True)
        return
    person.last_seen = now


def person_note_activity(*, person: Person) -> None:
    """Called for every request authenticated by a token (people.authentication); never fails it.

    The write is queued with `transaction.on_commit`: authentication runs outside any transaction, so in
    service it runs at once, but never inside, or rolled back with, a transaction a caller may hold. It is no
    part of a route's own work (at most one UPDATE a minute per person, whatever the route), so the per-route
    query counts (tests/test_query_baselines.py and the other counted tests, whose test transaction never
    commits) measure the route alone; tests/people/test_user_api.py measures this write on its own, with the
    on-commit callbacks run."""
    transaction.on_commit(lambda: _record_activity(person))


@transaction.atomic
def person_set_presence(*, acting_user: Person, body) -> Person:
    """PATCH /data/user/presence: the caller's own presence, `active` or `away`. Saying so is activity too.
    A change writes one audit row; the same value again writes none."""
    value = body.get("presence") if isinstance(body, dict) else None
    if value not in Presence.values:
        raise field_error("presence", f"presence must be one of: {', '.join(Presence.values)}.")
    unknown = sorted(set(body) - {"presence"})
    if unknown:
        raise field_error(unknown[0], f"Unknown field: {unknown[0]}.")
    person = Person.objects.select_for_update().get(pk=acting_user.pk)
    now = timezone.now()
    updates = {"last_seen": now}
    if person.presence != value:
        updates.update(presence=value, presence_changed_at=now)
        audit_record(actor=acting_user, action="person.presence_changed", target=person, target_type="person",
                     changes={"presence": [person.presence, value]})
    Person.objects.filter(pk=person.pk).update(**updates)
    for field, field_value in updates.items():
        setattr(person, field, field_value)
    return person

