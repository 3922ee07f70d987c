"""Gunicorn for Roster in production: `gunicorn -c deploy/gunicorn.conf.py config.wsgi`, behind the nginx site in
deploy/nginx/roster.conf, which buffers whole requests and responses so slow clients never hold a worker.

Every value can be changed from the environment (GUNICORN_*), for the host's size and network layout.
"""

import multiprocessing
import os


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


# Loopback only: nginx is the one client. Sync workers are enough because nginx hands them complete requests.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
worker_class = "sync"
workers = _int("GUNICORN_WORKERS", 2 * multiprocessing.cpu_count() + 1)

# A request that runs past `timeout` is killed; a worker is renewed after a few thousand requests (slow leaks).
timeout = _int("GUNICORN_TIMEOUT", 30)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = 2
max_requests = _int("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = 200

# Requests that no client of Roster sends: refused before the application sees them.
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190

# Only nginx on this host may say which scheme and address the client used.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")

# No control socket: nothing on the host should be able to steer the workers but the process manager.
control_socket_disable = True

accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
