"""Where the current request came from, for the audit rows its services write: set by
AuditRequestMiddleware, read by audit.services. Outside a request (tasks, commands) both are empty."""

import contextlib
import contextvars
import ipaddress
import uuid
from dataclasses import dataclass

from rest_framework.throttling import BaseThrottle


@dataclass(frozen=True)
class RequestOrigin:
    ip_address: str | None = None
    request_id: str = ""
    # Who acts when no person does (actor None): a named run of the system, e.g. "LDAP sync run 12".
    system_actor_label: str = ""


NO_ORIGIN = RequestOrigin()
_origin: contextvars.ContextVar[RequestOrigin | None] = contextvars.ContextVar("audit_request_origin",
                                                                               default=None)


def current_origin() -> RequestOrigin:
    return _origin.get() or NO_ORIGIN


class AuditRequestMiddleware:
    """Gives each request an id (the client's `X-Request-ID` when it is a short token, a new one otherwise),
    echoes it in the response, and remembers the client address for the audit rows written meanwhile."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = request.headers.get("X-Request-ID", "")
        if not (0 < len(request_id) <= 64 and request_id.replace("-", "").isalnum()):
            request_id = uuid.uuid4().hex
        token = _origin.set(RequestOrigin(ip_address=client_address(request), request_id=request_id))
        try:
            response = self.get_response(request)
        finally:
            _origin.reset(token)
        response["X-Request-ID"] = request_id
        return response


@contextlib.contextmanager
def system_run_origin(*, run_id: str, actor_label: str):
    """The audit rows written inside name the run that wrote them: the run's id as their request id and its
    name as the actor of rows without a person acting, so each row leads back to its run."""
    token = _origin.set(RequestOrigin(request_id=run_id[:64], system_actor_label=actor_label))
    try:
        yield
    finally:
        _origin.reset(token)


def client_address(request) -> str | None:
    """The client's address as the throttles see it (REMOTE_ADDR, or behind REST_FRAMEWORK["NUM_PROXIES"]
    trusted proxies the address they put in X-Forwarded-For); None when that is not an IP address."""
    try:
        return str(ipaddress.ip_address((BaseThrottle().get_ident(request) or "").strip()))
    except ValueError:
        return None
