"""The admin's "Change password" page goes through the passwords service, as the API's change-password."""

import pytest
from django.test import Client

from notifications.models import OutboxEmail
from people.models import Person
from tests.conftest import PASSWORD, client_for

NEW_PASSWORD = "An0ther-Str0ng-secret"


@pytest.fixture
def signed_in_admin(admin):
    browser = Client()
    assert browser.login(username=admin.email, password=PASSWORD)
    return browser


@pytest.mark.django_db
def test_changing_ones_password_in_the_admin_ends_api_sessions_and_tells_the_person(admin, signed_in_admin):
    api = client_for(admin)
    assert api.get("/api/auth/authenticated").status_code == 200
    response = signed_in_admin.post("/admin/password_change/", {
        "old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/admin/password_change/done/"
    assert Person.objects.get(pk=admin.pk).check_password(NEW_PASSWORD)
    assert api.get("/api/auth/authenticated").status_code == 401
    assert OutboxEmail.objects.filter(to=admin.email, kind="password_changed").count() == 1
    assert signed_in_admin.get("/admin/").status_code == 200  # this session follows the new password


@pytest.mark.django_db
def test_a_wrong_old_password_counts_toward_the_lockout(admin, signed_in_admin):
    response = signed_in_admin.post("/admin/password_change/", {
        "old_password": "not-my-password", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 200
    assert "Old password is wrong." in response.content.decode()
    refreshed = Person.objects.get(pk=admin.pk)
    assert refreshed.login_failed_attemps == 1 and refreshed.check_password(PASSWORD)


@pytest.mark.django_db
def test_the_page_needs_the_back_office(user):
    browser = Client()
    browser.force_login(user)
    response = browser.get("/admin/password_change/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
