"""Issue 6, item 6: no account enumeration by the sign-in lockout. After five wrong passwords an existing
account answered `too_many_failed_login_attemps` at once while an unknown identifier answered
`{"login": false}` (after a password hash): now an unknown identifier is counted in the shared cache under the
same rule, and gets the same answers, in the same order, at the same cost."""

import datetime as dt

import pytest
from django.utils import timezone

from tests.conftest import PASSWORD, ApiClient

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
        spellings = [identifier, identifier.upper(), f"  {identifier} ", identifier.title(), identifier.swapcase()]
        return [login(spelling)[1] for spelling in [*spellings, identifier.capitalize()]]

    known, unknown = run(KNOWN), run(UNKNOWN)
    assert known == unknown
    assert known[-1] == b'{"error":true,"login":false,"too_many_failed_login_attemps":true}'


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
