"""Creating, editing and deleting persons, and their department memberships: the user limit, protected
accounts, `active` kept in step with `status`, and sign-in identifiers unique among people."""

import uuid
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import IntegrityError, connection, transaction
from django.db.models import ProtectedError, Q
from django.utils import timezone

from audit.services import audit_record, changed_fields
from config.errors import ApplicationError, Forbidden, field_error
from config.serializers import json_value_problem
from departments.models import Department, Studio, WorkShift
from people import validators
from people.columns import PRIVILEGED_FIELDS, WRITABLE_FIELDS
from people.models import (
    SIGN_IN_STATUSES,
    AuthenticationMethod,
    DesktopLoginLog,
    Person,
    PersonDepartment,
    PersonStatus,
    Role,
)
from people.selectors import person_count_toward_user_limit
from people.services._shared import email_person, validate_new_password
from people.services.avatars import avatar_path
from people.services.escalation import (
    ensure_may_hold_credentials_of,
    ensure_may_manage,
    ensure_no_escalation,
    person_keys,
)
from people.services.reset_tokens import password_reset_tokens_void
from people.signals import person_force_deleting
from people.tokens import tokens_revoke_all, tokens_rotate_api_token

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


def check_user_limit() -> None:
    _lock_user_limit()
    limit = settings.ROSTER_USER_LIMIT
    if person_count_toward_user_limit() >= limit:
        raise ApplicationError("User limit reached.", data={"limit": limit})


def _normalize(data: dict[str, Any]) -> dict[str, Any]:
    """Every value a write brings, in the form it is stored: the one place values are normalised (the API,
    the admin and the commands all write through here)."""
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
    if clean.get("data") is not None:  # free-form, so bounded: depth, size and storable text
        problem = json_value_problem(clean["data"])
        if problem:
            raise field_error("data", problem)
    for field in ("phone", "desktop_login"):  # stored as "" when absent, as Zou does
        if field in clean and clean[field] is None:
            clean[field] = ""
    for field in ("username", "ldap_uid"):  # unique when set: absent is NULL, never ""
        if clean.get(field) == "":
            clean[field] = None
    for field in ("first_name", "last_name", "desktop_login", "phone"):
        if isinstance(clean.get(field), str):
            clean[field] = clean[field].strip()
    if "first_name" in clean and not clean["first_name"]:
        raise field_error("first_name", "First name is required.")
    return clean


# Both identify a person at sign-in, so no two humans may share one (bots may: they never sign in).
SIGN_IN_IDENTIFIERS = ("email", "desktop_login")
# What a person signs in as, or where their password is reset or checked: moving one hands over the account.
SIGN_IN_IDENTITY_FIELDS = ("email", "desktop_login", "authentication_method", "ldap_uid")


def _check_identifier_free(field: str, value: str | None, *, is_bot: bool, exclude_pk=None) -> None:
    """Sign-in looks a string up as an email, then as a desktop login: it must name one person in both.

    Each column is unique in the database, but no constraint spans the two: two requests saving the same string,
    one as an email and one as a desktop login, would both find it free. So the check runs under a lock on the
    string itself, held until the write commits: the second request waits, then sees the first one's row."""
    if not value or is_bot:
        return
    _lock_sign_in_identifier(value)
    # Sign-in matches a string to an email whatever its case, to a desktop login exactly. So a new email clashes
    # with a desktop login equal to it in any case (that desktop login, typed, would also match the email); a new
    # desktop login with an email in any case, and with another desktop login exactly.
    matches = Q(email__iexact=value) | Q(
        **{"desktop_login__iexact" if field == "email" else "desktop_login": value})
    clash = Person.objects.filter(matches, is_bot=False)
    if exclude_pk is not None:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise field_error(field, UNIQUE_FIELD_MESSAGES[field])


def _lock_sign_in_identifier(value: str) -> None:
    """A PostgreSQL advisory lock on the case-folded string, released at the end of the transaction. Strings
    whose 64-bit hashes collide only wait for each other. SQLite (`make run`) lets one writer in at a time."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("a sign-in identifier is checked and written in one transaction")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 7247))", [value.casefold()])


def _check_references(data: dict[str, Any], *, person_pk=None) -> None:
    if data.get("studio_id") is not None and not Studio.objects.filter(pk=data["studio_id"]).exists():
        raise field_error("studio_id", "Studio ID matches no studio.")
    if data.get("shift_id") is not None and not WorkShift.objects.filter(pk=data["shift_id"]).exists():
        raise field_error("shift_id", "Shift ID matches no work shift.")
    manager_id = data.get("manager_id")
    if manager_id is not None:
        if person_pk is not None and str(manager_id) == str(person_pk):
            raise field_error("manager_id", "A person cannot be their own manager.")
        if not Person.objects.filter(pk=manager_id).exists():
            raise field_error("manager_id", "Manager ID matches no person.")
        if person_pk is not None and _reports_to(manager_id, person_pk):
            raise field_error("manager_id", "This manager reports to the person, directly or not: no cycles.")


# Reporting lines are short; a longer walk means the data already holds a cycle, which stops it too.
MAX_REPORTING_DEPTH = 100


def _reports_to(manager_id, person_pk) -> bool:
    """Whether `person_pk` is found up the reporting line that starts at `manager_id` (one query per level)."""
    current, seen = manager_id, set()
    for _ in range(MAX_REPORTING_DEPTH):
        current = Person.objects.filter(pk=current).values_list("manager_id", flat=True).first()
        if current is None or current in seen:
            return False
        if str(current) == str(person_pk):
            return True
        seen.add(current)
    return False


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


def _save_with_departments(person: Person, data: dict[str, Any]) -> None:
    """Save the row (a clash on a unique column is a 400 naming it), then the memberships the write names."""
    try:
        with transaction.atomic():
            person.save()
    except IntegrityError as exc:
        raise _integrity_error(exc) from None
    if "departments" in data:
        _set_departments(person, _department_ids(data["departments"]))


# What the audit trail follows on a person: every writable column, the account state and the memberships.
AUDITED_FIELDS = sorted(WRITABLE_FIELDS | {"status", "active"})


def _audited_values(person: Person) -> dict[str, Any]:
    values = {field: getattr(person, field) for field in AUDITED_FIELDS}
    values["departments"] = sorted(str(pk) for pk in PersonDepartment.objects.filter(person=person)
                                   .values_list("department_id", flat=True)) if person.pk else []
    return values


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
        check_user_limit()
    _check_expiration_date(data.get("expiration_date"))
    for field in SIGN_IN_IDENTIFIERS:
        _check_identifier_free(field, data.get(field), is_bot=is_bot)
    _check_references(data)

    password = data.get("password")
    person = Person(**{k: v for k, v in data.items() if k in WRITABLE_FIELDS})
    # Creating a person gives them their role's keys: only keys the actor holds may be given.
    ensure_no_escalation(acting_user=acting_user, gained=person_keys(person))
    if password is not None:
        validate_new_password(password, person=person)
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
    _save_with_departments(person, data)
    created = {field: [None, value] for field, value in _audited_values(person).items()
               if value not in (None, "", False, [], {})}
    if password is not None:
        created["password"] = [None, "set"]
    audit_record(actor=acting_user, action="person.created", target=person, target_type="person", changes=created)
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


def person_locked_for_update(person: Person) -> Person:
    """The person's row, locked until the transaction ends. A caller that already loaded it locked in this
    transaction (the API's PUT, see PersonViewSet) passes it marked `row_locked`; anything else is re-read."""
    if getattr(person, "row_locked", False) and transaction.get_connection().in_atomic_block:
        return person
    return Person.objects.select_for_update().get(pk=person.pk)


def masked_email(address: str | None) -> str:
    """`j***@e***.com`: enough for the owner to recognise an address of theirs, not enough for whoever holds the
    previous mailbox to learn the new one."""
    if not address or "@" not in address:
        return "(none)"
    local, _, domain = address.partition("@")
    name, dot, tld = domain.rpartition(".")
    return f"{local[:1]}***@{(name or tld)[:1]}***{dot}{tld if name else ''}"


def _tell_previous_address(*, acting_user: Person, person: Person, previous_email: str | None) -> None:
    """The email is where reset links go: whoever moves it can take the account over with a reset. So the
    previous address is told (through the outbox, after the commit) and can raise the alarm."""
    if previous_email and not person.is_bot and previous_email.lower() != (person.email or "").lower():
        email_person(person, kind="email_changed", subject="The email of your Roster account was changed",
                     to=previous_email, previous_email=previous_email, new_email=masked_email(person.email),
                     changed_by=None if acting_user.pk == person.pk else acting_user.full_name)


@transaction.atomic
def person_update(*, acting_user: Person, person: Person, data: dict[str, Any]) -> PersonWriteResult:
    """PUT semantics of Zou: unknown keys are ignored; privileged keys are dropped for non-privileged callers."""
    data = {k: v for k, v in data.items() if k in WRITABLE_FIELDS or k == "departments"}
    privileged = acting_user.has_perm("persons.change_privileged_fields")
    if not privileged:
        data = {k: v for k, v in data.items() if k not in PRIVILEGED_FIELDS}
    if acting_user.is_bot:
        data.pop("expiration_date", None)
    data = _normalize(data)
    person = person_locked_for_update(person)
    ensure_may_manage(acting_user=acting_user, person=person)

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

    before = _audited_values(person)
    keys_before = person_keys(person)
    for field, value in data.items():
        if field in WRITABLE_FIELDS and field not in ("active", "status"):
            setattr(person, field, value)
    # A new role (or a bot turned into a person) may bring keys: only those the actor holds may be given.
    ensure_no_escalation(acting_user=acting_user, gained=person_keys(person) - keys_before)
    # A bot whose expiration date is (re)set gets a fresh token, handed to the actor: only someone who holds
    # the bot's keys may take it (HR turning a production manager into a bot must not get their keys).
    expiration = data.get("expiration_date", "absent")
    issues_token = person.is_bot and expiration != "absent" and (
        expiration is None or expiration >= timezone.localdate())
    if issues_token:
        ensure_may_hold_credentials_of(acting_user=acting_user, person=person)
    # Whoever moves someone's sign-in identity can reset their password there and become them: only someone
    # holding all of that person's keys may (HR does not repoint a production manager's email).
    moved_identity = sorted(field for field in SIGN_IN_IDENTITY_FIELDS if field in data
                            and (before.get(field) or "") != (getattr(person, field) or ""))
    if moved_identity:
        ensure_may_hold_credentials_of(acting_user=acting_user, person=person,
                                       credential=f"Changing this person's {moved_identity[0]}")
    _apply_status(person, data, previous_status=previous_status)
    # Reactivation, or a bot or guest turned into a regular person: one more seat is taken.
    counted_after = person.active and not person.is_bot and not person.is_guest
    if counted_after and not counted_before:
        check_user_limit()
    wanted_departments = (sorted(str(pk) for pk in _department_ids(data["departments"]))
                          if "departments" in data else before["departments"])
    changes = changed_fields(before, {**_audited_values(person), "departments": wanted_departments})
    # gazu PUTs whole records back: a save that changes nothing writes nothing, not even updated_at.
    if changes:
        _save_with_departments(person, data if "departments" in changes else {})
        audit_record(actor=acting_user, action="person.updated", target=person, target_type="person",
                     changes=changes)
    if "email" in changes:
        password_reset_tokens_void(person=person)
        _tell_previous_address(acting_user=acting_user, person=person, previous_email=before["email"])
    # Leaving the sign-in states, or switching between bot and person, voids every token held so far.
    if (not person.active and previous_status in SIGN_IN_STATUSES) or person.is_bot != was_bot:
        tokens_revoke_all(person=person)

    # A bot whose expiration date is (re)set gets a fresh token; the old one stops working.
    access_token = tokens_rotate_api_token(person=person) if issues_token else None
    return PersonWriteResult(person=person, access_token=access_token)


def _uuid_or_none(field: str, value):
    if value is None:
        return None
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise field_error(field, f"{field} must be a UUID or null.") from None


def _only_keys(body: dict[str, Any], allowed: set[str]) -> None:
    unknown = sorted(set(body) - allowed)
    if unknown:
        raise field_error(unknown[0], f"Unknown field: {unknown[0]}.")


def _designation(body: dict[str, Any], data: dict[str, Any]) -> None:
    if "designation" in body:
        if not isinstance(body["designation"], str):
            raise field_error("designation", "designation must be a string.")
        data["job_title"] = body["designation"]


def _one_department(department_id) -> list[uuid.UUID]:
    department_id = _uuid_or_none("department_id", department_id)
    if department_id is None or not Department.objects.filter(pk=department_id).exists():
        raise field_error("department_id", "Department ID matches no department.")
    return [department_id]


def person_set_role(*, acting_user: Person, person: Person, body: dict[str, Any]) -> PersonWriteResult:
    """PATCH .../role (seed 003): the role alone, with person_update's rules (protected accounts, audit)."""
    _only_keys(body, {"role"})
    if body.get("role") not in Role.values:
        raise field_error("role", f"Role must be one of: {', '.join(Role.values)}.")
    return person_update(acting_user=acting_user, person=person, data={"role": body["role"]})


def person_set_department(*, acting_user: Person, person: Person, body: dict[str, Any]) -> PersonWriteResult:
    """PATCH .../department (seed 003): the person's department becomes `department_id` (their only one), or
    with `remove_from_department` none; `designation` sets the job title."""
    _only_keys(body, {"department_id", "designation", "remove_from_department"})
    data: dict[str, Any] = {}
    if not isinstance(body.get("remove_from_department", False), bool):
        raise field_error("remove_from_department", "remove_from_department must be true or false.")
    if body.get("remove_from_department"):
        data["departments"] = []
    elif "department_id" in body:
        data["departments"] = _one_department(body["department_id"])
    _designation(body, data)
    return person_update(acting_user=acting_user, person=person, data=data)


def person_set_department_details(*, acting_user: Person, person: Person, body: dict[str, Any]
                                  ) -> PersonWriteResult:
    """PATCH .../department-details (seed 003): department, work shift, line manager and designation in one
    call, each applied when present."""
    _only_keys(body, {"department_id", "shift_id", "manager_id", "designation"})
    data: dict[str, Any] = {}
    if "department_id" in body:
        data["departments"] = _one_department(body["department_id"])
    for field in ("shift_id", "manager_id"):
        if field in body:
            data[field] = _uuid_or_none(field, body[field])
    _designation(body, data)
    return person_update(acting_user=acting_user, person=person, data=data)


def person_set_admin_profile(*, acting_user: Person, person: Person, body: dict[str, Any]) -> PersonWriteResult:
    """PATCH .../admin-profile (seed 003): names, work email, phone and designation, from the admin panel."""
    _only_keys(body, {"first_name", "last_name", "email", "phone", "designation"})
    data = {field: body[field] for field in ("first_name", "last_name", "email", "phone") if field in body}
    for field, value in data.items():
        if not isinstance(value, str) and not (field == "email" and value is None):
            raise field_error(field, f"{field} must be a string.")
    _designation(body, data)
    return person_update(acting_user=acting_user, person=person, data=data)


def person_set_reporting(*, acting_user: Person, person: Person, body: dict[str, Any]) -> PersonWriteResult:
    """PATCH .../reporting (seed 003): `manager_id` applied only with `update_manager`, `shift_id` only with
    `update_shift`, `designation` (the job title) when given; one person_update, so one audit row."""
    data: dict[str, Any] = {}
    for flag, field in (("update_manager", "manager_id"), ("update_shift", "shift_id")):
        if not isinstance(body.get(flag, False), bool):
            raise field_error(flag, f"{flag} must be true or false.")
        if body.get(flag):
            value = body.get(field)
            if value is not None:
                try:
                    value = uuid.UUID(str(value))
                except ValueError:
                    raise field_error(field, f"{field} must be a UUID or null.") from None
            data[field] = value
    if "designation" in body:
        if not isinstance(body["designation"], str):
            raise field_error("designation", "designation must be a string.")
        data["job_title"] = body["designation"]
    return person_update(acting_user=acting_user, person=person, data=data)


@transaction.atomic
def person_delete(*, acting_user: Person, person: Person, force: bool = False) -> None:
    if acting_user.pk == person.pk:
        raise Forbidden("You can't delete yourself.")
    ensure_may_manage(acting_user=acting_user, person=person)
    if person.is_protected_account:
        raise Forbidden("Can't delete this person it's a protected account.")
    if force:
        # What a forced delete removes: people's own rows here, the apps above people theirs through the
        # signal (time spent, day-offs, assignments: unlike Zou, day-offs do not block a forced delete).
        DesktopLoginLog.objects.filter(person=person).delete()
        person_force_deleting.send(sender=Person, person=person, acting_user=acting_user)
    path = avatar_path(person.pk)  # before the delete, which sets the instance's pk to None
    audit_record(actor=acting_user, action="person.deleted", target=person, target_type="person",
                 changes={"force": [None, True]} if force else {})
    try:
        with transaction.atomic():
            person.delete()
    except (ProtectedError, IntegrityError):
        raise ApplicationError("Some data are still linked to given person.") from None
    transaction.on_commit(lambda: default_storage.delete(path))


@transaction.atomic
def person_add_department(*, acting_user: Person, person: Person, department_id) -> Person:
    try:
        department = Department.objects.get(pk=uuid.UUID(str(department_id)))
    except (ValueError, TypeError, Department.DoesNotExist):
        raise field_error("department_id", "Department ID matches no department") from None
    ensure_may_manage(acting_user=acting_user, person=person)
    _, added = PersonDepartment.objects.get_or_create(person=person, department=department)
    if added:
        Person.objects.filter(pk=person.pk).update(updated_at=timezone.now())
        audit_record(actor=acting_user, action="person.department_added", target=person, target_type="person",
                     changes={"departments": [None, str(department.pk)]})
    return person


@transaction.atomic
def person_remove_department(*, acting_user: Person, person: Person, department_id) -> None:
    try:
        department = Department.objects.get(pk=uuid.UUID(str(department_id)))
    except (ValueError, TypeError, Department.DoesNotExist):
        raise field_error("department_id", "Department ID matches no department") from None
    ensure_may_manage(acting_user=acting_user, person=person)
    removed, _ = PersonDepartment.objects.filter(person=person, department=department).delete()
    if removed:
        Person.objects.filter(pk=person.pk).update(updated_at=timezone.now())
        audit_record(actor=acting_user, action="person.department_removed", target=person, target_type="person",
                     changes={"departments": [str(department.pk), None]})
