
"""The `/api/auth/` routes (zou-api.md section 1; checklist items 1-7, 9 and 10 of section 10)."""

import datetime as dt
import hashlib
import re
from urllib.parse import parse_qs, urlsplit

from django.contrib.auth.hashers import check_password, make_password
from django.core import mail
from django.test import Client
from django.utils import timezone

from departments.models import Department, Organisation
from departments.services import organisation_get_or_create
from notifications.models import DeliveryStatus, OutboxEmail
from people.models import AuthToken, PasswordResetToken, Person, Role
from tests.conftest import PASSWORD, ApiClient, client_for
from tests.factories import PersonFactory

NEW_PASSWORD = "an0ther-Secret!"
LOCKED_BODY = {"error": True, "login": False, "too_many_failed_login_attemps": True}
UNACTIVE_BODY = {"error": True, "login": False, "unactive": True, "message": "User is unactive, he cannot log in."}
LOGIN_KEYS = {"user", "organisation", "login", "access_token", "refresh_token"}
RESET_TOKEN = re.compile(r"^[A-Z0-9]{64}$")


def login(email, password=PASSWORD, **extra):
    return ApiClient().post("/api/auth/login", {"email": email, "password": password, **extra}, format="json")


def bearer(token: str) -> ApiClient:
    return ApiClient(token=token)


def fail_logins(email, times: int) -> None:
    for _ in range(times):
        response = login(email, "not-the-password")
        assert response.status_code == 400, response.content


def move_last_failure_back(person: Person, seconds: int = 61) -> None:
    Person.objects.filter(pk=person.pk).update(
        last_login_failed=timezone.now() - dt.timedelta(seconds=seconds)
    )


def token_row(raw: str) -> AuthToken:
    return AuthToken.objects.get(digest=hashlib.sha256(raw.encode()).hexdigest())


def reset_link_from_outbox(to: str) -> dict:
    message = next(m for m in mail.outbox if m.to == [to])
    link = re.search(r"https?://\S+", message.body).group(0)
    return {key: values[0] for key, values in parse_qs(urlsplit(link).query).items()} | {
        "path": urlsplit(link).path
    }


def mailed_reset_token(email, capture_on_commit) -> str:
    """Ask for a reset link for `email`, deliver the email, and return the token it carries."""
    with capture_on_commit(execute=True):
        request_reset(email)
    return reset_link_from_outbox(email)["token"]


# 1. Valid login ---------------------------------------------------------------------------------------------


def test_login_returns_user_organisation_and_tokens_that_authenticate(user, admin_api):
    department = Department.objects.create(name="Modeling", color="#FF0000")
    response = admin_api.post(f"/api/actions/persons/{user.pk}/departments/add",
                              {"department_id": str(department.pk)}, format="json")
    assert response.status_code == 201, response.content

    response = login("john.doe@gmail.com")
    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == LOGIN_KEYS
    assert body["login"] is True
    assert body["user"]["id"] == str(user.pk)
    assert body["user"]["type"] == "Person"
    assert body["user"]["email"] == "john.doe@gmail.com"
    assert body["user"]["departments"] == [str(department.pk)]
    assert body["organisation"]["type"] == "Organisation"
    assert body["access_token"] != body["refresh_token"]

    authenticated = bearer(body["access_token"]).get("/api/auth/authenticated")
    assert authenticated.status_code == 200, authenticated.content
    data = authenticated.json()
    assert data["authenticated"] is True
    assert data["user"]["id"] == str(user.pk)
    assert data["user"]["departments"] == body["user"]["departments"] == [str(department.pk)]
    assert data["user"]["fido_devices"] == []
    assert data["organisation"] == body["organisation"]


def test_login_hides_chat_secrets_from_non_admins(admin, user):
    organisation = organisation_get_or_create()
    Organisation.objects.filter(pk=organisation.pk).update(chat_token_slack="xoxb-secret")

    user_organisation = login("john.doe@gmail.com").json()["organisation"]
    admin_organisation = login("john.did@gmail.com").json()["organisation"]

    for field in Organisation.CHAT_SECRET_FIELDS:
        assert field not in user_organisation
    assert admin_organisation["chat_token_slack"] == "xoxb-secret"


def test_login_records_success_and_resets_failures(user):
    fail_logins("john.doe@gmail.com", 2)
    response = login("john.doe@gmail.com")
    assert response.status_code == 200, response.content
    user.refresh_from_db()
    assert user.login_failed_attemps == 0
    assert user.last_login is not None


# 2. Other ways of sending credentials -------------------------------------------------------------------------


def test_login_with_credentials_in_the_query_string(user):
    response = ApiClient().post(f"/api/auth/login?email=john.doe@gmail.com&password={PASSWORD}")
    assert response.status_code == 200, response.content
    assert response.json()["login"] is True
    assert response.json()["user"]["id"] == str(user.pk)


def test_login_with_form_data(user):
    response = ApiClient().post("/api/auth/login", {"email": "john.doe@gmail.com", "password": PASSWORD})
    assert response.status_code == 200, response.content
    assert response.json()["user"]["id"] == str(user.pk)


def test_login_with_urlencoded_form(user):
    response = ApiClient().post(
        "/api/auth/login", f"email=john.doe%40gmail.com&password={PASSWORD}",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200, response.content
    assert response.json()["user"]["id"] == str(user.pk)


def test_login_with_desktop_login_in_place_of_email(user):
    response = login("john.doe")
    assert response.status_code == 200, response.content
    assert response.json()["user"]["id"] == str(user.pk)
    assert login("john.doe", "wrong-password").json() == {"login": False}


def test_login_email_is_case_insensitive_and_trimmed(user):
    response = login("  John.Doe@GMAIL.com ")
    assert response.status_code == 200, response.content
    assert response.json()["user"]["id"] == str(user.pk)


def test_bots_cannot_log_in_with_their_email(bot):
    response = login("bot@gmail.com", "default")
    assert response.status_code == 400
    assert response.json() == {"login": False}


# 3. Inactive accounts ---------------------------------------------------------------------------------------


def test_inactive_account_with_right_password_is_401_unactive(db):
    PersonFactory(email="gone@example.com", active=False)
    response = login("gone@example.com")
    assert response.status_code == 401
    assert response.json() == UNACTIVE_BODY


def test_inactive_account_with_wrong_password_looks_like_an_unknown_email(db):
    PersonFactory(email="gone@example.com", active=False)
    wrong = login("gone@example.com", "not-the-password")
    unknown = login("nobody@example.com", "not-the-password")
    assert wrong.status_code == unknown.status_code == 400
    assert wrong.json() == unknown.json() == {"login": False}


# 4. Validation and malformed tokens --------------------------------------------------------------------------


def test_login_with_empty_body_is_a_validation_error(db):
    response = ApiClient().post("/api/auth/login", {}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["error"] is True
    assert [error["field"] for error in body["data"]["errors"]] == ["email"]


def test_login_with_wrong_password_is_400(user):
    response = login("john.doe@gmail.com", "not-the-password")
    assert response.status_code == 400
    assert response.json() == {"login": False}


def test_bearer_none_is_422(db):
    response = bearer("None").get("/api/auth/authenticated")
    assert response.status_code == 422


def test_missing_or_unknown_token_is_401(db):
    assert ApiClient().get("/api/auth/authenticated").status_code == 401
    unknown = bearer("A" * 43).get("/api/auth/authenticated")
    assert unknown.status_code == 401
    assert unknown.json()["error"] is True


# 5. Lockout ---------------------------------------------------------------------------------------------------


def test_five_failures_lock_even_the_right_password(user):
    fail_logins("john.doe@gmail.com", 4)
    assert login("john.doe@gmail.com", "not-the-password").json() == {"login": False}
    response = login("john.doe@gmail.com")
    assert response.status_code == 400
    assert response.json() == LOCKED_BODY
    assert login("john.doe", "not-the-password").json() == LOCKED_BODY


def test_after_the_window_one_failure_does_not_relock(user):
    fail_logins("john.doe@gmail.com", 5)
    assert login("john.doe@gmail.com").json() == LOCKED_BODY
    move_last_failure_back(user)

    assert login("john.doe@gmail.com", "not-the-password").json() == {"login": False}
    user.refresh_from_db()
    assert user.login_failed_attemps == 1
    response = login("john.doe@gmail.com")
    assert response.status_code == 200, response.content


def test_after_the_window_five_more_failures_relock(user):
    fail_logins("john.doe@gmail.com", 5)
    move_last_failure_back(user)
    fail_logins("john.doe@gmail.com", 4)
    user.refresh_from_db()
    assert user.login_failed_attemps == 4
    assert login("john.doe@gmail.com", "not-the-password").json() == {"login": False}
    move_last_failure_back(user, seconds=30)  # still inside the one-minute window
    response = login("john.doe@gmail.com")
    assert response.status_code == 400
    assert response.json() == LOCKED_BODY


def test_a_successful_login_resets_the_counter(user):
    fail_logins("john.doe@gmail.com", 4)
    assert login("john.doe@gmail.com").status_code == 200
    fail_logins("john.doe@gmail.com", 4)
    response = login("john.doe@gmail.com")
    assert response.status_code == 200, response.content
    user.refresh_from_db()
    assert user.login_failed_attemps == 0


# 6. Logout, refresh, expiry ---------------------------------------------------------------------------------


def test_logout_revokes_access_and_refresh_tokens(user):
    tokens = login("john.doe@gmail.com").json()
    response = bearer(tokens["access_token"]).get("/api/auth/logout")
    assert response.status_code == 200
    assert response.json() == {"logout": True}

    assert bearer(tokens["access_token"]).get("/api/auth/authenticated").status_code == 401
    assert bearer(tokens["refresh_token"]).get("/api/auth/refresh-token").status_code == 401


def test_refresh_gives_a_working_access_token(user):
    tokens = login("john.doe@gmail.com").json()
    response = bearer(tokens["refresh_token"]).get("/api/auth/refresh-token")
    assert response.status_code == 200, response.content
    assert set(response.json()) == {"access_token"}
    refreshed = response.json()["access_token"]
    assert refreshed not in (tokens["access_token"], tokens["refresh_token"])

    authenticated = bearer(refreshed).get("/api/auth/authenticated")
    assert authenticated.status_code == 200
    assert authenticated.json()["user"]["id"] == str(user.pk)
    assert bearer(tokens["access_token"]).get("/api/auth/authenticated").status_code == 200


def test_logout_with_a_refreshed_access_token_revokes_the_whole_session(user):
    tokens = login("john.doe@gmail.com").json()
    refreshed = bearer(tokens["refresh_token"]).get("/api/auth/refresh-token").json()["access_token"]
    other_session = login("john.doe@gmail.com").json()

    assert bearer(refreshed).get("/api/auth/logout").status_code == 200

    assert bearer(refreshed).get("/api/auth/authenticated").status_code == 401
    assert bearer(tokens["access_token"]).get("/api/auth/authenticated").status_code == 401
    assert bearer(tokens["refresh_token"]).get("/api/auth/refresh-token").status_code == 401
    # Another login of the same person is a separate session and stays alive.
    assert bearer(other_session["access_token"]).get("/api/auth/authenticated").status_code == 200


def test_access_token_at_refresh_route_is_422(user):
    tokens = login("john.doe@gmail.com").json()
    response = bearer(tokens["access_token"]).get("/api/auth/refresh-token")
    assert response.status_code == 422


def test_refresh_token_on_a_normal_route_is_422(user):
    tokens = login("john.doe@gmail.com").json()
    assert bearer(tokens["refresh_token"]).get("/api/auth/authenticated").status_code == 422
    assert bearer(tokens["refresh_token"]).get("/api/data/persons").status_code == 422


def test_register_route_does_not_exist(db):
    # Zou's own test allows 404 or 405; no route matches the path at all, so it is a 404 (as in Flask).
    response = ApiClient().post("/api/auth/register", {"email": "x@example.com", "password": PASSWORD},
                                format="json")
    assert response.status_code == 404
    assert response.json()["error"] is True
    assert not Person.objects.filter(email="x@example.com").exists()


def test_expired_access_token_says_signature_has_expired(user):
    tokens = login("john.doe@gmail.com").json()
    AuthToken.objects.filter(pk=token_row(tokens["access_token"]).pk).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    response = bearer(tokens["access_token"]).get("/api/auth/authenticated")
    assert response.status_code == 401
    assert response.json()["message"] == "Signature has expired"
    assert response.json()["error"] is True
    # The refresh token still gives a working access token, which is what gazu does next.
    refreshed = bearer(tokens["refresh_token"]).get("/api/auth/refresh-token")
    assert refreshed.status_code == 200
    assert bearer(refreshed.json()["access_token"]).get("/api/auth/authenticated").status_code == 200


def test_expired_refresh_token_is_401(user):
    tokens = login("john.doe@gmail.com").json()
    AuthToken.objects.filter(pk=token_row(tokens["refresh_token"]).pk).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    response = bearer(tokens["refresh_token"]).get("/api/auth/refresh-token")
    assert response.status_code == 401
    assert response.json()["message"] == "Signature has expired"


def test_a_bot_cannot_logout(bot):
    bot_api = client_for(bot)
    response = bot_api.get("/api/auth/logout")
    assert response.status_code == 403
    assert response.json()["error"] is True
    assert bot_api.get("/api/auth/authenticated").status_code == 200


# 7. Change password --------------------------------------------------------------------------------------------


def change_password(api, old=PASSWORD, new=NEW_PASSWORD, new_2=None):
    return api.post("/api/auth/change-password",
                    {"old_password": old, "password": new, "password_2": new if new_2 is None else new_2},
                    format="json")


def test_change_password_succeeds_and_emails_the_user(user, user_api, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = change_password(user_api)
    assert response.status_code == 200, response.content
    assert response.json() == {"success": True}

    assert login("john.doe@gmail.com", NEW_PASSWORD).status_code == 200
    assert login("john.doe@gmail.com", PASSWORD).json() == {"login": False}

    outbox = list(OutboxEmail.objects.filter(to="john.doe@gmail.com"))
    assert [(e.kind, e.status) for e in outbox] == [("password_changed", DeliveryStatus.SENT)]
    assert [m.to for m in mail.outbox] == [["john.doe@gmail.com"]]
    assert NEW_PASSWORD not in mail.outbox[0].body


def test_changing_your_password_ends_your_other_sessions(user):
    current = client_for(user)
    other = client_for(user)
    response = current.post("/api/auth/change-password", {
        "old_password": PASSWORD, "password": "Brand-new-pass1", "password_2": "Brand-new-pass1"}, format="json")
    assert response.status_code == 200
    assert current.get("/api/auth/authenticated").status_code == 200
    assert other.get("/api/auth/authenticated").status_code == 401


def test_emails_are_plain_text_not_html_escaped(db, django_capture_on_commit_callbacks):
    PersonFactory(email="darcy@example.com", first_name="D'Arcy <&>")
    with django_capture_on_commit_callbacks(execute=True):
        request_reset("darcy@example.com")
    body = mail.outbox[0].body
    assert body.startswith("Hello D'Arcy <&>,")
    assert "&amp;" not in body


def test_change_password_with_wrong_old_password_keeps_the_password(user, user_api):
    response = change_password(user_api, old="not-the-password")
    assert response.status_code == 400
    assert response.json()["message"] == "Old password is wrong."
    assert login("john.doe@gmail.com", NEW_PASSWORD).json() == {"login": False}
    assert login("john.doe@gmail.com").status_code == 200
    assert not OutboxEmail.objects.exists()


def test_change_password_mismatch_is_400(user, user_api):
    response = change_password(user_api, new_2="something-Else-9")
    assert response.status_code == 400
    assert response.json()["message"] == "Confirmation password doesn't match."
    assert login("john.doe@gmail.com").status_code == 200


def test_change_password_too_short_is_400(user, user_api):
    response = change_password(user_api, new="Sh0rt!")
    assert response.status_code == 400
    assert response.json()["message"] == "Password is too short."
    assert login("john.doe@gmail.com").status_code == 200


def test_change_password_missing_fields_is_400(user, user_api):
    response = user_api.post("/api/auth/change-password", {"old_password": PASSWORD}, format="json")
    assert response.status_code == 400
    assert response.json()["error"] is True


def test_change_password_when_locked_out_is_400(user, user_api):
    fail_logins("john.doe@gmail.com", 5)
    response = change_password(user_api)
    assert response.status_code == 400
    body = response.json()
    assert body["too_many_failed_login_attemps"] is True
    assert body["message"] == "Too many failed login attempts."
    user.refresh_from_db()
    assert check_password(PASSWORD, user.password)


def test_wrong_old_passwords_count_toward_the_lockout(user, user_api):
    for _ in range(5):
        assert change_password(user_api, old="not-the-password").status_code == 400
    assert login("john.doe@gmail.com").json() == LOCKED_BODY


def test_change_password_needs_a_person_session(bot):
    response = change_password(client_for(bot), old="whatever")
    assert response.status_code == 403


def test_change_password_needs_a_token(db):
    assert change_password(ApiClient()).status_code == 401


# 9. Reset password ------------------------------------------------------------------------------------------


def request_reset(email):
    return ApiClient().post("/api/auth/reset-password", {"email": email}, format="json")


def complete_reset(email, token, password=NEW_PASSWORD, password2=None):
    return ApiClient().put(
        "/api/auth/reset-password",
        {"email": email, "token": token, "password": password,
         "password2": password if password2 is None else password2},
        format="json",
    )


def test_reset_request_answers_the_same_for_known_and_unknown_emails(user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        known = request_reset("john.doe@gmail.com")
        unknown = request_reset("nobody@example.com")
    assert known.status_code == unknown.status_code == 200
    assert known.json() == unknown.json() == {"success": "Reset token sent"}
    assert [m.to for m in mail.outbox] == [["john.doe@gmail.com"]]
    assert list(OutboxEmail.objects.values_list("to", "kind", "status")) == [
        ("john.doe@gmail.com", "password_reset", DeliveryStatus.SENT)
    ]


def test_reset_links_do_not_stay_readable_in_the_outbox(anon_api, user, admin, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        anon_api.post("/api/auth/reset-password", {"email": user.email}, format="json")
    assert "reset-change-password" in mail.outbox[0].body
    stored = OutboxEmail.objects.get(kind="password_reset")
    assert stored.status == DeliveryStatus.SENT and stored.sensitive
    assert "reset-change-password" not in stored.body

    hr = Client()
    hr.force_login(admin)
    page = hr.get(f"/admin/notifications/outboxemail/{stored.pk}/change/").content.decode()
    assert "token=" not in page


def test_reset_link_token_sets_a_new_password_once(user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        request_reset("john.doe@gmail.com")
    link = reset_link_from_outbox("john.doe@gmail.com")
    assert link["path"] == "/reset-change-password"
    assert link["email"] == "john.doe@gmail.com"
    assert RESET_TOKEN.match(link["token"])

    response = complete_reset("john.doe@gmail.com", link["token"])
    assert response.status_code == 200, response.content
    assert response.json() == {"success": True}
    assert login("john.doe@gmail.com", NEW_PASSWORD).status_code == 200
    assert login("john.doe@gmail.com", PASSWORD).json() == {"login": False}

    again = complete_reset("john.doe@gmail.com", link["token"], password="th1rd-Password!")
    assert again.status_code == 400
    assert again.json()["message"] == "Wrong or expired token."
    assert login("john.doe@gmail.com", NEW_PASSWORD).status_code == 200


def test_reset_with_a_wrong_token_is_400(user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        request_reset("john.doe@gmail.com")
    response = complete_reset("john.doe@gmail.com", "A" * 64)
    assert response.status_code == 400
    assert response.json()["error"] is True
    assert response.json()["message"] == "Wrong or expired token."
    assert login("john.doe@gmail.com").status_code == 200


def test_reset_token_of_another_person_is_refused(user, admin, django_capture_on_commit_callbacks):
    token = mailed_reset_token("john.doe@gmail.com", django_capture_on_commit_callbacks)
    response = complete_reset("john.did@gmail.com", token)
    assert response.status_code == 400
    assert response.json()["message"] == "Wrong or expired token."


def test_expired_reset_token_is_refused(user, django_capture_on_commit_callbacks):
    token = mailed_reset_token("john.doe@gmail.com", django_capture_on_commit_callbacks)
    PasswordResetToken.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    response = complete_reset("john.doe@gmail.com", token)
    assert response.status_code == 400
    assert response.json()["message"] == "Wrong or expired token."


def test_reset_with_mismatched_or_short_password_is_400(user, django_capture_on_commit_callbacks):
    token = mailed_reset_token("john.doe@gmail.com", django_capture_on_commit_callbacks)
    mismatch = complete_reset("john.doe@gmail.com", token, password2="something-Else-9")
    assert mismatch.status_code == 400
    assert mismatch.json()["message"] == "Confirmation password doesn't match."
    short = complete_reset("john.doe@gmail.com", token, password="Sh0rt!")
    assert short.status_code == 400
    assert short.json()["message"] == "Password is too short."
    # A refused attempt does not use up the token.
    assert complete_reset("john.doe@gmail.com", token).status_code == 200


def _with_placeholder_password(email: str):
    """An account imported from Zou whose password is still the placeholder "default"."""
    person = PersonFactory(email=email, password=None)
    Person.objects.filter(pk=person.pk).update(password=make_password("default"))
    return person


def test_default_password_gives_a_reset_token(db):
    person = _with_placeholder_password("new@example.com")
    response = login("new@example.com", "default")
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"login", "default_password", "token"}
    assert body["login"] is False
    assert body["default_password"] is True
    assert RESET_TOKEN.match(body["token"])

    reset = complete_reset("new@example.com", body["token"])
    assert reset.status_code == 200, reset.content
    response = login("new@example.com", NEW_PASSWORD)
    assert response.status_code == 200
    assert response.json()["user"]["id"] == str(person.pk)
    assert login("new@example.com", "default").json() == {"login": False}


def test_default_password_is_the_default_when_password_is_absent(db):
    _with_placeholder_password("new@example.com")
    response = ApiClient().post("/api/auth/login", {"email": "new@example.com"}, format="json")
    assert response.status_code == 400
    assert response.json()["default_password"] is True


def test_default_is_just_a_wrong_password_for_a_person_without_one(db):
    # An account with no password yet (invited, LDAP) must not be claimable by typing "default".
    PersonFactory(email="invited@example.com", password=None)
    response = login("invited@example.com", "default")
    assert response.status_code == 400
    assert response.json() == {"login": False}
    assert not PasswordResetToken.objects.exists()


def test_default_is_just_a_wrong_password_for_a_person_who_has_one(user):
    response = login("john.doe@gmail.com", "default")
    assert response.status_code == 400
    assert response.json() == {"login": False}
    absent = ApiClient().post("/api/auth/login", {"email": "john.doe@gmail.com"}, format="json")
    assert absent.status_code == 400
    assert absent.json() == {"login": False}
    assert not PasswordResetToken.objects.exists()


# 10. Deactivation ---------------------------------------------------------------------------------------------


def test_deactivating_yourself_rejects_your_token(admin, admin_api):
    response = admin_api.put(f"/api/data/persons/{admin.pk}", {"active": False}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["active"] is False
    assert admin_api.get("/api/auth/authenticated").status_code == 401
    assert admin_api.get("/api/data/persons").status_code == 401


def test_deactivating_a_user_revokes_their_tokens_at_once(user, admin_api):
    tokens = login("john.doe@gmail.com").json()
    response = admin_api.put(f"/api/data/persons/{user.pk}", {"active": False}, format="json")
    assert response.status_code == 200, response.content

    assert bearer(tokens["access_token"]).get("/api/auth/authenticated").status_code == 401
    assert bearer(tokens["refresh_token"]).get("/api/auth/refresh-token").status_code == 401
    assert not AuthToken.objects.filter(person=user, revoked_at__isnull=True).exists()

    # Reactivating does not bring the old tokens back.
    assert admin_api.put(f"/api/data/persons/{user.pk}", {"active": True}, format="json").status_code == 200
    assert bearer(tokens["access_token"]).get("/api/auth/authenticated").status_code == 401
    assert login("john.doe@gmail.com").status_code == 200


# Storage of secrets and what the responses leave out ---------------------------------------------------------


def test_tokens_are_stored_as_sha256_digests(user):
    tokens = login("john.doe@gmail.com").json()
    for raw in (tokens["access_token"], tokens["refresh_token"]):
        assert token_row(raw).person_id == user.pk
        for row in AuthToken.objects.values():
            assert raw not in {str(value) for value in row.values()}
    assert token_row(tokens["access_token"]).kind == "access"
    assert token_row(tokens["refresh_token"]).kind == "refresh"


def test_base_settings_hash_passwords_with_argon2(db, settings):
    from config.settings import base

    assert "Argon2" in base.PASSWORD_HASHERS[0]
    settings.PASSWORD_HASHERS = base.PASSWORD_HASHERS
    person = PersonFactory(email="argon@example.com")
    assert person.password.startswith("argon2")
    assert PASSWORD not in person.password
    assert login("argon@example.com").status_code == 200


def test_login_and_authenticated_never_expose_sensitive_fields(user):
    Person.objects.filter(pk=user.pk).update(totp_secret="SECRET", otp_recovery_codes=["x"])
    body = login("john.doe@gmail.com").json()
    for field in Person.SENSITIVE_FIELDS:
        assert field not in body["user"]
        assert field not in body
    user_data = bearer(body["access_token"]).get("/api/auth/authenticated").json()["user"]
    for field in Person.SENSITIVE_FIELDS - {"fido_devices"}:
        assert field not in user_data


def test_roles_all_log_in(db):
    for role in Role:
        PersonFactory(role=role, email=f"{role.value}@example.com")
        response = login(f"{role.value}@example.com")
        assert response.status_code == 200, (role, response.content)
        assert response.json()["user"]["role"] == role.value
