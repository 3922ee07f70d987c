"""Sign-in of persons whose authentication method is LDAP, against the real slapd of tests/ldap/conftest.py:
the API (which gazu calls) and the admin's sign-in page, with the lockout, the account states, and the
password routes that have nothing to change for them."""

import io

import pytest
from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.test import Client

from audit.models import AuditEntry
from notifications.models import OutboxEmail
from people.ldap import directory as directory_module
from people.ldap.config import ldap_config
from people.models import PasswordResetToken, Person, PersonStatus, Role
from people.services import passwords
from people.services._shared import DIRECTORY_PASSWORD_MESSAGE
from people.services.persons import person_create
from people.services.reset_tokens import password_reset_token_issue
from tests.conftest import ApiClient, client_for
from tests.factories import PersonFactory
from tests.ports import unused_loopback_port

pytestmark = pytest.mark.django_db

ADA_EMAIL, ADA_PASSWORD = "ada@roster-studio.io", "ada-secret"


@pytest.fixture
def ada(directory):
    call_command("sync_ldap", "--yes", stdout=io.StringIO(), stderr=io.StringIO())
    return Person.objects.get(desktop_login="ada")


def login(identifier, password):
    return ApiClient().post("/api/auth/login", {"email": identifier, "password": password}, format="json")


def test_a_directory_person_signs_in_with_the_directory_password(ada):
    by_email = login(ADA_EMAIL, ADA_PASSWORD)
    assert by_email.status_code == 200, by_email.content
    assert by_email.json()["login"] is True and by_email.json()["user"]["id"] == str(ada.pk)
    # The token works, as gazu's next calls need.
    token = by_email.json()["access_token"]
    api = ApiClient(token=token)
    assert api.get("/api/auth/authenticated").status_code == 200
    assert login("ada", ADA_PASSWORD).status_code == 200  # by desktop login, as gazu users often do
    assert AuditEntry.objects.filter(action="person.signed_in", target_id=str(ada.pk)).count() == 2


def test_a_wrong_directory_password_counts_toward_the_lockout(ada):
    response = login(ADA_EMAIL, "not-it")
    assert response.status_code == 400 and response.json() == {"login": False}
    ada.refresh_from_db()
    assert ada.login_failed_attemps == 1
    for _ in range(4):
        login(ADA_EMAIL, "not-it")
    locked = login(ADA_EMAIL, ADA_PASSWORD)
    assert locked.status_code == 400 and locked.json()["too_many_failed_login_attemps"] is True


def test_an_empty_password_never_reaches_the_directory(ada, monkeypatch):
    binds = []
    real_open = directory_module._open
    monkeypatch.setattr(directory_module, "_open", lambda config, **kw: binds.append(kw) or real_open(config, **kw))
    response = login(ADA_EMAIL, "")
    assert response.status_code == 400
    assert directory_module.directory_check_password(ldap_config(), login="ada", password="", ldap_uid=None) is False
    assert binds == []
    # The check itself binds when there is a password: the spy sees it.
    assert directory_module.directory_check_password(ldap_config(), login="ada", password=ADA_PASSWORD,
                                                     ldap_uid=ada.ldap_uid) is True
    assert [kw["user"] for kw in binds][-1] == "uid=ada,ou=people,dc=roster,dc=test"


def test_a_password_stored_in_roster_does_not_open_a_directory_account(ada):
    Person.objects.filter(pk=ada.pk).update(password=make_password("roster-local-1"))
    assert login(ADA_EMAIL, "roster-local-1").json() == {"login": False}
    assert login(ADA_EMAIL, "default").json() == {"login": False}  # no "default password" token either


@pytest.mark.parametrize("status", [PersonStatus.LOCKED, PersonStatus.SUSPENDED, PersonStatus.INACTIVE])
def test_an_account_that_may_not_sign_in_stays_out_whatever_the_directory_says(ada, status):
    Person.objects.filter(pk=ada.pk).update(status=status, active=False)
    response = login(ADA_EMAIL, ADA_PASSWORD)
    assert response.status_code == 401 and response.json()["unactive"] is True


def test_a_directory_that_does_not_answer_refuses_without_counting(ada, settings):
    settings.LDAP_URL = f"ldap://127.0.0.1:{unused_loopback_port()}"
    response = login(ADA_EMAIL, ADA_PASSWORD)
    assert response.status_code == 400 and response.json() == {"login": False}
    ada.refresh_from_db()
    assert ada.login_failed_attemps == 0
    assert AuditEntry.objects.filter(action="person.sign_in_failed", reason="directory unavailable").exists()


def test_the_login_is_escaped_in_the_directory_search(directory, db):
    # Unescaped, "(uid=ada)(uid=*)" would find ada's entry, and ada's password would open this account.
    intruder = person_create(acting_user=None, data={
        "first_name": "Intruder", "desktop_login": "ada)(uid=*", "authentication_method": "ldap"}).person
    assert intruder.active
    assert login("ada)(uid=*", ADA_PASSWORD).json() == {"login": False}
    # A wildcard alone matches every entry (refused as ambiguous even unescaped); one that matches ada's
    # entry only would, unescaped, let ada's password open this account.
    person_create(acting_user=None, data={"first_name": "Wildcard", "desktop_login": "ad*",
                                          "authentication_method": "ldap"})
    assert login("ad*", ADA_PASSWORD).json() == {"login": False}


def test_an_entry_that_is_not_the_persons_own_is_refused(ada):
    # Same login, other identity: the login was given to someone else in the directory.
    Person.objects.filter(pk=ada.pk).update(ldap_uid="00000000-0000-0000-0000-000000000000")
    assert login(ADA_EMAIL, ADA_PASSWORD).json() == {"login": False}


def test_the_admin_sign_in_page_takes_the_directory_password(ada):
    Person.objects.filter(pk=ada.pk).update(role=Role.ADMIN)
    browser = Client()
    wrong = browser.post("/admin/login/", {"username": ADA_EMAIL, "password": "nope", "next": "/admin/"})
    assert wrong.status_code == 200 and not wrong.wsgi_request.user.is_authenticated
    signed_in = browser.post("/admin/login/", {"username": ADA_EMAIL, "password": ADA_PASSWORD, "next": "/admin/"})
    assert signed_in.status_code == 302 and signed_in["Location"] == "/admin/"
    assert browser.get("/admin/").status_code == 200


def test_password_routes_answer_400_for_directory_persons(ada, admin_api):
    signed_in = client_for(ada)
    own = signed_in.post("/api/auth/change-password", {"old_password": ADA_PASSWORD, "password": "Fresh-pass-123",
                                                       "password_2": "Fresh-pass-123"}, format="json")
    assert own.status_code == 400 and own.json()["message"] == DIRECTORY_PASSWORD_MESSAGE
    by_admin = admin_api.post(f"/api/actions/persons/{ada.pk}/change-password",
                              {"password": "Fresh-pass-123", "password_2": "Fresh-pass-123"}, format="json")
    assert by_admin.status_code == 400 and by_admin.json()["message"] == DIRECTORY_PASSWORD_MESSAGE
    for response in (admin_api.post(f"/api/actions/persons/{ada.pk}/reset-password-link"),
                     admin_api.post(f"/api/actions/persons/{ada.pk}/force-password-reset", {}, format="json"),
                     admin_api.get(f"/api/actions/persons/{ada.pk}/invite")):
        assert response.status_code == 400 and response.json()["message"] == DIRECTORY_PASSWORD_MESSAGE
    token = password_reset_token_issue(person=ada)  # one left over from before the switch to LDAP
    reset = ApiClient().put("/api/auth/reset-password", {"email": ADA_EMAIL, "token": token,
                                                        "password": "Fresh-pass-123", "password2": "Fresh-pass-123"},
                            format="json")
    assert reset.status_code == 400 and reset.json()["message"] == DIRECTORY_PASSWORD_MESSAGE
    ada.refresh_from_db()
    assert not ada.has_usable_password()
    assert login(ADA_EMAIL, ADA_PASSWORD).status_code == 200


def test_a_reset_link_is_never_mailed_to_a_directory_person(ada):
    local = PersonFactory(email="local@roster-studio.io")
    for person in (ada, local):
        passwords.password_reset_request(email=person.email)
    assert list(OutboxEmail.objects.filter(kind="password_reset").values_list("to", flat=True)) == [local.email]
    assert not PasswordResetToken.objects.filter(person=ada).exists()


def test_a_refused_directory_password_costs_a_password_hash_as_an_unknown_identifier_does(ada, monkeypatch):
    """Timing must not tell an LDAP account from nobody: each refusal checks one password hash."""
    from people.services import sign_in

    checks = []
    real_check = sign_in.check_password
    monkeypatch.setattr(sign_in, "check_password", lambda *args, **kwargs: checks.append(1) or real_check(
        *args, **kwargs))
    answers = {}
    for identifier in (ADA_EMAIL, "nobody@roster-studio.io"):
        checks.clear()
        response = login(identifier, "not-it")
        answers[identifier] = (response.status_code, response.json(), len(checks))
    assert answers[ADA_EMAIL] == answers["nobody@roster-studio.io"] == (400, {"login": False}, 1)
