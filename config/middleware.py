"""Middleware of our own."""

import functools

from csp.middleware import CSPMiddleware
from django.urls import reverse

from config.api import json_404


class ApiNotFoundMiddleware:
    """An unknown route under `/api/` answers Zou's JSON 404 whatever DEBUG is.

    `handler404` (JSON too) is only used when DEBUG is off; under DEBUG Django renders its HTML debug page,
    which a gazu script cannot read. Only unresolved paths are rewritten: a view's own 404 is already JSON.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (response.status_code == 404 and request.resolver_match is None
                and request.path_info.startswith("/api/")):
            return json_404(request)
        return response


class HtmlContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's header on HTML pages only (admin, API docs, home, health, account pages).

    A JSON or CSV answer runs no script and is served with `nosniff`, so a policy there protects nothing and
    adds bytes to every API response; pages are where an injected script would run.

    The admin's theme (django-unfold) drives its pages with Alpine.js, which evaluates the expressions written
    in its `x-` attributes with `new Function`: the admin alone may `'unsafe-eval'`. Inline `<script>` stays
    refused everywhere unless it carries the page's nonce.
    """

    def process_response(self, request, response):
        if not response.get("Content-Type", "").startswith("text/html"):
            return response
        return super().process_response(request, response)

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if not report_only and parts.update is None and request.path_info.startswith(admin_prefix()):
            parts.update = {"script-src": ["'unsafe-eval'"]}
        return parts


@functools.cache
def admin_prefix() -> str:
    return reverse("admin:index")
