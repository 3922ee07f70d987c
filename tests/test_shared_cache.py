"""The cache that throttle counts and sign-in failures live in is shared by every process: Redis with
REDIS_URL, a table of the database without it (created by a migration), never a process's own memory."""

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.core.cache import caches
from django.db import connection

REPO = Path(__file__).resolve().parent.parent
REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"

# Another process, on the production settings: which cache it has, and what it reads under `key`.
PROBE = """
import json, sys, django
django.setup()
from django.conf import settings
settings.CACHES["default"]["KEY_PREFIX"] = sys.argv[1]  # read at the first use of the cache, just below
from django.core.cache import cache
print(json.dumps({"backend": settings.CACHES["default"]["BACKEND"], "value": cache.get(sys.argv[2])}))
"""


def database_url_of_the_tests() -> str:
    settings_dict = connection.settings_dict
    return (f"postgres://{settings_dict['USER']}@{settings_dict['HOST'] or '127.0.0.1'}:"
            f"{settings_dict['PORT'] or 5432}/{settings_dict['NAME']}")


def probe(*, redis_url: str, prefix: str, key: str) -> dict:
    env = {**os.environ, "DEBUG": "1", "REDIS_URL": redis_url, "LOG_LEVEL": "CRITICAL",
           "DATABASE_URL": database_url_of_the_tests(), "DJANGO_SETTINGS_MODULE": "config.settings.base"}
    result = subprocess.run([sys.executable, "-c", PROBE, prefix, key], cwd=REPO, env=env, capture_output=True,
                            text=True, timeout=60, check=True)
    return json.loads(result.stdout)


@pytest.mark.django_db(transaction=True)  # the other process must see the cache table's committed rows
@pytest.mark.parametrize("redis_url, backend", [
    (REDIS_URL, "django.core.cache.backends.redis.RedisCache"),
    ("", "django.core.cache.backends.db.DatabaseCache"),
], ids=["redis", "database"])
def test_a_count_written_by_one_process_is_read_by_another(settings, redis_url, backend):
    prefix, key = f"roster-test-{uuid.uuid4().hex}", "throttle:probe"
    location = redis_url or "roster_cache"
    settings.CACHES = {"default": {"BACKEND": backend, "LOCATION": location, "KEY_PREFIX": prefix}}
    caches["default"].set(key, 7, 60)
    try:
        assert probe(redis_url=redis_url, prefix=prefix, key=key) == {"backend": backend, "value": 7}
    finally:
        caches["default"].delete(key)


def test_the_test_settings_share_their_cache_too(settings):
    # tests/conftest.py only changes the key prefix: what the throttles count in here is Redis or a table.
    assert settings.CACHES["default"]["BACKEND"] in {"django.core.cache.backends.redis.RedisCache",
                                                     "django.core.cache.backends.db.DatabaseCache"}
