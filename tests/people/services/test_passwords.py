"""people.services.passwords called directly: who may set whose password, changing your own (which counts
toward the lockout), resets that work once, invitations, and the sessions and emails each change ends in."""

import datetime as dt
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone

from config.errors import ApplicationError, Forbidden
from notifications.models import OutboxEmail
from people.models import AuthToken, PasswordResetRequest, PasswordResetToken, Person, PersonStatus
from people.services.passwords import (
    password_reset_complete,
    password_reset_request,
    password_reset_request_handle,
    password_reset_request_record,
    person_change_own_password,
    person_invite,
    person_reset_password_link,
    person_set_password,
)
from people.services.reset_tokens import password_reset_token_issue
from people.tasks import requeue_pending_password_reset_requests
from people.tokens import token_resolve, tokens_issue_login_pair
from tests.conftest import PASSWORD
from tests.factories import AdminFactory, BotFactory, PersonFactory
from tests.people.services.conftest import refused_field

NEW_PASSWORD = "Fresh-pass-2026"


def live_tokens(person: Person) -> int:
    return AuthToken.objects.filter(person=person, revoked_at__isnull=True).count()


def emails_to(person: Person) -> list[str]:
    return list(OutboxEmail.objects.filter(to=person.email).order_by("created_at").values_list("kind", flat=True))


def link_query(link: str) -> dict:
    return {key: values[0] for key, values in parse_qs(urlsplit(link).query).items()}


# An admin sets a password --------------------------------------------------------------------------------


def test_setting_a_password_ends_sessions_activates_an_invitation_and_tells_the_person(hr):
    invited = PersonFactory(first_name="Ivy", password=None)
    tokens_issue_login_pair(person=invited)
    person_set_password(acting_user=hr, person=invited, password=NEW_PASSWORD, password_2=NEW_PASSWORD)
    invited.refresh_from_db()
    assert invited.check_password(NEW_PASSWORD)
    assert invited.status == PersonStatus.ACTIVE
    assert live_tokens(invited) == 0
    assert emails_to(invited) == ["password_changed"]


@pytest.mark.parametrize(("password", "password_2", "field"), [
    (NEW_PASSWORD, NEW_PASSWORD + "x", "password_2"),
    ("short1!", "short1!", "password"),
    ("password", "password", "password"),  # long enough, but too common
    ("12345678901", "12345678901", "password"),  # entirely numeric
])
def test_a_set_password_must_be_confirmed_and_strong(hr, artist, password, password_2, field):
    with pytest.raises(ApplicationError) as refused:
        person_set_password(acting_user=hr, person=artist, password=password, password_2=password_2)
    assert refused_field(refused) == field
    artist.refresh_from_db()
    assert artist.check_password(PASSWORD)


def test_who_may_set_whose_password(hr, artist, settings):
    other_admin = AdminFactory(first_name="Otto")
    with pytest.raises(ApplicationError, match="An admin can't change another admin's password."):
        person_set_password(acting_user=hr, person=other_admin, password=NEW_PASSWORD, password_2=NEW_PASSWORD)
    # An admin who never had a password is an invitation to finish, not a takeover.
    invited_admin = AdminFactory(first_name="Ines", password=None)
    person_set_password(acting_user=hr, person=invited_admin, password=NEW_PASSWORD, password_2=NEW_PASSWORD)
    settings.ROSTER_PROTECTED_ACCOUNTS = [artist.email]
    with pytest.raises(ApplicationError, match="This user is in protected accounts."):
        person_set_password(acting_user=hr, person=artist, password=NEW_PASSWORD, password_2=NEW_PASSWORD)
    gone = PersonFactory(first_name="Gone", active=False)
    with pytest.raises(ApplicationError, match="User is unactive."):
        person_set_password(acting_user=hr, person=gone, password=NEW_PASSWORD, password_2=NEW_PASSWORD)
    robot = BotFactory()
    with pytest.raises(Forbidden, match="This action is not available for bots."):
        person_set_password(acting_user=hr, person=robot, password=NEW_PASSWORD, password_2=NEW_PASSWORD)


# A person changes their own ------------------------------------------------------------------------------


def test_changing_your_password_keeps_only_the_session_you_asked_from(artist):
    current = tokens_issue_login_pair(person=artist)
    tokens_issue_login_pair(person=artist)
    kept = token_resolve(current.access_token, kind="access")
    person_change_own_password(person=artist, old_password=PASSWORD, password=NEW_PASSWORD,
                               password_2=NEW_PASSWORD, keep_token=kept)
    artist.refresh_from_db()
    assert artist.check_password(NEW_PASSWORD)
    assert token_resolve(current.access_token, kind="access").revoked_at is None
    assert live_tokens(artist) == 2  # the kept access token and its refresh token
    assert emails_to(artist) == ["password_changed"]


def test_a_wrong_old_password_counts_toward_the_lockout(artist, settings):
    settings.ROSTER_LOGIN_MAX_FAILURES = 5
    for attempt in range(1, 6):
        with pytest.raises(ApplicationError) as refused:
            person_change_own_password(person=artist, old_password="guess", password=NEW_PASSWORD,
                                       password_2=NEW_PASSWORD)
        assert (refused_field(refused), refused.value.message) == ("old_password", "Old password is wrong.")
        assert Person.objects.get(pk=artist.pk).login_failed_attemps == attempt
    with pytest.raises(ApplicationError) as refused:
        person_change_own_password(person=artist, old_password=PASSWORD, password=NEW_PASSWORD,
                                   password_2=NEW_PASSWORD)
    assert refused.value.message == "Too many failed login attempts."
    assert refused.value.extra == {"too_many_failed_login_attemps": True}
    artist.refresh_from_db()
    assert artist.check_password(PASSWORD)


def test_a_successful_change_clears_earlier_failures(artist):
    Person.objects.filter(pk=artist.pk).update(login_failed_attemps=2, last_login_failed=timezone.now())
    with pytest.raises(ApplicationError) as refused:
        person_change_own_password(person=artist, old_password=PASSWORD, password=NEW_PASSWORD,
                                   password_2="other")
    assert refused_field(refused) == "password_2"
    person_change_own_password(person=artist, old_password=PASSWORD, password=NEW_PASSWORD,
                               password_2=NEW_PASSWORD)
    assert Person.objects.get(pk=artist.pk).login_failed_attemps == 0


# Resets --------------------------------------------------------------------------------------------------


def test_a_reset_token_works_once(artist):
    token = password_reset_token_issue(person=artist)
    tokens_issue_login_pair(person=artist)
    password_reset_complete(email="ARTURO@studio.io ", token=token, password=NEW_PASSWORD, password2=NEW_PASSWORD)
    artist.refresh_from_db()
    assert artist.check_password(NEW_PASSWORD)
    assert live_tokens(artist) == 0
    assert not PasswordResetToken.objects.filter(person=artist, used_at__isnull=True).exists()
    with pytest.raises(ApplicationError, match="Wrong or expired token."):
        password_reset_complete(email=artist.email, token=token, password="Other-pass-2026",
                                password2="Other-pass-2026")
    assert emails_to(artist) == ["password_changed"]


def test_completing_one_reset_voids_the_pending_invitation_too(artist):
    invitation = password_reset_token_issue(person=artist, purpose="invite")
    reset = password_reset_token_issue(person=artist)
    password_reset_complete(email=artist.email, token=reset, password=NEW_PASSWORD, password2=NEW_PASSWORD)
    with pytest.raises(ApplicationError, match="Wrong or expired token."):
        password_reset_complete(email=artist.email, token=invitation, password=NEW_PASSWORD,
                                password2=NEW_PASSWORD)


def test_a_refused_confirmation_does_not_spend_the_token(artist):
    token = password_reset_token_issue(person=artist)
    with pytest.raises(ApplicationError) as refused:
        password_reset_complete(email=artist.email, token=token, password=NEW_PASSWORD, password2="typo")
    assert refused_field(refused) == "password2"
    with pytest.raises(ApplicationError) as refused:
        password_reset_complete(email=artist.email, token=token, password="short", password2="short")
    assert refused_field(refused) == "password"
    password_reset_complete(email=artist.email, token=token, password=NEW_PASSWORD, password2=NEW_PASSWORD)
    assert Person.objects.get(pk=artist.pk).check_password(NEW_PASSWORD)


def test_a_token_is_refused_for_another_address_or_once_expired(artist):
    other = PersonFactory(first_name="Other")
    token = password_reset_token_issue(person=artist)
    for email in (other.email, "nobody@studio.io", None):
        with pytest.raises(ApplicationError, match="Wrong or expired token."):
            password_reset_complete(email=email, token=token, password=NEW_PASSWORD, password2=NEW_PASSWORD)
    PasswordResetToken.objects.filter(person=artist).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    with pytest.raises(ApplicationError, match="Wrong or expired token."):
        password_reset_complete(email=artist.email, token=token, password=NEW_PASSWORD, password2=NEW_PASSWORD)


def test_a_reset_completes_an_invitation(db):
    invited = PersonFactory(first_name="Ivy", password=None)
    token = password_reset_token_issue(person=invited, purpose="invite")
    password_reset_complete(email=invited.email, token=token, password=NEW_PASSWORD, password2=NEW_PASSWORD)
    invited.refresh_from_db()
    assert (invited.status, invited.active) == (PersonStatus.ACTIVE, True)


def test_a_reset_request_is_silent_about_addresses_and_mails_active_people_only(artist):
    gone = PersonFactory(first_name="Gone", active=False)
    BotFactory(email="render@studio.io")
    for email in ("nobody@studio.io", gone.email, "render@studio.io", "", None):
        assert password_reset_request(email=email) is None
    assert OutboxEmail.objects.count() == 0
    password_reset_request(email=" Arturo@Studio.io")
    email = OutboxEmail.objects.get()
    assert (email.to, email.kind, email.sensitive) == ("arturo@studio.io", "password_reset", True)
    assert f"token={password_reset_token_issue(person=artist)}" in email.body


def test_asking_records_the_request_and_its_task_mails_the_link_once(artist,
                                                                     django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as queued:
        password_reset_request_record(email=" Arturo@Studio.io")
    asked = PasswordResetRequest.objects.get()
    assert (asked.email, len(queued), OutboxEmail.objects.count()) == ("Arturo@Studio.io", 1, 0)
    password_reset_request_handle(request_id=asked.pk)
    password_reset_request_handle(request_id=asked.pk)  # a task delivered twice
    assert emails_to(artist) == ["password_reset"]
    assert not PasswordResetRequest.objects.exists()


def test_an_address_longer_than_anyone_s_is_not_recorded(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as queued:
        password_reset_request_record(email="a" * 250 + "@studio.io")
    assert (PasswordResetRequest.objects.count(), len(queued)) == (0, 0)


def test_the_sweep_hands_over_the_requests_whose_task_was_lost(artist, hr):
    lost = PasswordResetRequest.objects.create(email=artist.email)
    five_minutes_ago = timezone.now() - dt.timedelta(seconds=301)
    PasswordResetRequest.objects.filter(pk=lost.pk).update(created_at=five_minutes_ago)
    fresh = PasswordResetRequest.objects.create(email=hr.email)  # its task may still be on its way
    assert requeue_pending_password_reset_requests() == 1  # run in-process (CELERY_TASK_ALWAYS_EAGER)
    assert emails_to(artist) == ["password_reset"] and emails_to(hr) == []
    assert list(PasswordResetRequest.objects.values_list("pk", flat=True)) == [fresh.pk]


def test_an_ask_unanswered_for_an_hour_is_dropped_not_mailed(artist):
    """A broker down for hours must not mail reset links long after they were asked for."""
    stale = PasswordResetRequest.objects.create(email=artist.email)
    PasswordResetRequest.objects.filter(pk=stale.pk).update(created_at=timezone.now() - dt.timedelta(hours=1, seconds=1))
    assert requeue_pending_password_reset_requests() == 0
    assert not PasswordResetRequest.objects.exists() and emails_to(artist) == []


# Invitations and links handed over -----------------------------------------------------------------------


def test_re_inviting_sends_the_same_link(hr):
    invited = PersonFactory(first_name="Ivy", password=None)
    person_invite(acting_user=hr, person=invited)
    person_invite(acting_user=hr, person=invited)
    first, second = OutboxEmail.objects.filter(to=invited.email).order_by("created_at")
    assert first.body == second.body
    assert (first.kind, first.sensitive) == ("invitation", True)
    assert "Hilda Doe invited you to Roster" in first.body
    link = next(word for word in first.body.split() if word.startswith("http"))
    assert link_query(link) == {"email": invited.email, "type": "new",
                                "token": password_reset_token_issue(person=invited, purpose="invite")}


def test_an_invitation_needs_an_active_person_with_an_address(hr):
    with pytest.raises(ApplicationError) as refused:
        person_invite(acting_user=hr, person=PersonFactory(first_name="Nomail", email=None))
    assert refused_field(refused) == "email"
    with pytest.raises(ApplicationError, match="User is unactive."):
        person_invite(acting_user=hr, person=PersonFactory(first_name="Gone", active=False))
    with pytest.raises(Forbidden):
        person_invite(acting_user=hr, person=BotFactory(email="render@studio.io"))
    assert OutboxEmail.objects.count() == 0


def test_the_reset_link_an_admin_hands_over_is_stable(hr, artist, settings):
    link = person_reset_password_link(acting_user=hr, person=artist)
    assert person_reset_password_link(acting_user=hr, person=artist) == link
    assert link_query(link) == {"email": artist.email, "token": password_reset_token_issue(person=artist)}
    assert OutboxEmail.objects.count() == 0  # handed over, not mailed
    settings.ROSTER_PROTECTED_ACCOUNTS = [artist.email]
    with pytest.raises(ApplicationError, match="This user is in protected accounts."):
        person_reset_password_link(acting_user=hr, person=artist)
