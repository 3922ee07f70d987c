"""The production set-up in deploy/: gunicorn's configuration loads with the app, and keeps slow clients to
nginx (loopback bind, bounded requests, timeouts, no control socket)."""

import os
import runpy
import secrets
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
GUNICORN_CONF = REPO / "deploy" / "gunicorn.conf.py"


def test_gunicorn_checks_its_config_and_loads_the_app():
    env = {**os.environ, "DEBUG": "0", "SECRET_KEY": "deploy-check", "ALLOWED_HOSTS": "roster.example.com",
           "DJANGO_SETTINGS_MODULE": "config.settings.base"}
    result = subprocess.run([sys.executable, "-m", "gunicorn", "--check-config", "-c", str(GUNICORN_CONF),
                             "config.wsgi"], cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]


def test_gunicorn_serves_nginx_only_with_bounded_requests(monkeypatch):
    for name in [name for name in os.environ if name.startswith("GUNICORN_")]:
        monkeypatch.delenv(name)
    conf = runpy.run_path(str(GUNICORN_CONF))
    assert conf["bind"].startswith("127.0.0.1:") and conf["forwarded_allow_ips"] == "127.0.0.1"
    assert conf["control_socket_disable"] is True
    assert conf["timeout"] == 30 and conf["limit_request_line"] == 8190 and conf["limit_request_fields"] == 100
    assert conf["workers"] >= 3


def test_the_environment_sizes_gunicorn(monkeypatch):
    monkeypatch.setenv("GUNICORN_WORKERS", "5")
    monkeypatch.setenv("GUNICORN_BIND", "unix:/run/roster.sock")
    conf = runpy.run_path(str(GUNICORN_CONF))
    assert (conf["workers"], conf["bind"]) == (5, "unix:/run/roster.sock")


def test_nginx_site_buffers_clients_and_forwards_the_scheme():
    site = (REPO / "deploy" / "nginx" / "roster.conf").read_text()
    for directive in ("proxy_request_buffering on;", "client_body_timeout 10s;", "client_header_timeout 10s;",
                      "proxy_set_header X-Forwarded-Proto $scheme;", "server 127.0.0.1:8000;"):
        assert directive in site


# `manage.py check --deploy` ---------------------------------------------------------------------------------

# The production variables the README's production section sets (a fresh 50-character secret each run).
PRODUCTION_ENVIRONMENT = {"DEBUG": "0", "ALLOWED_HOSTS": "roster.example.com", "SECURE_PROXY_SSL_HEADER": "1",
                          "ROSTER_SITE_URL": "https://roster.example.com",
                          "DJANGO_SETTINGS_MODULE": "config.settings.base"}


def check_deploy(**overrides) -> subprocess.CompletedProcess:
    env = {name: value for name, value in os.environ.items()
           if not name.startswith(("SECURE_", "DJANGO_SETTINGS_MODULE"))}
    env.update(PRODUCTION_ENVIRONMENT, SECRET_KEY=secrets.token_urlsafe(50), **overrides)
    return subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=120)


def test_check_deploy_is_clean_with_the_documented_production_variables():
    result = check_deploy()
    assert result.returncode == 0, result.stderr[-3000:]
    assert "System check identified no issues" in result.stdout


def test_https_redirect_and_hsts_come_from_the_environment():
    """A site whose TLS proxy redirects and sends HSTS itself may turn Django's own off, and check --deploy says so."""
    result = check_deploy(SECURE_SSL_REDIRECT="0", SECURE_HSTS_SECONDS="0")
    assert result.returncode != 0
    assert "security.W004" in result.stderr and "security.W008" in result.stderr
