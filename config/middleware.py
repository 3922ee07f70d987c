"""Middleware of our own."""

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
