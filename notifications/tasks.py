"""Thin delivery tasks: an id in, one service call, bounded retries with growing delays."""

from celery import shared_task
from django.conf import settings

from notifications.services import (
    MAX_DELIVERY_ATTEMPTS,
    email_deliver,
    email_ids_to_requeue,
    email_is_still_pending,
)


def retry_delay(retries: int) -> float:
    return min(settings.ROSTER_EMAIL_RETRY_SECONDS * 2**retries, 3600)


@shared_task(bind=True, max_retries=MAX_DELIVERY_ATTEMPTS - 1, acks_late=True)
def deliver_email(self, email_id: str) -> None:
    try:
        email_deliver(email_id=email_id)
    except Exception as exc:
        # The failure is recorded on the outbox row; retry while it is still pending.
        if email_is_still_pending(email_id=email_id):
            raise self.retry(exc=exc, countdown=retry_delay(self.request.retries)) from exc


@shared_task
def requeue_pending_emails() -> int:
    """Safety net for emails whose task was lost (broker down at enqueue time, worker killed)."""
    ids = email_ids_to_requeue()
    for email_id in ids:
        deliver_email.delay(str(email_id))
    return len(ids)
