"""A database restart costs no request: a gunicorn worker whose kept connection was terminated server-side
reconnects (CONN_HEALTH_CHECKS) instead of answering 500."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from django.db import connection

from tests.ports import unused_loopback_port

REPO = Path(__file__).resolve().parent.parent




@pytest.fixture
def gunicorn_on_test_database(transactional_db):
    """One sync worker, production settings, on this test's database (its connection kept 60 s)."""
    port = unused_loopback_port()
    db = connection.settings_dict
    env = {**os.environ, "DEBUG": "0", "SECRET_KEY": "database-restart-test", "ALLOWED_HOSTS": "127.0.0.1",
           "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
           "REDIS_URL": "", "LOG_LEVEL": "CRITICAL", "DJANGO_SETTINGS_MODULE": "config.settings.base",
           "SECURE_SSL_REDIRECT": "0"}  # plain HTTP here: no TLS proxy in front
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "config.wsgi", "--workers", "1",
                               "--bind", f"127.0.0.1:{port}", "--log-level", "critical"],
                              cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(60):  # the worker imports the whole project before it answers
            try:
                requests.get(f"{url}/api/", timeout=5)
                break
            except requests.RequestException:
                time.sleep(0.5)
        else:
            pytest.fail("gunicorn did not start")
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


def sign_in_attempt(url: str) -> requests.Response:
    # Reads the person table: needs the worker's database connection.
    return requests.post(f"{url}/api/auth/login", json={"email": "nobody@example.com", "password": "x"}, timeout=10)


def test_requests_after_the_database_dropped_every_connection_get_no_500(gunicorn_on_test_database):
    url = gunicorn_on_test_database
    assert sign_in_attempt(url).status_code == 400  # the worker now holds a connection
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                       "WHERE datname = current_database() AND pid <> pg_backend_pid()")
        assert cursor.fetchone()[0] >= 1
    statuses = [sign_in_attempt(url).status_code for _ in range(5)]
    assert statuses == [400] * 5
