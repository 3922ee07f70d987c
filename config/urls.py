from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from config.api import api_path
from config.api_root import ApiRootView, BareApiRootView

api_patterns = [
    api_path("schema", SpectacularAPIView.as_view(), name="schema"),
    api_path("docs", SpectacularSwaggerView.as_view(url_name="schema"), name="docs"),
    re_path(r"^$", ApiRootView.as_view(), name="api-root"),
    path("", include("people.api.urls")),
    path("", include("departments.api.urls")),
]

urlpatterns = [
    path("admin/", admin.site.urls),
    re_path(r"^api$", BareApiRootView.as_view(), name="api-root-bare"),
    path("api/", include(api_patterns)),
]

handler400 = "config.api.json_400"
handler403 = "config.api.json_403"
handler404 = "config.api.json_404"
handler500 = "config.api.json_500"
