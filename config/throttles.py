"""Throttling on DRF's throttle classes, counted in the shared cache (settings.CACHES: Redis, or a database
table without REDIS_URL), so every worker process and host sees the same counts. Rates are named by scope in
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] and read from the environment (config/settings/base.py). A throttled
request answers 429 with `Retry-After` (config.api.zou_exception_handler).

Each app declares the throttles of its routes (people/throttles.py); this module knows no app."""

import hashlib
import logging
import math

from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.db import connection
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

logger = logging.getLogger(__name__)

UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """`10/min` -> (10, 60); `5/15min` -> (5, 900). The settings have checked the form already."""
    count, period = rate.split("/")
    digits = period.rstrip("abcdefghijklmnopqrstuvwxyz")
    return int(count), int(digits or 1) * UNIT_SECONDS[period[len(digits)]]


def normalised_identifier(value) -> str | None:
    """An email or desktop login as throttles and lockouts count it: stripped and upper-cased exactly as the
    database compares emails (`iexact` is SQL UPPER), so every spelling that finds the same person counts as
    one; None when empty. Python's case mapping agrees with the database's on ASCII only (the dotless `ı`, the
    long `ſ` or `ß` differ), so any other text is upper-cased by the database itself. A number counts by its
    text, as the sign-in serializer reads it."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        return None
    value = value.replace("\x00", "").strip()  # PostgreSQL text cannot hold NUL
    if not value:
        return None
    if value.isascii():
        return value.upper()
    with connection.cursor() as cursor:
        cursor.execute("SELECT UPPER(%s)", [value])
        return cursor.fetchone()[0]


class FixedWindowThrottle(SimpleRateThrottle):
    """At most `num_requests` per key in each window of `duration` seconds. The count is one integer per key
    and window, incremented by Redis's atomic INCR, so a burst of parallel requests cannot all read the same
    count and all pass (DRF's own throttle reads a list of timestamps and writes it back, which lets them).
    The database cache, the fallback without Redis, increments by a read and a write: exact for one process,
    not under parallel requests from several.

    A subclass names its `scope` and says what it counts by (`throttle_ident`); None means "not counted".
    If the cache cannot be reached the request passes (and it is logged): a throttle must not take sign-in
    down with it.
    """

    cache_format = "throttle:%(scope)s:%(ident)s"

    def get_rate(self):
        # Read at each request (DRF binds the rates at import), so an overridden setting takes effect.
        return api_settings.DEFAULT_THROTTLE_RATES[self.scope]

    def parse_rate(self, rate):
        return (None, None) if rate is None else parse_rate(rate)

    def throttle_ident(self, request, view) -> str | None:
        raise NotImplementedError

    def get_cache_key(self, request, view):
        return self.key_for(self.throttle_ident(request, view))

    def key_for(self, ident: str | None) -> str | None:
        if ident is None:
            return None
        # Hashed: the cache holds no email address, and any identifier makes a valid key.
        digest = hashlib.sha256(ident.encode()).hexdigest()[:40]
        return self.cache_format % {"scope": self.scope, "ident": digest}

    def allow_request(self, request, view):
        if self.rate is None:
            return True
        return self.allow_ident(self.throttle_ident(request, view))

    def allow_ident(self, ident: str | None) -> bool:
        """Count one request for `ident` and say whether it is within the rate (None: not counted). Outside
        DRF (the admin's sign-in form) a caller counts with this directly."""
        key = self.key_for(ident)
        if self.rate is None or key is None:
            return True
        self.now = self.timer()
        window = int(self.now // self.duration)
        self.window_ends = (window + 1) * self.duration
        try:
            count = self._count(f"{key}:{window}", timeout=math.ceil(self.window_ends - self.now) + 1)
        except Exception:  # redis-py and database errors alike: the request is not refused for it
            logger.warning("Throttle %s not counted: the cache is unreachable", self.scope, exc_info=True)
            return True
        return count <= self.num_requests

    def _count(self, key: str, *, timeout: int) -> int:
        cache = caches["default"]
        if isinstance(cache, RedisCache):
            cache.add(key, 0, timeout)  # the key expires after its window; INCR keeps that expiry
            try:
                return cache.incr(key)
            except ValueError:  # evicted between the two calls
                cache.add(key, 1, timeout)
                return 1
        count = cache.get(key, 0) + 1
        cache.set(key, count, timeout)  # BaseCache.incr would reset the expiry to the default 5 minutes
        return count

    def wait(self):
        return max(1, math.ceil(self.window_ends - self.now))


class ClientAddressThrottle(FixedWindowThrottle):
    """Per client address: REMOTE_ADDR, or with REST_FRAMEWORK["NUM_PROXIES"] the address the last trusted
    proxy put in X-Forwarded-For. Rates are generous: a whole studio may share one address."""

    def throttle_ident(self, request, view):
        return self.get_ident(request) or None
