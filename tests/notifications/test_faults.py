"""Faults, end to end, with nobody running a command: requests that send emails go through the API while the
broker is down, while the SMTP server is down, and while a worker is killed in the middle of a send. Every
test owns its Redis (a private redis-server on a free loopback port, which it stops and starts; never the
machine's shared one), a real SMTP server (aiosmtpd), a real Celery worker process and a real `celery beat`
process (tests/notifications/fault_settings.py: a lease of seconds, a sweep every half second).

Each test prints its figures (pytest -rP shows them): requests sent, 5xx answers, emails written, emails
delivered, lost and duplicated, counted by Message-ID at the SMTP server."""

import os
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import NamedTuple

import pytest
import redis
from django.db import connection

from config.celery import app as celery_app
from notifications.models import DeliveryStatus, OutboxEmail
from people.models import PasswordResetRequest, Person
from tests.conftest import PASSWORD, client_for
from tests.factories import PersonFactory
from tests.notifications.conftest import HoldingInbox, Inbox, point_celery_at, wait_for
from tests.ports import unused_loopback_port

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]
LEASE_SECONDS = 5.0  # above the worker's hard time limit (fault_settings.py)
SWEEP_SECONDS = 0.5
NEW_PASSWORD = "An0ther-Str0ng-secret"


class PrivateRedis:
    """A redis-server of the test's own, without persistence: stopping it loses every queued message, as a
    broker restart without a disk would."""

    def __init__(self, workdir: Path):
        self.executable = shutil.which("redis-server")
        if self.executable is None:
            pytest.fail("redis-server is needed for the fault tests (make test installs it: "
                        "scripts/ensure-services.sh, or apt-get install redis-server)")
        self.port = unused_loopback_port()
        self.workdir = workdir
        self.process = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def answers(self) -> bool:
        try:
            return redis.Redis(host="127.0.0.1", port=self.port, socket_timeout=0.5).ping()
        except redis.RedisError:
            return False

    def start(self):
        log = open(self.workdir / "redis.log", "a")
        self.process = subprocess.Popen(
            [self.executable, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.workdir)], stdout=log, stderr=subprocess.STDOUT)
        if not wait_for(self.answers, 10):
            pytest.fail(f"the private redis-server on port {self.port} did not start: "
                        f"{(self.workdir / 'redis.log').read_text()[-2000:]}")

    def stop(self):
        if self.process is not None:
            self.process.terminate()
            self.process.wait(10)
            self.process = None


class CeleryProcess:
    """`celery -A config <args>` in a process group of its own, so a test can kill it and its children."""

    def __init__(self, name: str, args: list[str], env: dict, workdir: Path):
        self.name, self.args, self.env = name, args, env
        self.log_path = workdir / f"{name}.log"
        self.process = None

    def launch(self):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", *self.args], cwd=ROOT, env=self.env,
            stdout=open(self.log_path, "a"), stderr=subprocess.STDOUT, start_new_session=True)

    def wait_until_ready(self, ready_line: str):
        if not wait_for(lambda: ready_line in self.log() or self.process.poll() is not None, 30) \
                or self.process.poll() is not None:
            pytest.fail(f"celery {self.name} did not start:\n{self.log()[-3000:]}")

    def log(self) -> str:
        return self.log_path.read_text() if self.log_path.exists() else ""

    def kill(self):
        """SIGKILL to the worker and its pool: nothing is cleaned up, nothing is acknowledged."""
        if self.process is not None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)
            self.process = None

    def stop(self):
        if self.process is not None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()
            self.process = None


class Rig:
    def __init__(self, workdir: Path, redis_server: PrivateRedis, smtp_server):
        self.redis = redis_server
        self.smtp = smtp_server
        db = connection.settings_dict
        env = {key: value for key, value in os.environ.items()
               if key not in {"CELERY_BROKER_URL", "REDIS_URL", "PYTEST_XDIST_WORKER"}}
        env.update({
            "DJANGO_SETTINGS_MODULE": "tests.notifications.fault_settings",
            # The test database of this test process, where the requests' outbox rows are committed.
            "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
            "ROSTER_FAULT_BROKER_URL": redis_server.url,
            "ROSTER_FAULT_SMTP_PORT": str(smtp_server.port),
            "ROSTER_FAULT_LEASE_SECONDS": str(LEASE_SECONDS),
            "ROSTER_FAULT_SWEEP_SECONDS": str(SWEEP_SECONDS),
        })
        self.worker_count = 0
        self.workdir, self.env = workdir, env
        self.worker = None
        self.beat = CeleryProcess("beat", ["beat", "--loglevel", "INFO", "--schedule",
                                           str(workdir / "beat-schedule")], env, workdir)

    def start_worker(self, *, with_beat: bool = False):
        """A worker process (and the beat process, started alongside to save a second)."""
        self.worker_count += 1
        self.worker = CeleryProcess(f"worker{self.worker_count}", [
            "worker", "--pool", "prefork", "--concurrency", "1", "--loglevel", "INFO",
            "--without-gossip", "--without-mingle", "--without-heartbeat",
            "--hostname", f"fault{self.worker_count}-{os.getpid()}@%h"], self.env, self.workdir)
        self.worker.launch()
        if with_beat:
            self.beat.launch()
            self.beat.wait_until_ready("beat: Starting...")
        self.worker.wait_until_ready(" ready.")

    def stop_all(self):
        if self.worker is not None:
            self.worker.stop()
        self.beat.stop()

    def logs(self) -> str:
        return "\n".join(f"--- {path.name}\n{path.read_text()[-3000:]}" for path in self.workdir.glob("*.log"))


@pytest.fixture
def rig(settings, tmp_path, smtp_server):
    redis_server = PrivateRedis(tmp_path)
    redis_server.start()
    # Requests run in this process: they write outbox rows with the workers' lease and queue them on the
    # private Redis.
    settings.ROSTER_EMAIL_LEASE_SECONDS = LEASE_SECONDS
    saved_broker = celery_app.conf.broker_url
    point_celery_at(redis_server.url)
    rig = Rig(tmp_path, redis_server, smtp_server)
    try:
        yield rig
    finally:
        rig.stop_all()
        redis_server.stop()
        point_celery_at(saved_broker)
        celery_app.conf.task_always_eager = True


# ---- requests that send emails, and the figures ----

EXPECTED = {
    "reset": (200, {"success": "Reset token sent"}),
    "invite": (200, {"success": True, "message": "Email sent"}),
    "change": (200, {"success": True}),
}


def people(count: int, prefix: str) -> list[Person]:
    return [PersonFactory(first_name=f"{prefix}{number}", email=f"{prefix}{number}@studio.io")
            for number in range(count)]


class Answer(NamedTuple):
    kind: str
    status: int
    body: object
    seconds: float


def send_requests(admin, persons: list[Person]) -> list[Answer]:
    """For each person: a password reset asked anonymously, an invitation sent by an admin, and a change
    of their own password. Each sends one email."""
    anonymous, admin_api = client_for(None), client_for(admin)
    answers = []

    def timed(kind, send, path, data=None):
        started = time.monotonic()
        response = send(path, data, format="json") if data else send(path)
        answers.append(Answer(kind, response.status_code, response.json(), time.monotonic() - started))

    for person in persons:
        timed("reset", anonymous.post, "/api/auth/reset-password", {"email": person.email})
        timed("invite", admin_api.get, f"/api/actions/persons/{person.pk}/invite")
        timed("change", client_for(person).post, "/api/auth/change-password",
              {"old_password": PASSWORD, "password": NEW_PASSWORD, "password_2": NEW_PASSWORD})
    return answers


def assert_answered_as_usual(answers):
    assert [(answer.status, answer.body) for answer in answers] == [EXPECTED[answer.kind] for answer in answers]


def figures(fault: str, answers, inbox: Inbox, recovered_s: float) -> dict:
    expected = {email.message_id for email in OutboxEmail.objects.all()}
    delivered = Counter(inbox.message_ids())
    result = {
        "requests": len(answers),
        "5xx": sum(answer.status >= 500 for answer in answers),
        "slowest_request_s": round(max(answer.seconds for answer in answers), 2),
        "emails": len(expected),
        "delivered": len(inbox.messages),
        "lost": len(expected - delivered.keys()),
        "duplicated": sum(count - 1 for count in delivered.values()),
        "unknown": len(delivered.keys() - expected),
        "recovered_s": round(recovered_s, 1),  # from the end of the fault to the last email sent
    }
    print(f"FAULT {fault}: " + " ".join(f"{key}={value}" for key, value in result.items()))
    return result


def wait_until_all_sent(rig, inbox: Inbox, *, since: float, timeout=30.0) -> float:
    """Seconds from `since` (the end of the fault) until every email is sent; then waits a while longer,
    for a second copy to have its chance."""
    def all_sent() -> bool:
        # A reset ask becomes an outbox email only once its own task has run: none may be left waiting.
        total = OutboxEmail.objects.count()
        return (not PasswordResetRequest.objects.exists()
                and OutboxEmail.objects.filter(status=DeliveryStatus.SENT).count() == total
                and len(inbox.messages) >= total)

    done = wait_for(all_sent, timeout)
    assert done, (f"{OutboxEmail.objects.filter(status=DeliveryStatus.SENT).count()}/{OutboxEmail.objects.count()} "
                  f"sent, {PasswordResetRequest.objects.count()} reset asks waiting, {len(inbox.messages)} received\n"
                  + rig.logs())
    waited = time.monotonic() - since
    # Long enough for a second copy to show up: a lease and a few sweeps.
    time.sleep(LEASE_SECONDS + 2 * SWEEP_SECONDS)
    return waited


# ---- the faults ----

def test_broker_down_requests_answer_as_usual_and_every_email_arrives_once_it_is_back(rig, admin):
    persons = people(2, "broker")
    inbox = rig.smtp.start(Inbox())
    rig.start_worker(with_beat=True)

    rig.redis.stop()
    outage = time.monotonic()
    answers = send_requests(admin, persons)
    assert_answered_as_usual(answers)
    assert set(OutboxEmail.objects.values_list("status", flat=True)) == {DeliveryStatus.PENDING}
    time.sleep(max(0.0, outage + 3 - time.monotonic()))  # long enough for the worker and beat to notice
    assert not inbox.messages

    rig.redis.start()  # empty: whatever was queued before the outage is gone too
    fault_over = time.monotonic()
    recovered = wait_until_all_sent(rig, inbox, since=fault_over)
    result = figures("broker down", answers, inbox, recovered)
    assert (result["5xx"], result["lost"], result["duplicated"], result["unknown"]) == (0, 0, 0, 0)
    assert result["emails"] == len(answers) == 6


def test_smtp_down_emails_are_retried_and_each_arrives_once_it_is_back(rig, admin):
    persons = people(3, "smtp")
    rig.start_worker(with_beat=True)

    answers = send_requests(admin, persons)  # nothing listens on the SMTP port
    assert_answered_as_usual(answers)
    # Retried by the sweep, not by a command: every email (the reset links too, once their asks are handled)
    # has failed at least twice.
    assert wait_for(lambda: not PasswordResetRequest.objects.exists() and OutboxEmail.objects.count() == 9
                    and OutboxEmail.objects.filter(status=DeliveryStatus.PENDING, attempts__gte=2).count() == 9,
                    20), rig.logs()
    assert "Connection refused" in OutboxEmail.objects.first().last_error

    inbox = rig.smtp.start(Inbox())
    fault_over = time.monotonic()
    recovered = wait_until_all_sent(rig, inbox, since=fault_over)
    result = figures("SMTP down", answers, inbox, recovered)
    assert (result["5xx"], result["lost"], result["duplicated"], result["unknown"]) == (0, 0, 0, 0)
    assert result["emails"] == len(answers) == 9


def test_a_worker_killed_mid_send_is_replaced_and_each_email_arrives_once(rig, admin):
    """The SMTP server holds the first message and refuses it once the worker is dead: the row stays
    "sending" until its lease runs out, then the sweep gives it to the restarted worker."""
    persons = people(2, "killed")
    inbox = rig.smtp.start(HoldingInbox(accept_held=False))
    rig.start_worker(with_beat=True)

    answers = send_requests(admin, persons)
    assert_answered_as_usual(answers)
    assert inbox.holding.wait(15), rig.logs()
    rig.worker.kill()
    fault_over = time.monotonic()  # from here: the service manager's restart, the lease, the sweep
    inbox.release.set()
    [held] = OutboxEmail.objects.filter(status=DeliveryStatus.SENDING)
    assert held.attempts == 1

    rig.start_worker()  # what the service manager does
    recovered = wait_until_all_sent(rig, inbox, since=fault_over)
    assert OutboxEmail.objects.get(pk=held.pk).attempts == 2
    result = figures("worker killed mid-send", answers, inbox, recovered)
    assert (result["5xx"], result["lost"], result["duplicated"], result["unknown"]) == (0, 0, 0, 0)
    assert result["emails"] == len(answers) == 6


def test_a_worker_killed_after_the_server_accepted_sends_a_copy_with_the_same_message_id(rig, admin):
    """At least once: the server accepted the message but the worker died before recording it, so the
    email is sent again. The copy carries the same Message-ID, for the receiving side to drop."""
    persons = people(1, "accepted")
    inbox = rig.smtp.start(HoldingInbox(accept_held=True))
    rig.start_worker(with_beat=True)

    answers = send_requests(admin, persons)
    assert_answered_as_usual(answers)
    assert inbox.holding.wait(15), rig.logs()
    rig.worker.kill()
    fault_over = time.monotonic()  # from here: the service manager's restart, the lease, the sweep
    inbox.release.set()
    [held] = OutboxEmail.objects.filter(status=DeliveryStatus.SENDING)

    rig.start_worker()
    recovered = wait_until_all_sent(rig, inbox, since=fault_over, timeout=30)
    result = figures("worker killed after the server accepted", answers, inbox, recovered)
    assert (result["5xx"], result["lost"], result["duplicated"], result["unknown"]) == (0, 0, 1, 0)
    assert Counter(inbox.message_ids())[held.message_id] == 2
