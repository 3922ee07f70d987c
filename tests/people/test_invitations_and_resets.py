"""Zou checklist 36-38: reset-password links, invitations and turning off someone's 2FA."""

from urllib.parse import parse_qs, urlparse

import pytest
from django.core import mail

from notifications.models import DeliveryStatus, OutboxEmail
from people.models import Person
from tests.conftest import PASSWORD, client_for
from tests.factories import AdminFactory, PersonFactory


@pytest.fixture
def sent_on_commit(django_capture_on_commit_callbacks):
    def run(call):
        with django_capture_on_commit_callbacks(execute=True):
            return call()
    return run


def link_token(link: str) -> dict:
    query = parse_qs(urlparse(link).query)
    return {key: values[0] for key, values in query.items()}


def test_reset_password_link_is_stable_and_sets_a_password(admin_api, user, anon_api):
    first = admin_api.post(f"/api/actions/persons/{user.pk}/reset-password-link", {}, format="json")
    second = admin_api.post(f"/api/actions/persons/{user.pk}/reset-password-link", {}, format="json")
    assert first.status_code == 200
    link = first.json()["reset_password_link"]
    assert link == second.json()["reset_password_link"]
    assert urlparse(link).path == "/reset-change-password"
    params = link_token(link)
    assert params["email"] == user.email and len(params["token"]) == 64
    response = anon_api.put("/api/auth/reset-password", {
        "email": user.email, "token": params["token"], "password": "Fresh-pass-123", "password2": "Fresh-pass-123",
    }, format="json")
    assert response.status_code == 200
    assert anon_api.post("/api/auth/login", {"email": user.email, "password": "Fresh-pass-123"},
                         format="json").status_code == 200


def test_reset_password_link_refused_for_another_admin_with_a_password(admin_api):
    other_admin = AdminFactory(email="second.admin@gmail.com")
    response = admin_api.post(f"/api/actions/persons/{other_admin.pk}/reset-password-link", {}, format="json")
    assert response.status_code == 400
    assert response.json()["message"] == "An admin can't change another admin's password."


def test_reset_password_link_refused_for_protected_account(admin_api, user, settings):
    settings.ROSTER_PROTECTED_ACCOUNTS = [user.email]
    response = admin_api.post(f"/api/actions/persons/{user.pk}/reset-password-link", {}, format="json")
    assert response.status_code == 400
    assert response.json()["message"] == "This user is in protected accounts."


def test_invite_sends_one_email_with_a_working_link(admin_api, anon_api, sent_on_commit):
    newcomer = PersonFactory(email="newcomer@gmail.com", password=None)
    assert newcomer.status == "invited"
    response = sent_on_commit(lambda: admin_api.get(f"/api/actions/persons/{newcomer.pk}/invite"))
    assert response.status_code == 200
    assert response.json() == {"success": True, "message": "Email sent"}
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["newcomer@gmail.com"]
    assert OutboxEmail.objects.get(kind="invitation").status == DeliveryStatus.SENT
    link = next(line for line in mail.outbox[0].body.splitlines() if "reset-change-password" in line)
    params = link_token(link.strip())
    assert params["type"] == "new"
    response = anon_api.put("/api/auth/reset-password", {
        "email": params["email"], "token": params["token"], "password": "Welcome-aboard-1",
        "password2": "Welcome-aboard-1",
    }, format="json")
    assert response.status_code == 200
    newcomer.refresh_from_db()
    assert newcomer.status == "active" and newcomer.check_password("Welcome-aboard-1")


def test_invite_refused_for_bots_and_managers(admin_api, manager_api, bot, user):
    assert admin_api.get(f"/api/actions/persons/{bot.pk}/invite").status_code == 403
    assert manager_api.get(f"/api/actions/persons/{user.pk}/invite").status_code == 403
    assert not mail.outbox


def test_disable_two_factor(admin_api, user, sent_on_commit):
    response = admin_api.delete(f"/api/actions/persons/{user.pk}/disable-two-factor-authentication")
    assert response.status_code == 400
    assert response.json()["message"] == "Two factor authentication not enabled for this user."

    Person.objects.filter(pk=user.pk).update(
        totp_enabled=True, totp_secret="JBSWY3DPEHPK3PXP", otp_recovery_codes=["x"],
        preferred_two_factor_authentication="totp",
    )
    response = sent_on_commit(lambda: admin_api.delete(f"/api/data/persons/{user.pk}/two-factor-authentication"))
    assert response.status_code == 200 and response.json() == {"success": True}
    user.refresh_from_db()
    assert (user.totp_enabled, user.totp_secret, user.otp_recovery_codes,
            user.preferred_two_factor_authentication) == (False, None, None, None)
    assert [m.to for m in mail.outbox] == [[user.email]]


def test_disable_two_factor_refused_for_another_admin(admin_api):
    other_admin = AdminFactory(email="second.admin@gmail.com")
    Person.objects.filter(pk=other_admin.pk).update(totp_enabled=True)
    response = admin_api.delete(f"/api/actions/persons/{other_admin.pk}/disable-two-factor-authentication")
    assert response.status_code == 400
    assert response.json()["message"] == "An admin can't disable 2FA for other admins."


def test_set_password_revokes_the_persons_sessions(admin_api, user):
    user_api = client_for(user)
    assert user_api.get("/api/auth/authenticated").status_code == 200
    response = admin_api.post(f"/api/actions/persons/{user.pk}/change-password",
                              {"password": "Brand-new-pass1", "password_2": "Brand-new-pass1"}, format="json")
    assert response.status_code == 200
    assert user_api.get("/api/auth/authenticated").status_code == 401
    user.refresh_from_db()
    assert user.check_password("Brand-new-pass1") and not user.check_password(PASSWORD)
