"""Roster settings, read from the environment (see .env.example for every variable)."""

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {value!r}") from exc


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG")
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY is required unless DEBUG=1")
    SECRET_KEY = "roster-insecure-debug-only-secret-key-do-not-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")

INSTALLED_APPS = [
    "unfold",  # the admin's theme: its templates must be found before django.contrib.admin's
    "unfold.contrib.filters",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI and ReDoc served from our static files, no CDN
    "health_check",
    "csp",  # the {% csp_nonce %} template tag
    "audit",
    "notifications",
    "departments",
    "people",
    "timetracking",
    "quotas",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "config.middleware.HtmlContentSecurityPolicyMiddleware",
    "audit.context.AuditRequestMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "config.middleware.ApiNotFoundMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL",
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=60,
        # A connection kept across requests is checked before reuse: after a database restart a worker
        # reconnects instead of answering one 500 on its dead connection.
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env_bool("DATABASE_PREPARED_STATEMENTS",
                                                                                   True):
    # Parameters bound by the server, and a query run five times on a connection kept as a prepared
    # statement: PostgreSQL stops re-planning the person list's wide queries on every request. Turn off
    # (DATABASE_PREPARED_STATEMENTS=0) behind a pooler in transaction mode, which cannot keep them.
    DATABASES["default"]["OPTIONS"] = {**DATABASES["default"].get("OPTIONS", {}),
                                       "server_side_binding": True, "prepare_threshold": 5}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "people.Person"
# Sign-in (PersonBackend), and every permission question answered from the permission table.
AUTHENTICATION_BACKENDS = ["people.backends.PersonBackend", "people.permissions.RosterPermissionBackend"]
# Email is unique among non-bots only (a partial constraint), which Django's check cannot see.
SILENCED_SYSTEM_CHECKS = ["auth.W004"]

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
# One static storage whatever DEBUG is, so `collectstatic` run in either mode serves both: with DEBUG=1 the
# manifest storage links unhashed names (WhiteNoise serves them from the finders), with DEBUG=0 it reads the
# manifest that every collect writes.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"allow_overwrite": True}},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Uploaded avatars are decoded in memory; 10 MB is far above any sane portrait.
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# The HR admin (django-unfold). Each admin screen declares its own sidebar icon and tabs (config/admin.py).
UNFOLD = {
    "SITE_TITLE": "Roster",
    "SITE_HEADER": "Roster",
    "SITE_SYMBOL": "badge",
    "SITE_URL": "/",
    "DASHBOARD_CALLBACK": "people.admin.hr_dashboard",
    "SIDEBAR": {"show_search": True, "navigation": "config.admin.sidebar_navigation"},
    "TABS": "config.admin.changelist_tabs",
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["people.authentication.BearerTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["people.permissions.HasRosterPermission"],
    "DEFAULT_RENDERER_CLASSES": ["config.renderers.RosterJSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "config.parsers.SafeJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "config.api.zou_exception_handler",
    "DATETIME_FORMAT": "%Y-%m-%dT%H:%M:%S",
    "DATE_FORMAT": "%Y-%m-%d",
    "UNAUTHENTICATED_USER": None,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Roster API",
    "DESCRIPTION": "The people registry of a studio. Serves Zou's people API under /api/ for gazu clients.",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api",
    "COMPONENT_SPLIT_REQUEST": True,
    # Read-only fields such as a bot's one-time `access_token` are not always present in responses.
    "COMPONENT_NO_READ_ONLY_REQUIRED": True,
    "ENUM_NAME_OVERRIDES": {
        "RoleEnum": "people.models.Role.choices",
        "ContractTypeEnum": "people.models.ContractType.choices",
        "PersonStatusEnum": "people.models.PersonStatus.choices",
        "PositionEnum": "departments.models.Position.choices",
        "SeniorityEnum": "departments.models.Seniority.choices",
        "AppearanceEnum": "people.models.Appearance.choices",
        "AuthenticationMethodEnum": "people.models.AuthenticationMethod.choices",
        "TwoFactorMethodEnum": "people.models.TwoFactorMethod.choices",
    },
    "AUTHENTICATION_WHITELIST": ["people.authentication.BearerTokenAuthentication"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

REDIS_URL = os.environ.get("REDIS_URL", "")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
# Without a broker the tasks run in-process, so `make run` needs nothing but Python.
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_ACKS_LATE = True
# A request queues its emails after its commit: a broker that is down must cost it about a second, not a hang
# (the outbox row stays pending for the sweep). max_retries 0: kombu would otherwise wait 2 s and try again
# before giving up, even on a refused connection. The worker's own reconnection loop is not affected (it
# passes its own retries), and beat tries again on its next tick.
CELERY_BROKER_CONNECTION_TIMEOUT = 1
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 1, "socket_timeout": 2, "max_retries": 0}
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# No task may hang a worker: the soft limit raises inside the task (a delivery records the failure and is
# retried), the hard limit kills the worker process. Both end before an email's lease (below) runs out, so
# the sweep never hands a row that a live worker is still sending to another one.
CELERY_TASK_SOFT_TIME_LIMIT = 60
CELERY_TASK_TIME_LIMIT = 75
# `celery -A config beat` runs the outbox sweep every minute: it is what retries failed sends, delivers the
# emails whose task never reached the broker, and takes back rows from a worker that died while sending.
CELERY_BEAT_SCHEDULE = {
    "requeue-pending-emails": {"task": "notifications.tasks.requeue_pending_emails", "schedule": 60.0},
}
# A worker sending an email holds it for this long (longer than the hard time limit); queueing an email
# gives its task as long to start before the sweep queues it again.
ROSTER_EMAIL_LEASE_SECONDS = 90
# Seconds before each retry of a failed send: 8 attempts over about 41 hours, so a day-long SMTP outage
# delays mail but loses none. After the last one the email is "failed"; the admin or
# `deliver_pending_emails --failed` sends it again.
ROSTER_EMAIL_RETRY_SCHEDULE = [60, 5 * 60, 15 * 60, 3600, 4 * 3600, 12 * 3600, 24 * 3600]

EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
# Seconds an SMTP connect or reply may take: without it a silent server holds a worker forever.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20)
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "roster@localhost")

ROSTER_SITE_URL = os.environ.get("ROSTER_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# Behind a TLS-terminating proxy (set SECURE_PROXY_SSL_HEADER=1 when it sends X-Forwarded-Proto).
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", ROSTER_SITE_URL)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
if env_bool("SECURE_PROXY_SSL_HEADER"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# HTTPS only in production: plain HTTP is redirected and browsers are told (HSTS) never to try it again. Each
# is overridable from the environment, for a site whose TLS proxy already redirects and sends HSTS itself.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
# A load balancer's probe may speak plain HTTP to the health check (README, "Health check").
SECURE_REDIRECT_EXEMPT = [r"^health/?$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 365 * 24 * 3600)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
ROSTER_USER_LIMIT = env_int("ROSTER_USER_LIMIT", 100)
ROSTER_PROTECTED_ACCOUNTS = [email.lower() for email in env_list("ROSTER_PROTECTED_ACCOUNTS")]
ROSTER_ACCESS_TOKEN_DAYS = env_int("ROSTER_ACCESS_TOKEN_DAYS", 7)
ROSTER_REFRESH_TOKEN_DAYS = env_int("ROSTER_REFRESH_TOKEN_DAYS", 15)
# A person whose presence is "active" counts as online this many minutes after their latest API activity.
ROSTER_PRESENCE_ONLINE_MINUTES = env_int("ROSTER_PRESENCE_ONLINE_MINUTES", 5)
ROSTER_LOGIN_MAX_FAILURES = 5
ROSTER_LOGIN_LOCKOUT_SECONDS = 60
ROSTER_RESET_TOKEN_HOURS = 2
ROSTER_DEFAULT_TIMEZONE = "Europe/Paris"
ROSTER_DEFAULT_LOCALE = "en_US"
ROSTER_API_VERSION = "0.1.0"

# Every record is printed once, by the root handler. Django's defaults give the "django" logger a console
# handler of its own (under DEBUG) while it also propagates to the root, which printed each line twice.
# Reconfiguring "django" also resets its children, so runserver's request lines ("django.server") come
# through the root too, with the same timestamped format as everything else.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # NOTSET: Django's records follow LOG_LEVEL like everything else.
    "loggers": {
        "django": {"handlers": [], "level": "NOTSET", "propagate": True},
        # SQL with its parameters (password hashes, token digests, OTP secrets) is never logged, whatever
        # LOG_LEVEL says.
        "django.db.backends": {"level": "INFO"},
    },
}

# Content-Security-Policy of the HTML pages (django-csp; JSON answers carry none, see config.middleware).
# Everything comes from this server: no CDN, no inline script without the page's nonce. Inline styles are
# allowed: the admin's theme and ReDoc set style attributes and inject <style> elements at run time, and a
# style cannot run code.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "worker-src": [SELF, "blob:"],  # ReDoc parses the schema in a worker built from a blob
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# Shared cache and throttling -------------------------------------------------------------------------------
# Throttle counts and the sign-in failures of unknown identifiers must be seen by every worker process and
# every host, so the cache is shared, never per-process memory: Redis when REDIS_URL is set (its keys
# prefixed, beside Celery's), else a table of the database (people's migration 0003 creates it).
if REDIS_URL:
    CACHES = {"default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "roster",
        # A Redis that stops answering costs a request about a second, not a hang (throttles let it pass).
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }}
else:
    CACHES = {"default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "roster_cache",
        # Past MAX_ENTRIES (300 by default) Django deletes a third of the table, live counts included.
        "OPTIONS": {"MAX_ENTRIES": 100_000},
    }}

RATE_UNITS = frozenset({"s", "sec", "m", "min", "h", "hour", "d", "day"})


def env_rate(name: str, default: str) -> str:
    """A throttle rate: `<requests>/<period>`, the period optionally counted (`5/hour`, `5/15min`)."""
    value = os.environ.get(name, "").strip() or default
    count, _, period = value.partition("/")
    if not count.isdigit() or period.lstrip("0123456789") not in RATE_UNITS:
        raise ImproperlyConfigured(f"{name} must be a rate such as 10/min or 5/15min, got {value!r}")
    return value


# Per identifier first (an email, a desktop login, a person), whoever asks; per client address only
# generously, since a whole studio behind one NAT address, or a render farm's gazu scripts, sign in from one.
# The sign-in lockout (ROSTER_LOGIN_MAX_FAILURES) answers before the login throttles, which sit above it.
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] = {
    "login_identifier": env_rate("ROSTER_THROTTLE_LOGIN_IDENTIFIER", "30/min"),
    "login_address": env_rate("ROSTER_THROTTLE_LOGIN_ADDRESS", "300/min"),
    "reset_password_email": env_rate("ROSTER_THROTTLE_RESET_PASSWORD_EMAIL", "3/hour"),
    "reset_password_address": env_rate("ROSTER_THROTTLE_RESET_PASSWORD_ADDRESS", "100/min"),
    "change_password_person": env_rate("ROSTER_THROTTLE_CHANGE_PASSWORD_PERSON", "20/hour"),
    "invite_person": env_rate("ROSTER_THROTTLE_INVITE_PERSON", "5/hour"),
    "otp_identifier": env_rate("ROSTER_THROTTLE_OTP_IDENTIFIER", "5/min"),
}
# How many proxies append the client's address to X-Forwarded-For (1 behind deploy/nginx/roster.conf). With 0
# the connection's own address counts, and a client-sent X-Forwarded-For is never believed.
REST_FRAMEWORK["NUM_PROXIES"] = env_int("ROSTER_NUM_PROXIES", 0)
# Failures on an identifier are forgotten after a day without one (for known and unknown identifiers alike).
ROSTER_LOGIN_FAILURE_MEMORY_SECONDS = 24 * 3600
# A reset-password request is handled by a task (the same work in the request for any address); every minute
# the beat queues again any request still there a minute after it was asked (its task was lost: broker down,
# worker killed). Handling one twice is harmless: the first takes the row and deletes it.
ROSTER_RESET_REQUEST_REQUEUE_AFTER_SECONDS = 60
ROSTER_RESET_REQUEST_MAX_AGE_SECONDS = 3600  # then the ask is dropped: the person can ask again
# Accounts whose expiration date has passed are deactivated within the hour (people.tasks).
CELERY_BEAT_SCHEDULE["deactivate-expired-persons"] = {
    "task": "people.tasks.deactivate_expired_persons", "schedule": 3600.0,
}
CELERY_BEAT_SCHEDULE["requeue-pending-password-reset-requests"] = {
    "task": "people.tasks.requeue_pending_password_reset_requests", "schedule": 60.0,
}

# LDAP / Active Directory (people.ldap): `manage.py sync_ldap` and the sign-in of persons whose
# authentication_method is "ldap". Off while LDAP_URL is empty. The bind password is read here only.
LDAP_URL = os.environ.get("LDAP_URL", "").strip()
LDAP_BIND_DN = os.environ.get("LDAP_BIND_DN", "").strip()
LDAP_BIND_PASSWORD = os.environ.get("LDAP_BIND_PASSWORD", "")
LDAP_BASE_DN = os.environ.get("LDAP_BASE_DN", "").strip()
LDAP_USER_FILTER = os.environ.get("LDAP_USER_FILTER", "").strip()  # empty: a default for the directory's kind
LDAP_GROUP_BASE_DN = os.environ.get("LDAP_GROUP_BASE_DN", "").strip()
LDAP_IS_AD = env_bool("LDAP_IS_AD")
LDAP_EMAIL_DOMAIN = os.environ.get("LDAP_EMAIL_DOMAIN", "").strip()
LDAP_GROUP_DEPARTMENTS = os.environ.get("LDAP_GROUP_DEPARTMENTS", "").strip()
LDAP_MAX_DEACTIVATE = os.environ.get("LDAP_MAX_DEACTIVATE", "10%").strip() or "10%"
LDAP_START_TLS = env_bool("LDAP_START_TLS")
LDAP_TLS_VERIFY = env_bool("LDAP_TLS_VERIFY", True)
LDAP_CA_CERT_FILE = os.environ.get("LDAP_CA_CERT_FILE", "").strip()
LDAP_TIMEOUT_SECONDS = env_int("LDAP_TIMEOUT_SECONDS", 10)
# The beat runs the sync this often while LDAP_URL is set (0: never; run the command yourself).
LDAP_SYNC_INTERVAL_SECONDS = env_int("LDAP_SYNC_INTERVAL_SECONDS", 3600)
if LDAP_URL and LDAP_SYNC_INTERVAL_SECONDS > 0:
    CELERY_BEAT_SCHEDULE["sync-ldap"] = {
        "task": "people.tasks.sync_ldap", "schedule": float(LDAP_SYNC_INTERVAL_SECONDS),
    }
