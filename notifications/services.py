"""Writing emails to the outbox; delivery happens in a Celery task once the transaction commits."""

from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from notifications.models import DeliveryStatus, OutboxEmail

MAX_DELIVERY_ATTEMPTS = 6


def email_enqueue(*, to: str, kind: str, subject: str, template: str, context: dict,
                  sensitive: bool = False) -> OutboxEmail:
    body = render_to_string(template, context)
    email = OutboxEmail.objects.create(to=to, kind=kind, subject=subject, body=body, sensitive=sensitive)
    from notifications.tasks import deliver_email

    transaction.on_commit(lambda: deliver_email.delay(str(email.id)))
    return email


def email_deliver(*, email_id) -> OutboxEmail | None:
    """Send one outbox email; safe to call twice (a sent email is never sent again)."""
    with transaction.atomic():
        email = OutboxEmail.objects.select_for_update().filter(pk=email_id).first()
        if email is None or email.status == DeliveryStatus.SENT:
            return email
        email.attempts += 1
        try:
            send_mail(email.subject, email.body, None, [email.to], fail_silently=False)
        except Exception as exc:  # any transport failure is recorded, then retried by the task
            email.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            email.status = (
                DeliveryStatus.FAILED if email.attempts >= MAX_DELIVERY_ATTEMPTS else DeliveryStatus.PENDING
            )
            email.save(update_fields=["attempts", "last_error", "status"])
            raise
        email.status = DeliveryStatus.SENT
        email.sent_at = timezone.now()
        email.last_error = ""
        if email.sensitive:
            email.body = OutboxEmail.REDACTED_BODY
        email.save(update_fields=["attempts", "last_error", "status", "sent_at", "body"])
        return email
