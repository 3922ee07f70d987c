"""Health checks of our own (django-health-check ships the database and cache ones)."""

import dataclasses
import datetime
import logging
import urllib.parse

from health_check.base import HealthCheck
from health_check.checks import Database
from health_check.exceptions import ServiceUnavailable
from kombu.exceptions import OperationalError

from config.celery import app as celery_app

logger = logging.getLogger(__name__)


@dataclasses.dataclass
class QuietDatabase(Database):
    """The library's database check, answering anonymous callers without the driver's message (which names
    the database host); the detail goes to the log."""

    def __repr__(self) -> str:
        return f"Database(alias={self.alias!r})"  # the key monitoring reads, as the library's own check

    def run(self) -> None:
        try:
            super().run()
        except ServiceUnavailable as exc:
            logger.warning("Health check: database unavailable: %s", exc.__cause__ or exc)
            raise ServiceUnavailable("Database unreachable") from exc


@dataclasses.dataclass
class CeleryBroker(HealthCheck):
    """The Celery broker accepts a connection and answers (for Redis, kombu sends a PING) within `timeout`.

    Workers are not pinged: a web node is healthy while its broker takes tasks, even with no worker up.
    """

    url: str = dataclasses.field(repr=False)  # may hold the broker's password
    timeout: datetime.timedelta = dataclasses.field(default=datetime.timedelta(seconds=2), repr=False)

    def __repr__(self) -> str:
        return f"CeleryBroker(transport={urllib.parse.urlsplit(self.url).scheme!r})"

    def run(self) -> None:
        seconds = self.timeout.total_seconds()
        try:
            with celery_app.connection_for_write(
                self.url, connect_timeout=seconds, transport_options={"socket_timeout": seconds}
            ) as connection:
                # One attempt, no retry: a health check must answer quickly, the caller polls again anyway.
                connection.ensure_connection(max_retries=0, timeout=seconds)
        except (OperationalError, OSError) as exc:
            # The details (host, port, error) go to the log with the traceback, not to an anonymous caller.
            raise ServiceUnavailable("Celery broker unreachable") from exc
