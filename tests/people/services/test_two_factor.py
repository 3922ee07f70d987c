"""people.services.two_factor called directly: turning every second factor off, and who may."""

import pytest

from config.errors import ApplicationError, Forbidden
from notifications.models import OutboxEmail
from people.models import Person
from people.services.two_factor import person_disable_two_factor
from tests.factories import AdminFactory, BotFactory

ENROLLED = {
    "totp_enabled": True, "totp_secret": "JBSWY3DPEHPK3PXP", "email_otp_enabled": True,
    "email_otp_secret": "123456", "fido_enabled": True, "fido_credentials": [{"id": "key"}],
    "otp_recovery_codes": ["a1", "b2"], "preferred_two_factor_authentication": "totp",
}


def enroll(person: Person) -> None:
    Person.objects.filter(pk=person.pk).update(**ENROLLED)
    person.refresh_from_db()


def test_every_factor_and_secret_goes_and_the_person_is_told(hr, artist):
    enroll(artist)
    person_disable_two_factor(acting_user=hr, person=artist)
    stored = Person.objects.filter(pk=artist.pk).values(*ENROLLED).get()
    assert stored == {"totp_enabled": False, "totp_secret": None, "email_otp_enabled": False,
                      "email_otp_secret": None, "fido_enabled": False, "fido_credentials": None,
                      "otp_recovery_codes": None, "preferred_two_factor_authentication": None}
    email = OutboxEmail.objects.get()
    assert (email.to, email.kind) == (artist.email, "two_factor_disabled")


def test_nothing_to_disable_is_an_error(hr, artist):
    with pytest.raises(ApplicationError, match="Two factor authentication not enabled for this user."):
        person_disable_two_factor(acting_user=hr, person=artist)
    assert OutboxEmail.objects.count() == 0


def test_an_admin_may_only_disable_their_own(hr):
    other_admin = AdminFactory(first_name="Otto")
    enroll(other_admin)
    with pytest.raises(ApplicationError, match="An admin can't disable 2FA for other admins."):
        person_disable_two_factor(acting_user=hr, person=other_admin)
    assert Person.objects.get(pk=other_admin.pk).totp_enabled
    person_disable_two_factor(acting_user=other_admin, person=other_admin)
    assert not Person.objects.get(pk=other_admin.pk).totp_enabled


def test_bots_have_no_second_factor(hr):
    robot = BotFactory()
    with pytest.raises(Forbidden, match="This action is not available for bots."):
        person_disable_two_factor(acting_user=hr, person=robot)
