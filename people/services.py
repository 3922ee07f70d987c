"""Every write to persons: keyword-only functions that take the `acting_user`, run in a transaction,
enforce the business rules, and send side effects (emails) only once the transaction commits."""

import contextlib
import datetime as dt
import hashlib
import hmac
import io
import secrets
import string
import struct
import uuid
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, connection, transaction
from django.db.models import F, ProtectedError, Q
from django.utils import timezone
from PIL import Image, ImageOps, UnidentifiedImageError

from config.errors import ApplicationError, Forbidden, field_error
from departments.models import Department, Studio
from notifications.services import email_enqueue
from people import validators
from people.models import (
    SIGN_IN_STATUSES,
    AuthenticationMethod,
    AuthToken,
    DesktopLoginLog,
    PasswordResetToken,
    Person,
    PersonDepartment,
    PersonStatus,
    Role,
)
from people.permissions import person_has_permission
from people.selectors import person_count_toward_user_limit
from people.tokens import IssuedPair, tokens_issue_login_pair, tokens_revoke_all, tokens_rotate_api_token

# Columns only holders of `persons.change_privileged_fields` may write; others have them dropped silently,
# as Zou does, because gazu PUTs whole dicts back.
PRIVILEGED_FIELDS = frozenset({
    "role", "departments", "active", "status", "is_bot", "archived", "is_generated_from_ldap", "ldap_uid",
    "last_presence", "studio_id", "manager_id", "authentication_method", "is_guest", "username",
    # Employment terms are HR's to set, not the employee's (Zou lets people edit their own salary).
    "daily_salary", "contract_type", "position", "seniority",
})

# Columns a write may set. The rest (id, timestamps, secrets, lockout counters, has_avatar) have their own
# services or are bookkeeping.
WRITABLE_FIELDS = frozenset({
    "first_name", "last_name", "email", "username", "phone", "country", "contract_type", "job_title",
    "active", "status", "archived", "last_presence", "desktop_login", "timezone", "locale",
    "use_12_hour_clock", "display_date_format", "appearance", "data", "role", "position", "seniority",
    "daily_salary", "notifications_enabled", "notifications_slack_enabled", "notifications_slack_userid",
    "notifications_mattermost_enabled", "notifications_mattermost_userid", "notifications_discord_enabled",
    "notifications_discord_userid", "is_bot", "is_guest", "expiration_date", "authentication_method",
    "is_generated_from_ldap", "ldap_uid", "studio_id", "manager_id", "shotgun_id",
    "preferred_two_factor_authentication",
})

USER_LIMIT_LOCK_ID = 0x526F7374  # an arbitrary constant: serializes user-limit checks across requests


@dataclass(frozen=True)
class PersonWriteResult:
    person: Person
    access_token: str | None = None


def _lock_user_limit() -> None:
    # Two admins creating the last seat at once must not both succeed.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [USER_LIMIT_LOCK_ID])


def _check_user_limit() -> None:
    _lock_user_limit()
    limit = settings.ROSTER_USER_LIMIT
    if person_count_toward_user_limit() >= limit:
        raise ApplicationError("User limit reached.", data={"limit": limit})


def _normalize(data: dict[str, Any]) -> dict[str, Any]:
    normalizers = {
        "country": validators.normalize_country,
        "locale": validators.normalize_locale,
        "timezone": validators.normalize_timezone,
        "display_date_format": validators.normalize_display_date_format,
        "email": validators.normalize_email,
    }
    clean = dict(data)
    for field, normalize in normalizers.items():
        if field in clean:
            try:
                clean[field] = normalize(clean[field])
            except ValidationError as exc:
                raise field_error(field, exc.messages[0]) from None
    for field in ("first_name", "last_name", "desktop_login", "phone"):
        if isinstance(clean.get(field), str):
            clean[field] = clean[field].strip()
    if "first_name" in clean and not clean["first_name"]:
        raise field_error("first_name", "First name is required.")
    return clean


# Both identify a person at sign-in, so no two humans may share one (bots may: they never sign in).
SIGN_IN_IDENTIFIER_LOOKUPS = {"email": "email__iexact", "desktop_login": "desktop_login"}


def _check_identifier_free(field: str, value: str | None, *, is_bot: bool, exclude_pk=None) -> None:
    """Sign-in looks a string up as an email, then as a desktop login: it must name one person in both."""
    if not value or is_bot:
        return
    matches = Q()
    for lookup in SIGN_IN_IDENTIFIER_LOOKUPS.values():
        matches |= Q(**{lookup: value})
    clash = Person.objects.filter(matches, is_bot=False)
    if exclude_pk is not None:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise field_error(field, UNIQUE_FIELD_MESSAGES[field])


def _check_references(data: dict[str, Any], *, person_pk=None) -> None:
    if data.get("studio_id") is not None and not Studio.objects.filter(pk=data["studio_id"]).exists():
        raise field_error("studio_id", "Studio ID matches no studio.")
    manager_id = data.get("manager_id")
    if manager_id is not None:
        if person_pk is not None and str(manager_id) == str(person_pk):
            raise field_error("manager_id", "A person cannot be their own manager.")
        if not Person.objects.filter(pk=manager_id).exists():
            raise field_error("manager_id", "Manager ID matches no person.")


def ensure_not_bot(person: Person) -> None:
    """Password, invitation and 2FA actions make no sense for a bot (Zou's check_person_is_not_bot)."""
    if person.is_bot:
        raise Forbidden("This action is not available for bots.")


def _check_expiration_date(value, *, stored=None) -> None:
    if value is None or value == stored:
        return
    if value < timezone.localdate():
        raise field_error("expiration_date", "Expiration date can't be in the past.")


def _department_ids(raw) -> list[uuid.UUID]:
    """Ids from a list of ids or of dicts with an id; unknown or malformed ones are dropped, as in Zou."""
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise field_error("departments", "Departments must be a list of department ids.")
    wanted = set()
    for item in raw:
        value = item.get("id") if isinstance(item, dict) else item
        try:
            wanted.add(uuid.UUID(str(value)))
        except (ValueError, TypeError, AttributeError):
            continue
    return list(Department.objects.filter(pk__in=wanted).values_list("pk", flat=True))


def _set_departments(person: Person, department_ids: list[uuid.UUID]) -> None:
    PersonDepartment.objects.filter(person=person).exclude(department_id__in=department_ids).delete()
    existing = set(PersonDepartment.objects.filter(person=person).values_list("department_id", flat=True))
    PersonDepartment.objects.bulk_create(
        [PersonDepartment(person=person, department_id=d) for d in department_ids if d not in existing]
    )


def _apply_status(person: Person, data: dict[str, Any], *, previous_status: str | None) -> None:
    """Keep `active` and `status` in step, whichever of the two the write names. gazu PUTs whole dicts back,
    so an unchanged `status` next to a changed `active` means the client only meant `active`."""
    if data.get("status") == previous_status and "active" in data:
        data = {k: v for k, v in data.items() if k != "status"}
    if "status" in data and data["status"] is not None:
        if data["status"] not in PersonStatus.values:
            raise field_error("status", "Invalid status")
        if "active" in data and data["active"] != (data["status"] in SIGN_IN_STATUSES):
            raise field_error("active", "active contradicts status.")
        person.status = data["status"]
    elif "active" in data:
        if data["active"] and previous_status not in SIGN_IN_STATUSES:
            person.status = PersonStatus.ACTIVE
        elif not data["active"] and previous_status in SIGN_IN_STATUSES:
            person.status = PersonStatus.INACTIVE
    person.active = person.status in SIGN_IN_STATUSES


def _validate_new_password(password, *, person: Person | None, field: str = "password") -> None:
    if not isinstance(password, str):
        raise field_error(field, "Password must be a string.")
    if len(password) < 8:
        raise field_error(field, "Password is too short.")
    try:
        validate_password(password, user=person)
    except ValidationError as exc:
        raise field_error(field, " ".join(exc.messages)) from None


@transaction.atomic
def person_create(*, acting_user: Person | None, data: dict[str, Any]) -> PersonWriteResult:
    unknown = set(data) - WRITABLE_FIELDS - {"password", "departments"}
    if unknown:
        field = sorted(unknown)[0]
        raise field_error(field, f"Unknown field: {field}.")
    data = _normalize(data)
    is_bot = bool(data.get("is_bot", False))
    wants_active = data.get("active", True) if "status" not in data else data["status"] in SIGN_IN_STATUSES
    if not data.get("first_name"):
        raise field_error("first_name", "First name is required.")
    if not is_bot and wants_active and not data.get("is_guest", False):
        _check_user_limit()
    _check_expiration_date(data.get("expiration_date"))
    for field in SIGN_IN_IDENTIFIER_LOOKUPS:
        _check_identifier_free(field, data.get(field), is_bot=is_bot)
    _check_references(data)

    password = data.get("password")
    person = Person(**{k: v for k, v in data.items() if k in WRITABLE_FIELDS})
    if password is not None:
        _validate_new_password(password, person=person)
        person.password = make_password(password)
    else:
        person.set_unusable_password()
    default_status = (
        PersonStatus.INVITED
        if password is None and not is_bot and person.authentication_method == AuthenticationMethod.PASSWORD
        else PersonStatus.ACTIVE
    )
    person.status = default_status
    _apply_status(person, data, previous_status=default_status)
    try:
        with transaction.atomic():
            person.save()
    except IntegrityError as exc:
        raise _integrity_error(exc) from None
    if "departments" in data:
        _set_departments(person, _department_ids(data["departments"]))
    access_token = tokens_rotate_api_token(person=person) if person.is_bot else None
    return PersonWriteResult(person=person, access_token=access_token)


UNIQUE_FIELD_MESSAGES = {
    "email": "Email already in use.",
    "desktop_login": "Desktop login already in use.",
    "username": "Username already in use.",
    "ldap_uid": "LDAP uid already in use.",
    "shotgun_id": "Shotgun id already in use.",
}


def _integrity_error(exc: IntegrityError) -> ApplicationError:
    text = str(exc)
    constraint = getattr(getattr(exc.__cause__, "diag", None), "constraint_name", None) or text
    for field, message in UNIQUE_FIELD_MESSAGES.items():
        if field in constraint:
            return field_error(field, message)
    if "unique" in text.lower() or "duplicate" in text.lower():
        return ApplicationError("A record with the same unique values already exists.")
    if "null" in text.lower():
        return ApplicationError("A required field is missing.")
    return ApplicationError("The data are not consistent.")


@transaction.atomic
def person_update(*, acting_user: Person, person: Person, data: dict[str, Any]) -> PersonWriteResult:
    """PUT semantics of Zou: unknown keys are ignored; privileged keys are dropped for non-privileged callers."""
    data = {k: v for k, v in data.items() if k in WRITABLE_FIELDS or k == "departments"}
    privileged = person_has_permission(acting_user, "persons.change_privileged_fields")
    if not privileged:
        data = {k: v for k, v in data.items() if k not in PRIVILEGED_FIELDS}
    if acting_user.is_bot:
        data.pop("expiration_date", None)
    data = _normalize(data)
    person = Person.objects.select_for_update().get(pk=person.pk)

    if person.is_protected_account and acting_user.pk != person.pk:
        if data.get("active") is False or data.get("status") not in (None, *SIGN_IN_STATUSES):
            raise Forbidden("Can't set this person as inactive it's a protected account.")
        if "role" in data and data["role"] != person.role:
            raise Forbidden("Can't change the role of this person it's a protected account.")
        # Changing these would lift the protection itself (and let a reset link go elsewhere).
        if "email" in data and (data["email"] or "").lower() != (person.email or "").lower():
            raise Forbidden("Can't change the email of this person it's a protected account.")
        if data.get("is_bot", person.is_bot) != person.is_bot:
            raise Forbidden("Can't turn this person into a bot it's a protected account.")

    is_bot = data.get("is_bot", person.is_bot)
    previous_status = person.status
    counted_before = person.active and not person.is_bot and not person.is_guest
    was_bot = person.is_bot
    if "email" in data:
        _check_identifier_free("email", data["email"], is_bot=is_bot, exclude_pk=person.pk)
        claims_protected = (
            data["email"] and data["email"].lower() in settings.ROSTER_PROTECTED_ACCOUNTS
            and (person.email or "").lower() != data["email"].lower()
        )
        if claims_protected and not privileged:
            raise Forbidden("This email belongs to a protected account.")
    if "desktop_login" in data:
        _check_identifier_free("desktop_login", data["desktop_login"], is_bot=is_bot, exclude_pk=person.pk)
    if "expiration_date" in data:
        _check_expiration_date(data["expiration_date"], stored=person.expiration_date)
    _check_references(data, person_pk=person.pk)

    for field, value in data.items():
        if field in WRITABLE_FIELDS and field not in ("active", "status"):
            setattr(person, field, value)
    _apply_status(person, data, previous_status=previous_status)
    # Reactivation, or a bot or guest turned into a regular person: one more seat is taken.
    counted_after = person.active and not person.is_bot and not person.is_guest
    if counted_after and not counted_before:
        _check_user_limit()
    try:
        with transaction.atomic():
            person.save()
    except IntegrityError as exc:
        raise _integrity_error(exc) from None
    if "departments" in data:
        _set_departments(person, _department_ids(data["departments"]))
    # Leaving the sign-in states, or switching between bot and person, voids every token held so far.
    if (not person.active and previous_status in SIGN_IN_STATUSES) or person.is_bot != was_bot:
        tokens_revoke_all(person=person)

    # A bot whose expiration date is (re)set gets a fresh token; the old one stops working.
    access_token = None
    expiration = data.get("expiration_date", "absent")
    if person.is_bot and expiration != "absent" and (
        expiration is None or expiration >= timezone.localdate()
    ):
        access_token = tokens_rotate_api_token(person=person)
    return PersonWriteResult(person=person, access_token=access_token)


@transaction.atomic
def person_delete(*, acting_user: Person, person: Person, force: bool = False) -> None:
    if acting_user.pk == person.pk:
        raise Forbidden("You can't delete yourself.")
    if person.is_protected_account:
        raise Forbidden("Can't delete this person it's a protected account.")
    if force:
        # What a forced delete may remove. Day-offs are kept on purpose, as in Zou, so they still block.
        DesktopLoginLog.objects.filter(person=person).delete()
    try:
        with transaction.atomic():
            person.delete()
    except (ProtectedError, IntegrityError):
        raise ApplicationError("Some data are still linked to given person.") from None
    path = avatar_path(person.pk)
    transaction.on_commit(lambda: default_storage.delete(path))


@transaction.atomic
def person_add_department(*, acting_user: Person, person: Person, department_id) -> Person:
    try:
        department = Department.objects.get(pk=uuid.UUID(str(department_id)))
    except (ValueError, TypeError, Department.DoesNotExist):
        raise field_error("department_id", "Department ID matches no department") from None
    PersonDepartment.objects.get_or_create(person=person, department=department)
    Person.objects.filter(pk=person.pk).update(updated_at=timezone.now())
    return person


@transaction.atomic
def person_remove_department(*, acting_user: Person, person: Person, department_id) -> None:
    try:
        department = Department.objects.get(pk=uuid.UUID(str(department_id)))
    except (ValueError, TypeError, Department.DoesNotExist):
        raise field_error("department_id", "Department ID matches no department") from None
    PersonDepartment.objects.filter(person=person, department=department).delete()
    Person.objects.filter(pk=person.pk).update(updated_at=timezone.now())


# Passwords ---------------------------------------------------------------------------------------------


def _email_person(person: Person, *, kind: str, subject: str, sensitive: bool = False, **context) -> None:
    """Queue an email to the person (if they have an address); the template is `emails/<kind>.txt`."""
    if person.email:
        email_enqueue(
            to=person.email, kind=kind, subject=subject, template=f"emails/{kind}.txt", sensitive=sensitive,
            context={"person": person, "site_url": settings.ROSTER_SITE_URL, **context},
        )


def _notify_password_changed(person: Person) -> None:
    _email_person(person, kind="password_changed", subject="Your Roster password was changed")


def _check_can_set_password_of(acting_user: Person, person: Person) -> None:
    if person.is_protected_account and acting_user.pk != person.pk:
        raise ApplicationError("This user is in protected accounts.")
    if (person.role == Role.ADMIN and acting_user.pk != person.pk and person.has_usable_password()):
        raise ApplicationError("An admin can't change another admin's password.")


@transaction.atomic
def person_set_password(*, acting_user: Person, person: Person, password, password_2) -> None:
    """An admin sets someone's password; their open sessions end, since the old secret is void."""
    ensure_not_bot(person)
    if password != password_2:
        raise field_error("password_2", "Confirmation password doesn't match.")
    _check_can_set_password_of(acting_user, person)
    if not person.active:
        raise ApplicationError("User is unactive.")
    _validate_new_password(password, person=person)
    person.set_password(password)
    if person.status == PersonStatus.INVITED:
        person.status = PersonStatus.ACTIVE
    person.save(update_fields=["password", "status", "updated_at"])
    tokens_revoke_all(person=person)
    _notify_password_changed(person)


def _is_locked_out(person: Person) -> bool:
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
def _locked_for_password_check(person: Person):
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


def _record_login_failure(person: Person) -> None:
    Person.objects.filter(pk=person.pk).update(
        login_failed_attemps=F("login_failed_attemps") + 1, last_login_failed=timezone.now()
    )


def person_change_own_password(*, person: Person, old_password, password, password_2,
                               keep_token: AuthToken | None = None) -> None:
    """A wrong old password counts as a failure (committed even though the change is refused). Every other
    session ends: whoever held the old password may hold a token too."""
    with _locked_for_password_check(person) as person:
        if _is_locked_out(person):
            raise ApplicationError("Too many failed login attempts.",
                                   extra={"too_many_failed_login_attemps": True})
        if not person.active:
            raise ApplicationError("User is unactive.")
        if not check_password(old_password, person.password):
            _record_login_failure(person)
            raise field_error("old_password", "Old password is wrong.")
    if password != password_2:
        raise field_error("password_2", "Confirmation password doesn't match.")
    _validate_new_password(password, person=person)
    with transaction.atomic():
        person.set_password(password)
        person.login_failed_attemps = 0
        person.save(update_fields=["password", "login_failed_attemps", "updated_at"])
        tokens_revoke_all(person=person, keep_session_of=keep_token)
        _notify_password_changed(person)


# Reset tokens: the link carries HMAC(nonce); the table keeps only the nonce, useless without SECRET_KEY.

RESET_TOKEN_ALPHABET = string.ascii_uppercase + string.digits


def _reset_token_from_nonce(nonce: str) -> str:
    digest = hmac.new(settings.SECRET_KEY.encode(), f"reset:{nonce}".encode(), hashlib.sha512).digest()
    return "".join(RESET_TOKEN_ALPHABET[b % len(RESET_TOKEN_ALPHABET)] for b in digest[:64])


def password_reset_token_issue(*, person: Person, hours: int | None = None, purpose: str = "reset") -> str:
    """A token for PUT /auth/reset-password; a pending one is reused so the same link comes back."""
    now = timezone.now()
    pending = PasswordResetToken.objects.filter(
        person=person, used_at__isnull=True, expires_at__gt=now, purpose=purpose
    ).order_by("-created_at").first()
    if pending is None:
        pending = PasswordResetToken.objects.create(
            person=person,
            nonce=secrets.token_hex(32),
            purpose=purpose,
            expires_at=now + dt.timedelta(hours=hours or settings.ROSTER_RESET_TOKEN_HOURS),
        )
    return _reset_token_from_nonce(pending.nonce)


@transaction.atomic
def password_reset_complete(*, email, token, password, password2) -> None:
    person = Person.objects.filter(email__iexact=str(email or "").strip(), is_bot=False).first()
    candidates = PasswordResetToken.objects.select_for_update().filter(
        person=person, used_at__isnull=True, expires_at__gt=timezone.now()
    ) if person else []
    match = next(
        (c for c in candidates if hmac.compare_digest(_reset_token_from_nonce(c.nonce), str(token or ""))), None
    )
    if match is None:
        raise ApplicationError("Wrong or expired token.")
    if password != password2:
        raise field_error("password2", "Confirmation password doesn't match.")
    if not person.active:
        raise ApplicationError("User is unactive.")
    _validate_new_password(password, person=person)
    person.set_password(password)
    person.login_failed_attemps = 0
    if person.status == PersonStatus.INVITED:
        person.status = PersonStatus.ACTIVE
    person.save(update_fields=["password", "login_failed_attemps", "status", "updated_at"])
    PasswordResetToken.objects.filter(person=person, used_at__isnull=True).update(used_at=timezone.now())
    tokens_revoke_all(person=person)
    _notify_password_changed(person)


INVITATION_TOKEN_HOURS = 7 * 24


def person_invite(*, acting_user: Person, person: Person) -> None:
    """Email a link to choose a password; a pending invitation is reused, so re-sending keeps one link."""
    ensure_not_bot(person)
    if not person.email:
        raise field_error("email", "This person has no email address to invite.")
    if not person.active:
        raise ApplicationError("User is unactive.")
    with transaction.atomic():
        token = password_reset_token_issue(person=person, hours=INVITATION_TOKEN_HOURS, purpose="invite")
        _email_person(person, kind="invitation", subject="You are invited to Roster", sensitive=True,
                      inviter=acting_user, link=reset_link(person=person, token=token, invitation=True))


def person_reset_password_link(*, acting_user: Person, person: Person) -> str:
    """The reset link an admin hands over in person; calling it twice gives the same link."""
    ensure_not_bot(person)
    _check_can_set_password_of(acting_user, person)
    if not person.email:
        raise field_error("email", "This person has no email address.")
    token = password_reset_token_issue(person=person)
    return reset_link(person=person, token=token)


@transaction.atomic
def person_disable_two_factor(*, acting_user: Person, person: Person) -> None:
    ensure_not_bot(person)
    if person.role == Role.ADMIN and acting_user.pk != person.pk:
        raise ApplicationError("An admin can't disable 2FA for other admins.")
    if not (person.totp_enabled or person.email_otp_enabled or person.fido_enabled):
        raise ApplicationError("Two factor authentication not enabled for this user.")
    Person.objects.filter(pk=person.pk).update(
        totp_enabled=False, totp_secret=None, email_otp_enabled=False, email_otp_secret=None,
        fido_enabled=False, fido_credentials=None, otp_recovery_codes=None,
        preferred_two_factor_authentication=None, updated_at=timezone.now(),
    )
    _email_person(person, kind="two_factor_disabled",
                  subject="Two-factor authentication was turned off on your Roster account")


def password_reset_request(*, email) -> None:
    """Always silent about whether the address exists; only active persons get a link."""
    person = Person.objects.filter(email__iexact=str(email or "").strip(), is_bot=False, active=True).first()
    if person is None:
        return
    with transaction.atomic():
        token = password_reset_token_issue(person=person)
        _email_person(person, kind="password_reset", subject="Reset your Roster password", sensitive=True,
                      link=reset_link(person=person, token=token))


def reset_link(*, person: Person, token: str, invitation: bool = False) -> str:
    from urllib.parse import urlencode

    query = {"email": person.email, "token": token}
    if invitation:
        query["type"] = "new"
    return f"{settings.ROSTER_SITE_URL}/reset-change-password?{urlencode(query)}"


# Sign-in -----------------------------------------------------------------------------------------------


class LoginRefused(Exception):
    def __init__(self, status: int, body: dict):
        super().__init__(body)
        self.status = status
        self.body = body


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
    with _locked_for_password_check(person) as person:
        if _is_locked_out(person):
            raise LoginRefused(400, {"error": True, "login": False, "too_many_failed_login_attemps": True})
        if not person.has_usable_password():
            _spend_a_password_check(password)  # as slow as a real check: no hint that the account is new
            _record_login_failure(person)
            raise LoginRefused(400, {"login": False})
        if not check_password(password, person.password):
            _record_login_failure(person)
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


# Avatars -----------------------------------------------------------------------------------------------

AVATAR_SIZE = (400, 400)
AVATAR_FORMATS = frozenset({"JPEG", "MPO", "PNG", "WEBP"})  # MPO: multi-picture JPEG from phone cameras
# Decoding is done in memory: refuse sources far larger than any photo before decoding them.
AVATAR_MAX_SOURCE_PIXELS = 40_000_000


def avatar_path(person_id) -> str:
    return f"pictures/thumbnails/persons/{person_id}.png"


def person_set_avatar(*, acting_user: Person, person: Person, upload) -> str:
    if upload is None:
        raise field_error("file", "File not provided.")
    try:
        with Image.open(upload) as probe:
            image_format = probe.format
            if probe.width * probe.height > AVATAR_MAX_SOURCE_PIXELS:
                raise field_error("file", "The image is too large (at most 40 megapixels).")
            probe.verify()
        upload.seek(0)
        with Image.open(upload) as image:
            if image_format not in AVATAR_FORMATS:
                raise field_error("file", "The file must be a JPEG, PNG or WebP image.")
            image.load()
            picture = ImageOps.fit(ImageOps.exif_transpose(image).convert("RGBA"), AVATAR_SIZE)
    except ApplicationError:
        raise
    # Pillow reports a corrupt file (a bad chunk checksum, a PNG with no image data...) through the same
    # exceptions it treats as "not an image" when opening: SyntaxError, IndexError, TypeError, struct.error.
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, IndexError, TypeError, EOFError,
            struct.error, Image.DecompressionBombError):
        raise field_error("file", "The file must be a JPEG, PNG or WebP image.") from None
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG", optimize=True)
    path = avatar_path(person.pk)
    # The storage overwrites in place (allow_overwrite), so the path stays the one Zou clients expect.
    default_storage.save(path, ContentFile(buffer.getvalue()))
    Person.objects.filter(pk=person.pk).update(has_avatar=True, updated_at=timezone.now())
    return path


@transaction.atomic
def person_clear_avatar(*, acting_user: Person, person: Person) -> None:
    Person.objects.filter(pk=person.pk).update(has_avatar=False, updated_at=timezone.now())
    path = avatar_path(person.pk)
    transaction.on_commit(lambda: default_storage.delete(path))


# Desktop logins ----------------------------------------------------------------------------------------


@transaction.atomic
def desktop_login_log_create(*, acting_user: Person, person: Person, date: dt.datetime | None) -> DesktopLoginLog:
    date = date or timezone.now().replace(microsecond=0)
    log = DesktopLoginLog.objects.create(person=person, date=date)
    day = timezone.localtime(date, dt.UTC).date()
    Person.objects.filter(pk=person.pk).exclude(last_presence__gte=day).update(last_presence=day)
    return log
