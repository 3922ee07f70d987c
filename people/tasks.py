"""Thin tasks of the people app: an id in, one service call, bounded retries with growing delays."""

from celery import shared_task

from people.services import lifecycle, passwords

MAX_RESET_REQUEST_ATTEMPTS = 6


@shared_task(bind=True, max_retries=MAX_RESET_REQUEST_ATTEMPTS - 1, acks_late=True)
def handle_password_reset_request(self, request_id: int) -> None:
    try:
        passwords.password_reset_request_handle(request_id=request_id)
    except Exception as exc:
        # The request row stays until it is handled; the sweep queues it again if every retry fails.
        raise self.retry(exc=exc, countdown=min(30 * 2**self.request.retries, 3600)) from exc


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
