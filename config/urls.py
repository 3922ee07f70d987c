from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView

from config.api import api_path
from config.api_root import ApiRootView, BareApiRootView
from config.views import HealthView, HomeView
from people.admin import admin_password_change

api_patterns = [
    api_path("schema", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's start-up script as a file of its own: no inline script for the CSP.
    api_path("docs", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="docs"),
    api_path("redoc", SpectacularRedocView.as_view(url_name="schema", template_name="redoc.html"), name="redoc"),
    re_path(r"^$", ApiRootView.as_view(), name="api-root"),
    # Quotas first: its routes live under timetracking's `data/projects/<pk>` and people's `data/persons/<pk>`.
    path("", include("quotas.api.urls")),
    # Before people's: its `data/persons/<pk>` pattern must not swallow time routes under data/persons/.
    path("", include("timetracking.api.urls")),
    path("", include("audit.api.urls")),
    path("", include("people.api.urls")),
    path("", include("departments.api.urls")),
]

urlpatterns = [
    path("", HomeView.as_view(), name="home"),
    # With or without the slash: a probe that gets a redirect may count it as a failure.
    re_path(r"^health/?$", HealthView.as_view(), name="health"),
    # The admin's own password page, saved through the passwords service (people.admin).
    path("admin/password_change/", admin.site.admin_view(admin_password_change), name="admin-password-change"),
    path("admin/", admin.site.urls),
    re_path(r"^api$", BareApiRootView.as_view(), name="api-root-bare"),
    path("api/", include(api_patterns)),
]

handler400 = "config.api.json_400"
handler403 = "config.api.json_403"
handler404 = "config.api.json_404"
handler500 = "config.api.json_500"
