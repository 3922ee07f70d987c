"""An account's state (issue 7, seeds 002 and 003): lock and unlock, suspend, activate, any status set
directly, a forced password change, and the expiry of accounts whose `expiration_date` has passed.

Leaving the sign-in states ends every session at once; coming back takes a seat under the user limit. A
protected account refuses every state change but activation, and nobody changes their own state (an admin
could lock themselves out). Each change is one audit row with its reason."""

from django.db import transaction
from django.utils import timezone

from audit.services import audit_record
from config.errors import ApplicationError, Forbidden, field_error
from people.models import SIGN_IN_STATUSES, Person, PersonStatus
from people.services._shared import email_person, ensure_not_bot, ensure_password_kept_in_roster
from people.services.escalation import ensure_may_manage
from people.services.persons import check_user_limit, person_locked_for_update
from people.tokens import tokens_revoke_all

MAX_REASON_LENGTH = 1000


def _reason(reason) -> str:
    if reason is None:
        return ""
    if not isinstance(reason, str):
        raise field_error("reason", "Reason must be a string.")
    if len(reason) > MAX_REASON_LENGTH:
        raise field_error("reason", f"Reason must be at most {MAX_REASON_LENGTH} characters.")
    return reason.strip()


@transaction.atomic
def person_set_status(*, acting_user: Person, person: Person, status, reason=None,
                      action: str = "person.status_changed") -> Person:
    """Put the account in `status`; a no-op when it is there already (nothing written, nothing audited)."""
    if status not in PersonStatus.values:
        raise field_error("status", f"Status must be one of: {', '.join(PersonStatus.values)}.")
    reason = _reason(reason)
    person = person_locked_for_update(person)
    if person.pk == acting_user.pk:
        raise ApplicationError("You can't change the state of your own account.")
    ensure_may_manage(acting_user=acting_user, person=person)
    signs_in_after = status in SIGN_IN_STATUSES
    if person.is_protected_account and not signs_in_after:
        raise Forbidden("Can't change the state of this person it's a protected account.")
    previous = person.status
    if previous == status:
        return person
    counted_before = person.active and not person.is_bot and not person.is_guest
    if signs_in_after and not counted_before and not person.is_bot and not person.is_guest:
        check_user_limit()
    person.status = status
    person.active = signs_in_after
    person.save(update_fields=["status", "active", "updated_at"])
    if not signs_in_after:
        tokens_revoke_all(person=person)
    audit_record(actor=acting_user, action=action, target=person, target_type="person", reason=reason,
                 changes={"status": [previous, status], **({"active": [not signs_in_after, signs_in_after]}
                                                          if (previous in SIGN_IN_STATUSES) != signs_in_after
                                                          else {})})
    return person


def person_lock(*, acting_user: Person, person: Person, reason=None) -> Person:
    return person_set_status(acting_user=acting_user, person=person, status=PersonStatus.LOCKED, reason=reason,
                             action="person.locked")


def person_unlock(*, acting_user: Person, person: Person, reason=None) -> Person:
    if person.status != PersonStatus.LOCKED:
        raise ApplicationError("This account is not locked.")
    return person_set_status(acting_user=acting_user, person=person, status=PersonStatus.ACTIVE, reason=reason,
                             action="person.unlocked")


def person_suspend(*, acting_user: Person, person: Person, reason=None) -> Person:
    return person_set_status(acting_user=acting_user, person=person, status=PersonStatus.SUSPENDED,
                             reason=reason, action="person.suspended")


def person_activate(*, acting_user: Person, person: Person, reason=None) -> Person:
    return person_set_status(acting_user=acting_user, person=person, status=PersonStatus.ACTIVE, reason=reason,
                             action="person.activated")


@transaction.atomic
def person_force_password_reset(*, acting_user: Person, person: Person, reason=None) -> bool:
    """The person must choose a new password at their next sign-in; every session ends now. Returns whether
    a notice was queued (a person without an email address gets none)."""
    ensure_not_bot(person)
    ensure_password_kept_in_roster(person)
    reason = _reason(reason)
    person = person_locked_for_update(person)
    ensure_may_manage(acting_user=acting_user, person=person)
    if person.is_protected_account and person.pk != acting_user.pk:
        raise Forbidden("Can't force a password change on this person it's a protected account.")
    if not person.password_change_required:
        person.password_change_required = True
        person.save(update_fields=["password_change_required", "updated_at"])
        audit_record(actor=acting_user, action="person.password_reset_forced", target=person,
                     target_type="person", reason=reason, changes={"password_change_required": [False, True]})
    tokens_revoke_all(person=person)
    email_person(person, kind="password_reset_forced", subject="Choose a new Roster password")
    return bool(person.email)


@transaction.atomic
def persons_deactivate_expired() -> int:
    """Every person still able to sign in whose `expiration_date` is before today becomes inactive: sessions
    end, one audit row each (the system is the actor). Idempotent; run by the beat."""
    expired = list(Person.objects.select_for_update(skip_locked=True).filter(
        status__in=sorted(SIGN_IN_STATUSES), expiration_date__lt=timezone.localdate()))
    for person in expired:
        person_deactivate_by_system(person, action="person.expired",
                                    reason=f"expiration date {person.expiration_date.isoformat()} passed")
    return len(expired)


def person_deactivate_by_system(person: Person, *, action: str, reason: str) -> None:
    """The system (no actor) ends an active account: inactive, every token revoked, one audit row. The caller
    holds the person's row lock and has decided that the account may end (expiry, gone from the directory)."""
    previous = person.status
    person.status, person.active = PersonStatus.INACTIVE, False
    person.save(update_fields=["status", "active", "updated_at"])
    tokens_revoke_all(person=person)
    audit_record(actor=None, action=action, target=person, target_type="person",
                 changes={"status": [previous, PersonStatus.INACTIVE], "active": [True, False]}, reason=reason)
