"""Issue 6, item 6: no account enumeration by the sign-in lockout or by the time a reset request takes.

After five wrong passwords an existing account answered `too_many_failed_login_attemps` at once while an
unknown identifier answered `{"login": false}` (after a password hash): now an unknown identifier is counted
in the shared cache under the same rule, and gets the same answers, in the same order, at the same cost.
Asking for a reset link now does the same work for any address; a task does the lookup. Nothing is timed:
the tests compare answers, hashes, SQL statements and queued tasks."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from notifications.models import OutboxEmail
from people.models import PasswordResetRequest
from tests.conftest import PASSWORD, ApiClient
from tests.factories import PersonFactory

KNOWN, UNKNOWN = "john.doe@gmail.com", "jane.nobody@gmail.com"


def login(identifier, password="not-the-password"):
    response = ApiClient().post("/api/auth/login", {"email": identifier, "password": password}, format="json")
    return response.status_code, response.content


@pytest.fixture
def later(monkeypatch):
    """Moves the clock of the services (timezone.now) forward by some seconds."""
    shift = dt.timedelta()
    real_now = timezone.now

    def move(seconds: int):
        nonlocal shift
        shift += dt.timedelta(seconds=seconds)

    monkeypatch.setattr(timezone, "now", lambda: real_now() + shift)
    return move


def answers(identifier, *passwords):
    return [login(identifier, password) for password in passwords]


def test_after_five_failures_an_unknown_identifier_answers_the_lockout_too(user):
    known = answers(KNOWN, *["not-the-password"] * 5, PASSWORD, "not-the-password")
    unknown = answers(UNKNOWN, *["not-the-password"] * 5, PASSWORD, "not-the-password")
    assert known == unknown  # the same statuses and the same bytes, answer by answer
    assert known[4:] == [(400, b'{"login":false}'),
                         *[(400, b'{"error":true,"login":false,"too_many_failed_login_attemps":true}')] * 2]


def test_spellings_of_one_identifier_count_together(user):
    def run(identifier):
        spellings = [identifier, identifier.upper(), f"  {identifier} ", identifier.title(),
                     identifier.swapcase()]
        return [login(spelling)[1] for spelling in [*spellings, identifier.capitalize()]]

    known, unknown = run(KNOWN), run(UNKNOWN)
    assert known == unknown
    assert known[-1] == b'{"error":true,"login":false,"too_many_failed_login_attemps":true}'


@pytest.mark.parametrize("spelling", [
    lambda address: address.replace("i", "\u0131"),  # the dotless ı: the database's UPPER makes it I
    lambda address: address.replace("s", "\u017f", 1),  # the long ſ: S
    lambda address: address.replace("ss", "\u00df"),  # ß: the database keeps it, Python would make it SS
], ids=["dotless-i", "long-s", "sharp-s"])
def test_non_ascii_spellings_count_where_the_database_finds_them(user, spelling):
    """After five failures, a non-ASCII spelling of the identifier answers exactly as it does for an account:
    counted together when the database's case-insensitive lookup would find the same person, apart when not."""
    def run(identifier):
        return [*answers(identifier, *["not-the-password"] * 5), login(spelling(identifier))]

    assert run(KNOWN) == run(UNKNOWN)
    PersonFactory(email="jess.moss@gmail.com")
    assert run("jess.moss@gmail.com") == run("tess.ross@gmail.com")


def test_the_window_and_fresh_bursts_are_alike(user, later):
    def run(identifier):
        seen = answers(identifier, *["not-the-password"] * 6)  # five failures, then locked
        later(61)  # past the one-minute window: a fresh burst of five is needed
        seen += answers(identifier, *["not-the-password"] * 6)
        later(30)  # inside the window of the second burst
        seen += answers(identifier, "not-the-password")
        return seen

    known, unknown = run(KNOWN), run(UNKNOWN)
    assert known == unknown
    locked = [i for i, (_, body) in enumerate(known) if b"too_many" in body]
    assert locked == [5, 11, 12]


def test_a_failure_a_day_old_is_forgotten_alike(user, later):
    def run(identifier):
        seen = answers(identifier, *["not-the-password"] * 4)
        later(24 * 3600)
        return seen + answers(identifier, *["not-the-password"] * 6)

    known, unknown = run(KNOWN), run(UNKNOWN)
    assert known == unknown
    assert [i for i, (_, body) in enumerate(known) if b"too_many" in body] == [9]


# Reset-password: the same work for any address --------------------------------------------------------------


def statement_shapes(queries) -> list[str]:
    """The SQL run, with literals and savepoint names blanked (the address asked for, cache keys)."""
    return [re.sub(r"'[^']*'|\"s\d+_x\d+\"|\b\d+\b", "?", query["sql"]) for query in queries]


def ask_reset(email, capture_on_commit):
    with CaptureQueriesContext(connection) as queries, capture_on_commit() as queued:
        response = ApiClient().post("/api/auth/reset-password", {"email": email}, format="json")
    return {"status": response.status_code, "body": response.content, "sql": statement_shapes(queries),
            "tasks queued after the commit": len(queued)}, queued


def test_asking_for_a_reset_link_does_the_same_work_for_any_address(user, bot,
                                                                    django_capture_on_commit_callbacks):
    # An existing address was looked up, given a token and an outbox email in the request (35 ms), an unknown
    # one only looked up (18 ms).
    gone = PersonFactory(first_name="Gone", active=False)

    def ask(email):
        done, queued = ask_reset(email, django_capture_on_commit_callbacks)
        for callback in queued:
            callback()  # the task, run in-process (CELERY_TASK_ALWAYS_EAGER)
        return done

    ask("first@example.com")  # this client address is counted from now on, whoever comes next
    first_asks = {email: ask(email) for email in (user.email, "nobody@example.com", gone.email, bot.email)}
    second_asks = {email: ask(email.upper()) for email in (user.email, "nobody@example.com")}
    for asks in (first_asks, second_asks):
        assert all(done == asks[user.email] for done in asks.values()), asks
    assert first_asks[user.email]["body"] == b'{"success":"Reset token sent"}'
    assert first_asks[user.email]["tasks queued after the commit"] == 1
    # The tasks then mailed the active person's two asks, and no one else.
    assert list(OutboxEmail.objects.values_list("to", "kind")) == [(user.email, "password_reset")] * 2
    assert not PasswordResetRequest.objects.exists()
