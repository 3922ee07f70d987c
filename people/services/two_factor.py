"""Two-factor authentication: an admin (or the person) turns every second factor off at once."""

from django.db import transaction
from django.utils import timezone

from config.errors import ApplicationError
from people.models import Person
from people.services._shared import email_person, ensure_not_bot
from people.services.escalation import ensure_may_manage, person_keys


@transaction.atomic
def person_disable_two_factor(*, acting_user: Person, person: Person) -> None:
    ensure_not_bot(person)
    ensure_may_manage(acting_user=acting_user, person=person)
    # Zou's rule, asked of the table: whoever may turn off others' second factors keeps their own.
    if acting_user.pk != person.pk and "persons.disable_two_factor" in person_keys(person):
        raise ApplicationError("An admin can't disable 2FA for other admins.")
    if not (person.totp_enabled or person.email_otp_enabled or person.fido_enabled):
        raise ApplicationError("Two factor authentication not enabled for this user.")
    Person.objects.filter(pk=person.pk).update(
        totp_enabled=False, totp_secret=None, email_otp_enabled=False, email_otp_secret=None,
        fido_enabled=False, fido_credentials=None, otp_recovery_codes=None,
        preferred_two_factor_authentication=None, updated_at=timezone.now(),
    )
    email_person(person, kind="two_factor_disabled",
                 subject="Two-factor authentication was turned off on your Roster account")
