"""Writing emails to the outbox; delivery happens in a Celery task once the transaction commits."""

import datetime as dt
import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from notifications.models import DeliveryStatus, OutboxEmail

logger = logging.getLogger(__name__)

MAX_DELIVERY_ATTEMPTS = 6


def email_enqueue(*, to: str, kind: str, subject: str, template: str, context: dict,
                  sensitive: bool = False) -> OutboxEmail:
    body = render_to_string(template, context)
    email = OutboxEmail.objects.create(to=to, kind=kind, subject=subject, body=body, sensitive=sensitive)
    transaction.on_commit(lambda: email_queue_delivery(email_id=str(email.id)))
    return email


def email_queue_delivery(*, email_id: str) -> bool:
    """Hand one outbox row to Celery. Runs after the commit, inside the request: it must never fail it nor
    make it wait, so a broker that is down or slow (short timeouts, no publish retries) only leaves the row
    pending for the periodic sweep, and is logged."""
    from notifications.tasks import deliver_email

    try:
        deliver_email.apply_async((email_id,), retry=False)
    except Exception:  # kombu, redis-py and socket errors alike: whatever the broker did, the row is safe
        logger.warning("Email %s stays pending: its delivery task could not be queued", email_id, exc_info=True)
        return False
    return True


def email_deliver(*, email_id) -> OutboxEmail | None:
    """Send one outbox email; safe to call twice (a sent email is never sent again). A failure is recorded
    on the row (attempts, last error) and then raised, so the caller can retry."""
    failure = None
    with transaction.atomic():
        email = OutboxEmail.objects.select_for_update().filter(pk=email_id).first()
        if email is None or email.status == DeliveryStatus.SENT:
            return email
        email.attempts += 1
        try:
            send_mail(email.subject, email.body, None, [email.to], fail_silently=False)
        except Exception as exc:  # any transport failure: recorded here, retried by the task
            failure = exc
            email.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            if email.attempts >= MAX_DELIVERY_ATTEMPTS:
                email.status = DeliveryStatus.FAILED
        else:
            email.status = DeliveryStatus.SENT
            email.sent_at = timezone.now()
            email.last_error = ""
            if email.sensitive:
                email.body = OutboxEmail.REDACTED_BODY
        email.save(update_fields=["attempts", "last_error", "status", "sent_at", "body"])
    if failure is not None:
        raise failure
    return email


def email_is_still_pending(*, email_id) -> bool:
    return OutboxEmail.objects.filter(pk=email_id, status=DeliveryStatus.PENDING).exists()


def email_ids_to_requeue() -> list:
    """Pending emails older than the grace period: their delivery task is overdue or was lost."""
    cutoff = timezone.now() - dt.timedelta(seconds=settings.ROSTER_EMAIL_REQUEUE_AFTER_SECONDS)
    return list(
        OutboxEmail.objects.filter(status=DeliveryStatus.PENDING, created_at__lt=cutoff)
        .order_by("created_at").values_list("pk", flat=True)[:1000]
    )
