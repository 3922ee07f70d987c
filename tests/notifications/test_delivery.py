"""Email delivery end to end: the outbox row, a real Celery worker on Redis, a real SMTP server on loopback."""

import os
import socket
import time

import pytest
import redis
from aiosmtpd.controller import Controller
from celery.contrib.testing.worker import start_worker
from django.core.management import call_command

from config.celery import app as celery_app
from notifications.models import DeliveryStatus, OutboxEmail
from notifications.services import email_enqueue
from tests.ports import unused_loopback_port

pytestmark = pytest.mark.django_db(transaction=True)



class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, envelope.content.decode()))
        return "250 Message accepted for delivery"




def wait_for(condition, timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


@pytest.fixture
def smtp_port(settings):
    port = unused_loopback_port()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 5
    return port


def broker_url_of_this_process() -> str:
    """A Redis database per xdist worker: tasks must reach the worker thread of the process (and test
    database) that sent them. Celery caches its routing, so the queue name itself cannot vary."""
    base = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0").rsplit("/", 1)[0]
    worker_number = int("".join(ch for ch in os.environ.get("PYTEST_XDIST_WORKER", "gw0") if ch.isdigit()) or 0)
    return f"{base}/{1 + worker_number % 15}"


@pytest.fixture
def worker(settings):
    """A real worker thread consuming this process's Redis database."""
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=2).close()
    except OSError:
        pytest.fail("Redis must answer on 127.0.0.1:6379 (make test starts it): Celery tests use a real broker")
    settings.ROSTER_EMAIL_RETRY_SECONDS = 0.2
    broker_url = broker_url_of_this_process()
    if celery_app.conf.broker_url != broker_url:
        celery_app.conf.update(broker_url=broker_url, broker_connection_retry_on_startup=True)
        # Connections made for the in-memory broker of eager runs are cached twice: drop both.
        celery_app._pool = None
        celery_app.amqp._producer_pool = None
    redis.Redis.from_url(broker_url).flushdb()  # retries left over from an earlier run
    celery_app.conf.task_always_eager = False
    try:
        with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10) as running:
            yield running
    finally:
        celery_app.conf.task_always_eager = True


def enqueue(to="ada@studio.io") -> OutboxEmail:
    from django.db import transaction

    with transaction.atomic():
        return email_enqueue(to=to, kind="password_changed", subject="Hello",
                             template="emails/password_changed.txt",
                             context={"person": {"first_name": "Ada", "email": to}, "site_url": "http://x"})


def test_worker_delivers_through_smtp(smtp_port, worker):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    try:
        email = enqueue()
        assert wait_for(lambda: OutboxEmail.objects.get(pk=email.pk).status == DeliveryStatus.SENT)
    finally:
        controller.stop()
    assert len(inbox.messages) == 1
    recipients, content = inbox.messages[0]
    assert recipients == ["ada@studio.io"] and "Subject: Hello" in content
    assert OutboxEmail.objects.get(pk=email.pk).attempts == 1


def test_smtp_outage_is_retried_until_delivered(smtp_port, worker):
    email = enqueue()
    # Nothing listens yet: the first attempt fails, is recorded, and the task retries.
    assert wait_for(lambda: OutboxEmail.objects.get(pk=email.pk).attempts >= 1)
    failed = OutboxEmail.objects.get(pk=email.pk)
    assert failed.status == DeliveryStatus.PENDING and "Connection" in failed.last_error
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    try:
        assert wait_for(lambda: OutboxEmail.objects.get(pk=email.pk).status == DeliveryStatus.SENT)
    finally:
        controller.stop()
    delivered = OutboxEmail.objects.get(pk=email.pk)
    assert delivered.attempts >= 2 and delivered.last_error == ""
    assert len(inbox.messages) == 1


def test_operator_command_sends_what_is_pending(smtp_port, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    pending = OutboxEmail.objects.create(to="lin@studio.io", kind="test", subject="Queued", body="Hi")
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    try:
        call_command("deliver_pending_emails", stdout=open(os.devnull, "w"))
    finally:
        controller.stop()
    assert OutboxEmail.objects.get(pk=pending.pk).status == DeliveryStatus.SENT
    assert [recipients for recipients, _ in inbox.messages] == [["lin@studio.io"]]


def test_overdue_pending_emails_are_requeued(settings, smtp_port):
    import datetime as dt

    from django.utils import timezone

    from notifications.tasks import requeue_pending_emails

    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    lost = OutboxEmail.objects.create(to="old@studio.io", kind="test", subject="Lost", body="Hi")
    fresh = OutboxEmail.objects.create(to="new@studio.io", kind="test", subject="Fresh", body="Hi")
    OutboxEmail.objects.filter(pk=lost.pk).update(created_at=timezone.now() - dt.timedelta(days=1))
    assert requeue_pending_emails.apply().get() == 1
    assert OutboxEmail.objects.get(pk=lost.pk).status == DeliveryStatus.SENT
    assert OutboxEmail.objects.get(pk=fresh.pk).status == DeliveryStatus.PENDING
