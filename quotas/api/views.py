"""Zou's quota routes: `/data/persons/<id>/quota-shots/{month,week,day}/...` (zou-api.md 5 #21-#23, 8) and
`/data/projects/<id>/quotas/<task_type_id>`, `/data/projects/<id>/quotas/persons/<id>` (8.1)."""

import uuid

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import viewsets
from rest_framework.response import Response

from config.api import ERROR_RESPONSE, parse_uuid
from config.errors import Forbidden, NotFound, field_error
from people.models import Person
from people.selectors import person_qs_visible_to
from quotas import periods, selectors
from quotas.api.serializers import QUOTA_STATISTICS, QuotaShotSerializer
from timetracking.models import Project, TaskType
from timetracking.selectors import project_qs_visible_to

ERRORS = {400: ERROR_RESPONSE, 401: ERROR_RESPONSE, 403: ERROR_RESPONSE, 404: ERROR_RESPONSE}
COUNT_MODE = OpenApiParameter(
    "count_mode", OpenApiTypes.STR, enum=list(selectors.COUNT_MODES),
    description="weighted (default): shares of logged time, or of business days without any; weighteddone: the "
                "same, dated by the done date; feedback / done: whole shots on their feedback / done date.")


def path(*names: str) -> list[OpenApiParameter]:
    return [OpenApiParameter(name, OpenApiTypes.STR if name.endswith("_id") else OpenApiTypes.INT,
                             OpenApiParameter.PATH) for name in names]


SHOTS_SCHEMA = {
    "parameters": [
        OpenApiParameter("project_id", OpenApiTypes.UUID, required=True),
        OpenApiParameter("task_type_id", OpenApiTypes.UUID, required=True),
        COUNT_MODE,
    ],
    "responses": {200: QuotaShotSerializer(many=True), **ERRORS},
}
STATISTICS = OpenApiResponse(QUOTA_STATISTICS, description="Frames, seconds, drawings and shot counts per day, "
                                                           "ISO week, month and year (zou-api.md 8.1).")


class QuotaViewSet(viewsets.GenericViewSet):
    """Reads only; routes are listed in quotas.api.urls. Project routes see the projects the caller sees
    (others are 404, as everywhere in Roster; Zou answers 403 there)."""

    required_permissions = {
        "month_shots": "quotas.view_shots",
        "week_shots": "quotas.view_shots",
        "day_shots": "quotas.view_shots",
        "project_quotas": "quotas.view_project",
        "person_quotas": "quotas.view_person",
    }

    def get_queryset(self):
        return Person.objects.none()

    # Loading -------------------------------------------------------------------------------------------
    def target_person(self) -> Person:
        """The person of the path, then the object permissions (admin or manager, or the person themselves)."""
        pk = parse_uuid(self.kwargs["person_id"], status_code=404, message="Person not found.")
        person = person_qs_visible_to(viewer=self.request.user).filter(pk=pk).first()
        if person is None:
            raise NotFound("Person not found.")
        self.check_object_permissions(self.request, person)
        return person

    def visible_project(self) -> Project:
        pk = parse_uuid(self.kwargs["project_id"], status_code=404, message="Project not found.")
        project = project_qs_visible_to(viewer=self.request.user).filter(pk=pk).first()
        if project is None:
            raise NotFound("Project not found.")
        return project

    def _required_id(self, name: str, model, label: str):
        raw = self.request.query_params.get(name)
        if not raw:
            raise field_error(name, f"{name} is required.")
        pk = parse_uuid(raw)
        if not model.objects.filter(pk=pk).exists():
            raise field_error(name, f"No {label} matches {name}.")
        return pk

    def _studio_id(self):
        raw = self.request.query_params.get("studio_id")
        if not raw:
            return None
        try:
            return uuid.UUID(raw)
        except ValueError:
            raise field_error("studio_id", "studio_id is not a valid id.") from None

    # Person quota shots --------------------------------------------------------------------------------
    def _quota_shots(self, period_of):
        person = self.target_person()
        if person.is_bot:
            raise Forbidden("Bots have no quotas.")
        project_id = self._required_id("project_id", Project, "project")
        task_type_id = self._required_id("task_type_id", TaskType, "task type")
        mode = selectors.count_mode_from(self.request.query_params.get("count_mode"))
        viewer = self.request.user
        # Zou's check_manager_project_access: a manager reads the quotas of their own projects only.
        if viewer.has_perm("quotas.view_shots") and not viewer.has_perm("projects.view_all") and not (
                project_qs_visible_to(viewer=viewer).filter(pk=project_id).exists()):
            raise Forbidden("You are not on this project's team.")
        period = period_of()
        shots = selectors.person_quota_shots(person=person, period=period, project_id=project_id,
                                             task_type_id=task_type_id, mode=mode)
        return Response(QuotaShotSerializer(shots, many=True).data)

    @extend_schema(summary="The shots a person delivered in a month, for their quota",
                   parameters=path("person_id", "year", "month") + SHOTS_SCHEMA["parameters"],
                   responses=SHOTS_SCHEMA["responses"])
    def month_shots(self, request, person_id, year, month):
        return self._quota_shots(lambda: periods.month_period(year, month))

    @extend_schema(summary="The shots a person delivered in an ISO week, for their quota",
                   parameters=path("person_id", "year", "week") + SHOTS_SCHEMA["parameters"],
                   responses=SHOTS_SCHEMA["responses"])
    def week_shots(self, request, person_id, year, week):
        return self._quota_shots(lambda: periods.week_period(year, week))

    @extend_schema(summary="The shots a person delivered on a day, for their quota",
                   parameters=path("person_id", "year", "month", "day") + SHOTS_SCHEMA["parameters"],
                   responses=SHOTS_SCHEMA["responses"])
    def day_shots(self, request, person_id, year, month, day):
        return self._quota_shots(lambda: periods.day_period(year, month, day))

    # Project quota statistics -----------------------------------------------------------------------------
    @extend_schema(summary="Quota statistics of a project's shots for a task type, per person",
                   parameters=[*path("project_id", "task_type_id"), COUNT_MODE,
                               OpenApiParameter("studio_id", OpenApiTypes.UUID,
                                                description="Only the people of this studio.")],
                   responses={200: STATISTICS, **ERRORS})
    def project_quotas(self, request, project_id, task_type_id):
        project = self.visible_project()
        task_type_pk = parse_uuid(task_type_id, status_code=404, message="Task type not found.")
        if not TaskType.objects.filter(pk=task_type_pk).exists():
            raise NotFound("Task type not found.")
        mode = selectors.count_mode_from(request.query_params.get("count_mode"))
        return Response(selectors.project_quotas(
            project=project, mode=mode, tz=periods.zone(request.user.timezone), task_type_id=task_type_pk,
            studio_id=self._studio_id()))

    @extend_schema(summary="Quota statistics of a person's shots in a project, per task type",
                   parameters=[*path("project_id", "person_id"), COUNT_MODE,
                               OpenApiParameter("studio_id", OpenApiTypes.UUID,
                                                description="Only when the person is of this studio.")],
                   responses={200: STATISTICS, **ERRORS})
    def person_quotas(self, request, project_id, person_id):
        project = self.visible_project()
        person = self.target_person()
        mode = selectors.count_mode_from(request.query_params.get("count_mode"))
        return Response(selectors.project_quotas(
            project=project, mode=mode, tz=periods.zone(request.user.timezone), person_id=person.pk,
            studio_id=self._studio_id()))
