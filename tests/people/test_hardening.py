"""Attacks and edge cases found in review: each must be a clean 4xx, never a takeover nor a 500."""

import io

import pytest
from django.core import mail
from django.test import Client
from PIL import Image

from notifications.models import DeliveryStatus, OutboxEmail
from people.models import Person
from tests.conftest import PASSWORD, ApiClient, client_for
from tests.factories import BotFactory


def test_deeply_nested_json_is_a_400(anon_api, admin_api, user):
    body = "[" * 100_000
    response = anon_api.post("/api/auth/login", body, content_type="application/json")
    assert response.status_code == 400 and response.json()["error"] is True
    nested = '{"data": ' + "[" * 5000 + "]" * 5000 + "}"
    response = admin_api.put(f"/api/data/persons/{user.pk}", nested, content_type="application/json")
    assert response.status_code == 400


def test_unsupported_body_type_is_a_400(admin_api):
    response = admin_api.post("/api/data/departments", "name=x", content_type="text/plain")
    assert response.status_code == 400 and response.json()["error"] is True


def test_too_many_form_fields_is_a_json_400(anon_api):
    body = "&".join(f"f{i}=1" for i in range(1500))
    response = anon_api.post("/api/auth/login", body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert response.json()["error"] is True


def test_desktop_login_cannot_be_taken_from_someone_else(user, manager):
    manager_api = client_for(manager)
    response = manager_api.put(f"/api/data/persons/{manager.pk}", {"desktop_login": "john.doe"}, format="json")
    assert response.status_code == 400
    assert response.json()["data"]["errors"][0]["field"] == "desktop_login"
    login = ApiClient().post("/api/auth/login", {"email": "john.doe", "password": PASSWORD}, format="json")
    assert login.json()["user"]["id"] == str(user.pk)


def test_bots_may_share_desktop_logins(admin_api, user):
    response = admin_api.post("/api/data/persons", {"first_name": "Bot", "last_name": "", "is_bot": True,
                                                    "desktop_login": "john.doe"}, format="json")
    assert response.status_code == 201


def test_nobody_makes_their_own_account_protected(user, settings):
    settings.ROSTER_PROTECTED_ACCOUNTS = ["ceo@studio.io"]
    response = client_for(user).put(f"/api/data/persons/{user.pk}", {"email": "ceo@studio.io"}, format="json")
    assert response.status_code == 403
    user.refresh_from_db()
    assert user.email == "john.doe@gmail.com"


def test_turning_a_bot_into_a_person_respects_the_user_limit(admin_api, admin, settings):
    robot = BotFactory(email="robot@studio.io")
    settings.ROSTER_USER_LIMIT = Person.objects.filter(active=True, is_bot=False).count()
    response = admin_api.put(f"/api/data/persons/{robot.pk}", {"is_bot": False}, format="json")
    assert response.status_code == 400
    assert response.json()["data"] == {"limit": settings.ROSTER_USER_LIMIT}
    robot.refresh_from_db()
    assert robot.is_bot is True


@pytest.mark.parametrize("field, value", [("username", "jdoe"), ("shotgun_id", 42), ("ldap_uid", "jdoe")])
def test_duplicate_unique_columns_name_the_field(admin_api, user, field, value):
    Person.objects.filter(pk=user.pk).update(**{field: value})
    response = admin_api.post("/api/data/persons", {"first_name": "Jane", "last_name": "Roe", field: value},
                              format="json")
    assert response.status_code == 400
    assert response.json()["data"]["errors"][0]["field"] == field


def test_email_lookup_ignores_case_like_uniqueness(admin_api, user):
    rows = admin_api.get("/api/data/persons", {"email": "JOHN.DOE@gmail.com", "is_bot": "False"}).json()
    assert [row["id"] for row in rows] == [str(user.pk)]


def test_phone_camera_mpo_jpeg_is_accepted(admin_api, user):
    buffer = io.BytesIO()
    frames = [Image.new("RGB", (640, 480), "blue"), Image.new("RGB", (640, 480), "green")]
    frames[0].save(buffer, format="MPO", save_all=True, append_images=frames[1:])
    buffer.seek(0)
    buffer.name = "IMG_0001.jpg"
    assert Image.open(io.BytesIO(buffer.getvalue())).format == "MPO"
    response = admin_api.post(f"/api/pictures/thumbnails/persons/{user.pk}", {"file": buffer}, format="multipart")
    assert response.status_code == 201, response.content


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


def test_admin_pages_of_catalogs_render(admin):
    hr = Client()
    hr.force_login(admin)
    for path in ("/admin/notifications/outboxemail/", "/admin/departments/software/",
                 "/admin/departments/salaryscale/", "/admin/people/desktoploginlog/"):
        assert hr.get(path).status_code == 200, path


def test_schema_and_docs_without_trailing_slash(anon_api):
    assert anon_api.get("/api/schema").status_code == 200
    assert anon_api.get("/api/docs").status_code == 200
