"""Helpers more than one service topic needs: mailing a person, refusing bots and directory (LDAP) accounts
their password actions, vetting a new password."""

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from config.errors import ApplicationError, Forbidden, field_error
from notifications.services import email_enqueue
from people.models import AuthenticationMethod, Person


def email_person(person: Person, *, kind: str, subject: str, sensitive: bool = False, to: str | None = None,
                 **context) -> None:
    """Queue an email to the person (at `to`, else their address, if they have one); the template is
    `emails/<kind>.txt`."""
    address = to or person.email
    if address:
        email_enqueue(
            to=address, kind=kind, subject=subject, template=f"emails/{kind}.txt", sensitive=sensitive,
            context={"person": person, "site_url": settings.ROSTER_SITE_URL, **context},
        )


def ensure_not_bot(person: Person) -> None:
    """Password, invitation and 2FA actions make no sense for a bot (Zou's check_person_is_not_bot)."""
    if person.is_bot:
        raise Forbidden("This action is not available for bots.")


DIRECTORY_PASSWORD_MESSAGE = ("This person signs in with the studio directory (LDAP): the password is changed "
                              "in the directory, not in Roster.")


def ensure_password_kept_in_roster(person: Person) -> None:
    """A person whose authentication method is LDAP has no password in Roster to set, change or reset: their
    directory checks it at each sign-in."""
    if person.authentication_method == AuthenticationMethod.LDAP:
        raise ApplicationError(DIRECTORY_PASSWORD_MESSAGE)


def validate_new_password(password, *, person: Person | None, field: str = "password") -> None:
    if not isinstance(password, str):
        raise field_error(field, "Password must be a string.")
    if len(password) < 8:
        raise field_error(field, "Password is too short.")
    try:
        validate_password(password, user=person)
    except ValidationError as exc:
        raise field_error(field, " ".join(exc.messages)) from None
