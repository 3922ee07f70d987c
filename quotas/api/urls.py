"""The quota routes. Included before timetracking's and people's, so that no `data/projects/<pk>` or
`data/persons/<pk>` pattern of theirs can swallow them (tests/quotas/test_routes.py resolves each one)."""

from config.api import api_path
from quotas.api import views

PERSON = r"(?P<person_id>[^/]+)"
PROJECT = r"(?P<project_id>[^/]+)"
NUMBER = r"[^/]+"  # checked by the view: a bad year, month, week or day is a 400 naming it, not a 404
quotas = views.QuotaViewSet.as_view

urlpatterns = [
    api_path(rf"data/persons/{PERSON}/quota-shots/month/(?P<year>{NUMBER})/(?P<month>{NUMBER})",
             quotas({"get": "month_shots"}), name="person-quota-shots-month"),
    api_path(rf"data/persons/{PERSON}/quota-shots/week/(?P<year>{NUMBER})/(?P<week>{NUMBER})",
             quotas({"get": "week_shots"}), name="person-quota-shots-week"),
    api_path(rf"data/persons/{PERSON}/quota-shots/day/(?P<year>{NUMBER})/(?P<month>{NUMBER})/(?P<day>{NUMBER})",
             quotas({"get": "day_shots"}), name="person-quota-shots-day"),
    api_path(rf"data/projects/{PROJECT}/quotas/persons/{PERSON}", quotas({"get": "person_quotas"}),
             name="project-person-quotas"),
    api_path(rf"data/projects/{PROJECT}/quotas/(?P<task_type_id>[^/]+)", quotas({"get": "project_quotas"}),
             name="project-quotas"),
]
