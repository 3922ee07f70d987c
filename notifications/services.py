"""Writing emails to the outbox and delivering them.

An outbox row moves pending -> sending -> sent, or back to pending with a later next_attempt_at after a failed
send, or to failed after the last attempt of the retry schedule (settings.ROSTER_EMAIL_RETRY_SCHEDULE). A
worker claims a row in a short transaction (status "sending", a lease, attempts + 1) and commits before it
talks to the SMTP server, so no row lock is ever held across the network; it then records the outcome only if
the claim is still its own. The sweep (Celery beat, every minute) queues rows that are due and takes back
rows whose lease ran out: it is the one retry mechanism, and it lives in the database, not in the broker.

Delivery is at least once: a worker that dies after the SMTP server accepted a message but before recording
it leaves the row to be sent again. Every send of a row carries the same Message-ID, so receiving servers and
mail clients can tell the copies are one message.
"""

import datetime as dt
import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

from notifications.models import DeliveryStatus, OutboxEmail

logger = logging.getLogger(__name__)

SWEEP_BATCH = 1000


def max_delivery_attempts() -> int:
    return len(settings.ROSTER_EMAIL_RETRY_SCHEDULE) + 1


def _lease() -> dt.timedelta:
    return dt.timedelta(seconds=settings.ROSTER_EMAIL_LEASE_SECONDS)


def email_enqueue(*, to: str, kind: str, subject: str, template: str, context: dict,
                  sensitive: bool = False) -> OutboxEmail:
    body = render_to_string(template, context)
    email = OutboxEmail.objects.create(to=to, kind=kind, subject=subject, body=body, sensitive=sensitive,
                                       next_attempt_at=timezone.now() + _lease())
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


def _claimable(now) -> Q:
    # A task means "send it now", whatever next_attempt_at says: the schedule decides when the sweep queues
    # a row, not whether a queued task may send it.
    return Q(status=DeliveryStatus.PENDING) | Q(status=DeliveryStatus.SENDING, lease_until__lte=now)


def email_claim(*, email_id) -> OutboxEmail | None:
    """Take one row for sending and commit at once. None when there is nothing to send: already sent or
    failed, sending under a live lease, or locked this instant by another claim or by the sweep (which is
    about to queue it anyway)."""
    now = timezone.now()
    with transaction.atomic():
        email = (OutboxEmail.objects.select_for_update(skip_locked=True)
                 .filter(_claimable(now), pk=email_id).first())
        if email is None:
            return None
        email.status = DeliveryStatus.SENDING
        email.attempts += 1
        email.claimed_at = now
        email.lease_until = now + _lease()
        email.save(update_fields=["status", "attempts", "claimed_at", "lease_until"])
    return email


def _send(email: OutboxEmail) -> None:
    message = EmailMessage(email.subject, email.body, None, [email.to], headers={"Message-ID": email.message_id})
    message.send(fail_silently=False)


def _record(email: OutboxEmail, **outcome) -> bool:
    """Write an attempt's outcome if the row is still under this worker's claim. A sweep that took the row
    back after the lease ran out has given it to another attempt, whose outcome counts instead."""
    updated = OutboxEmail.objects.filter(
        pk=email.pk, status=DeliveryStatus.SENDING, claimed_at=email.claimed_at,
    ).update(lease_until=None, **outcome)
    if not updated:
        logger.warning("Email %s: attempt %s ended after its lease was taken back; its outcome is not recorded",
                       email.pk, email.attempts)
    return bool(updated)


def email_deliver(*, email_id) -> OutboxEmail | None:
    """Claim one outbox email, send it (outside any transaction), record the outcome. Safe to call any
    number of times: a row that is sent, failed or being sent by someone else is left alone (None).
    A failed send is recorded and scheduled, not raised: the sweep retries it when it is due."""
    email = email_claim(email_id=email_id)
    if email is None:
        return None
    try:
        _send(email)
    except Exception as exc:  # any transport failure, or the task's soft time limit: retried later
        error = f"{type(exc).__name__}: {exc}"[:2000]
        if email.attempts >= max_delivery_attempts():
            outcome = {"status": DeliveryStatus.FAILED}
            logger.error("Email %s failed for good after %s attempts: %s", email.pk, email.attempts, error)
        else:
            delay = settings.ROSTER_EMAIL_RETRY_SCHEDULE[email.attempts - 1]
            outcome = {"status": DeliveryStatus.PENDING,
                       "next_attempt_at": timezone.now() + dt.timedelta(seconds=delay)}
            logger.warning("Email %s: attempt %s failed, next in %s s: %s", email.pk, email.attempts, delay, error)
        _record(email, last_error=error, **outcome)
    else:
        sent = {"status": DeliveryStatus.SENT, "sent_at": timezone.now(), "last_error": ""}
        if email.sensitive:
            sent["body"] = OutboxEmail.REDACTED_BODY
        _record(email, **sent)
    email.refresh_from_db()
    return email


def email_ids_to_requeue() -> list:
    """The sweep: pending emails that are due (a retry, or a task that never started within its lease) and
    emails whose sender's lease ran out (a worker killed mid-send). Each is pushed one lease ahead as it is
    taken, so the next sweep does not queue it again while its task waits in the broker."""
    now = timezone.now()
    due = (Q(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
           | Q(status=DeliveryStatus.SENDING, lease_until__lte=now))
    with transaction.atomic():
        ids = list(OutboxEmail.objects.select_for_update(skip_locked=True).filter(due)
                   .order_by("next_attempt_at").values_list("pk", flat=True)[:SWEEP_BATCH])
        OutboxEmail.objects.filter(pk__in=ids).update(
            status=DeliveryStatus.PENDING, next_attempt_at=now + _lease(), lease_until=None)
    return ids


def email_resend(*, acting_user, email_ids, queue: bool = True) -> list:
    """Give failed emails a new round of attempts (the whole retry schedule), each queued once this commits
    (unless the caller sends them itself: `queue=False`). Other rows are left alone: a pending one is on its
    way, a sent one is never sent again. Returns the ids put back. `acting_user` is None for an operator at
    the shell."""
    now = timezone.now()
    with transaction.atomic():
        ids = list(OutboxEmail.objects.select_for_update()
                   .filter(pk__in=email_ids, status=DeliveryStatus.FAILED).values_list("pk", flat=True))
        OutboxEmail.objects.filter(pk__in=ids).update(
            status=DeliveryStatus.PENDING, attempts=0, next_attempt_at=now + _lease(),
            claimed_at=None, lease_until=None)
        for email_id in ids if queue else ():
            transaction.on_commit(lambda email_id=email_id: email_queue_delivery(email_id=str(email_id)))
    logger.info("%s emails sent again by %s", len(ids), getattr(acting_user, "pk", None) or "an operator")
    return ids
