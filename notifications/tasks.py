"""Thin delivery tasks: an id in, one service call. Retries are not Celery's (a countdown waits in Redis and
is gone with it): a failed send is scheduled on its outbox row, and the sweep below queues it when it is due."""

from celery import shared_task

from notifications.services import email_deliver, email_ids_to_requeue, email_queue_delivery


# acks_late: a message whose worker died before the claim is delivered again by the broker; after the claim,
# the row's lease brings it back through the sweep well before Redis's visibility timeout (an hour) would.
@shared_task(acks_late=True)
def deliver_email(email_id: str) -> None:
    email_deliver(email_id=email_id)


@shared_task
def requeue_pending_emails() -> int:
    """Run by beat every minute: retries that are due, emails whose task never reached the broker or never
    started, and emails a dead worker was sending."""
    ids = email_ids_to_requeue()
    for email_id in ids:
        email_queue_delivery(email_id=str(email_id))
    return len(ids)
