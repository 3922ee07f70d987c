"""The one error type that business rules raise; config.api turns it into Zou's JSON envelope."""

from typing import Any


class ApplicationError(Exception):
    """A rule was broken: the caller gets `status` with `{"error": true, "message": ..., "data": ...}`."""

    status = 400

    def __init__(self, message: str, *, data: Any = None, status: int | None = None, extra: dict | None = None):
        super().__init__(message)
        self.message = message
        self.data = data
        self.extra = extra or {}
        if status is not None:
            self.status = status


class NotFound(ApplicationError):
    status = 404


class Forbidden(ApplicationError):
    status = 403


def field_error(field: str, message: str) -> ApplicationError:
    """A 400 that names the offending field, in the shape Zou uses for validation errors."""
    return ApplicationError(message, data={"errors": [{"field": field, "message": message}]})
