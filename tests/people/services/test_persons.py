"""people.services.persons called directly: the user limit, protected accounts, `active` kept in step with
`status`, unique sign-in identifiers, who may write what, deletion and department memberships."""

import datetime as dt
import uuid

import pytest
from django.utils import timezone

from config.errors import ApplicationError, Forbidden
from departments.models import Department
from people.models import AuthToken, DesktopLoginLog, Person, PersonStatus, Role
from people.services.persons import (
    person_add_department,
    person_create,
    person_delete,
    person_remove_department,
    person_update,
)
from people.tokens import tokens_issue_login_pair
from tests.conftest import PASSWORD
from tests.factories import AdminFactory, PersonFactory
from tests.people.services.conftest import refused_field

# User limit ----------------------------------------------------------------------------------------------


def test_the_user_limit_counts_active_people_only(hr, settings):
    settings.ROSTER_USER_LIMIT = 2
    PersonFactory(first_name="Second")
    with pytest.raises(ApplicationError) as refused:
        person_create(acting_user=hr, data={"first_name": "Third"})
    assert (refused.value.message, refused.value.data) == ("User limit reached.", {"limit": 2})
    # Bots, guests and inactive persons take no seat.
    person_create(acting_user=hr, data={"first_name": "Render", "is_bot": True})
    person_create(acting_user=hr, data={"first_name": "Visitor", "is_guest": True})
    person_create(acting_user=hr, data={"first_name": "Gone", "active": False})
    assert Person.objects.count() == 5


def test_taking_a_seat_back_is_checked_against_the_limit(hr, settings):
    gone = person_create(acting_user=hr, data={"first_name": "Gone", "status": PersonStatus.INACTIVE}).person
    guest = person_create(acting_user=hr, data={"first_name": "Visitor", "is_guest": True}).person
    robot = person_create(acting_user=hr, data={"first_name": "Render", "is_bot": True}).person
    settings.ROSTER_USER_LIMIT = 1
    for person, change in ((gone, {"active": True}), (guest, {"is_guest": False}), (robot, {"is_bot": False})):
        with pytest.raises(ApplicationError, match="User limit reached."):
            person_update(acting_user=hr, person=person, data=change)
        person.refresh_from_db()
        assert person.active is (person != gone)


# Protected accounts --------------------------------------------------------------------------------------


@pytest.fixture
def boss(hr, settings):
    settings.ROSTER_PROTECTED_ACCOUNTS = ["boss@studio.io"]
    return AdminFactory(email="boss@studio.io")


@pytest.mark.parametrize(("change", "message"), [
    ({"active": False}, "Can't set this person as inactive it's a protected account."),
    ({"status": PersonStatus.SUSPENDED}, "Can't set this person as inactive it's a protected account."),
    ({"role": Role.USER}, "Can't change the role of this person it's a protected account."),
    ({"email": "elsewhere@studio.io"}, "Can't change the email of this person it's a protected account."),
    ({"is_bot": True}, "Can't turn this person into a bot it's a protected account."),
])
def test_a_protected_account_is_locked_for_other_admins(hr, boss, change, message):
    with pytest.raises(Forbidden) as refused:
        person_update(acting_user=hr, person=boss, data=change)
    assert refused.value.message == message
    boss.refresh_from_db()
    assert (boss.active, boss.role, boss.email, boss.is_bot) == (True, Role.ADMIN, "boss@studio.io", False)


def test_a_protected_account_edits_itself_and_others_may_change_its_email_case(hr, boss):
    person_update(acting_user=hr, person=boss, data={"email": "Boss@Studio.io", "job_title": "CEO"})
    person_update(acting_user=boss, person=boss, data={"email": "ceo@studio.io"})
    boss.refresh_from_db()
    assert (boss.email, boss.job_title) == ("ceo@studio.io", "CEO")


def test_a_protected_account_cannot_be_deleted(hr, boss):
    with pytest.raises(Forbidden, match="Can't delete this person it's a protected account."):
        person_delete(acting_user=hr, person=boss)
    assert Person.objects.filter(pk=boss.pk).exists()


def test_only_admins_may_give_someone_a_protected_address(hr, artist, settings):
    settings.ROSTER_PROTECTED_ACCOUNTS = ["future.ceo@studio.io"]
    with pytest.raises(Forbidden, match="This email belongs to a protected account."):
        person_update(acting_user=artist, person=artist, data={"email": "Future.CEO@studio.io"})
    person_update(acting_user=hr, person=artist, data={"email": "future.ceo@studio.io"})
    artist.refresh_from_db()
    assert artist.is_protected_account


# Status and active ---------------------------------------------------------------------------------------


def test_a_new_person_without_password_is_invited_and_with_one_is_active(hr):
    invited = person_create(acting_user=hr, data={"first_name": "New"}).person
    ready = person_create(acting_user=hr, data={"first_name": "Ready", "password": "Str0ng-enough"}).person
    robot = person_create(acting_user=hr, data={"first_name": "Render", "is_bot": True}).person
    ldap = person_create(acting_user=hr, data={"first_name": "Lda", "authentication_method": "ldap"}).person
    assert [(p.status, p.active) for p in (invited, ready, robot, ldap)] == [
        (PersonStatus.INVITED, True), (PersonStatus.ACTIVE, True), (PersonStatus.ACTIVE, True),
        (PersonStatus.ACTIVE, True),
    ]
    assert not invited.has_usable_password()


@pytest.mark.parametrize(("data", "expected"), [
    ({"active": False}, (PersonStatus.INACTIVE, False)),
    ({"status": PersonStatus.SUSPENDED}, (PersonStatus.SUSPENDED, False)),
    ({"status": PersonStatus.LOCKED, "active": False}, (PersonStatus.LOCKED, False)),
    ({"status": PersonStatus.ACTIVE, "active": True}, (PersonStatus.ACTIVE, True)),
])
def test_active_follows_status_on_create(hr, data, expected):
    person = person_create(acting_user=hr, data={"first_name": "Sam", "password": "Str0ng-enough", **data}).person
    assert (person.status, person.active) == expected


def test_contradicting_active_and_status_is_refused(hr, artist):
    with pytest.raises(ApplicationError) as refused:
        person_update(acting_user=hr, person=artist, data={"status": PersonStatus.LOCKED, "active": True})
    assert (refused_field(refused), refused.value.message) == ("active", "active contradicts status.")
    with pytest.raises(ApplicationError) as refused:
        person_update(acting_user=hr, person=artist, data={"status": "retired"})
    assert refused_field(refused) == "status"


def test_gazu_sending_the_whole_dict_back_means_the_active_it_changed(hr, artist):
    """gazu PUTs every key back: an unchanged status next to a changed `active` is not a contradiction."""
    person_update(acting_user=hr, person=artist, data={"status": PersonStatus.ACTIVE, "active": False})
    artist.refresh_from_db()
    assert (artist.status, artist.active) == (PersonStatus.INACTIVE, False)
    person_update(acting_user=hr, person=artist, data={"status": PersonStatus.INACTIVE, "active": True})
    artist.refresh_from_db()
    assert (artist.status, artist.active) == (PersonStatus.ACTIVE, True)


def test_leaving_the_sign_in_states_ends_every_session(hr, artist):
    tokens_issue_login_pair(person=artist)
    person_update(acting_user=hr, person=artist, data={"status": PersonStatus.SUSPENDED})
    assert AuthToken.objects.filter(person=artist, revoked_at__isnull=True).count() == 0
    assert AuthToken.objects.filter(person=artist).count() == 2


# Sign-in identifiers -------------------------------------------------------------------------------------


def test_emails_are_unique_among_people_regardless_of_case(hr, artist):
    with pytest.raises(ApplicationError) as refused:
        person_create(acting_user=hr, data={"first_name": "Twin", "email": "  ARTURO@studio.io "})
    assert (refused_field(refused), refused.value.message) == ("email", "Email already in use.")
    # Bots never sign in, so they may share an address.
    robot = person_create(acting_user=hr, data={"first_name": "Render", "is_bot": True,
                                                "email": "arturo@studio.io"}).person
    assert robot.email == "arturo@studio.io"


def test_an_identifier_may_not_be_someone_elses_email_or_desktop_login(hr, artist):
    """Sign-in tries a string as an email, then as a desktop login: it must name one person in both."""
    with pytest.raises(ApplicationError) as refused:
        person_create(acting_user=hr, data={"first_name": "Copy", "desktop_login": "arturo@studio.io"})
    assert (refused_field(refused), refused.value.message) == ("desktop_login", "Desktop login already in use.")
    PersonFactory(first_name="Mail", desktop_login="shared@studio.io")
    other = PersonFactory(first_name="Other")
    with pytest.raises(ApplicationError) as refused:
        person_update(acting_user=hr, person=other, data={"email": "shared@studio.io"})
    assert (refused_field(refused), refused.value.message) == ("email", "Email already in use.")
    with pytest.raises(ApplicationError) as refused:
        person_update(acting_user=hr, person=other, data={"desktop_login": "arturo"})
    assert (refused_field(refused), refused.value.message) == ("desktop_login", "Desktop login already in use.")
    # Keeping your own identifiers is no clash.
    person_update(acting_user=hr, person=artist, data={"email": "arturo@studio.io", "desktop_login": "arturo"})


def test_other_unique_columns_name_their_field(hr, artist):
    person_update(acting_user=hr, person=artist, data={"username": "arturo", "shotgun_id": 42})
    for field, value, message in (("username", "arturo", "Username already in use."),
                                  ("shotgun_id", 42, "Shotgun id already in use.")):
        with pytest.raises(ApplicationError) as refused:
            person_create(acting_user=hr, data={"first_name": "Copy", field: value})
        assert (refused_field(refused), refused.value.message) == (field, message)


# What a write may carry ----------------------------------------------------------------------------------


def test_an_artist_editing_themselves_keeps_privileged_columns_unchanged(artist):
    person_update(acting_user=artist, person=artist, data={
        "phone": " +33 1 23 ", "timezone": "Asia/Tokyo", "role": Role.ADMIN, "daily_salary": 900,
        "active": False, "has_avatar": True, "totp_enabled": True, "password": "ignored-here",
    })
    artist.refresh_from_db()
    assert (artist.phone, artist.timezone) == ("+33 1 23", "Asia/Tokyo")
    assert (artist.role, artist.daily_salary, artist.active) == (Role.USER, 0, True)
    assert (artist.has_avatar, artist.totp_enabled) == (False, False)
    assert artist.check_password(PASSWORD)


def test_create_refuses_unknown_keys_and_requires_a_first_name(hr):
    with pytest.raises(ApplicationError) as refused:
        person_create(acting_user=hr, data={"first_name": "Sam", "has_avatar": True})
    assert (refused_field(refused), refused.value.message) == ("has_avatar", "Unknown field: has_avatar.")
    with pytest.raises(ApplicationError) as refused:
        person_create(acting_user=hr, data={"first_name": "   "})
    assert (refused_field(refused), refused.value.message) == ("first_name", "First name is required.")


def test_references_and_dates_are_checked(hr, artist):
    cases = [
        ({"manager_id": artist.pk}, "manager_id", "A person cannot be their own manager."),
        ({"manager_id": uuid.uuid4()}, "manager_id", "Manager ID matches no person."),
        ({"studio_id": uuid.uuid4()}, "studio_id", "Studio ID matches no studio."),
        ({"expiration_date": timezone.localdate() - dt.timedelta(days=1)}, "expiration_date",
         "Expiration date can't be in the past."),
        ({"country": "zz"}, "country", "Invalid country code: 'zz'."),
    ]
    for data, field, message in cases:
        with pytest.raises(ApplicationError) as refused:
            person_update(acting_user=hr, person=artist, data=data)
        assert (refused_field(refused), refused.value.message) == (field, message)
    person_update(acting_user=hr, person=artist, data={"manager_id": hr.pk, "country": "fr"})
    artist.refresh_from_db()
    assert (artist.manager_id, artist.country) == (hr.pk, "FR")


def test_a_bot_gets_a_new_token_when_its_expiration_date_is_set(hr):
    created = person_create(acting_user=hr, data={"first_name": "Render", "is_bot": True})
    assert created.access_token
    same = person_update(acting_user=hr, person=created.person, data={"job_title": "farm"})
    assert same.access_token is None
    renewed = person_update(acting_user=hr, person=created.person,
                            data={"expiration_date": timezone.localdate() + dt.timedelta(days=30)})
    assert renewed.access_token not in (None, created.access_token)
    assert AuthToken.objects.filter(person=created.person, revoked_at__isnull=True).count() == 1


# Delete --------------------------------------------------------------------------------------------------


def test_nobody_deletes_themselves(hr):
    with pytest.raises(Forbidden, match="You can't delete yourself."):
        person_delete(acting_user=hr, person=hr)


def test_a_forced_delete_removes_desktop_login_logs(hr, artist):
    DesktopLoginLog.objects.create(person=artist, date=timezone.now())
    with pytest.raises(ApplicationError, match="Some data are still linked to given person."):
        person_delete(acting_user=hr, person=artist)
    person_delete(acting_user=hr, person=artist, force=True)
    assert not Person.objects.filter(pk=artist.pk).exists()
    assert DesktopLoginLog.objects.count() == 0


# Departments ---------------------------------------------------------------------------------------------


def test_department_memberships(hr, artist):
    layout = Department.objects.create(name="Layout", color="#123456")
    lighting = Department.objects.create(name="Lighting", color="#654321")
    person_add_department(acting_user=hr, person=artist, department_id=layout.pk)
    person_add_department(acting_user=hr, person=artist, department_id=str(layout.pk))  # already a member
    person_add_department(acting_user=hr, person=artist, department_id=lighting.pk)
    assert sorted(artist.departments.values_list("name", flat=True)) == ["Layout", "Lighting"]
    person_remove_department(acting_user=hr, person=artist, department_id=layout.pk)
    assert list(artist.departments.values_list("name", flat=True)) == ["Lighting"]
    for department_id in (uuid.uuid4(), "not-a-uuid"):
        with pytest.raises(ApplicationError) as refused:
            person_add_department(acting_user=hr, person=artist, department_id=department_id)
        assert refused.value.message == "Department ID matches no department"


def test_departments_in_a_write_replace_the_memberships_and_drop_unknown_ids(hr, artist):
    layout = Department.objects.create(name="Layout", color="#123456")
    lighting = Department.objects.create(name="Lighting", color="#654321")
    person_update(acting_user=hr, person=artist, data={"departments": [str(layout.pk), {"id": str(lighting.pk)}]})
    person_update(acting_user=hr, person=artist, data={"departments": [str(lighting.pk), str(uuid.uuid4()), 7]})
    assert list(artist.departments.values_list("name", flat=True)) == ["Lighting"]
    with pytest.raises(ApplicationError) as refused:
        person_update(acting_user=hr, person=artist, data={"departments": str(layout.pk)})
    assert refused_field(refused) == "departments"
