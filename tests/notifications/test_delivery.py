"""Email delivery end to end: the outbox row, a real Celery worker on Redis, a real SMTP server on loopback."""

import os

import pytest
from django.core.management import call_command
from django.utils import timezone

from notifications.models import DeliveryStatus, OutboxEmail
from notifications.tasks import requeue_pending_emails
from tests.notifications.conftest import Inbox, enqueue, wait_for

pytestmark = pytest.mark.django_db(transaction=True)


def test_worker_delivers_through_smtp(smtp_server, worker):
    inbox = smtp_server.start(Inbox())
    email = enqueue()
    assert wait_for(lambda: OutboxEmail.objects.get(pk=email.pk).status == DeliveryStatus.SENT)
    assert len(inbox.messages) == 1
    recipients, content = inbox.messages[0]
    assert recipients == ["ada@studio.io"] and "Subject: Hello" in content
    assert inbox.message_ids() == [f"<{email.pk}@localhost>"]
    assert OutboxEmail.objects.get(pk=email.pk).attempts == 1


def test_smtp_outage_is_retried_by_the_sweep_until_delivered(settings, smtp_server, worker):
    settings.ROSTER_EMAIL_RETRY_SCHEDULE = [0.2] * 5
    email = enqueue()
    # Nothing listens yet: the first attempt fails, is recorded and scheduled; no task waits in Redis.
    # The claim counts the attempt before the send: wait for the failure to be recorded, not for the count.
    assert wait_for(lambda: OutboxEmail.objects.get(pk=email.pk).last_error != "")
    failed = OutboxEmail.objects.get(pk=email.pk)
    assert failed.status == DeliveryStatus.PENDING and "Connection" in failed.last_error
    assert failed.next_attempt_at > failed.claimed_at
    inbox = smtp_server.start(Inbox())
    # What beat runs every minute: once the retry is due, the sweep queues it and the worker sends it.
    assert wait_for(lambda: timezone.now() >= failed.next_attempt_at)
    requeue_pending_emails.delay()
    assert wait_for(lambda: OutboxEmail.objects.get(pk=email.pk).status == DeliveryStatus.SENT)
    delivered = OutboxEmail.objects.get(pk=email.pk)
    assert delivered.attempts == 2 and delivered.last_error == ""
    assert len(inbox.messages) == 1


def test_operator_command_sends_what_is_pending(smtp_server, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    pending = OutboxEmail.objects.create(to="lin@studio.io", kind="test", subject="Queued", body="Hi")
    inbox = smtp_server.start(Inbox())
    call_command("deliver_pending_emails", stdout=open(os.devnull, "w"))
    assert OutboxEmail.objects.get(pk=pending.pk).status == DeliveryStatus.SENT
    assert [recipients for recipients, _ in inbox.messages] == [["lin@studio.io"]]
