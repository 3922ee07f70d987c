"""Thin tasks of the people app: an id in, one service call, bounded retries with growing delays."""

from celery import shared_task

from people.ldap.models import SyncTrigger
from people.ldap.sync import ldap_sync
from people.services import lifecycle, passwords


@shared_task(acks_late=True)
def handle_password_reset_request(request_id: int) -> None:
    # No retries of its own: a failure leaves the row, and the sweep queues it again a minute later, for an
    # hour at most (a countdown waiting in the broker would be lost with it, and would pile up on the sweep's).
    passwords.password_reset_request_handle(request_id=request_id)


@shared_task
def requeue_pending_password_reset_requests() -> int:
    """Safety net for reset requests whose task was lost (broker down when asked, worker killed)."""
    ids = passwords.password_reset_request_ids_to_requeue()
    for request_id in ids:
        handle_password_reset_request.delay(request_id)
    return len(ids)


@shared_task
def deactivate_expired_persons() -> int:
    """Accounts whose expiration date has passed stop signing in (beat, every hour)."""
    return lifecycle.persons_deactivate_expired()


@shared_task
def sync_ldap() -> str:
    """The directory sync on the beat's schedule (LDAP_SYNC_INTERVAL_SECONDS): applies without asking, never
    forced, so an empty answer or a mass removal is refused and recorded instead."""
    return ldap_sync(trigger=SyncTrigger.BEAT).status
