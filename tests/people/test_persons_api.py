"""`/api/data/persons` CRUD: serializations, filters, writes, permissions (zou-api.md 3, 4; checklist 13-25)."""

import datetime as dt
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from departments.models import Department
from people.models import DesktopLoginLog, Person
from tests.conftest import PASSWORD, ApiClient, assert_field_error, client_for
from tests.factories import AdminFactory, BotFactory, PersonFactory

PERSONS = "/api/data/persons"
MINIMAL_KEYS = {
    "id", "type", "first_name", "last_name", "full_name", "has_avatar", "active", "departments", "studio_id",
    "role", "desktop_login", "is_bot",
}
NEW_PASSWORD = "An0ther-Str0ng-pass"


def person_url(person_or_id) -> str:
    pk = getattr(person_or_id, "pk", person_or_id)
    return f"{PERSONS}/{pk}"


def error_fields(response) -> list[str]:
    data = response.json().get("data") or {}
    return [error["field"] for error in data.get("errors", [])]


def assert_rejected_on_put_and_post(admin_api, user, field, value):
    """The value is a 400 naming `field`, both when editing a person and when creating one."""
    response = admin_api.put(person_url(user), {field: value}, format="json")
    assert response.status_code == 400
    assert error_fields(response) == [field]
    response = admin_api.post(PERSONS, {"last_name": "Roe", "first_name": "Jane", field: value}, format="json")
    assert response.status_code == 400
    assert error_fields(response) == [field]


@pytest.fixture
def departments(db):
    return [Department.objects.create(name="Modeling", color="#FF0000"),
            Department.objects.create(name="Animation", color="#00FF00")]


@pytest.fixture
def staff(admin, manager, user, supervisor, client_person, vendor, bot):
    return {"admin": admin, "manager": manager, "user": user, "supervisor": supervisor,
            "client": client_person, "vendor": vendor, "bot": bot}


# 13. List ------------------------------------------------------------------------------------------------


def test_list_types_and_role_filter(staff, admin_api):
    response = admin_api.get(PERSONS)
    assert response.status_code == 200
    rows = response.json()
    assert len(rows) == 7
    assert {row["type"] for row in rows} == {"Person"}

    response = admin_api.get(PERSONS, {"role": "admin"})
    assert response.status_code == 200
    assert [row["id"] for row in response.json()] == [str(staff["admin"].pk)]


def test_admin_list_is_safe_form(staff, admin_api):
    rows = admin_api.get(PERSONS).json()
    user_row = next(row for row in rows if row["id"] == str(staff["user"].pk))
    assert user_row["email"] == "john.doe@gmail.com"
    assert user_row["full_name"] == "John Doe"
    assert user_row["country"] is None
    assert user_row["timezone"] == "Europe/Paris"
    assert user_row["locale"] == "en_US"
    assert "departments" not in user_row
    assert not set(user_row) & Person.SENSITIVE_FIELDS
    assert "password" not in user_row


@pytest.mark.parametrize("role", ["manager", "user", "supervisor", "client", "vendor"])
def test_non_admin_list_is_minimal_form(staff, role):
    response = client_for(staff[role]).get(PERSONS)
    assert response.status_code == 200
    rows = response.json()
    assert len(rows) == 7
    for row in rows:
        assert set(row) == MINIMAL_KEYS
        assert row["departments"] == []
    user_row = next(row for row in rows if row["id"] == str(staff["user"].pk))
    assert user_row == {
        "id": str(staff["user"].pk), "type": "Person", "first_name": "John", "last_name": "Doe",
        "full_name": "John Doe", "has_avatar": False, "active": True, "departments": [], "studio_id": None,
        "role": "user", "desktop_login": "john.doe", "is_bot": False,
    }


def test_minimal_list_with_relations_lists_departments(user, manager_api, departments):
    user.departments.set(departments)
    rows = manager_api.get(PERSONS, {"relations": "True"}).json()
    row = next(row for row in rows if row["id"] == str(user.pk))
    assert set(row) == MINIMAL_KEYS
    assert sorted(row["departments"]) == sorted(str(d.pk) for d in departments)


def test_list_requires_authentication(anon_api, admin):
    assert anon_api.get(PERSONS).status_code == 401


# 14. Get one ---------------------------------------------------------------------------------------------


def test_get_one_without_relations_equals_list_entry(staff, admin_api):
    entry = next(row for row in admin_api.get(PERSONS).json() if row["id"] == str(staff["user"].pk))
    response = admin_api.get(person_url(staff["user"]), {"relations": "false"})
    assert response.status_code == 200
    assert response.json() == entry


def test_get_one_includes_departments_by_default(user, admin_api, departments):
    user.departments.add(departments[0])
    data = admin_api.get(person_url(user)).json()
    assert data["departments"] == [str(departments[0].pk)]
    assert data["email"] == "john.doe@gmail.com"


def test_get_one_unknown_and_malformed(admin_api):
    response = admin_api.get(person_url(uuid.uuid4()))
    assert response.status_code == 404
    assert response.json()["error"] is True
    response = admin_api.get(person_url("not-a-uuid"))
    assert response.status_code == 400
    assert response.json()["message"] == "Malformed ID."
    response = admin_api.put(person_url("not-a-uuid"), {"first_name": "X"}, format="json")
    assert response.status_code == 400
    assert response.json()["message"] == "Malformed ID."
    assert admin_api.delete(person_url("1234")).status_code == 400
    assert admin_api.put(person_url(uuid.uuid4()), {"first_name": "X"}, format="json").status_code == 404
    assert admin_api.delete(person_url(uuid.uuid4())).status_code == 404


def test_manager_gets_safe_form_on_get_one(admin, manager_api):
    data = manager_api.get(person_url(admin)).json()
    assert data["email"] == "john.did@gmail.com"
    assert "timezone" in data
    assert data["departments"] == []


@pytest.mark.parametrize("role", ["user", "supervisor", "client", "vendor"])
def test_others_get_minimal_form_on_get_one_even_for_themselves(staff, role):
    me = staff[role]
    api = client_for(me)
    for target in (me, staff["admin"]):
        response = api.get(person_url(target))
        assert response.status_code == 200
        assert set(response.json()) == MINIMAL_KEYS


# 15. Create and the user limit ---------------------------------------------------------------------------


def test_create_person(admin_api):
    response = admin_api.post(PERSONS, {"first_name": "Jane", "last_name": "Roe", "email": " jane@example.com "},
                              format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["type"] == "Person"
    assert data["full_name"] == "Jane Roe"
    assert data["email"] == "jane@example.com"
    assert data["role"] == "user"
    assert data["active"] is True
    assert data["departments"] == []
    assert "access_token" not in data
    assert Person.objects.get(pk=data["id"]).email == "jane@example.com"


def test_user_limit(settings, admin, user, admin_api):
    settings.ROSTER_USER_LIMIT = 2
    response = admin_api.post(PERSONS, {"first_name": "Jane", "last_name": "Roe", "email": "jane@example.com"},
                              format="json")
    assert response.status_code == 400
    assert response.json()["message"] == "User limit reached."
    assert response.json()["data"] == {"limit": 2}
    assert not Person.objects.filter(email="jane@example.com").exists()

    # Bots and inactive persons do not count, and can be created at the limit.
    response = admin_api.post(PERSONS, {"first_name": "Robot", "last_name": "", "is_bot": True}, format="json")
    assert response.status_code == 201, response.content
    response = admin_api.post(PERSONS, {"first_name": "Sleepy", "last_name": "Roe", "active": False},
                              format="json")
    assert response.status_code == 201, response.content
    sleepy_id = response.json()["id"]

    # Deactivating frees a seat; reactivating past the limit is refused.
    response = admin_api.put(person_url(user), {"active": False}, format="json")
    assert response.status_code == 200
    assert response.json()["active"] is False
    response = admin_api.post(PERSONS, {"first_name": "Jane", "last_name": "Roe", "email": "jane@example.com"},
                              format="json")
    assert response.status_code == 201
    for target in (user.pk, sleepy_id):
        response = admin_api.put(person_url(target), {"active": True}, format="json")
        assert response.status_code == 400
        assert response.json()["message"] == "User limit reached."
        assert response.json()["data"] == {"limit": 2}
    assert Person.objects.get(pk=user.pk).active is False


def test_turning_a_bot_into_a_person_respects_the_user_limit(admin_api, admin, settings):
    robot = BotFactory(email="robot@studio.io")
    settings.ROSTER_USER_LIMIT = Person.objects.filter(active=True, is_bot=False).count()
    response = admin_api.put(person_url(robot), {"is_bot": False}, format="json")
    assert response.status_code == 400
    assert response.json()["data"] == {"limit": settings.ROSTER_USER_LIMIT}
    robot.refresh_from_db()
    assert robot.is_bot is True


# 16. Create input -----------------------------------------------------------------------------------------


def test_create_empty_body(admin_api):
    response = admin_api.post(PERSONS, {}, format="json")
    assert response.status_code == 400
    assert response.json()["error"] is True


def test_create_unknown_key(admin_api):
    response = admin_api.post(PERSONS, {"first_name": "Jane", "last_name": "Roe", "name": "Jane Roe"},
                              format="json")
    assert response.status_code == 400
    assert error_fields(response) == ["name"]
    assert response.json()["message"] == "Unknown field: name."


def test_create_missing_first_name(admin_api):
    response = admin_api.post(PERSONS, {"last_name": "Roe", "email": "roe@example.com"}, format="json")
    assert response.status_code == 400
    assert error_fields(response) == ["first_name"]


def test_departments_on_create_and_update(admin_api, departments):
    modeling, animation = departments
    response = admin_api.post(PERSONS, {"first_name": "Jane", "last_name": "Roe",
                                        "departments": [str(modeling.pk), str(uuid.uuid4())]}, format="json")
    assert response.status_code == 201
    assert response.json()["departments"] == [str(modeling.pk)]
    person_id = response.json()["id"]

    response = admin_api.post(PERSONS, {"first_name": "Jim", "last_name": "Roe",
                                        "departments": [{"id": str(animation.pk)}]}, format="json")
    assert response.status_code == 201
    assert response.json()["departments"] == [str(animation.pk)]

    response = admin_api.put(person_url(person_id), {"departments": [{"id": str(animation.pk)}]}, format="json")
    assert response.status_code == 200
    assert response.json()["departments"] == [str(animation.pk)]
    assert admin_api.get(person_url(person_id)).json()["departments"] == [str(animation.pk)]

    response = admin_api.put(person_url(person_id), {"departments": []}, format="json")
    assert response.json()["departments"] == []


# 17. Unique emails and sign-in identifiers -------------------------------------------------------------------


def test_duplicate_email(admin, user, admin_api):
    for email in ("john.doe@gmail.com", "John.Doe@GMAIL.com"):
        response = admin_api.post(PERSONS, {"first_name": "Jane", "last_name": "Roe", "email": email},
                                  format="json")
        assert response.status_code == 400
        assert response.json()["message"] == "Email already in use."
        assert error_fields(response) == ["email"]

    response = admin_api.put(person_url(admin), {"email": "john.doe@gmail.com"}, format="json")
    assert response.status_code == 400
    assert response.json()["message"] == "Email already in use."
    assert Person.objects.get(pk=admin.pk).email == "john.did@gmail.com"

    response = admin_api.put(person_url(user), {"email": "john.doe@gmail.com", "phone": "0102"}, format="json")
    assert response.status_code == 200
    assert response.json()["phone"] == "0102"


def test_bot_may_share_a_person_email(user, admin_api):
    response = admin_api.post(PERSONS, {"first_name": "Bot", "last_name": "", "email": "john.doe@gmail.com",
                                        "is_bot": True}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["email"] == "john.doe@gmail.com"


def test_bots_may_share_desktop_logins(admin_api, user):
    response = admin_api.post(PERSONS, {"first_name": "Bot", "last_name": "", "is_bot": True,
                                                    "desktop_login": "john.doe"}, format="json")
    assert response.status_code == 201


def test_desktop_login_cannot_be_taken_from_someone_else(user, manager):
    manager_api = client_for(manager)
    response = manager_api.put(person_url(manager), {"desktop_login": "john.doe"}, format="json")
    assert response.status_code == 400
    assert error_fields(response) == ["desktop_login"]
    login = ApiClient().post("/api/auth/login", {"email": "john.doe", "password": PASSWORD}, format="json")
    assert login.json()["user"]["id"] == str(user.pk)


def test_email_cannot_shadow_someone_elses_desktop_login(user, manager):
    Person.objects.filter(pk=user.pk).update(desktop_login="w@studio.com")
    response = client_for(manager).put(person_url(manager), {"email": "w@studio.com"},
                                       format="json")
    assert response.status_code == 400
    assert error_fields(response) == ["email"]
    login = ApiClient().post("/api/auth/login", {"email": "w@studio.com", "password": PASSWORD}, format="json")
    assert login.json()["user"]["id"] == str(user.pk)


@pytest.mark.parametrize("field, value", [("username", "jdoe"), ("shotgun_id", 42), ("ldap_uid", "jdoe")])
def test_duplicate_unique_columns_name_the_field(admin_api, user, field, value):
    Person.objects.filter(pk=user.pk).update(**{field: value})
    response = admin_api.post(PERSONS, {"first_name": "Jane", "last_name": "Roe", field: value},
                              format="json")
    assert response.status_code == 400
    assert error_fields(response) == [field]


# 18. Bots ------------------------------------------------------------------------------------------------


def test_bot_creation_returns_a_working_token(admin, admin_api, departments):
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    response = admin_api.post(PERSONS, {
        "first_name": "Robot", "last_name": "", "email": "robot@example.com", "role": "user",
        "departments": [str(departments[0].pk)], "active": True, "expiration_date": tomorrow.isoformat(),
        "is_bot": True,
    }, format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["is_bot"] is True
    assert data["expiration_date"] == tomorrow.isoformat()
    assert data["departments"] == [str(departments[0].pk)]
    token = data["access_token"]
    assert isinstance(token, str) and token

    bot_api = client_for(None)
    bot_api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    response = bot_api.get(PERSONS)
    assert response.status_code == 200
    assert set(response.json()[0]) == MINIMAL_KEYS


def test_bot_with_past_expiration_on_create(admin_api):
    yesterday = dt.date.today() - dt.timedelta(days=1)
    response = admin_api.post(PERSONS, {"last_name": "Roe", "first_name": "Robot", "is_bot": True,
                                        "expiration_date": yesterday.isoformat()}, format="json")
    assert response.status_code == 400
    assert response.json()["message"] == "Expiration date can't be in the past."
    response = admin_api.post(PERSONS, {"last_name": "Roe", "first_name": "Robot", "is_bot": True, "expiration_date": "2030/01/01"},
                              format="json")
    assert response.status_code == 400
    assert error_fields(response) == ["expiration_date"]


def test_expired_bot_expiration_rules(admin_api):
    response = admin_api.post(PERSONS, {"first_name": "Robot", "last_name": "", "is_bot": True}, format="json")
    bot_id = response.json()["id"]
    old_token = response.json()["access_token"]
    past = dt.date.today() - dt.timedelta(days=10)
    Person.objects.filter(pk=bot_id).update(expiration_date=past)

    # gazu PUTs the whole dict back: the unchanged past date is accepted.
    bot_dict = admin_api.get(person_url(bot_id)).json()
    assert bot_dict["expiration_date"] == past.isoformat()
    response = admin_api.put(person_url(bot_id), {**bot_dict, "last_name": "Two"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["last_name"] == "Two"
    assert "access_token" not in response.json()

    response = admin_api.put(person_url(bot_id), {"expiration_date": past.isoformat(), "active": False},
                             format="json")
    assert response.status_code == 200, response.content
    assert response.json()["active"] is False
    assert "access_token" not in response.json()

    other_past = past - dt.timedelta(days=1)
    response = admin_api.put(person_url(bot_id), {"expiration_date": other_past.isoformat()}, format="json")
    assert response.status_code == 400
    assert response.json()["message"] == "Expiration date can't be in the past."
    assert Person.objects.get(pk=bot_id).expiration_date == past

    future = dt.date.today() + dt.timedelta(days=30)
    response = admin_api.put(person_url(bot_id), {"expiration_date": future.isoformat(), "active": True},
                             format="json")
    assert response.status_code == 200, response.content
    new_token = response.json()["access_token"]
    assert new_token and new_token != old_token
    assert response.json()["expiration_date"] == future.isoformat()

    old_api = client_for(None)
    old_api.credentials(HTTP_AUTHORIZATION=f"Bearer {old_token}")
    assert old_api.get(PERSONS).status_code == 401
    new_api = client_for(None)
    new_api.credentials(HTTP_AUTHORIZATION=f"Bearer {new_token}")
    assert new_api.get(PERSONS).status_code == 200


def test_bot_token_rotation_revokes_old_token(admin_api):
    response = admin_api.post(PERSONS, {"last_name": "Roe", "first_name": "Robot", "is_bot": True}, format="json")
    bot_id, old_token = response.json()["id"], response.json()["access_token"]
    response = admin_api.put(person_url(bot_id), {"expiration_date": None}, format="json")
    assert response.status_code == 200
    new_token = response.json()["access_token"]
    assert new_token != old_token
    old_api = client_for(None)
    old_api.credentials(HTTP_AUTHORIZATION=f"Bearer {old_token}")
    assert old_api.get(PERSONS).status_code == 401


def test_switching_between_bot_and_person_voids_tokens(admin_api, user):
    user_api = client_for(user)
    assert admin_api.put(person_url(user), {"is_bot": True}, format="json").status_code == 200
    assert user_api.get("/api/auth/authenticated").status_code == 401
    robot = BotFactory(email="robot@studio.io")
    robot_api = client_for(robot)
    assert admin_api.put(person_url(robot), {"is_bot": False}, format="json").status_code == 200
    assert robot_api.get("/api/auth/authenticated").status_code == 401


def test_bot_expiring_on_the_last_representable_day(admin_api, bot):
    # The token's expiry was "the day after expiration_date", which overflows for 9999-12-31.
    response = admin_api.post(PERSONS, {"first_name": "Render farm", "last_name": "", "is_bot": True,
                                                    "expiration_date": "9999-12-31"}, format="json")
    assert response.status_code == 201, response.content
    token = response.json()["access_token"]
    response = admin_api.put(person_url(bot), {"expiration_date": "9999-12-31"}, format="json")
    assert response.status_code == 200, response.content
    assert ApiClient(token=token).get("/api/auth/authenticated").status_code == 200


# 19. Update ----------------------------------------------------------------------------------------------


def test_update_persists_fields(user, admin_api):
    response = admin_api.put(person_url(user), {
        "first_name": "Johnny", "phone": "+33 1 23", "role": "supervisor", "position": "lead",
        "seniority": "senior", "daily_salary": 320, "contract_type": "freelance", "timezone": "Asia/Tokyo",
        # gazu sends whole dicts back: keys that are not writable are ignored.
        "type": "Person", "full_name": "ignored", "id": str(uuid.uuid4()), "created_at": "2000-01-01T00:00:00",
    }, format="json")
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["id"] == str(user.pk)
    assert data["full_name"] == "Johnny Doe"
    assert data["departments"] == []
    fresh = admin_api.get(person_url(user)).json()
    for key, value in {"first_name": "Johnny", "phone": "+33 1 23", "role": "supervisor", "position": "lead",
                       "seniority": "senior", "daily_salary": 320, "contract_type": "freelance",
                       "timezone": "Asia/Tokyo"}.items():
        assert fresh[key] == value


def test_update_unknown_person(admin_api):
    response = admin_api.put(person_url(uuid.uuid4()), {"first_name": "X"}, format="json")
    assert response.status_code == 404


@pytest.mark.parametrize("value", ["DD/MM/YYYY", "MM/DD/YYYY", "YYYY-MM-DD", None])
def test_display_preferences_round_trip(user, admin_api, value):
    response = admin_api.put(person_url(user), {"use_12_hour_clock": True, "display_date_format": value},
                             format="json")
    assert response.status_code == 200, response.content
    data = admin_api.get(person_url(user)).json()
    assert data["use_12_hour_clock"] is True
    assert data["display_date_format"] == value


@pytest.mark.parametrize("value", ["YYYY/MM/DD", "", 12, ["DD/MM/YYYY"]])
def test_invalid_display_date_format(user, admin_api, value):
    assert_rejected_on_put_and_post(admin_api, user, "display_date_format", value)
    assert Person.objects.get(pk=user.pk).display_date_format == "YYYY-MM-DD"


def test_gazu_style_whole_dict_put_deactivates_and_reactivates(admin_api, user):
    person = admin_api.get(person_url(user)).json()
    person["active"] = False
    response = admin_api.put(person_url(user), person, format="json")
    assert response.status_code == 200, response.content
    assert (response.json()["active"], response.json()["status"]) == (False, "inactive")
    person = response.json()
    person["active"] = True
    response = admin_api.put(person_url(user), person, format="json")
    assert (response.json()["active"], response.json()["status"]) == (True, "active")


# 20. Delete ----------------------------------------------------------------------------------------------


def test_delete_person(user, admin_api):
    response = admin_api.delete(person_url(user))
    assert response.status_code == 204
    assert response.content == b""
    assert admin_api.get(person_url(user)).status_code == 404
    assert admin_api.delete(person_url(user)).status_code == 404


def test_delete_yourself_is_forbidden(admin, admin_api):
    response = admin_api.delete(person_url(admin))
    assert response.status_code == 403
    assert Person.objects.filter(pk=admin.pk).exists()


def test_delete_with_linked_data_needs_force(user, admin_api):
    response = admin_api.post(f"{person_url(user)}/desktop-login-logs", {"date": "2024-06-04T10:00:00"},
                              format="json")
    assert response.status_code == 201
    response = admin_api.delete(person_url(user))
    assert response.status_code == 400
    assert response.json()["message"] == "Some data are still linked to given person."
    assert admin_api.get(person_url(user)).status_code == 200

    response = admin_api.delete(person_url(user) + "?force=True")
    assert response.status_code == 204
    assert admin_api.get(person_url(user)).status_code == 404
    assert not DesktopLoginLog.objects.filter(person_id=user.pk).exists()


# 21. Country ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "stored"), [("fr", "FR"), (" fr ", "FR"), ("FR", "FR"), (None, None),
                                                ("", None)])
def test_country_normalized(user, admin_api, value, stored):
    Person.objects.filter(pk=user.pk).update(country="DE")
    response = admin_api.put(person_url(user), {"country": value}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["country"] == stored
    assert Person.objects.get(pk=user.pk).country == stored


@pytest.mark.parametrize("value", ["France", "f1", "éé", "123", 123, ["FR"], {"code": "FR"}, "XX"])
def test_country_invalid(user, admin_api, value):
    assert_rejected_on_put_and_post(admin_api, user, "country", value)


def test_country_on_create_and_absent_from_minimal(admin_api, user_api):
    response = admin_api.post(PERSONS, {"first_name": "Jane", "last_name": "Roe", "country": " gb "},
                              format="json")
    assert response.status_code == 201
    assert response.json()["country"] == "GB"
    jane_id = response.json()["id"]
    assert "country" not in user_api.get(person_url(jane_id)).json()
    assert all("country" not in row for row in user_api.get(PERSONS).json())


# 22. Locale ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "stored"), [("fr_FR", "fr_FR"), (" de ", "de"), ("pt_BR", "pt_BR"),
                                                ("zh_Hans_CN", "zh_Hans_CN")])
def test_locale_valid(user, admin_api, value, stored):
    response = admin_api.put(person_url(user), {"locale": value}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["locale"] == stored
    assert Person.objects.get(pk=user.pk).locale == stored


@pytest.mark.parametrize("value", ["zz_ZZ", "notlocale", "en-US", "fr_FR_x", "123", 123, ["fr_FR"], None, ""])
def test_locale_invalid(user, admin_api, value):
    assert_rejected_on_put_and_post(admin_api, user, "locale", value)
    assert Person.objects.get(pk=user.pk).locale == "en_US"


# 23. No secrets in write responses ---------------------------------------------------------------------


def test_write_responses_hold_no_sensitive_field(user, admin_api, departments):
    response = admin_api.post(PERSONS, {"first_name": "Jane", "last_name": "Roe", "email": "jane@example.com",
                                        "password": NEW_PASSWORD}, format="json")
    assert response.status_code == 201
    assert not set(response.json()) & Person.SENSITIVE_FIELDS
    response = admin_api.post(PERSONS, {"last_name": "Roe", "first_name": "Robot", "is_bot": True}, format="json")
    assert not set(response.json()) & Person.SENSITIVE_FIELDS
    response = admin_api.put(person_url(user), {"phone": "1", "password": "ignored-Str0ng-pass"}, format="json")
    assert response.status_code == 200
    assert not set(response.json()) & Person.SENSITIVE_FIELDS
    response = admin_api.post(f"/api/actions/persons/{user.pk}/departments/add",
                              {"department_id": str(departments[0].pk)}, format="json")
    assert response.status_code == 201
    assert not set(response.json()) & Person.SENSITIVE_FIELDS
    # A password in a PUT body is ignored: passwords change through the password routes only.
    login = client_for(None).post("/api/auth/login", {"email": "john.doe@gmail.com", "password": PASSWORD},
                                  format="json")
    assert login.status_code == 200


# 24. Filters and pagination ------------------------------------------------------------------------------


@pytest.mark.parametrize("key", ["daily_salary", "phone", "country", "created_at"])
def test_non_admin_cannot_filter_on_private_columns(staff, key):
    for role in ("manager", "user"):
        response = client_for(staff[role]).get(PERSONS, {key: "320"})
        assert response.status_code == 400
        assert response.json()["message"] == f"Filtering on {key} is not allowed."


def test_email_filter_is_exact(staff, user_api):
    response = user_api.get(PERSONS, {"email": "john.doe@gmail.com", "is_bot": "False"})
    assert response.status_code == 200
    assert [row["id"] for row in response.json()] == [str(staff["user"].pk)]
    assert user_api.get(PERSONS, {"email": "john.doe"}).json() == []
    assert user_api.get(PERSONS, {"email": "%gmail.com"}).json() == []


def test_email_lookup_ignores_case_like_uniqueness(admin_api, user):
    rows = admin_api.get(PERSONS, {"email": "JOHN.DOE@gmail.com", "is_bot": "False"}).json()
    assert [row["id"] for row in rows] == [str(user.pk)]


def test_name_filters_work_for_everyone(staff):
    for role in ("admin", "manager", "user", "vendor"):
        api = client_for(staff[role])
        rows = api.get(PERSONS, {"full_name": "John Doe"}).json()
        assert [row["id"] for row in rows] == [str(staff["user"].pk)]
        rows = api.get(PERSONS, {"first_name": "John"}).json()
        assert len(rows) == 6
        rows = api.get(PERSONS, {"first_name": "John", "last_name": "Did2", "is_bot": "False"}).json()
        assert [row["id"] for row in rows] == [str(staff["manager"].pk)]
        rows = api.get(PERSONS, {"desktop_login": "john.doe", "is_bot": "False"}).json()
        assert [row["id"] for row in rows] == [str(staff["user"].pk)]


def test_admin_filters_on_any_public_column(staff, admin_api):
    Person.objects.filter(pk=staff["user"].pk).update(daily_salary=320)
    rows = admin_api.get(PERSONS, {"daily_salary": "320"}).json()
    assert [row["id"] for row in rows] == [str(staff["user"].pk)]
    assert admin_api.get(PERSONS, {"daily_salary": "321"}).json() == []


@pytest.mark.parametrize("key", sorted(Person.SENSITIVE_FIELDS - {"fido_devices", "jti"}))
def test_nobody_filters_on_secrets(admin, admin_api, key):
    response = admin_api.get(PERSONS, {key: "x"})
    assert response.status_code == 400
    assert response.json()["message"] == f"Filtering on {key} is not allowed."


def test_is_bot_filter_accepts_gazu_booleans(staff, admin_api):
    rows = admin_api.get(PERSONS, {"is_bot": "False"}).json()
    assert len(rows) == 6 and all(not row["is_bot"] for row in rows)
    rows = admin_api.get(PERSONS, {"is_bot": "True"}).json()
    assert [row["id"] for row in rows] == [str(staff["bot"].pk)]
    response = admin_api.get(PERSONS, {"is_bot": "maybe"})
    assert response.status_code == 400
    assert error_fields(response) == ["is_bot"]


def test_id_and_list_filters(staff, user_api, departments):
    staff["vendor"].departments.add(departments[0])
    rows = user_api.get(PERSONS, {"id": str(staff["admin"].pk)}).json()
    assert [row["id"] for row in rows] == [str(staff["admin"].pk)]
    rows = user_api.get(PERSONS, {"role": '["admin", "manager"]'}).json()
    assert {row["id"] for row in rows} == {str(staff["admin"].pk), str(staff["manager"].pk)}
    rows = user_api.get(PERSONS, {"departments": str(departments[0].pk)}).json()
    assert [row["id"] for row in rows] == [str(staff["vendor"].pk)]
    assert user_api.get(PERSONS, {"id": "nope"}).status_code == 400
    assert user_api.get(PERSONS, {"unknown_key": "1"}).status_code == 200


def test_pagination_envelope(staff, admin_api):
    response = admin_api.get(PERSONS, {"page": "1", "limit": "2"})
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"data", "total", "nb_pages", "limit", "offset", "page"}
    assert {k: v for k, v in body.items() if k != "data"} == {
        "total": 7, "nb_pages": 4, "limit": 2, "offset": 0, "page": 1,
    }
    assert len(body["data"]) == 2
    pages = [admin_api.get(PERSONS, {"page": str(n), "limit": "2"}).json() for n in (1, 2, 3, 4)]
    assert [len(page["data"]) for page in pages] == [2, 2, 2, 1]
    assert pages[3]["offset"] == 6
    seen = [row["id"] for page in pages for row in page["data"]]
    assert sorted(seen) == sorted(str(p.pk) for p in staff.values())
    assert admin_api.get(PERSONS, {"page": "5", "limit": "2"}).json()["data"] == []
    zero = admin_api.get(PERSONS, {"page": "0"})
    assert zero.status_code == 400 and error_fields(zero) == ["page"]
    default = admin_api.get(PERSONS, {"page": "1"}).json()
    assert default["limit"] == 100 and default["nb_pages"] == 1 and len(default["data"]) == 7


@pytest.mark.parametrize("params", [{"page": "abc"}, {"page": "1", "limit": "abc"}, {"page": "1", "limit": "0"},
                                    {"page": "1.5"}])
def test_pagination_bad_numbers(admin, admin_api, params):
    response = admin_api.get(PERSONS, params)
    assert response.status_code == 400
    assert response.json()["error"] is True


def test_fields_trims_entries(staff, admin_api, user_api):
    rows = admin_api.get(PERSONS, {"fields": "first_name,nonsense"}).json()
    assert len(rows) == 7
    assert all(set(row) == {"id", "type", "first_name"} for row in rows)
    body = user_api.get(PERSONS, {"fields": "last_name", "page": "1", "limit": "3"}).json()
    assert all(set(row) == {"id", "type", "last_name"} for row in body["data"])
    assert len(body["data"]) == 3


# 25. Permissions -----------------------------------------------------------------------------------------


def test_manager_permissions(admin, user, manager_api):
    response = manager_api.post(PERSONS, {"first_name": "Jane", "last_name": "Roe"}, format="json")
    assert response.status_code == 403
    assert not Person.objects.filter(first_name="Jane").exists()
    for target in (admin, user):
        assert manager_api.get(person_url(target)).status_code == 200
        response = manager_api.put(person_url(target), {"first_name": "Hacked"}, format="json")
        assert response.status_code == 403
        assert Person.objects.get(pk=target.pk).first_name == "John"
    assert manager_api.delete(person_url(admin)).status_code == 403
    assert manager_api.delete(person_url(user)).status_code == 403
    assert Person.objects.filter(pk=admin.pk).exists()


def test_user_edits_only_themselves_and_privileged_fields_are_ignored(user, manager, user_api, departments):
    response = user_api.put(person_url(user), {
        "first_name": "Johnny", "phone": "555", "role": "admin", "active": False, "is_bot": True,
        "departments": [str(departments[0].pk)], "daily_salary": 500,
    }, format="json")
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["first_name"] == "Johnny"
    assert data["phone"] == "555"
    assert data["role"] == "user"
    assert data["active"] is True
    assert data["is_bot"] is False
    assert data["departments"] == []
    fresh = Person.objects.get(pk=user.pk)
    # Employment terms are HR's (a deliberate difference from Zou, which lets people set their own salary).
    assert (fresh.role, fresh.active, fresh.is_bot, fresh.daily_salary) == ("user", True, False, 0)
    assert user_api.get(PERSONS).status_code == 200  # still signed in

    response = user_api.put(person_url(manager), {"first_name": "Hacked"}, format="json")
    assert response.status_code == 403
    assert user_api.delete(person_url(manager)).status_code == 403
    assert user_api.post(PERSONS, {"first_name": "Jane"}, format="json").status_code == 403


def test_admin_can_edit_another_admin(admin, admin_api):
    other = AdminFactory(email="other.admin@example.com")
    response = admin_api.put(person_url(other), {"first_name": "Other", "role": "manager"}, format="json")
    assert response.status_code == 200
    assert response.json()["role"] == "manager"
    assert Person.objects.get(pk=other.pk).first_name == "Other"


# Query counts --------------------------------------------------------------------------------------------


def _count_list_queries(api) -> tuple[int, list]:
    with CaptureQueriesContext(connection) as queries:
        response = api.get(PERSONS, {"relations": "true"})
    assert response.status_code == 200
    return len(queries), response.json()


def test_list_query_count_does_not_grow_with_persons(admin, admin_api, departments):
    admin.departments.set(departments)
    for person in PersonFactory.create_batch(4, password=None):
        person.departments.set(departments)
    small_count, rows = _count_list_queries(admin_api)
    assert len(rows) == 5

    for person in PersonFactory.create_batch(35, password=None):
        person.departments.set(departments)
    large_count, rows = _count_list_queries(admin_api)
    assert len(rows) == 40
    assert all(len(row["departments"]) == 2 for row in rows)
    assert large_count == small_count
    # The token lookup (with its person), the persons, their department ids.
    assert large_count == 3


def test_minimal_list_query_count(user, user_api, departments):
    for person in PersonFactory.create_batch(10, password=None):
        person.departments.set(departments)
    count, rows = _count_list_queries(user_api)
    assert len(rows) == 11
    assert count == 3  # the token lookup, the persons, their department ids


# Trailing slashes and malformed input --------------------------------------------------------------------


def test_trailing_slashes(user, admin_api):
    assert admin_api.get(f"{PERSONS}/").status_code == 200
    assert admin_api.get(f"{person_url(user)}/").status_code == 200
    response = admin_api.put(f"{person_url(user)}/", {"phone": "9"}, format="json")
    assert response.status_code == 200
    response = admin_api.post(f"{PERSONS}/", {"first_name": "Jane", "last_name": "Roe"}, format="json")
    assert response.status_code == 201
    assert admin_api.delete(f"{PERSONS}/{response.json()['id']}/").status_code == 204


@pytest.mark.parametrize("body", [
    [1, 2], "text", 12, None,
    {"first_name": None}, {"first_name": ["a"]}, {"first_name": "x" * 81}, {"first_name": "a\u0000b"},
    {"first_name": "Jane", "email": "not an email"}, {"first_name": "Jane", "email": 12},
    {"first_name": "Jane", "email": ["a@b.c"]},
    {"first_name": "Jane", "role": "god"}, {"first_name": "Jane", "role": ["admin"]},
    {"first_name": "Jane", "contract_type": "slave"}, {"first_name": "Jane", "active": "maybe"},
    {"first_name": "Jane", "timezone": "Mars/Olympus"}, {"first_name": "Jane", "timezone": 3},
    {"first_name": "Jane", "expiration_date": "2030-13-45"}, {"first_name": "Jane", "expiration_date": 5},
    {"first_name": "Jane", "studio_id": "nope"}, {"first_name": "Jane", "studio_id": str(uuid.uuid4())},
    {"first_name": "Jane", "manager_id": "nope"}, {"first_name": "Jane", "departments": "nope"},
    {"first_name": "Jane", "departments": {"id": "x"}},
    {"first_name": "Jane", "daily_salary": -1}, {"first_name": "Jane", "daily_salary": 10 ** 12},
    {"first_name": "Jane", "shotgun_id": 10 ** 12}, {"first_name": "Jane", "daily_salary": "lots"},
    {"first_name": "Jane", "data": {"note": "a\u0000b"}}, {"first_name": "Jane", "phone": "1" * 31},
    {"first_name": "Jane", "password": "short"}, {"first_name": "Jane", "password": ["x"]},
    {"first_name": "Jane", "preferred_two_factor_authentication": "sms"},
    {"first_name": "Jane", "two_factor_authentication": "totp"},
])
def test_malformed_create_bodies_are_400(admin, admin_api, body):
    response = admin_api.post(PERSONS, body, format="json")
    assert response.status_code == 400, response.content
    assert response.json()["error"] is True
    assert Person.objects.count() == 1


@pytest.mark.parametrize(("body", "field"), [
    ([1], None), ("text", None), ({"daily_salary": 10 ** 12}, "daily_salary"),
    ({"shotgun_id": 10 ** 12}, "shotgun_id"), ({"data": {"note": "\u0000"}}, "data"), ({"email": "x@"}, "email"),
    ({"first_name": ""}, "first_name"), ({"first_name": "   "}, "first_name"), ({"active": None}, "active"),
    ({"role": None}, "role"), ({"last_presence": "yesterday"}, "last_presence"),
    ({"expiration_date": "2030-02-30"}, "expiration_date"), ({"desktop_login": "x" * 81}, "desktop_login"),
])
def test_malformed_update_bodies_are_400(user, admin_api, body, field):
    response = admin_api.put(person_url(user), body, format="json")
    assert response.status_code == 400, response.content
    assert response.json()["error"] is True
    # A body that is not an object at all has no field to name.
    assert error_fields(response) == ([field] if field else [])
    assert Person.objects.get(pk=user.pk).first_name == "John"


def test_update_drops_department_items_that_are_not_ids(user, admin_api):
    body = {"departments": [["x"], 3, {"id": None}, {"no": "id"}, "nope"]}
    response = admin_api.put(person_url(user), body, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["departments"] == []
    assert Person.objects.get(pk=user.pk).first_name == "John"


def test_put_departments_ignores_null_items(admin_api, user):
    department = Department.objects.create(name="Rigging", color="#123456")
    response = admin_api.put(person_url(user), {"departments": [None, str(department.pk)]},
                             format="json")
    assert response.status_code == 200
    assert response.json()["departments"] == [str(department.pk)]


@pytest.mark.parametrize(("params", "field"), [
    ({"email": '["a\\u0000b"]'}, "email"), ({"first_name": "a\x00b"}, "first_name"),
    ({"full_name": "a\x00b"}, "full_name"), ({"email": "[1, {}]"}, "email"), ({"email": "[not json"}, "email"),
    ({"departments": "nope"}, "departments"),
    # The error names the query key the client sent, not the model field behind it.
    ({"studio_id": "nope"}, "studio_id"),
    ({"created_at": "yesterday"}, "created_at"), ({"daily_salary": "1.5"}, "daily_salary"),
    ({"last_presence": "2024-02-30"}, "last_presence"), ({"active": "[true, \"maybe\"]"}, "active"),
    ({"limit": "-1", "page": "1"}, "limit"),
])
def test_malformed_filters_are_400_naming_the_key(staff, admin_api, params, field):
    response = admin_api.get(PERSONS, params)
    assert response.status_code == 400, response.content
    assert response.json()["error"] is True
    assert error_fields(response) == [field]


@pytest.mark.parametrize("params", [{"daily_salary": "99999999999999999999"}, {"role": "{}"}])
def test_filters_no_row_can_match_give_an_empty_list(staff, admin_api, params):
    # A well-formed value that no row can hold (past the integer column's range, not a role) matches nothing.
    response = admin_api.get(PERSONS, params)
    assert response.status_code == 200, response.content
    assert response.json() == []


@pytest.mark.parametrize(("method", "path"), [
    ("post", PERSONS), ("put", "{person}"), ("post", "/api/actions/persons/{id}/departments/add"),
    ("post", "/api/actions/persons/{id}/change-password"), ("post", "{person}/desktop-login-logs"),
    ("post", "/api/data/user/desktop-login-logs"),
])
@pytest.mark.parametrize("payload", ['{"first_name": ', "not json at all", "null", "[]", '"text"', "\x00"])
def test_unparsable_json_bodies_are_400(user, admin_api, method, path, payload):
    url = path.format(person=person_url(user), id=user.pk)
    response = getattr(admin_api, method)(url, payload, content_type="application/json")
    assert response.status_code == 400, response.content
    assert response.json()["error"] is True
    assert Person.objects.count() == 2


# JSON's "\ud800" escape decodes to a lone surrogate, and "\u0000" to NUL: jsonb stores neither, and the
# database's refusal came back as a 400 that named no field.
UNSTORABLE_JSON = ['{"a": "\\ud800"}', '["\\udfff"]', '{"\\ud800": 1}', '"\\u0000"', '{"a": ["x\\u0000"]}']


@pytest.mark.parametrize("raw", UNSTORABLE_JSON)
def test_person_data_with_unstorable_text_names_the_field(admin_api, user, raw):
    body = '{"first_name": "Jane", "last_name": "Roe", "data": ' + raw + "}"
    assert_field_error(admin_api.post(PERSONS, body, content_type="application/json"), "data")
    assert not Person.objects.filter(first_name="Jane").exists()
    response = admin_api.put(person_url(user), '{"data": ' + raw + "}", content_type="application/json")
    assert_field_error(response, "data")


def test_a_reporting_line_may_not_loop(admin_api, user, manager, supervisor):
    """Issue 7, item 4: `manager` (the line manager, "Reports to") may not form a cycle, however long."""
    def reports_to(person, boss):
        return admin_api.put(f"/api/data/persons/{person.pk}", {"manager_id": str(boss.pk)}, format="json")

    assert reports_to(user, manager).status_code == 200
    assert reports_to(manager, supervisor).status_code == 200
    looped = reports_to(supervisor, user)  # supervisor -> user -> manager -> supervisor
    assert looped.status_code == 400 and looped.json()["data"]["errors"][0]["field"] == "manager_id"
    assert reports_to(manager, user).status_code == 400  # the short loop too
    assert Person.objects.get(pk=supervisor.pk).manager_id is None  # nothing written by the refusals
