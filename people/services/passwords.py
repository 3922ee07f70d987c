"""Passwords: an admin setting one, a person changing their own, resets by email, invitations and the
reset link an admin hands over. Every change ends the sessions the old secret opened and mails the person."""

import datetime as dt
import logging

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.db import transaction
from django.utils import timezone

from audit.services import REDACTED, audit_record
from config.errors import ApplicationError, field_error
from people.models import (
    AuthenticationMethod,
    AuthToken,
    PasswordResetRequest,
    PasswordResetToken,
    Person,
    PersonStatus,
)
from people.services._shared import (
    email_person,
    ensure_not_bot,
    ensure_password_kept_in_roster,
    validate_new_password,
)
from people.services.escalation import ensure_may_manage, person_keys
from people.services.reset_tokens import password_reset_token_issue, password_reset_token_match, reset_link
from people.services.sign_in import is_locked_out, locked_for_password_check, record_login_failure
from people.tokens import tokens_revoke_all

logger = logging.getLogger(__name__)

INVITATION_TOKEN_HOURS = 7 * 24


def _notify_password_changed(person: Person) -> None:
    email_person(person, kind="password_changed", subject="Your Roster password was changed")


def _audit_password(*, actor: Person | None, person: Person, action: str) -> None:
    """The password's values never reach the row: only that it changed."""
    audit_record(actor=actor, action=action, target=person, target_type="person",
                 changes={"password": [REDACTED, REDACTED]})


def _check_can_set_password_of(acting_user: Person, person: Person) -> None:
    ensure_may_manage(acting_user=acting_user, person=person)
    if person.is_protected_account and acting_user.pk != person.pk:
        raise ApplicationError("This user is in protected accounts.")
    # Zou's rule, asked of the table rather than of a role name: whoever may set others' passwords (an admin,
    # or anyone granted the key) does not have theirs set by someone else.
    if (acting_user.pk != person.pk and "persons.set_password" in person_keys(person)
            and person.has_usable_password()):
        raise ApplicationError("An admin can't change another admin's password.")


@transaction.atomic
def person_set_password(*, acting_user: Person, person: Person, password, password_2) -> None:
    """An admin sets someone's password; their open sessions end, since the old secret is void."""
    ensure_not_bot(person)
    ensure_password_kept_in_roster(person)
    if password != password_2:
        raise field_error("password_2", "Confirmation password doesn't match.")
    _check_can_set_password_of(acting_user, person)
    if not person.active:
        raise ApplicationError("User is unactive.")
    validate_new_password(password, person=person)
    person.set_password(password)
    if person.status == PersonStatus.INVITED:
        person.status = PersonStatus.ACTIVE
    person.save(update_fields=["password", "status", "updated_at"])
    tokens_revoke_all(person=person)
    _audit_password(actor=acting_user, person=person, action="person.password_set")
    _notify_password_changed(person)


def person_change_own_password(*, person: Person, old_password, password, password_2,
                               keep_token: AuthToken | None = None) -> None:
    """A wrong old password counts as a failure (committed even though the change is refused). Every other
    session ends: whoever held the old password may hold a token too. The person's row stays locked from the
    check to the change, so parallel changes with the same old password make one change: the others wait,
    then find the old password wrong."""
    ensure_password_kept_in_roster(person)  # before the old password is checked: nothing to count
    with locked_for_password_check(person) as person:
        if is_locked_out(person):
            raise ApplicationError("Too many failed login attempts.",
                                   extra={"too_many_failed_login_attemps": True})
        if not person.active:
            raise ApplicationError("User is unactive.")
        if not check_password(old_password, person.password):
            record_login_failure(person)
            raise field_error("old_password", "Old password is wrong.")
        # Refusals from here on write nothing before they are raised.
        if password != password_2:
            raise field_error("password_2", "Confirmation password doesn't match.")
        validate_new_password(password, person=person)
        person.set_password(password)
        person.login_failed_attemps = 0
        person.password_change_required = False
        person.save(update_fields=["password", "login_failed_attemps", "password_change_required", "updated_at"])
        tokens_revoke_all(person=person, keep_session_of=keep_token)
        _audit_password(actor=person, person=person, action="person.password_changed")
        _notify_password_changed(person)


@transaction.atomic
def password_reset_complete(*, email, token, password, password2) -> None:
    person = Person.objects.filter(email__iexact=str(email or "").strip(), is_bot=False).first()
    if password_reset_token_match(person=person, token=token) is None:
        raise ApplicationError("Wrong or expired token.")
    ensure_password_kept_in_roster(person)
    if password != password2:
        raise field_error("password2", "Confirmation password doesn't match.")
    if not person.active:
        raise ApplicationError("User is unactive.")
    validate_new_password(password, person=person)
    person.set_password(password)
    person.login_failed_attemps = 0
    person.password_change_required = False
    if person.status == PersonStatus.INVITED:
        person.status = PersonStatus.ACTIVE
    person.save(update_fields=["password", "login_failed_attemps", "password_change_required", "status",
                               "updated_at"])
    PasswordResetToken.objects.filter(person=person, used_at__isnull=True).update(used_at=timezone.now())
    tokens_revoke_all(person=person)
    # The holder of the link acted: the person, as far as anyone can tell.
    _audit_password(actor=person, person=person, action="person.password_reset")
    _notify_password_changed(person)


def person_invite(*, acting_user: Person, person: Person) -> None:
    """Email a link to choose a password; a pending invitation is reused, so re-sending keeps one link."""
    ensure_not_bot(person)
    ensure_password_kept_in_roster(person)
    if not person.email:
        raise field_error("email", "This person has no email address to invite.")
    if not person.active:
        raise ApplicationError("User is unactive.")
    ensure_may_manage(acting_user=acting_user, person=person)
    with transaction.atomic():
        token = password_reset_token_issue(person=person, hours=INVITATION_TOKEN_HOURS, purpose="invite")
        email_person(person, kind="invitation", subject="You are invited to Roster", sensitive=True,
                     inviter=acting_user, link=reset_link(person=person, token=token, invitation=True))
        audit_record(actor=acting_user, action="person.invited", target=person, target_type="person")


def person_reset_password_link(*, acting_user: Person, person: Person) -> str:
    """The reset link an admin hands over in person; calling it twice gives the same link."""
    ensure_not_bot(person)
    ensure_password_kept_in_roster(person)
    _check_can_set_password_of(acting_user, person)
    if not person.email:
        raise field_error("email", "This person has no email address.")
    with transaction.atomic():
        token = password_reset_token_issue(person=person)
        audit_record(actor=acting_user, action="person.reset_link_issued", target=person, target_type="person")
    return reset_link(person=person, token=token)


def password_reset_request_record(*, email) -> None:
    """POST /auth/reset-password: the same work whatever the address (one row written, one task queued after
    the commit), so neither the answer nor its time says whether it belongs to anyone. The task does the rest
    (`password_reset_request_handle`). An address longer than any person's is not recorded: it is no one's."""
    address = str(email or "").strip()
    if not address or len(address) > PasswordResetRequest._meta.get_field("email").max_length:
        return
    with transaction.atomic():
        asked = PasswordResetRequest.objects.create(email=address)
        transaction.on_commit(lambda: password_reset_request_queue(request_id=asked.pk))


def password_reset_request_queue(*, request_id) -> bool:
    """Hand one reset request to Celery, after the commit, inside the request: like an email's delivery
    (notifications.services.email_queue_delivery) it never fails the request nor makes it wait, and a broker
    that is down only leaves the row for the sweep (logged)."""
    from people.tasks import handle_password_reset_request

    try:
        handle_password_reset_request.apply_async((request_id,), retry=False)
    except Exception:  # kombu, redis-py and socket errors alike: the row is safe
        logger.warning("Password reset request %s stays pending: its task could not be queued", request_id,
                       exc_info=True)
        return False
    return True


def password_reset_request_handle(*, request_id) -> None:
    """The task's half: mail a link if the address is an active person's, then forget the request. Safe to
    run twice or in parallel (the row is taken, locked, then deleted)."""
    with transaction.atomic():
        asked = PasswordResetRequest.objects.select_for_update(skip_locked=True).filter(pk=request_id).first()
        if asked is None:
            return
        password_reset_request(email=asked.email)
        asked.delete()


def password_reset_request_ids_to_requeue() -> list:
    """Requests older than the grace period: their task is overdue or was lost. An ask still unanswered after
    `ROSTER_RESET_REQUEST_MAX_AGE_SECONDS` is dropped (logged): a link mailed hours later would surprise more
    than help, and the person can ask again."""
    now = timezone.now()
    stale, _ = PasswordResetRequest.objects.filter(
        created_at__lt=now - dt.timedelta(seconds=settings.ROSTER_RESET_REQUEST_MAX_AGE_SECONDS)).delete()
    if stale:
        logger.warning("%s password reset requests dropped unanswered after %s s", stale,
                       settings.ROSTER_RESET_REQUEST_MAX_AGE_SECONDS)
    cutoff = now - dt.timedelta(seconds=settings.ROSTER_RESET_REQUEST_REQUEUE_AFTER_SECONDS)
    return list(PasswordResetRequest.objects.filter(created_at__lt=cutoff).order_by("created_at")
                .values_list("pk", flat=True)[:1000])


def password_reset_request(*, email) -> None:
    """Look the address up and mail a link; silent about whether it exists, only active persons get one.
    Runs in a task (`password_reset_request_handle`), never in the request that asks. A directory (LDAP)
    account gets nothing either: its password is not Roster's to reset."""
    person = Person.objects.filter(email__iexact=str(email or "").strip(), is_bot=False, active=True).exclude(
        authentication_method=AuthenticationMethod.LDAP).first()
    if person is None:
        return
    with transaction.atomic():
        token = password_reset_token_issue(person=person)
        email_person(person, kind="password_reset", subject="Reset your Roster password", sensitive=True,
                     link=reset_link(person=person, token=token))
