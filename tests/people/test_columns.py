"""people.columns declares every Person column once; the JSON shapes built from it keep Zou's key order."""

from people.columns import COLUMNS, PRIVILEGED_FIELDS, SAFE_FIELDS, WRITABLE_FIELDS, Filter, Write
from people.models import Person, Role
from tests.conftest import client_for
from tests.factories import AdminFactory

# Zou's person dicts (zou-api.md 3.3); clients that print or diff them see this order.
SAFE_FORM_KEYS = [
    "id", "type", "created_at", "updated_at", "first_name", "last_name", "full_name", "email", "username",
    "phone", "country", "contract_type", "job_title", "active", "status", "archived", "last_presence",
    "desktop_login", "totp_enabled", "email_otp_enabled", "fido_enabled",
    "preferred_two_factor_authentication", "shotgun_id", "timezone", "locale", "use_12_hour_clock",
    "display_date_format", "appearance", "data", "role", "position", "seniority", "daily_salary",
    "has_avatar", "notifications_enabled", "notifications_slack_enabled", "notifications_slack_userid",
    "notifications_mattermost_enabled", "notifications_mattermost_userid", "notifications_discord_enabled",
    "notifications_discord_userid", "is_bot", "is_guest", "expiration_date", "authentication_method",
    "is_generated_from_ldap", "ldap_uid", "studio_id", "manager_id", "departments",
    "teams", "shift_id",  # Roster's additions (seeds 004 and 003), after Zou's keys
]
MINIMAL_FORM_KEYS = [
    "id", "type", "first_name", "last_name", "full_name", "has_avatar", "active", "departments", "studio_id",
    "role", "desktop_login", "is_bot",
]


def test_every_model_field_of_person_is_declared():
    """A field added to Person must be declared in people.columns, where someone decides who sees it."""
    model_fields = {field.name for field in Person._meta.get_fields() if not field.auto_created}
    declared = [column.field for column in COLUMNS if column.field is not None]
    assert sorted(declared) == sorted(model_fields)
    keys = [column.key for column in COLUMNS]
    assert len(keys) == len(set(keys))


def test_minimal_form_positions_run_from_one_and_sit_inside_the_safe_form():
    minimal = [column for column in COLUMNS if column.minimal is not None]
    assert sorted(column.minimal for column in minimal) == list(range(1, len(minimal) + 1))
    assert all(column.safe for column in minimal)


def test_no_secret_is_serialized_written_or_filtered():
    secrets = {column.key for column in COLUMNS if column.key in Person.SENSITIVE_FIELDS}
    assert secrets == Person.SENSITIVE_FIELDS - {"fido_devices", "jti"}  # Zou's names with no column here
    exposed = {column.key for column in COLUMNS
               if column.safe or column.write is not Write.NOBODY or column.filter is not Filter.NONE}
    assert not secrets & exposed
    assert not secrets & (set(SAFE_FIELDS) | WRITABLE_FIELDS | PRIVILEGED_FIELDS)


def test_safe_form_keys_come_in_zou_order(admin, admin_api, user):
    assert list(admin_api.get(f"/api/data/persons/{user.pk}").json()) == SAFE_FORM_KEYS
    with_relations = admin_api.get("/api/data/persons", {"relations": "true"}).json()
    assert [list(row) for row in with_relations] == [SAFE_FORM_KEYS] * 2
    # Without relations the list leaves `departments` (and `teams`) out, as Zou does; the rest keeps its order.
    without_relations = admin_api.get("/api/data/persons").json()
    assert [list(row) for row in without_relations] == [
        [key for key in SAFE_FORM_KEYS if key not in ("departments", "teams")]] * 2


def test_a_new_bot_token_follows_the_safe_form_keys(admin_api):
    response = admin_api.post("/api/data/persons", {"first_name": "Render", "last_name": "Farm", "is_bot": True},
                              format="json")
    assert response.status_code == 201, response.content
    assert list(response.json()) == [*SAFE_FORM_KEYS, "access_token"]


def test_minimal_form_keys_come_in_zou_order(admin, user_api, user):
    assert list(user_api.get(f"/api/data/persons/{admin.pk}").json()) == MINIMAL_FORM_KEYS
    listed = user_api.get("/api/data/persons").json()
    assert [list(row) for row in listed] == [MINIMAL_FORM_KEYS] * 2


def test_only_privileged_columns_are_dropped_from_an_artists_own_edit(user):
    """One EDITORS column and one PRIVILEGED column, through the API: the declaration decides."""
    api = client_for(user)
    response = api.put(f"/api/data/persons/{user.pk}", {"phone": "+33 1 23", "daily_salary": 900,
                                                        "role": Role.ADMIN}, format="json")
    assert response.status_code == 200
    user.refresh_from_db()
    assert (user.phone, user.daily_salary, user.role) == ("+33 1 23", 0, Role.USER)
    # An admin's edit of the same columns goes through.
    boss = AdminFactory(email="boss@studio.io")
    client_for(boss).put(f"/api/data/persons/{user.pk}", {"daily_salary": 900}, format="json")
    user.refresh_from_db()
    assert user.daily_salary == 900
