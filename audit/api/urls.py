from audit.api import views
from config.api import api_path

urlpatterns = [
    api_path("data/audit-logs", views.AuditEntryViewSet.as_view({"get": "list"}), name="audit-logs"),
]
