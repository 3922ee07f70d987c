"""The production set-up in deploy/: gunicorn's configuration loads with the app, and keeps slow clients to
nginx (loopback bind, bounded requests, timeouts, no control socket)."""

import os
import runpy
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
