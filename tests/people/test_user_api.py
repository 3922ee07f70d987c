"""Issue 7 item 6: a person's settings (seed 004), search by email (seed 002), the current user, their profile and
presence (seed 003), `last_seen` kept from API activity, and the directory."""

import datetime as dt
import logging

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from audit.models import AuditEntry
from departments.models import Department
from people.columns import SAFE_FIELDS
from people.models import Person
from people.services import presence as presence_service
from people.services.settings import SETTINGS
from tests.conftest import assert_field_error, client_for
from tests.factories import BotFactory, PersonFactory

pytestmark = pytest.mark.django_db


def settings_url(person) -> str:
    return f"/api/data/persons/{person.pk}/settings"


def audit_rows(person, action: str):
    return AuditEntry.objects.filter(target_id=str(person.pk), action=action)


# Settings -------------------------------------------------------------------------------------------------


def test_settings_read_every_declared_key_with_defaults(user_api, user):
    body = user_api.get(settings_url(user)).json()
    assert list(body) == [setting.key for setting in SETTINGS]
    assert body["timezone"] == "Europe/Paris" and body["locale"] == "en_US"
    assert (body["appearance"], body["week_starts_on"], body["list_page_size"], body["notify_by_email"]) == (
        "auto", "monday", 100, True)


def test_a_put_replaces_the_settings_columns_in_their_columns(user_api, user):
    response = user_api.put(settings_url(user), {
        "timezone": " America/Los_Angeles ", "locale": "fr_FR", "appearance": "dark",
        "notifications_enabled": True, "week_starts_on": "sunday", "list_page_size": 50,
        "display_date_format": None,
    }, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["timezone"], body["appearance"], body["week_starts_on"], body["list_page_size"]) == (
        "America/Los_Angeles", "dark", "sunday", 50)
    stored = Person.objects.get(pk=user.pk)
    # Zou's columns hold their keys (quotas read the timezone there); only non-defaults go to the JSON.
    assert (stored.timezone, stored.locale, stored.appearance, stored.notifications_enabled) == (
        "America/Los_Angeles", "fr_FR", "dark", True)
    assert stored.display_date_format is None
    assert stored.preferences == {"week_starts_on": "sunday", "list_page_size": 50}
    assert user_api.get(settings_url(user)).json() == body

    # Replace: what is left out goes back to its default.
    body = user_api.put(settings_url(user), {"appearance": "light"}, format="json").json()
    assert (body["timezone"], body["appearance"], body["week_starts_on"], body["display_date_format"]) == (
        "Europe/Paris", "light", "monday", "YYYY-MM-DD")
    assert Person.objects.get(pk=user.pk).preferences == {}


def test_seed_004_wraps_the_settings_in_a_settings_key(user_api, user):
    response = user_api.put(settings_url(user), {"settings": {"thumbnail_width": 300}}, format="json")
    assert response.status_code == 200
    assert response.json()["thumbnail_width"] == 300


@pytest.mark.parametrize(("body", "field"), [
    ({"background": "red"}, "background"),
    ({"appearance": "dark", "zz_unknown": 1, "aa_unknown": 2}, "aa_unknown"),
    ({"show_weekends": "true"}, "show_weekends"),
    ({"show_weekends": 1}, "show_weekends"),
    ({"list_page_size": True}, "list_page_size"),
    ({"list_page_size": "50"}, "list_page_size"),
    ({"list_page_size": 50.5}, "list_page_size"),
    ({"list_page_size": 9}, "list_page_size"),
    ({"thumbnail_width": 5000}, "thumbnail_width"),
    ({"timezone": "Mars/Olympus_Mons"}, "timezone"),
    ({"timezone": None}, "timezone"),
    ({"locale": "zz_ZZ"}, "locale"),
    ({"appearance": "neon"}, "appearance"),
    ({"email_digest": None}, "email_digest"),
    ({"display_date_format": "YYYY/MM/DD"}, "display_date_format"),
    ({"settings": "dark"}, "settings"),
])
def test_bad_settings_are_a_400_naming_the_key_and_change_nothing(user_api, user, body, field):
    before = Person.objects.get(pk=user.pk)
    assert_field_error(user_api.put(settings_url(user), body, format="json"), field)
    after = Person.objects.get(pk=user.pk)
    assert (after.preferences, after.appearance, after.updated_at) == (
        before.preferences, before.appearance, before.updated_at)
    assert not audit_rows(user, "person.settings_changed").exists()


def test_a_change_writes_one_audit_row_and_a_no_op_writes_nothing(admin_api, admin, user):
    body = {"appearance": "dark", "email_digest": "weekly"}
    assert admin_api.put(settings_url(user), body, format="json").status_code == 200
    rows = list(audit_rows(user, "person.settings_changed"))
    assert len(rows) == 1
    assert rows[0].actor_id == admin.pk
    assert rows[0].changes == {"appearance": ["auto", "dark"], "email_digest": ["off", "weekly"]}
    updated_at = Person.objects.get(pk=user.pk).updated_at

    assert admin_api.put(settings_url(user), body, format="json").status_code == 200
    # Spelling a default out is the same as leaving it out: nothing changes either.
    assert admin_api.put(settings_url(user), {**body, "week_starts_on": "monday"}, format="json").status_code == 200
    assert audit_rows(user, "person.settings_changed").count() == 1
    assert Person.objects.get(pk=user.pk).updated_at == updated_at


def test_settings_are_their_owner_s_and_the_admin_s(user_api, user, manager, bot):
    # A stranger's settings are hidden HR data: the same 404 as for nobody.
    assert user_api.get(settings_url(manager)).status_code == 404
    assert user_api.put(settings_url(manager), {"appearance": "dark"}, format="json").status_code == 404
    # A line manager sees a report's HR data, but settings stay the person's own and the admin's.
    Person.objects.filter(pk=manager.pk).update(manager=user)
    assert user_api.get(settings_url(manager)).status_code == 403
    assert user_api.put(settings_url(manager), {"appearance": "dark"}, format="json").status_code == 403
    assert client_for(bot).get(settings_url(bot)).status_code == 403
    assert user_api.get("/api/data/persons/not-an-id/settings").status_code == 404


# Search by email -----------------------------------------------------------------------------------------


def test_search_compares_emails_as_sign_in_does(admin_api, user):
    found = admin_api.get("/api/data/persons/search", {"email": "  JOHN.Doe@gmail.COM "}).json()
    assert [row["id"] for row in found] == [str(user.pk)]
    assert list(found[0]) == SAFE_FIELDS  # the safe form, with its relations
    assert admin_api.get("/api/data/persons/search", {"email": "nobody@gmail.com"}).json() == []


def test_search_finds_no_bot(admin_api, bot):
    assert admin_api.get("/api/data/persons/search", {"email": "bot@gmail.com"}).json() == []


@pytest.mark.parametrize("query", [{}, {"email": ""}, {"email": "   "}, {"email": "not-an-email"},
                                   {"email": "a@b@c"}, {"email": "x" * 300 + "@example.com"}])
def test_search_needs_a_valid_email(admin_api, query):
    assert_field_error(admin_api.get("/api/data/persons/search", query), "email")


def test_search_tells_a_non_admin_nothing(user_api, manager_api, user):
    """Refused before any lookup: a known and an unknown address get the same answer."""
    answers = {(api.get("/api/data/persons/search", {"email": email}).status_code,
                api.get("/api/data/persons/search", {"email": email}).content)
               for api in (user_api, manager_api) for email in ("john.doe@gmail.com", "nobody@gmail.com")}
    assert len(answers) == 1
    assert next(iter(answers))[0] == 403


# The current user, their profile and presence -------------------------------------------------------------


def test_me_is_the_own_safe_record_with_presence(user_api, user):
    body = user_api.get("/api/data/user/me").json()
    assert list(body) == [*SAFE_FIELDS, "presence", "presence_changed_at", "last_seen", "online"]
    assert (body["id"], body["email"], body["presence"], body["presence_changed_at"]) == (
        str(user.pk), "john.doe@gmail.com", "active", None)


def test_a_bot_reads_its_own_record_and_is_never_online(bot):
    Person.objects.filter(pk=bot.pk).update(last_seen=timezone.now())
    body = client_for(bot).get("/api/data/user/me").json()
    assert (body["id"], body["is_bot"], body["online"]) == (str(bot.pk), True, False)
    assert client_for(bot).patch("/api/data/user/presence", {"presence": "away"}, format="json").status_code == 403


def test_the_profile_changes_names_and_phone_through_person_update(user_api, user):
    response = user_api.patch("/api/data/user/profile", {"first_name": " Jane ", "phone": "+33 6 12 34 56 78"},
                              format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["first_name"], body["last_name"], body["phone"], body["full_name"]) == (
        "Jane", "Doe", "+33 6 12 34 56 78", "Jane Doe")
    assert "online" in body
    rows = list(audit_rows(user, "person.updated"))
    assert len(rows) == 1 and rows[0].changes == {"first_name": ["John", "Jane"],
                                                  "phone": ["", "+33 6 12 34 56 78"]}
    updated_at = Person.objects.get(pk=user.pk).updated_at
    assert user_api.patch("/api/data/user/profile", {"first_name": "Jane"}, format="json").status_code == 200
    assert audit_rows(user, "person.updated").count() == 1
    assert Person.objects.get(pk=user.pk).updated_at == updated_at


@pytest.mark.parametrize(("body", "field"), [
    ({"email": "new@gmail.com"}, "email"),
    ({"first_name": "Jane", "role": "admin"}, "role"),
    ({"first_name": ""}, "first_name"),
    ({"first_name": 12}, "first_name"),
    ({"last_name": None}, "last_name"),
    ({"phone": "1" * 31}, "phone"),
    ({"first_name": "x" * 81}, "first_name"),
])
def test_the_profile_refuses_anything_else(user_api, user, body, field):
    assert_field_error(user_api.patch("/api/data/user/profile", body, format="json"), field)
    stored = Person.objects.get(pk=user.pk)
    assert (stored.first_name, stored.email, stored.role) == ("John", "john.doe@gmail.com", "user")
    assert not audit_rows(user, "person.updated").exists()


def test_presence_is_set_audited_once_and_checked(user_api, user):
    response = user_api.patch("/api/data/user/presence", {"presence": "away"}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert (body["presence"], body["online"]) == ("away", False)
    assert body["presence_changed_at"] and body["last_seen"]
    stored = Person.objects.get(pk=user.pk)
    assert (stored.presence, stored.last_seen is not None) == ("away", True)
    assert user_api.patch("/api/data/user/presence", {"presence": "away"}, format="json").status_code == 200
    assert [row.changes for row in audit_rows(user, "person.presence_changed")] == [
        {"presence": ["active", "away"]}]
    body = user_api.patch("/api/data/user/presence", {"presence": "active"}, format="json").json()
    assert (body["presence"], body["online"]) == ("active", True)


@pytest.mark.parametrize(("body", "field"), [
    ({"presence": "busy"}, "presence"), ({"presence": None}, "presence"), ({"status": "away"}, "presence"),
    ({"presence": "away", "since": "now"}, "since"),
])
def test_a_bad_presence_is_a_400_naming_the_field(user_api, body, field):
    assert_field_error(user_api.patch("/api/data/user/presence", body, format="json"), field)


# last_seen from API activity ------------------------------------------------------------------------------


def updates_of(captured) -> list[str]:
    return [query["sql"] for query in captured if query["sql"].startswith("UPDATE")]


def test_activity_moves_last_seen_once_per_period(user, user_api, monkeypatch,
                                                  django_capture_on_commit_callbacks):
    """The write waits for the commit (none in a test transaction): run the callbacks to see it."""
    with django_capture_on_commit_callbacks(execute=True):
        assert user_api.get("/api/data/departments").status_code == 200
    stored = Person.objects.get(pk=user.pk)
    assert stored.last_seen is not None and stored.updated_at == user.updated_at
    assert not AuditEntry.objects.filter(target_id=str(user.pk)).exclude(action="person.created").exists()

    # Seen a moment ago (the row loaded with the token says so): no cache or database round trip.
    asked = []

    class Counting:
        def add(self, *args, **kwargs):
            asked.append(args)
            return True

    monkeypatch.setattr(presence_service, "cache", Counting())
    with CaptureQueriesContext(connection) as captured, django_capture_on_commit_callbacks(execute=True):
        user_api.get("/api/data/departments")
    assert updates_of(captured) == [] and asked == []
    assert Person.objects.get(pk=user.pk).last_seen == stored.last_seen


def test_one_write_per_period_even_when_the_row_is_stale(user, user_api, django_capture_on_commit_callbacks):
    """Parallel requests all load a stale row: the shared cache lets one of them write."""
    long_ago = timezone.now() - dt.timedelta(hours=1)
    Person.objects.filter(pk=user.pk).update(last_seen=long_ago)
    with CaptureQueriesContext(connection) as captured, django_capture_on_commit_callbacks(execute=True):
        user_api.get("/api/data/departments")
    assert len(updates_of(captured)) == 1
    Person.objects.filter(pk=user.pk).update(last_seen=long_ago)  # as the parallel requests saw it
    with CaptureQueriesContext(connection) as captured, django_capture_on_commit_callbacks(execute=True):
        user_api.get("/api/data/departments")
    assert updates_of(captured) == []
    assert Person.objects.get(pk=user.pk).last_seen == long_ago


def test_a_cache_down_skips_the_write_and_never_fails_the_request(user, user_api, monkeypatch, caplog,
                                                                  django_capture_on_commit_callbacks):
    class Unreachable:
        def add(self, *args, **kwargs):
            raise ConnectionError("cache down")

    monkeypatch.setattr(presence_service, "cache", Unreachable())
    monkeypatch.setattr(presence_service, "_cache_paused_until", 0.0)
    with caplog.at_level(logging.DEBUG, logger="people.services.presence"), \
            django_capture_on_commit_callbacks(execute=True):
        assert user_api.get("/api/data/departments").status_code == 200
    assert Person.objects.get(pk=user.pk).last_seen is None
    assert any("last_seen" in record.getMessage() and record.levelno == logging.DEBUG for record in caplog.records)
    # The process leaves the cache alone a while: the next request does not wait on it again.
    calls = []

    class Counting:
        def add(self, *args, **kwargs):
            calls.append(args)
            return True

    monkeypatch.setattr(presence_service, "cache", Counting())
    with django_capture_on_commit_callbacks(execute=True):
        assert user_api.get("/api/data/departments").status_code == 200
    assert calls == []


def test_an_anonymous_or_refused_request_records_nothing(user, user_api, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert client_for(None).get("/api/data/departments").status_code == 401
        revoked = client_for(user)
        assert revoked.get("/api/auth/logout").status_code == 200
    assert Person.objects.get(pk=user.pk).last_seen is not None  # the logout itself was activity
    Person.objects.filter(pk=user.pk).update(last_seen=None)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert revoked.get("/api/data/departments").status_code == 401
    assert callbacks == []
    assert Person.objects.get(pk=user.pk).last_seen is None


# The directory -------------------------------------------------------------------------------------------


@pytest.fixture
def colleagues(db):
    now = timezone.now()
    modeling = Department.objects.create(name="Modeling", color="#FF0000")
    made = {
        "online": PersonFactory(first_name="Ada", last_name="Lovelace", email="ada@studio.io"),
        "idle": PersonFactory(first_name="Alan", last_name="Turing", email="alan@studio.io"),
        "away": PersonFactory(first_name="Grace", last_name="Hopper", email="grace@studio.io"),
        "never": PersonFactory(first_name="Linus", last_name="Torvalds", email="linus@studio.io"),
    }
    made["online"].departments.add(modeling)
    Person.objects.filter(pk=made["online"].pk).update(last_seen=now - dt.timedelta(minutes=1))
    Person.objects.filter(pk=made["idle"].pk).update(last_seen=now - dt.timedelta(minutes=10))
    Person.objects.filter(pk=made["away"].pk).update(last_seen=now, presence="away")
    PersonFactory(first_name="Old", last_name="Timer", email="old@studio.io", active=False)
    PersonFactory(first_name="Guest", last_name="Viewer", email="guest@studio.io", is_guest=True)
    BotFactory(first_name="Render", last_name="Bot")
    made["modeling"] = modeling
    return made


def test_the_directory_lists_active_humans_with_their_presence(user_api, colleagues):
    rows = user_api.get("/api/data/persons/directory").json()
    assert [row["full_name"] for row in rows] == ["Ada Lovelace", "Alan Turing", "Grace Hopper", "Linus Torvalds"]
    by_name = {row["first_name"]: row for row in rows}
    assert {name: row["online"] for name, row in by_name.items()} == {
        "Ada": True, "Alan": False, "Grace": False, "Linus": False}
    assert by_name["Ada"]["departments"] == [str(colleagues["modeling"].pk)]
    assert (by_name["Grace"]["presence"], by_name["Linus"]["last_seen"]) == ("away", None)
    assert set(by_name["Ada"]) == {"id", "first_name", "last_name", "full_name", "email", "has_avatar",
                                   "departments", "presence", "last_seen", "online"}
    # Emails only for those who read them in Zou's person form: not a user, a client or a vendor.
    assert {row["email"] for row in rows} == {None}
    for role, sees_emails in (("client", False), ("vendor", False), ("manager", True), ("hr", True)):
        caller = PersonFactory(role=role, email=f"{role}@studio.io")
        emails = {row["first_name"]: row["email"] for row in client_for(caller).get(
            "/api/data/persons/directory").json()}
        assert (emails["Ada"] == "ada@studio.io") is sees_emails, role


def test_online_minutes_are_a_setting(user_api, colleagues, settings):
    settings.ROSTER_PRESENCE_ONLINE_MINUTES = 30
    rows = user_api.get("/api/data/persons/directory").json()
    assert [row["first_name"] for row in rows if row["online"]] == ["Ada", "Alan"]


def test_the_directory_filters_by_name_and_pages(user_api, colleagues):
    assert [row["first_name"] for row in user_api.get("/api/data/persons/directory", {"q": "ALAN T"}).json()] == [
        "Alan"]
    assert [row["first_name"] for row in user_api.get("/api/data/persons/directory", {"q": "tor"}).json()] == [
        "Linus"]
    page = user_api.get("/api/data/persons/directory", {"page": 2, "limit": 3}).json()
    assert (page["total"], page["nb_pages"], page["page"], [row["first_name"] for row in page["data"]]) == (
        4, 2, 2, ["Linus"])
    assert_field_error(user_api.get("/api/data/persons/directory", {"page": "x"}), "page")


def test_the_directory_runs_the_same_queries_whatever_its_size(user_api, colleagues):
    def measured() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert user_api.get("/api/data/persons/directory").status_code == 200
        return len(captured)

    small = measured()
    for i in range(6):
        person = PersonFactory(first_name=f"More{i}")
        person.departments.add(colleagues["modeling"])
    assert measured() == small == 3  # the token, the persons, their department ids


def test_a_granted_settings_key_changes_nobody_above_its_holder(admin, hr, user):
    """`persons.change_settings` granted to an HR person reaches an artist's settings, never an admin's (who
    holds guarded keys HR lacks): the guard every service changing another person applies."""
    granted = client_for(admin).patch(f"/api/data/persons/{hr.pk}/permissions",
                                      {"granted": ["persons.change_settings"], "reason": "settings clean-up"},
                                      format="json")
    assert granted.status_code == 200, granted.content
    hr_api = client_for(Person.objects.get(pk=hr.pk))
    assert hr_api.put(settings_url(user), {"appearance": "dark"}, format="json").status_code == 200
    refused = hr_api.put(settings_url(admin), {"appearance": "dark"}, format="json")
    assert refused.status_code == 403 and "organisations.change" in refused.json()["message"]
    assert Person.objects.get(pk=admin.pk).appearance != "dark"
