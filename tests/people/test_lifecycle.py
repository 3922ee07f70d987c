"""Account states (issue 7 item 3): lock and unlock (Zealot's 202), suspend with a reason, activate, a status set
directly, a forced password change, and accounts that expire. Leaving the sign-in states ends every session at
once; every change is one audit row."""

import datetime as dt

import pytest
from django.utils import timezone

from audit.models import AuditEntry
from notifications.models import OutboxEmail
from people.models import Person, PersonStatus
from people.tasks import deactivate_expired_persons
from tests.conftest import PASSWORD, ApiClient, assert_field_error, make_person

pytestmark = pytest.mark.django_db


def signed_in(person) -> ApiClient:
    response = ApiClient().post("/api/auth/login", {"email": person.email, "password": PASSWORD}, format="json")
    assert response.status_code == 200, response.content
    return ApiClient(token=response.json()["access_token"])


def trail(person, action):
    return list(AuditEntry.objects.filter(target_id=str(person.pk), action=action))


@pytest.mark.parametrize(("path", "method", "expected_status", "answer", "action"), [
    ("lock", "post", PersonStatus.LOCKED, 202, "person.locked"),
    ("suspend", "post", PersonStatus.SUSPENDED, 200, "person.suspended"),
])
def test_lock_and_suspend_end_every_session_at_once(admin, admin_api, user, path, method, expected_status,
                                                    answer, action):
    session = signed_in(user)
    assert session.get("/api/auth/authenticated").status_code == 200
    response = getattr(admin_api, method)(f"/api/actions/persons/{user.pk}/{path}", {"reason": "left the show"},
                                          format="json")
    assert response.status_code == answer
    assert (response.json()["status"], response.json()["active"]) == (expected_status, False)
    assert session.get("/api/auth/authenticated").status_code == 401  # the token died with the change
    login = ApiClient().post("/api/auth/login", {"email": user.email, "password": PASSWORD}, format="json")
    assert login.status_code == 401 and login.json()["unactive"] is True
    [entry] = trail(user, action)
    assert (entry.actor_id, entry.reason) == (admin.pk, "left the show")
    assert entry.changes == {"status": ["active", expected_status], "active": [True, False]}


def test_unlock_opens_the_account_again_and_only_a_locked_one(admin_api, user):
    assert admin_api.delete(f"/api/actions/persons/{user.pk}/unlock").status_code == 400  # not locked
    admin_api.post(f"/api/actions/persons/{user.pk}/lock")
    response = admin_api.delete(f"/api/actions/persons/{user.pk}/unlock")
    assert response.status_code == 202 and response.json()["status"] == "active"
    signed_in(user)
    assert len(trail(user, "person.unlocked")) == 1


def test_the_same_state_twice_is_one_change(admin_api, user):
    for _ in range(2):
        assert admin_api.post(f"/api/actions/persons/{user.pk}/suspend").status_code == 200
    assert len(trail(user, "person.suspended")) == 1


def test_activation_takes_a_seat_under_the_user_limit(settings, admin_api, user):
    admin_api.patch(f"/api/data/persons/{user.pk}/status", {"status": "inactive"}, format="json")
    settings.ROSTER_USER_LIMIT = Person.objects.filter(active=True, is_bot=False, is_guest=False).count()
    refused = admin_api.post(f"/api/actions/persons/{user.pk}/activate")
    assert refused.status_code == 400 and refused.json()["message"] == "User limit reached."
    assert Person.objects.get(pk=user.pk).status == PersonStatus.INACTIVE
    settings.ROSTER_USER_LIMIT += 1
    assert admin_api.post(f"/api/actions/persons/{user.pk}/activate").json()["status"] == "active"


@pytest.mark.parametrize("body", [{}, {"status": "retired"}, {"status": None}])
def test_a_status_outside_the_five_is_a_400_naming_it(admin_api, user, body):
    assert_field_error(admin_api.patch(f"/api/data/persons/{user.pk}/status", body, format="json"), "status")


def test_a_reason_too_long_is_a_400_naming_it(admin_api, user):
    response = admin_api.post(f"/api/actions/persons/{user.pk}/suspend", {"reason": "x" * 1001}, format="json")
    assert_field_error(response, "reason")
    assert Person.objects.get(pk=user.pk).status == PersonStatus.ACTIVE


def test_nobody_changes_their_own_state(admin, admin_api):
    for path, method in (("lock", "post"), ("suspend", "post")):
        assert getattr(admin_api, method)(f"/api/actions/persons/{admin.pk}/{path}").status_code == 400
    assert Person.objects.get(pk=admin.pk).active


def test_a_protected_account_refuses_every_state_but_active(settings, admin_api):
    boss = make_person(email="boss@example.com")
    settings.ROSTER_PROTECTED_ACCOUNTS = ["boss@example.com"]
    for path in ("lock", "suspend"):
        assert admin_api.post(f"/api/actions/persons/{boss.pk}/{path}").status_code == 403
    assert admin_api.patch(f"/api/data/persons/{boss.pk}/status", {"status": "inactive"},
                           format="json").status_code == 403
    assert admin_api.post(f"/api/actions/persons/{boss.pk}/activate").status_code == 200
    assert Person.objects.get(pk=boss.pk).active


def test_a_forced_password_change_at_the_next_sign_in(admin, admin_api, user):
    session = signed_in(user)
    response = admin_api.post(f"/api/actions/persons/{user.pk}/force-password-reset", {"reason": "leak"},
                              format="json")
    assert response.status_code == 200 and response.json()["email_sent"] is True
    assert session.get("/api/auth/authenticated").status_code == 401
    assert OutboxEmail.objects.filter(to=user.email, kind="password_reset_forced").count() == 1

    # The right password now answers Zou's default-password shape: a reset token, no session.
    login = ApiClient().post("/api/auth/login", {"email": user.email, "password": PASSWORD}, format="json")
    assert login.status_code == 400
    body = login.json()
    assert body["default_password"] is True and "access_token" not in body
    reset = ApiClient().put("/api/auth/reset-password", {"email": user.email, "token": body["token"],
                                                          "password": "Brand-new-pass-1",
                                                          "password2": "Brand-new-pass-1"}, format="json")
    assert reset.status_code == 200
    assert not Person.objects.get(pk=user.pk).password_change_required
    assert ApiClient().post("/api/auth/login", {"email": user.email, "password": "Brand-new-pass-1"},
                            format="json").status_code == 200
    [entry] = trail(user, "person.password_reset_forced")
    assert (entry.actor_id, entry.reason) == (admin.pk, "leak")


def test_expired_accounts_are_deactivated_by_the_periodic_task(user, manager):
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    Person.objects.filter(pk=user.pk).update(expiration_date=yesterday)
    Person.objects.filter(pk=manager.pk).update(expiration_date=timezone.localdate())  # expires tonight
    session = signed_in(user)
    assert deactivate_expired_persons.apply().get() == 1
    assert deactivate_expired_persons.apply().get() == 0  # idempotent
    assert Person.objects.get(pk=user.pk).status == PersonStatus.INACTIVE
    assert Person.objects.get(pk=manager.pk).active
    assert session.get("/api/auth/authenticated").status_code == 401
    [entry] = trail(user, "person.expired")
    assert entry.actor_id is None and yesterday.isoformat() in entry.reason
