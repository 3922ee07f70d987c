"""Sign-in: finding the person behind an email or desktop login, checking the password, and the lockout
after repeated failures (which a wrong old password on a password change also counts toward).

An identifier that belongs to no one gets the answers and the lockout of a known one with a wrong password:
its failures are counted in the shared cache under the rule a person's row follows. Every refusal, the
lockout included, costs one password hash, the bulk of its time, so neither the answer nor its time tells
which identifiers exist."""

import contextlib
import datetime as dt
import hashlib
import logging
import secrets
import time
from typing import NoReturn

from django.conf import settings
from django.contrib.auth.hashers import check_password, get_hasher, make_password
from django.core.cache import cache
from django.db import transaction
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone

from audit.services import audit_record
from config.errors import ApplicationError
from config.throttles import normalised_identifier
from people.ldap.config import LdapConfigError, ldap_config
from people.ldap.directory import DirectoryError, directory_check_password
from people.models import AuthenticationMethod, Person, PersonStatus
from people.services.reset_tokens import password_reset_token_issue
from people.tokens import IssuedPair, tokens_issue_login_pair, tokens_revoke_session

logger = logging.getLogger(__name__)

LOCKED_OUT = {"error": True, "login": False, "too_many_failed_login_attemps": True}
# How long a guess may hold an unknown identifier's count (a password hash takes well under a second).
IDENTIFIER_LOCK_SECONDS = 10


class LoginRefused(Exception):
    def __init__(self, status: int, body: dict):
        super().__init__(body)
        self.status = status
        self.body = body


# Lockout -----------------------------------------------------------------------------------------------


def failures_that_count(count: int, last_failed: dt.datetime | None, now: dt.datetime) -> tuple[int, bool]:
    """(the failures that still count, whether sign-in is locked out), by Zou's rule: at
    ROSTER_LOGIN_MAX_FAILURES failures, refused until ROSTER_LOGIN_LOCKOUT_SECONDS after the last one; then
    a fresh burst is needed to lock again. Failures are also forgotten after
    ROSTER_LOGIN_FAILURE_MEMORY_SECONDS without one, for a person's row and an unknown identifier alike."""
    if last_failed is None:
        return count, False
    since = now - last_failed
    if since >= dt.timedelta(seconds=settings.ROSTER_LOGIN_FAILURE_MEMORY_SECONDS):
        return 0, False
    if count < settings.ROSTER_LOGIN_MAX_FAILURES:
        return count, False
    if since < dt.timedelta(seconds=settings.ROSTER_LOGIN_LOCKOUT_SECONDS):
        return count, True
    return 0, False


def is_locked_out(person: Person) -> bool:
    count, locked = failures_that_count(person.login_failed_attemps, person.last_login_failed, timezone.now())
    if count != person.login_failed_attemps:
        Person.objects.filter(pk=person.pk).update(login_failed_attemps=count)
        person.login_failed_attemps = count
    return locked


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


@contextlib.contextmanager
def _identifier_held(key: str):
    """One guess at a time per unknown identifier, as the row lock gives a person: parallel guesses meet the
    lockout in turn (five refusals, then the lockout) instead of all reading a count of zero. If the cache
    cannot be reached the guess goes on unheld."""
    lock, held = f"{key}:held", False
    deadline = time.monotonic() + IDENTIFIER_LOCK_SECONDS
    try:
        while not (held := cache.add(lock, 1, IDENTIFIER_LOCK_SECONDS)) and time.monotonic() < deadline:
            time.sleep(0.005)
    except Exception:
        logger.warning("Sign-in failures not held: the cache is unreachable", exc_info=True)
    try:
        yield
    finally:
        if held:
            with contextlib.suppress(Exception):
                cache.delete(lock)


def _audit_refusal(person: Person, why: str) -> None:
    """A refused sign-in on an account: one audit row, written with the failure count it goes with."""
    audit_record(actor=None, action="person.sign_in_failed", target=person, target_type="person", reason=why)


def _refuse_unknown_identifier(identifier: str, password: str) -> NoReturn:
    """The refusal of an identifier no one has, counted like a wrong password on a known one, and audited like
    one (the row names the identifier as typed, normalised; it is no record)."""
    name = normalised_identifier(identifier)
    if name is None:  # an empty identifier belongs to no one, and says nothing
        _spend_a_password_check(password)
        raise LoginRefused(400, {"login": False})
    key = "signin-failures:" + hashlib.sha256(name.encode()).hexdigest()[:40]
    with transaction.atomic():
        audit_record(actor=None, action="person.sign_in_failed", target=None, target_type="identifier",
                     target_id=key.split(":")[1], target_label=name[:100], reason="no such account")
    with _identifier_held(key):
        now = timezone.now()
        try:
            count, last_failed = cache.get(key) or (0, None)
        except Exception:
            logger.warning("Sign-in failures not read: the cache is unreachable", exc_info=True)
            count, last_failed = 0, None
        count, locked = failures_that_count(count, last_failed, now)
        _spend_a_password_check(password)
        if locked:
            raise LoginRefused(400, LOCKED_OUT)
        try:
            cache.set(key, (count + 1, now), settings.ROSTER_LOGIN_FAILURE_MEMORY_SECONDS)
        except Exception:
            logger.warning("Sign-in failure not counted: the cache is unreachable", exc_info=True)
    raise LoginRefused(400, {"login": False})


# Sign-in -----------------------------------------------------------------------------------------------

# A hash of a random password per hasher: checking a guess against it costs what a real check costs.
_DUMMY_PASSWORD_HASHES: dict[str, str] = {}


def _spend_a_password_check(password: str) -> None:
    hasher = get_hasher("default")
    if hasher.algorithm not in _DUMMY_PASSWORD_HASHES:
        _DUMMY_PASSWORD_HASHES[hasher.algorithm] = make_password(secrets.token_hex(16), hasher=hasher)
    check_password(password, _DUMMY_PASSWORD_HASHES[hasher.algorithm])


def person_find_for_login(identifier: str) -> Person | None:
    """The non-bot person with this email (any case) or else this desktop login, in one query whatever
    matches: an unknown identifier costs no more than a known one."""
    identifier = (identifier or "").strip()
    if not identifier:
        return None
    return (
        Person.objects.filter(Q(email__iexact=identifier) | Q(desktop_login=identifier), is_bot=False)
        .order_by(Case(When(email__iexact=identifier, then=Value(0)), default=Value(1)))
        .first()
    )


def _directory_password_matches(person: Person, password: str) -> bool:
    """An LDAP person's password, checked by the directory (people.ldap.directory). A directory that cannot
    answer, or LDAP switched off, refuses the sign-in without counting a failure: not the person's doing. There
    is no fallback to a password stored in Roster."""
    try:
        return directory_check_password(ldap_config(), login=person.desktop_login, password=password,
                                        ldap_uid=person.ldap_uid)
    except (DirectoryError, LdapConfigError) as exc:
        logger.warning("LDAP sign-in of person %s refused: the directory did not answer: %s", person.pk, exc)
        _spend_a_password_check(password)  # see auth_login: no faster than a refusal of an unknown identifier
        _audit_refusal(person, "directory unavailable")
        raise LoginRefused(400, {"login": False}) from None


def auth_login(*, identifier: str, password: str) -> Person:
    """The person signing in, or LoginRefused with Zou's status and body for each failure."""
    person = person_find_for_login(identifier)
    if person is None:
        _refuse_unknown_identifier(identifier, password)
    signs_in_with_directory = person.authentication_method == AuthenticationMethod.LDAP
    with locked_for_password_check(person) as person:
        if is_locked_out(person):
            _spend_a_password_check(password)  # as slow as any other refusal
            _audit_refusal(person, "locked out")
            raise LoginRefused(400, LOCKED_OUT)
        if signs_in_with_directory:
            if not _directory_password_matches(person, password):
                # A refusal of an unknown identifier costs one password hash: so does this one, so that a
                # quick answer does not tell that the account exists (the directory's round trip comes on top).
                _spend_a_password_check(password)
                record_login_failure(person)
                _audit_refusal(person, "wrong directory password")
                raise LoginRefused(400, {"login": False})
        elif not person.has_usable_password():
            _spend_a_password_check(password)  # as slow as a real check: no hint that the account is new
            record_login_failure(person)
            _audit_refusal(person, "no password set")
            raise LoginRefused(400, {"login": False})
        elif not check_password(password, person.password):
            record_login_failure(person)
            _audit_refusal(person, "wrong password")
            raise LoginRefused(400, {"login": False})
    if (password == "default" or person.password_change_required) and person.active and not signs_in_with_directory:
        # The password really is Zou's placeholder "default" (imported accounts), or an admin asked for a new
        # one: it must be replaced before any session opens, so hand back a token for PUT
        # /auth/reset-password instead. Not for a directory password: Roster cannot change that one.
        token = password_reset_token_issue(person=person)
        raise LoginRefused(400, {"login": False, "default_password": True, "token": token})
    if not person.active:
        with transaction.atomic():
            _audit_refusal(person, "account not active")
        raise LoginRefused(
            401,
            {"error": True, "login": False, "unactive": True, "message": "User is unactive, he cannot log in."},
        )
    updates = {"login_failed_attemps": 0, "last_login": timezone.now()}
    if person.status == PersonStatus.INVITED:
        updates["status"] = PersonStatus.ACTIVE
    with transaction.atomic():
        Person.objects.filter(pk=person.pk).update(**updates)
        audit_record(actor=person, action="person.signed_in", target=person, target_type="person")
    for field, value in updates.items():
        setattr(person, field, value)
    return person


def auth_sign_out(*, person: Person, token) -> None:
    """Logout: this session's tokens end, and the row says so."""
    with transaction.atomic():
        tokens_revoke_session(token=token)
        audit_record(actor=person, action="person.signed_out", target=person, target_type="person")


def auth_sign_in(*, identifier: str, password: str) -> tuple[Person, IssuedPair]:
    """An API login: the checks of `auth_login`, then a fresh access and refresh token pair."""
    person = auth_login(identifier=identifier, password=password)
    return person, tokens_issue_login_pair(person=person)
