"""Pages outside the API: the home page at `/` and the health check at `/health/`."""

from django.conf import settings
from django.views.generic import TemplateView
from health_check.checks import Cache
from health_check.views import HealthCheckView

from config.health import CeleryBroker, QuietDatabase


class HomeView(TemplateView):
    """`/`: where a person who just ran `make run` finds the admin, the API docs and the health check."""

    template_name = "home.html"


class HealthView(HealthCheckView):
    """`GET /health/` for load balancers and orchestrators: 200 when every check passes, 503 otherwise.

    HTML by default, JSON with `?format=json` (or `Accept: application/json`), plain text with `?format=text`.
    """

    def get_checks(self):
        # Decided per request, so the answer always follows the settings in force.
        yield QuietDatabase()
        yield Cache()
        if settings.REDIS_URL:
            yield CeleryBroker(url=settings.CELERY_BROKER_URL)

    async def get(self, request, *args, **kwargs):
        response = await super().get(request, *args, **kwargs)
        # django-health-check answers a failed check with 500, which monitoring reads as "the health page
        # crashed". A service that is down is 503 Service Unavailable; the checks' own errors never escape
        # (the library turns any exception of a check into a reported failure).
        # The feed formats (atom, rss, openmetrics) answer 200 whatever the checks say; a probe reads the status.
        if any(result.error for result in self.results):
            response.status_code = 503
        return response
