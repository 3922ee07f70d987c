"""The time-tracking routes. Included before people's, so that the persons router's `data/persons/<pk>`
pattern never swallows the time routes Zou serves under `/data/persons/...`."""

from config.api import ZouRouter, api_path
from timetracking.api import views
from timetracking.api.presence_views import PresenceLogsView

router = ZouRouter()
router.register("data/projects", views.ProjectViewSet, basename="projects")
router.register("data/entity-types", views.EntityTypeViewSet, basename="entity-types")
router.register("data/task-types", views.TaskTypeViewSet, basename="task-types")
router.register("data/task-status", views.TaskStatusViewSet, basename="task-status")
router.register("data/entities", views.EntityViewSet, basename="entities")
router.register("data/tasks", views.TaskViewSet, basename="tasks")

urlpatterns = router.urls
urlpatterns += [
    api_path(r"data/persons/presence-logs/(?P<month>[^/]+)", PresenceLogsView.as_view(), name="presence-logs"),
]
