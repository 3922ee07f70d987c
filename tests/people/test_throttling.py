"""Issue 6, item 5: throttles on sign-in, reset-password, change-password and invitations. Per identifier
first (and alike for identifiers that belong to no one), per client address only generously; 429 in Zou's
error envelope with `Retry-After`; counts in the shared cache; rates from the environment."""

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import redis
from django.core import mail
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.db import connections
from django.test import Client
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from notifications.models import OutboxEmail
from tests.conftest import PASSWORD, ApiClient, client_for
from tests.factories import AdminFactory, PersonFactory

REPO = Path(__file__).resolve().parent.parent.parent
LOCKED = {"error": True, "login": False, "too_many_failed_login_attemps": True}
NEW_PASSWORD = "An0ther-Secret!"


@pytest.fixture(autouse=True)
def frozen_clock(monkeypatch):
    """The throttles count in clock-aligned windows: their clock stands still here, so that no window ends
    in the middle of a test."""
    now = 1_800_000_000.0 + 30  # 30 s into a minute, an hour and a day
    monkeypatch.setattr(SimpleRateThrottle, "timer", staticmethod(lambda: now))
    return now


@pytest.fixture
def rates(settings):
    """Override some rates for one test (the others keep their defaults)."""
    def override(**scopes):
        settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], **scopes}}
    return override


def login(identifier, password="not-the-password", client=None, **extra):
    client = client or ApiClient()
    return client.post("/api/auth/login", {"email": identifier, "password": password}, format="json", **extra)


def request_reset(email, client=None):
    return (client or ApiClient()).post("/api/auth/reset-password", {"email": email}, format="json")


def assert_throttled(response, *, most: int) -> int:
    """A 429 in the error envelope with Retry-After (whole seconds, at most `most`), the same in `data`."""
    assert response.status_code == 429, response.content
    wait = int(response["Retry-After"])
    assert 1 <= wait <= most
    body = response.json()
    assert body == {"error": True, "message": f"Too many requests: try again in {wait} s.",
                    "data": {"retry_after": wait}}
    return wait


# Reset-password ---------------------------------------------------------------------------------------------


def test_fifty_reset_requests_for_one_address_mail_it_three_times(user, django_capture_on_commit_callbacks):
    # Each request mailed a link before: 50 requests, 50 emails in one person's mailbox.
    with django_capture_on_commit_callbacks(execute=True):
        responses = [request_reset("john.doe@gmail.com") for _ in range(50)]
    assert [r.status_code for r in responses] == [200] * 3 + [429] * 47
    assert {r.content for r in responses[:3]} == {b'{"success":"Reset token sent"}'}
    assert assert_throttled(responses[-1], most=3600) == 3600 - 30  # the rest of the clock hour
    assert [m.to for m in mail.outbox] == [["john.doe@gmail.com"]] * 3
    # The same address in another case or with spaces is the same address.
    assert_throttled(request_reset("  John.Doe@GMAIL.com "), most=3600)


@pytest.fixture
def redis_cache(settings):
    """Only Redis counts atomically (the database cache is the single-host fallback): this test counts on Redis
    whatever cache the suite runs with, under the key prefix the autouse fixture gave it (and cleans up)."""
    url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        pytest.fail(f"Redis must answer at {url} (make test starts it): {exc}", pytrace=False)
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url,
                                   "KEY_PREFIX": settings.CACHES["default"]["KEY_PREFIX"]}}
    assert isinstance(caches["default"], RedisCache)


@pytest.mark.django_db(transaction=True)
def test_parallel_reset_requests_cannot_outrun_the_limit(user, redis_cache):
    start = threading.Barrier(20)
    statuses = []

    def ask():
        start.wait()
        try:
            statuses.append(request_reset("john.doe@gmail.com").status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=ask) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200] * 3 + [429] * 17
    assert OutboxEmail.objects.filter(to="john.doe@gmail.com", kind="password_reset").count() == 3


def test_an_address_that_belongs_to_no_one_is_throttled_alike(user):
    known = [request_reset("john.doe@gmail.com") for _ in range(4)]
    unknown = [request_reset("nobody@example.com") for _ in range(4)]
    assert [(r.status_code, r.content, r.get("Retry-After")) for r in known] == [
        (r.status_code, r.content, r.get("Retry-After")) for r in unknown]
    assert known[-1].status_code == 429


def test_setting_the_new_password_is_throttled_per_address_only(db, rates):
    rates(reset_password_address="2/min")
    for _ in range(2):
        assert ApiClient().put("/api/auth/reset-password", {}, format="json").status_code == 400
    assert_throttled(ApiClient().put("/api/auth/reset-password", {}, format="json"), most=60)


# Sign-in ----------------------------------------------------------------------------------------------------


def test_the_login_throttle_sits_above_the_lockout(user):
    answers = [login("john.doe@gmail.com").json() for _ in range(30)]
    assert answers == [{"login": False}] * 5 + [LOCKED] * 25  # Zou's lockout answers first
    assert_throttled(login("john.doe@gmail.com", PASSWORD), most=60)
    assert_throttled(login(" JOHN.DOE@gmail.com"), most=60)
    # Per identifier: the desktop login of the same person is another identifier (it is locked out, though).
    assert login("john.doe").json() == LOCKED


def test_an_identifier_that_belongs_to_no_one_is_throttled_alike(user, rates):
    rates(login_identifier="3/min")
    known = [login("john.doe@gmail.com") for _ in range(4)]
    unknown = [login("nobody@example.com") for _ in range(4)]
    assert [(r.status_code, r.content) for r in known] == [(r.status_code, r.content) for r in unknown]
    assert known[-1].status_code == 429


def test_a_whole_studio_signs_in_from_one_address(db):
    # A studio behind one NAT address, or a render farm: hundreds of sign-ins a minute from one address.
    artists = [PersonFactory(first_name=f"Artist{i}", desktop_login=f"artist{i}") for i in range(20)]
    signed_in = [login(artist.desktop_login, PASSWORD).status_code for artist in artists]
    refused = [login(f"nobody{i}@example.com").status_code for i in range(230)]
    assert signed_in == [200] * 20
    assert refused == [400] * 230


def test_the_address_is_the_connection_unless_a_proxy_is_trusted(db, rates, settings):
    rates(login_address="2/min")
    for i in range(2):
        assert login(f"a{i}@example.com", REMOTE_ADDR="10.0.0.1").status_code == 400
    # A client-sent X-Forwarded-For is not believed: the connection's address is throttled.
    assert_throttled(login("b@example.com", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4"), most=60)
    assert login("c@example.com", REMOTE_ADDR="10.0.0.2").status_code == 400

    # Behind nginx every request comes from 127.0.0.1: the client is the address nginx appended.
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    behind = {"REMOTE_ADDR": "127.0.0.1"}
    for i in range(2):
        forwarded = login(f"d{i}@example.com", HTTP_X_FORWARDED_FOR="spoofed, 10.0.0.3", **behind)
        assert forwarded.status_code == 400
    assert_throttled(login("e@example.com", HTTP_X_FORWARDED_FOR="other-spoof, 10.0.0.3", **behind), most=60)
    assert login("f@example.com", HTTP_X_FORWARDED_FOR="10.0.0.4", **behind).status_code == 400


def test_the_admin_sign_in_form_is_no_way_around_the_login_throttles(admin, rates):
    rates(login_identifier="3/min")
    form = Client()
    for _ in range(3):
        page = form.post("/admin/login/", {"username": admin.email, "password": "wrong", "next": "/admin/"})
        assert page.status_code == 200  # the form again, with its error
    refused = form.post("/admin/login/", {"username": admin.email, "password": PASSWORD, "next": "/admin/"})
    assert refused.status_code == 200 and "_auth_user_id" not in form.session
    assert_throttled(login(admin.email, PASSWORD), most=60)  # one count, whichever door


def test_an_unreachable_cache_does_not_stop_sign_in(user, settings):
    from tests.ports import unused_loopback_port

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": f"redis://127.0.0.1:{unused_loopback_port()}/0"}}
    assert login("john.doe@gmail.com", PASSWORD).status_code == 200
    assert login("nobody@example.com").json() == {"login": False}


# Password changes and invitations ---------------------------------------------------------------------------


def change_password(api, *, confirmation=NEW_PASSWORD):
    return api.post("/api/auth/change-password", {
        "old_password": PASSWORD, "password": NEW_PASSWORD, "password_2": confirmation}, format="json")


def test_password_changes_are_throttled_per_person(user_api, admin_api):
    for _ in range(20):
        response = change_password(user_api, confirmation="a-typo")
        assert response.json()["message"] == "Confirmation password doesn't match."
    assert_throttled(change_password(user_api), most=3600)
    assert change_password(admin_api).json() == {"success": True}


def test_invitations_are_throttled_per_invited_person(admin, admin_api, django_capture_on_commit_callbacks):
    invited, other = PersonFactory(first_name="Ivy", password=None), PersonFactory(first_name="Otto")
    with django_capture_on_commit_callbacks(execute=True):
        answers = [admin_api.get(f"/api/actions/persons/{invited.pk}/invite") for _ in range(6)]
        second_admin = client_for(AdminFactory(first_name="Hilda"))
        again = second_admin.get(f"/api/actions/persons/{invited.pk}/invite")
        elsewhere = admin_api.get(f"/api/actions/persons/{other.pk}/invite")
    assert [a.status_code for a in answers] == [200] * 5 + [429]
    assert_throttled(answers[-1], most=3600)
    assert_throttled(again, most=3600)  # whoever sends it
    assert elsewhere.status_code == 200
    assert [m.to for m in mail.outbox].count([invited.email]) == 5


def test_only_those_allowed_to_invite_spend_the_budget(admin_api, user_api, db):
    invited = PersonFactory(first_name="Ivy", password=None)
    for _ in range(10):
        assert user_api.get(f"/api/actions/persons/{invited.pk}/invite").status_code == 403
    assert admin_api.get(f"/api/actions/persons/{invited.pk}/invite").status_code == 200


# The one-time-code routes' throttle (no such route is served yet) -------------------------------------------


def test_one_time_code_throttle_counts_per_email_or_person(db, rates):
    from rest_framework.permissions import AllowAny
    from rest_framework.response import Response
    from rest_framework.test import APIRequestFactory
    from rest_framework.views import APIView

    from people.throttles import OtpIdentifierThrottle

    class CodeView(APIView):
        authentication_classes: list = []
        permission_classes = [AllowAny]
        throttle_classes = [OtpIdentifierThrottle]

        def get(self, request):
            return Response({"success": True})

    rates(otp_identifier="2/min")
    view, factory = CodeView.as_view(), APIRequestFactory()
    answers = [view(factory.get("/api/auth/email-otp", {"email": email})).status_code
               for email in ("ada@example.com", "ADA@example.com ", "ada@example.com", "bob@example.com")]
    assert answers == [200, 200, 429, 200]


# Shared cache, rates and documentation ----------------------------------------------------------------------


def test_the_counts_are_in_the_shared_cache(user, settings):
    login("john.doe@gmail.com")
    backend = caches["default"]
    assert isinstance(backend, RedisCache) or settings.CACHES["default"]["BACKEND"].endswith("DatabaseCache")
    if isinstance(backend, RedisCache):  # a client of its own, as another process would have
        import redis

        other = redis.Redis.from_url(settings.CACHES["default"]["LOCATION"])
        keys = [key.decode() for key in other.scan_iter(match=f"{backend.key_prefix}:*throttle:login_*")]
        assert {key.split(":")[3] for key in keys} == {"login_address", "login_identifier"}
        assert "john.doe" not in "".join(keys)  # identifiers are hashed
        assert all(other.get(key) == b"1" for key in keys)


SETTINGS_PROBE = """
import json, os
from config.settings import base
print(json.dumps({"rates": base.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
                  "proxies": base.REST_FRAMEWORK["NUM_PROXIES"]}))
"""


def read_settings(**env):
    full_env = {**os.environ, "DEBUG": "1", **env}
    return subprocess.run([sys.executable, "-c", SETTINGS_PROBE], cwd=REPO, env=full_env, capture_output=True,
                          text=True, timeout=60)


def test_each_rate_comes_from_the_environment():
    variables = {
        "login_identifier": "ROSTER_THROTTLE_LOGIN_IDENTIFIER",
        "login_address": "ROSTER_THROTTLE_LOGIN_ADDRESS",
        "reset_password_email": "ROSTER_THROTTLE_RESET_PASSWORD_EMAIL",
        "reset_password_address": "ROSTER_THROTTLE_RESET_PASSWORD_ADDRESS",
        "change_password_person": "ROSTER_THROTTLE_CHANGE_PASSWORD_PERSON",
        "invite_person": "ROSTER_THROTTLE_INVITE_PERSON",
        "otp_identifier": "ROSTER_THROTTLE_OTP_IDENTIFIER",
    }
    env = {name: f"{index + 1}/{index + 2}min" for index, name in enumerate(variables.values())}
    result = read_settings(**env, ROSTER_NUM_PROXIES="1")
    assert result.returncode == 0, result.stderr
    read = json.loads(result.stdout)
    assert read == {"rates": {scope: env[name] for scope, name in variables.items()}, "proxies": 1}
    example = (REPO / ".env.example").read_text()
    assert all(f"\n{name}=" in example for name in [*variables.values(), "ROSTER_NUM_PROXIES"])


def test_a_malformed_rate_stops_the_start():
    result = read_settings(ROSTER_THROTTLE_LOGIN_IDENTIFIER="ten a minute")
    assert result.returncode != 0
    assert "ROSTER_THROTTLE_LOGIN_IDENTIFIER must be a rate such as 10/min" in result.stderr


def test_rates_may_count_their_period():
    from config.throttles import parse_rate

    assert [parse_rate(rate) for rate in ("10/min", "5/15min", "3/hour", "1/s", "2/d", "300/m")] == [
        (10, 60), (5, 900), (3, 3600), (1, 1), (2, 86400), (300, 60)]


def test_the_default_rates_are_generous_per_address_and_tight_per_identifier():
    rates = api_settings.DEFAULT_THROTTLE_RATES
    assert rates["login_address"] == "300/min" and rates["reset_password_address"] == "100/min"
    assert rates["reset_password_email"] == "3/hour" and rates["invite_person"] == "5/hour"


@pytest.mark.parametrize("path, method", [
    ("/api/auth/login/", "post"), ("/api/auth/reset-password/", "post"), ("/api/auth/reset-password/", "put"),
    ("/api/auth/change-password/", "post"), ("/api/actions/persons/{person_id}/invite/", "get"),
])
def test_throttled_routes_document_their_429(admin_api, path, method):
    openapi = admin_api.get("/api/schema/", {"format": "json"}).json()
    assert "429" in openapi["paths"][path][method]["responses"]


def test_a_number_as_identifier_is_throttled_too(db, rates):
    """DRF's CharField reads a JSON number as its text, so a numeric desktop login signs in: it is counted."""
    rates(login_identifier="2/min")
    for _ in range(2):
        assert ApiClient().post("/api/auth/login", {"email": 40211, "password": "x"}, format="json").status_code == 400
    assert_throttled(ApiClient().post("/api/auth/login", {"email": "40211", "password": "x"}, format="json"),
                     most=60)


def test_one_person_is_one_invitation_budget_however_the_id_is_spelled(admin_api, rates):
    rates(invite_person="2/hour")
    person = PersonFactory(email="new.hire@example.com")
    spellings = [str(person.pk), person.pk.hex, f"{{{person.pk}}}", f"urn:uuid:{person.pk}"]
    statuses = [admin_api.get(f"/api/actions/persons/{spelling}/invite").status_code for spelling in spellings]
    assert statuses[:2] == [200, 200] and statuses[2:] == [429, 429]
