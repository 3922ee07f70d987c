"""What the delivery tests share: a real SMTP server on loopback (aiosmtpd) that records what it accepted, a
real Celery worker thread on Redis, and a way to wait for something to happen."""

import asyncio
import os
import socket
import threading
import time
from email import message_from_string

import pytest
import redis
from aiosmtpd.controller import Controller
from celery.contrib.testing.worker import start_worker
from django.db import transaction

from config.celery import app as celery_app
from notifications.models import OutboxEmail
from notifications.services import email_enqueue
from tests.ports import unused_loopback_port


class Inbox:
    """An SMTP server's handler: every message it accepted, with its recipients."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, envelope.content.decode()))
        return "250 Message accepted for delivery"

    def message_ids(self) -> list[str]:
        return [message_from_string(content)["Message-ID"] for _, content in self.messages]


class HoldingInbox(Inbox):
    """Holds the first message it is given until `release` is set, having signalled `holding`: a slow SMTP
    server, or one a test kills the sending worker in front of. With `accept_held`, the held message counts
    as accepted (the server delivers it whatever happens to the client); otherwise it is refused with a
    temporary error once released."""

    def __init__(self, *, accept_held: bool = False):
        super().__init__()
        self.accept_held = accept_held
        self.holding = threading.Event()
        self.release = threading.Event()
        self._held_one = False

    async def handle_DATA(self, server, session, envelope):
        if self._held_one:
            return await super().handle_DATA(server, session, envelope)
        self._held_one = True
        if self.accept_held:
            await super().handle_DATA(server, session, envelope)
        self.holding.set()
        await asyncio.to_thread(self.release.wait, 30)
        return "250 Message accepted for delivery" if self.accept_held else "451 4.3.0 Try again later"


def enqueue(to="ada@studio.io") -> OutboxEmail:
    """An email written the way the services write one: its task is queued when the transaction commits."""
    with transaction.atomic():
        return email_enqueue(to=to, kind="password_changed", subject="Hello",
                             template="emails/password_changed.txt",
                             context={"person": {"first_name": "Ada", "email": to}, "site_url": "http://x"})


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


class SmtpServer:
    """An SMTP server on a fixed loopback port that a test can take down and bring back."""

    def __init__(self, port: int):
        self.port = port
        self.controller = None

    def start(self, handler: Inbox) -> Inbox:
        self.controller = Controller(handler, hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return handler

    def stop(self):
        if self.controller is not None:
            if isinstance(self.controller.handler, HoldingInbox):
                self.controller.handler.release.set()  # or stopping waits for the held message
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp_server(smtp_port):
    server = SmtpServer(smtp_port)
    try:
        yield server
    finally:
        server.stop()


def broker_url_of_this_process() -> str:
    """A Redis database per xdist worker: tasks must reach the worker thread of the process (and test
    database) that sent them. Celery caches its routing, so the queue name itself cannot vary."""
    base = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0").rsplit("/", 1)[0]
    worker_number = int("".join(ch for ch in os.environ.get("PYTEST_XDIST_WORKER", "gw0") if ch.isdigit()) or 0)
    return f"{base}/{1 + worker_number % 15}"


def point_celery_at(broker_url: str) -> None:
    """Send this process's tasks to `broker_url` (and stop running them in-process)."""
    if celery_app.conf.broker_url != broker_url:
        celery_app.conf.update(broker_url=broker_url, broker_connection_retry_on_startup=True)
        # Connections made for the in-memory broker of eager runs (or another test's broker) are cached
        # twice: drop both.
        celery_app._pool = None
        celery_app.amqp._producer_pool = None
    celery_app.conf.task_always_eager = False


@pytest.fixture
def worker(settings):
    """A real worker thread consuming this process's Redis database."""
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=2).close()
    except OSError:
        pytest.fail("Redis must answer on 127.0.0.1:6379 (make test starts it): Celery tests use a real broker")
    broker_url = broker_url_of_this_process()
    point_celery_at(broker_url)
    redis.Redis.from_url(broker_url).flushdb()  # messages left over from an earlier run
    try:
        with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10) as running:
            yield running
    finally:
        celery_app.conf.task_always_eager = True
