"""Sign-in: finding the person behind an email or desktop login, checking the password, and the lockout
after repeated failures (which a wrong old password on a password change also counts toward)."""

import contextlib
import datetime as dt
import secrets

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from config.errors import ApplicationError
from people.models import Person, PersonStatus
from people.services.reset_tokens import password_reset_token_issue
from people.tokens import IssuedPair, tokens_issue_login_pair


class LoginRefused(Exception):
    def __init__(self, status: int, body: dict):
        super().__init__(body)
        self.status = status
        self.body = body


# Lockout -----------------------------------------------------------------------------------------------


def is_locked_out(person: Person) -> bool:
    if person.login_failed_attemps < settings.ROSTER_LOGIN_MAX_FAILURES or person.last_login_failed is None:
        return False
    window = dt.timedelta(seconds=settings.ROSTER_LOGIN_LOCKOUT_SECONDS)
    if timezone.now() - person.last_login_failed < window:
        return True
    # The window has passed: a fresh burst of failures is needed to lock again.
    Person.objects.filter(pk=person.pk).update(login_failed_attemps=0)
    person.login_failed_attemps = 0
    return False


@contextlib.contextmanager
def locked_for_password_check(person: Person):
    """Hold the person's row while a password is checked, so parallel guesses queue up behind the
    lockout counter instead of all reading it before any of them increments it. Refusals raised inside
    still commit the failure count."""
    refusal = None
    with transaction.atomic():
        locked = Person.objects.select_for_update().get(pk=person.pk)
        try:
            yield locked
        except (ApplicationError, LoginRefused) as exc:
            refusal = exc
    if refusal is not None:
        raise refusal


def record_login_failure(person: Person) -> None:
    Person.objects.filter(pk=person.pk).update(
        login_failed_attemps=F("login_failed_attemps") + 1, last_login_failed=timezone.now()
    )


# Sign-in -----------------------------------------------------------------------------------------------

# Spending a hash on unknown identifiers keeps their timing alike to wrong passwords.
_DUMMY_PASSWORD_HASH = None


def _spend_a_password_check(password: str) -> None:
    global _DUMMY_PASSWORD_HASH
    if _DUMMY_PASSWORD_HASH is None:
        _DUMMY_PASSWORD_HASH = make_password(secrets.token_hex(16))
    check_password(password, _DUMMY_PASSWORD_HASH)


def person_find_for_login(identifier: str) -> Person | None:
    identifier = (identifier or "").strip()
    if not identifier:
        return None
    person = Person.objects.filter(email__iexact=identifier, is_bot=False).first()
    if person is None:
        person = Person.objects.filter(desktop_login=identifier, is_bot=False).first()
    return person


def auth_login(*, identifier: str, password: str) -> Person:
    """The person signing in, or LoginRefused with Zou's status and body for each failure."""
    person = person_find_for_login(identifier)
    if person is None:
        _spend_a_password_check(password)
        raise LoginRefused(400, {"login": False})
    with locked_for_password_check(person) as person:
        if is_locked_out(person):
            raise LoginRefused(400, {"error": True, "login": False, "too_many_failed_login_attemps": True})
        if not person.has_usable_password():
            _spend_a_password_check(password)  # as slow as a real check: no hint that the account is new
            record_login_failure(person)
            raise LoginRefused(400, {"login": False})
        if not check_password(password, person.password):
            record_login_failure(person)
            raise LoginRefused(400, {"login": False})
    if password == "default" and person.active:
        # The password really is Zou's placeholder "default" (imported accounts): it must be replaced
        # before any session opens, so hand back a token for PUT /auth/reset-password instead.
        token = password_reset_token_issue(person=person)
        raise LoginRefused(400, {"login": False, "default_password": True, "token": token})
    if not person.active:
        raise LoginRefused(
            401,
            {"error": True, "login": False, "unactive": True, "message": "User is unactive, he cannot log in."},
        )
    updates = {"login_failed_attemps": 0, "last_login": timezone.now()}
    if person.status == PersonStatus.INVITED:
        updates["status"] = PersonStatus.ACTIVE
    Person.objects.filter(pk=person.pk).update(**updates)
    for field, value in updates.items():
        setattr(person, field, value)
    return person


def auth_sign_in(*, identifier: str, password: str) -> tuple[Person, IssuedPair]:
    """An API login: the checks of `auth_login`, then a fresh access and refresh token pair."""
    person = auth_login(identifier=identifier, password=password)
    return person, tokens_issue_login_pair(person=person)
