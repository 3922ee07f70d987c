"""The outbox's state machine (pending -> sending under a lease -> sent, pending again, or failed), the sweep
that beat runs, sending failed emails again (service, admin, command), and the limits that keep a delivery
from hanging. Delivery itself goes through a real SMTP server on loopback where it matters."""

import datetime as dt
import socket
import threading
import time
from io import StringIO

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings as django_settings
from django.contrib.admin.models import LogEntry
from django.core import mail
from django.core.mail import get_connection
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client
from django.utils import timezone

from config.celery import app as celery_app
from config.settings import base
from notifications.models import DeliveryStatus, OutboxEmail
from notifications.services import (
    email_claim,
    email_deliver,
    email_ids_to_requeue,
    email_resend,
    max_delivery_attempts,
)
from notifications.tasks import deliver_email, requeue_pending_emails
from tests.notifications.conftest import HoldingInbox, Inbox, enqueue
from tests.ports import unused_loopback_port

CHANGELIST = "/admin/notifications/outboxemail/"


def outbox_row(**fields) -> OutboxEmail:
    fields = {"to": "ada@studio.io", "kind": "test", "subject": "Hello", "body": "Hi", **fields}
    return OutboxEmail.objects.create(**fields)


def reloaded(email: OutboxEmail) -> OutboxEmail:
    return OutboxEmail.objects.get(pk=email.pk)


def failed_row(**fields) -> OutboxEmail:
    return outbox_row(status=DeliveryStatus.FAILED, attempts=max_delivery_attempts(),
                      last_error="SMTPServerDisconnected: gone", **fields)


# ---- item 3: no row lock across the SMTP call; a row being sent is nobody else's ----

@pytest.mark.django_db(transaction=True)
def test_no_row_lock_is_held_while_the_smtp_server_answers(smtp_server):
    """The row is claimed and committed before the SMTP call: while the server takes its time, the row is
    free (a request can lock it at once), visibly being sent, and neither a sweep nor a second task sends it."""
    inbox = smtp_server.start(HoldingInbox(accept_held=True))
    email = outbox_row()

    def send():
        try:
            email_deliver(email_id=email.pk)
        finally:
            connection.close()

    sender = threading.Thread(target=send)
    sender.start()
    try:
        assert inbox.holding.wait(10), "the worker reached the SMTP server"
        with transaction.atomic():
            locked = OutboxEmail.objects.select_for_update(nowait=True).get(pk=email.pk)
        assert locked.status == DeliveryStatus.SENDING and locked.attempts == 1
        assert locked.lease_until > timezone.now()
        assert email_ids_to_requeue() == []
        assert email_deliver(email_id=email.pk) is None
    finally:
        inbox.release.set()
        sender.join(10)
    assert reloaded(email).status == DeliveryStatus.SENT
    assert inbox.message_ids() == [f"<{email.pk}@localhost>"]


@pytest.mark.django_db
def test_a_row_whose_worker_died_is_taken_back_by_the_sweep_after_its_lease(settings):
    """A worker claimed the row and was killed: the row waits for its lease, then the sweep gives it to
    another attempt. The dead worker's outcome, if it ever came, would no longer count."""
    settings.ROSTER_EMAIL_LEASE_SECONDS = 60
    email = outbox_row()
    stale_claim = email_claim(email_id=email.pk)
    assert stale_claim.status == DeliveryStatus.SENDING
    assert email_ids_to_requeue() == []  # under its lease: somebody is sending it
    assert email_claim(email_id=email.pk) is None

    OutboxEmail.objects.filter(pk=email.pk).update(lease_until=timezone.now() - dt.timedelta(seconds=1))
    assert email_ids_to_requeue() == [email.pk]  # what the sweep queues
    requeued = reloaded(email)
    assert requeued.status == DeliveryStatus.PENDING and requeued.lease_until is None
    assert requeued.next_attempt_at > timezone.now() + dt.timedelta(seconds=50)  # not queued twice meanwhile
    assert email_ids_to_requeue() == []

    assert email_deliver(email_id=email.pk).status == DeliveryStatus.SENT
    assert [m.to for m in mail.outbox] == [["ada@studio.io"]]
    assert reloaded(email).attempts == 2


@pytest.mark.django_db
def test_the_sweep_queues_emails_pending_past_a_lease_not_the_fresh_ones(settings):
    """Nothing waits for a command: an email whose task never reached the broker (queued during an outage)
    is due one lease after it was written; a fresh one is left to the task queued with it; a retry waits
    for its time."""
    settings.ROSTER_EMAIL_LEASE_SECONDS = 90
    now = timezone.now()
    lost = outbox_row(to="lost@studio.io", next_attempt_at=now - dt.timedelta(seconds=1))
    fresh = outbox_row(to="fresh@studio.io", next_attempt_at=now + dt.timedelta(seconds=90))
    later = outbox_row(to="later@studio.io", attempts=2, next_attempt_at=now + dt.timedelta(hours=1))
    outbox_row(to="sent@studio.io", status=DeliveryStatus.SENT, next_attempt_at=now - dt.timedelta(days=1))
    outbox_row(to="failed@studio.io", status=DeliveryStatus.FAILED, next_attempt_at=now - dt.timedelta(days=1))
    settings.CELERY_TASK_ALWAYS_EAGER = True
    assert requeue_pending_emails.apply().get() == 1
    assert [m.to for m in mail.outbox] == [["lost@studio.io"]]
    assert {e.to: e.status for e in (reloaded(lost), reloaded(fresh), reloaded(later))} == {
        "lost@studio.io": DeliveryStatus.SENT, "fresh@studio.io": DeliveryStatus.PENDING,
        "later@studio.io": DeliveryStatus.PENDING}


def test_beat_runs_the_sweep_every_minute():
    sweep = base.CELERY_BEAT_SCHEDULE["requeue-pending-emails"]
    assert sweep["task"] == requeue_pending_emails.name
    assert sweep["schedule"] <= 60


@pytest.mark.django_db
def test_a_fresh_email_is_due_for_the_sweep_one_lease_after_it_is_written(settings):
    settings.ROSTER_EMAIL_LEASE_SECONDS = 90
    before = timezone.now()
    email = enqueue()  # never committed here, so its task is never queued: as if the broker had lost it
    assert email.next_attempt_at - before >= dt.timedelta(seconds=90)
    assert email_ids_to_requeue() == []
    OutboxEmail.objects.filter(pk=email.pk).update(next_attempt_at=timezone.now())
    assert email_ids_to_requeue() == [email.pk]


# ---- item 3: limits, schedule, Message-ID ----

def test_smtp_and_tasks_have_time_limits_shorter_than_the_lease():
    assert base.EMAIL_TIMEOUT and base.EMAIL_TIMEOUT < base.CELERY_TASK_SOFT_TIME_LIMIT
    assert get_connection("django.core.mail.backends.smtp.EmailBackend").timeout == django_settings.EMAIL_TIMEOUT
    soft = deliver_email.soft_time_limit or celery_app.conf.task_soft_time_limit
    hard = deliver_email.time_limit or celery_app.conf.task_time_limit
    assert soft and hard and soft < hard < base.ROSTER_EMAIL_LEASE_SECONDS


@pytest.mark.django_db(transaction=True)
def test_a_silent_smtp_server_costs_a_bounded_wait_and_a_retry(settings):
    """A server that accepts the connection and never answers: the send gives up at EMAIL_TIMEOUT."""
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", silent.getsockname()[1]
        settings.EMAIL_TIMEOUT = 0.5
        email = outbox_row()
        started = time.monotonic()
        email_deliver(email_id=email.pk)
        assert time.monotonic() - started < 5
    waited = reloaded(email)
    assert waited.status == DeliveryStatus.PENDING and "timed out" in waited.last_error


@pytest.mark.django_db
def test_a_task_past_its_soft_time_limit_records_a_retry(monkeypatch):
    def too_slow(self, fail_silently=False):
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr("django.core.mail.EmailMessage.send", too_slow)
    email = outbox_row()
    email_deliver(email_id=email.pk)
    row = reloaded(email)
    assert row.status == DeliveryStatus.PENDING and row.lease_until is None
    assert row.last_error.startswith("SoftTimeLimitExceeded")


@pytest.mark.django_db(transaction=True)
def test_the_retry_schedule_spans_a_day_then_the_email_is_failed(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", unused_loopback_port()  # refused: the SMTP outage
    email = outbox_row()
    delays = []
    while reloaded(email).status == DeliveryStatus.PENDING:
        failed_at = timezone.now()
        email_deliver(email_id=email.pk)
        row = reloaded(email)
        if row.status == DeliveryStatus.PENDING:
            delays.append((row.next_attempt_at - failed_at).total_seconds())
        assert len(delays) < 20
    row = reloaded(email)
    assert row.status == DeliveryStatus.FAILED and row.attempts == len(delays) + 1
    assert delays == pytest.approx(settings.ROSTER_EMAIL_RETRY_SCHEDULE, abs=2)
    assert sum(delays) >= 24 * 3600
    assert delays == sorted(delays)


@pytest.mark.django_db(transaction=True)
def test_every_send_of_a_row_carries_the_same_message_id(smtp_server, settings):
    settings.DEFAULT_FROM_EMAIL = "Roster <roster@studio.example>"
    inbox = smtp_server.start(HoldingInbox(accept_held=True))
    inbox.release.set()  # accepted at once; the worker is told nothing was recorded (see below)
    email = outbox_row()
    email_deliver(email_id=email.pk)
    # The worker died before recording "sent", as far as the outbox knows: the row goes out again.
    OutboxEmail.objects.filter(pk=email.pk).update(status=DeliveryStatus.FAILED)
    email_resend(acting_user=None, email_ids=[email.pk], queue=False)
    email_deliver(email_id=email.pk)
    assert len(inbox.messages) == 2
    assert inbox.message_ids() == [f"<{email.pk}@studio.example>"] * 2


# ---- item 3: failed, but not dead ----

@pytest.mark.django_db
def test_email_resend_puts_failed_emails_back_with_a_new_schedule(django_capture_on_commit_callbacks):
    failed = failed_row(to="failed@studio.io")
    sent = outbox_row(to="sent@studio.io", status=DeliveryStatus.SENT)
    pending = outbox_row(to="pending@studio.io", attempts=3)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        resent = email_resend(acting_user=None, email_ids=[failed.pk, sent.pk, pending.pk])
    assert resent == [failed.pk] and len(callbacks) == 1
    # Eager in tests: the queued task ran.
    assert [m.to for m in mail.outbox] == [["failed@studio.io"]]
    row = reloaded(failed)
    assert row.status == DeliveryStatus.SENT and row.attempts == 1
    assert reloaded(sent).status == DeliveryStatus.SENT and reloaded(pending).attempts == 3


@pytest.fixture
def hr(admin):
    client = Client()
    client.force_login(admin)
    return client


@pytest.mark.django_db
def test_the_admin_sends_failed_emails_again(hr, admin, django_capture_on_commit_callbacks):
    failed = failed_row(to="failed@studio.io")
    sent = outbox_row(to="sent@studio.io", status=DeliveryStatus.SENT)
    page = hr.get(f"{CHANGELIST}?status__exact=failed").content.decode()
    assert 'value="send_again"' in page
    with django_capture_on_commit_callbacks(execute=True):
        response = hr.post(CHANGELIST, {"action": "send_again", "_selected_action": [failed.pk, sent.pk]},
                           follow=True)
    assert response.status_code == 200
    assert "1 failed emails queued to be sent again. 1 not failed, left alone." in response.content.decode()
    assert reloaded(failed).status == DeliveryStatus.SENT
    assert [m.to for m in mail.outbox] == [["failed@studio.io"]]
    entry = LogEntry.objects.get(object_id=str(failed.pk))
    assert (entry.user_id, entry.get_change_message()) == (admin.pk, "Sent again")


@pytest.mark.django_db
def test_only_holders_of_outbox_resend_may_send_again(manager, monkeypatch, settings):
    import config.permissions as registry

    settings.CELERY_TASK_ALWAYS_EAGER = True
    # Give managers the back office and the outbox to read, not outbox.resend.
    monkeypatch.setattr(registry, "_REGISTRY", dict(registry._REGISTRY))
    for key in ("admin_site.access", "outbox.view"):
        existing = registry._REGISTRY[key]
        registry._REGISTRY[key] = registry.Permission(key, existing.roles | {"manager"}, existing.app_label)
    failed = failed_row()
    reader = Client()
    reader.force_login(manager)
    page = reader.get(f"{CHANGELIST}?status__exact=failed")
    assert page.status_code == 200 and 'value="send_again"' not in page.content.decode()
    reader.post(CHANGELIST, {"action": "send_again", "_selected_action": [failed.pk]})
    assert reloaded(failed).status == DeliveryStatus.FAILED and not mail.outbox


@pytest.mark.django_db(transaction=True)
def test_the_command_sends_failed_emails_again_with_failed(smtp_server, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    failed = failed_row(to="failed@studio.io")
    outbox_row(to="pending@studio.io", next_attempt_at=timezone.now() + dt.timedelta(hours=4))
    inbox = smtp_server.start(Inbox())
    out = StringIO()
    call_command("deliver_pending_emails", stdout=out)
    assert [recipients for recipients, _ in inbox.messages] == [["pending@studio.io"]]
    assert reloaded(failed).status == DeliveryStatus.FAILED
    call_command("deliver_pending_emails", "--failed", stdout=out)
    assert [recipients for recipients, _ in inbox.messages] == [["pending@studio.io"], ["failed@studio.io"]]
    assert reloaded(failed).status == DeliveryStatus.SENT
    assert "1 failed emails put back to send" in out.getvalue()
    assert out.getvalue().rstrip().endswith("1/1 emails (1 sent, 0 not sent)")
