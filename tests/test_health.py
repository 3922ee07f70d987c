"""`GET /health/`: the database, the cache and (with REDIS_URL) the Celery broker. A service that is down is
reported with 503 and its name, never a 500 or a hang."""

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.test import Client

from tests.ports import unused_loopback_port

REPO = Path(__file__).resolve().parent.parent
DATABASE = "Database(alias='default')"
CACHE = "Cache(alias='default')"
BROKER = "CeleryBroker(transport='redis')"
REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"

pytestmark = pytest.mark.django_db


@pytest.fixture
def broker_at(settings):
    def point_to(url: str):
        settings.REDIS_URL = url
        settings.CELERY_BROKER_URL = url
    return point_to


def health_json(path: str = "/health/?format=json"):
    response = Client().get(path)
    return response.status_code, response.json()


def test_without_redis_checks_database_and_cache(settings):
    settings.REDIS_URL = ""
    assert health_json() == (200, {DATABASE: "OK", CACHE: "OK"})


@pytest.mark.parametrize("path", ["/health/?format=json", "/health?format=json"])
def test_with_redis_the_broker_is_checked(broker_at, path):
    broker_at(REDIS_URL)
    assert health_json(path) == (200, {DATABASE: "OK", CACHE: "OK", BROKER: "OK"})


def test_unreachable_broker_is_reported_with_503(broker_at):
    broker_at(f"redis://127.0.0.1:{unused_loopback_port()}/0")
    status, body = health_json()
    assert status == 503
    assert body == {DATABASE: "OK", CACHE: "OK", BROKER: "Unavailable: Celery broker unreachable"}


def test_html_and_text_answers_report_the_failure_with_503_too(broker_at):
    broker_at(f"redis://127.0.0.1:{unused_loopback_port()}/0")
    html = Client().get("/health/")
    assert html.status_code == 503
    assert html["Content-Type"].startswith("text/html")
    assert "Celery broker unreachable" in html.content.decode()
    text = Client().get("/health/?format=text")
    assert text.status_code == 503
    assert f"{BROKER}: Unavailable: Celery broker unreachable" in text.content.decode()


@pytest.mark.parametrize("feed", ["atom", "rss", "openmetrics"])
def test_feed_formats_report_the_failure_with_503_too(broker_at, feed):
    broker_at(f"redis://127.0.0.1:{unused_loopback_port()}/0")
    assert Client().get(f"/health/?format={feed}").status_code == 503


def test_a_broker_that_never_answers_times_out_quickly(broker_at):
    # Accepts the TCP connection (the kernel's backlog) but never says a word.
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)
        broker_at(f"redis://127.0.0.1:{silent.getsockname()[1]}/0")
        started = time.monotonic()
        status, body = health_json()
        elapsed = time.monotonic() - started
    assert status == 503
    assert body[BROKER] == "Unavailable: Celery broker unreachable"
    assert elapsed < 10  # the check's 2 s timeout, not kombu's default of waiting forever


def test_unreachable_cache_is_reported_with_503(settings):
    settings.REDIS_URL = ""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": f"redis://127.0.0.1:{unused_loopback_port()}/0"}}
    status, body = health_json()
    assert status == 503
    assert body[DATABASE] == "OK"
    assert body[CACHE] != "OK"


PROBE = """
import json, os, django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
django.setup()
from django.test import Client
response = Client(HTTP_HOST="localhost").get("/health/?format=json")
print(json.dumps({"status": response.status_code, "body": response.json()}))
"""


@pytest.mark.django_db(False)
def test_unreachable_database_is_reported_with_503():
    # A server process of its own: the database settings are read once, at start.
    env = {**os.environ, "DEBUG": "1", "REDIS_URL": "", "LOG_LEVEL": "CRITICAL",
           "DATABASE_URL": f"postgres://postgres@127.0.0.1:{unused_loopback_port()}/roster"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    result = subprocess.run([sys.executable, "-c", PROBE], cwd=REPO, env=env, capture_output=True, text=True,
                            timeout=60, check=True)
    answer = json.loads(result.stdout)
    assert answer["status"] == 503
    # The driver's message names the database host: an anonymous caller gets a fixed line instead.
    assert answer["body"][DATABASE] == "Unavailable: Database unreachable"
    # Without REDIS_URL the cache is a table of that database, so it is down too (and says no more).
    assert answer["body"][CACHE] == "Unknown Error: unknown error"
