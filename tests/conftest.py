import uuid

import pytest
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from rest_framework.test import APIClient

from people.models import Person, Role
from people.tokens import tokens_issue_login_pair, tokens_rotate_api_token
from tests.factories import (
    PASSWORD,
    AdminFactory,
    BotFactory,
    ClientFactory,
    HrFactory,
    ManagerFactory,
    PersonFactory,
    SupervisorFactory,
    VendorFactory,
)


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _cache_of_its_own(settings):
    """Each test counts throttles and sign-in failures under a key prefix of its own, so no count leaks into
    another test, another xdist worker or another checkout's run on the same Redis. The keys are deleted after
    the test (never with `cache.clear()`, which on Redis empties the whole database, Celery's queues included)."""
    prefix = f"roster-test-{uuid.uuid4().hex}"
    settings.CACHES = {alias: {**config, "KEY_PREFIX": prefix} for alias, config in settings.CACHES.items()}
    yield
    backend = caches["default"]
    if isinstance(backend, RedisCache) and backend.key_prefix == prefix:  # not a cache the test set up itself
        client = backend._cache.get_client(write=True)
        keys = list(client.scan_iter(match=f"{prefix}:*"))
        if keys:
            client.delete(*keys)


def make_person(*, role=Role.USER, email=None, password=PASSWORD, **fields) -> Person:
    """"John <Role>", with no email unless one is given. Older tests call this; new ones call the factories."""
    fields.setdefault("first_name", "John")
    fields.setdefault("last_name", role.title())
    return PersonFactory(role=role, email=email, password=password, **fields)


class ApiClient(APIClient):
    """A DRF test client signed in as one person with a real bearer token."""

    def __init__(self, person: Person | None = None, token: str | None = None):
        super().__init__()
        self.person = person
        if token:
            self.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")


def client_for(person: Person | None) -> ApiClient:
    if person is None:
        return ApiClient()
    token = tokens_rotate_api_token(person=person) if person.is_bot else (
        tokens_issue_login_pair(person=person).access_token
    )
    return ApiClient(person, token)


def assert_field_error(response, field: str, status: int = 400) -> None:
    """The response is Zou's error envelope, and the first field it names is `field`."""
    assert response.status_code == status, response.content
    body = response.json()
    assert body["error"] is True and body["message"]
    assert body["data"]["errors"][0]["field"] == field


# The role fixtures carry the names and emails of Zou's own test fixtures (zou-api.md section 10), so a test
# ported from Zou reads the same; tests log in as "john.doe@gmail.com" and look people up by these emails.

@pytest.fixture
def admin(db):
    return AdminFactory(first_name="John", last_name="Did", email="john.did@gmail.com")


@pytest.fixture
def hr(db):
    """HR operations (issue 7): every person's record, placement and state; no system settings."""
    return HrFactory(first_name="Hana", last_name="Hr", email="hana.hr@gmail.com")


@pytest.fixture
def manager(db):
    return ManagerFactory(first_name="John", last_name="Did2", email="john.did2@gmail.com")


@pytest.fixture
def user(db):
    return PersonFactory(first_name="John", last_name="Doe", email="john.doe@gmail.com",
                         desktop_login="john.doe")


@pytest.fixture
def supervisor(db):
    return SupervisorFactory(first_name="John", last_name="Did6", email="john.did6@gmail.com")


@pytest.fixture
def client_person(db):
    return ClientFactory(first_name="John", last_name="Did4", email="john.did4@gmail.com")


@pytest.fixture
def vendor(db):
    return VendorFactory(first_name="John", last_name="Did5", email="john.did5@gmail.com")


@pytest.fixture
def bot(db):
    # Bots need no email; this one has one so that a test can try (and fail) to log in with it.
    return BotFactory(first_name="Bot", last_name="", email="bot@gmail.com")


@pytest.fixture
def admin_api(admin):
    return client_for(admin)


@pytest.fixture
def user_api(user):
    return client_for(user)


@pytest.fixture
def manager_api(manager):
    return client_for(manager)


@pytest.fixture
def anon_api():
    return ApiClient()


@pytest.fixture
def browser(monkeypatch, tmp_path):
    """Headless Debian Chromium that reaches nothing but loopback (tests/browser.py). Every page a browser test
    opens must keep to the Content-Security-Policy: a violation anywhere fails the test."""
    from tests.browser import chromium, csp_violations

    driver = chromium(monkeypatch, tmp_path)
    try:
        yield driver
        assert csp_violations(driver) == [], "a page broke its Content-Security-Policy"
    finally:
        driver.quit()
