"""`/data/projects`, `/data/entity-types`, `/data/task-types`, `/data/task-status`, `/data/entities` and
`/data/tasks`: Zou's generic CRUD (config.api.ZouCrudViewSet) over the time-tracking selectors and services;
Zou's shots blueprint for sequences and shots (`/data/sequences`, `/data/shots`, a project's), and a task's
full form (`/data/tasks/<id>/full`)."""

from django.db.models import Q
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from config.api import (
    ERROR_RESPONSE,
    ZouCrudViewSet,
    crud_permissions,
    parse_uuid,
    request_dict,
    zou_crud_schema,
)
from config.errors import Forbidden, NotFound
from people.api.person_rows import person_rows
from people.models import Person
from people.selectors import person_detail_view_for
from timetracking import selectors, services
from timetracking.api import serializers as s
from timetracking.filters import (
    EntityFilterSet,
    EntityTypeFilterSet,
    ProjectFilterSet,
    TaskFilterSet,
    TaskStatusFilterSet,
    TaskTypeFilterSet,
    TemporalEntityFilterSet,
)
from timetracking.models import Entity, EntityType, TaskStatus, TaskType

ERRORS = {400: ERROR_RESPONSE, 401: ERROR_RESPONSE, 403: ERROR_RESPONSE, 404: ERROR_RESPONSE}


class TimetrackingCrudViewSet(ZouCrudViewSet):
    """Rows come from the app's visibility selectors (hidden rows are 404); `relation_fields` are loaded in
    one query per relation for a whole list; `update_input_serializer_class` drops what a PUT may not change
    (Zou strips `project_id`)."""

    relation_fields: tuple[str, ...] = ()
    update_input_serializer_class = None

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator: no caller to scope by
            return self.output_serializer_class.Meta.model.objects.none()
        return self.visible_queryset(viewer=self.request.user)

    def visible_queryset(self, *, viewer):
        raise NotImplementedError

    def serialize(self, instances, *, many, relations):
        if many and relations and self.relation_fields:
            instances = selectors.attach_relation_ids(instances, self.relation_fields)
        return super().serialize(instances, many=many, relations=relations)

    def validated_input(self, *, partial, instance=None):
        if partial and self.update_input_serializer_class is not None:
            self.input_serializer_class = self.update_input_serializer_class
        return super().validated_input(partial=partial, instance=instance)


class CatalogViewSet(TimetrackingCrudViewSet):
    model = None

    def visible_queryset(self, *, viewer):
        return self.model.objects.all()

    def perform_create(self, data):
        return services.catalog_create(acting_user=self.request.user, model=self.model, data=data)

    def perform_update(self, instance, data):
        return services.catalog_update(acting_user=self.request.user, instance=instance, data=data)

    def perform_destroy(self, instance, *, force):
        services.catalog_delete(acting_user=self.request.user, instance=instance)


@extend_schema_view(**zou_crud_schema(s.EntityTypeSerializer, s.EntityTypeInputSerializer, name="entity types"))
class EntityTypeViewSet(CatalogViewSet):
    model = EntityType
    filterset_class = EntityTypeFilterSet
    output_serializer_class = s.EntityTypeSerializer
    input_serializer_class = s.EntityTypeInputSerializer
    required_permissions = crud_permissions("entity_types.view", "entity_types.change")


@extend_schema_view(**zou_crud_schema(s.TaskTypeSerializer, s.TaskTypeInputSerializer, name="task types"))
class TaskTypeViewSet(CatalogViewSet):
    model = TaskType
    filterset_class = TaskTypeFilterSet
    output_serializer_class = s.TaskTypeSerializer
    input_serializer_class = s.TaskTypeInputSerializer
    list_ordering = ("priority", "name")
    required_permissions = crud_permissions("task_types.view", "task_types.change")


@extend_schema_view(**zou_crud_schema(s.TaskStatusSerializer, s.TaskStatusInputSerializer, name="task statuses"))
class TaskStatusViewSet(CatalogViewSet):
    model = TaskStatus
    filterset_class = TaskStatusFilterSet
    output_serializer_class = s.TaskStatusSerializer
    input_serializer_class = s.TaskStatusInputSerializer
    list_ordering = ("priority", "name")
    required_permissions = crud_permissions("task_statuses.view", "task_statuses.change")


@extend_schema_view(**zou_crud_schema(s.ProjectSerializer, s.ProjectInputSerializer, name="projects"))
class ProjectViewSet(TimetrackingCrudViewSet):
    filterset_class = ProjectFilterSet
    output_serializer_class = s.ProjectSerializer
    input_serializer_class = s.ProjectInputSerializer
    relation_fields = s.PROJECT_RELATIONS
    required_permissions = crud_permissions("projects.view", "projects.change", create="projects.create",
                                            delete="projects.delete")

    def visible_queryset(self, *, viewer):
        return selectors.project_qs_visible_to(viewer=viewer).select_related("project_status")

    def perform_create(self, data):
        return services.project_create(acting_user=self.request.user, data=data)

    def perform_update(self, instance, data):
        return services.project_update(acting_user=self.request.user, project=instance, data=data)

    def perform_destroy(self, instance, *, force):
        services.project_delete(acting_user=self.request.user, project=instance, force=force)


@extend_schema_view(**zou_crud_schema(s.EntitySerializer, s.EntityInputSerializer, name="entities"))
class EntityViewSet(TimetrackingCrudViewSet):
    filterset_class = EntityFilterSet
    output_serializer_class = s.EntitySerializer
    input_serializer_class = s.EntityInputSerializer
    update_input_serializer_class = s.EntityUpdateInputSerializer
    required_permissions = crud_permissions("entities.view", "entities.change")

    def visible_queryset(self, *, viewer):
        return selectors.entity_qs_visible_to(viewer=viewer)

    def perform_create(self, data):
        return services.entity_create(acting_user=self.request.user, data=data)

    def perform_update(self, instance, data):
        return services.entity_update(acting_user=self.request.user, entity=instance, data=data)

    def perform_destroy(self, instance, *, force):
        services.entity_delete(acting_user=self.request.user, entity=instance)


@extend_schema_view(**zou_crud_schema(s.TaskSerializer, s.TaskInputSerializer, name="tasks"))
class TaskViewSet(TimetrackingCrudViewSet):
    filterset_class = TaskFilterSet
    output_serializer_class = s.TaskSerializer
    input_serializer_class = s.TaskInputSerializer
    update_input_serializer_class = s.TaskUpdateInputSerializer
    relation_fields = ("assignees",)
    required_permissions = {**crud_permissions("tasks.view", "tasks.change", create="tasks.create",
                                               delete="tasks.delete"), "full": "tasks.view"}

    def visible_queryset(self, *, viewer):
        return selectors.task_qs_visible_to(viewer=viewer)

    def get_object(self):
        task = super().get_object()
        if self.action == "update" and not selectors.task_is_changeable_by(viewer=self.request.user, task=task):
            raise Forbidden("Supervisors change the tasks of their own departments only.")
        return task

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action == "full":
            queryset = queryset.select_related(
                "project__project_status", "task_type", "task_status", "entity__entity_type",
                "entity__parent__parent", "assigner")
        return queryset

    @extend_schema(summary="Get one task with its project, type, status, entity and people (gazu.task.get_task)",
                   responses={200: s.FullTaskSerializer, **ERRORS})
    @action(detail=True, methods=["get"], url_path="full", url_name="full")
    def full(self, request, *args, **kwargs):
        task = self.get_object()
        view = person_detail_view_for(viewer=request.user)
        assignee_ids = selectors.relation_ids(task, "assignees")
        rows = {row["id"]: row for row in person_rows(Person.objects.filter(pk__in=assignee_ids), view=view,
                                                      relations=False)}
        assigner = None
        if task.assigner_id is not None:
            assigner = person_rows(Person.objects.filter(pk=task.assigner_id), view=view, relations=False)[0]
        context = {"request": request, "relations": True, "assigner": assigner,
                   "persons": [rows[str(pk)] for pk in assignee_ids if str(pk) in rows]}
        return Response(s.FullTaskSerializer(task, context=context).data)

    def perform_create(self, data):
        return services.task_create(acting_user=self.request.user, data=data)

    def perform_update(self, instance, data):
        return services.task_update(acting_user=self.request.user, task=instance, data=data)

    def perform_destroy(self, instance, *, force):
        services.task_delete(acting_user=self.request.user, task=instance, force=force)


# Sequences and shots (Zou's shots blueprint) ---------------------------------------------------------------

PROJECT_ID = [OpenApiParameter("project_id", OpenApiTypes.UUID, OpenApiParameter.PATH)]


def temporal_entity_schema(name: str) -> dict:
    crud = zou_crud_schema(s.EntitySerializer, None, name=name)
    return {"list": crud["list"], "retrieve": crud["retrieve"]}


def project_list_schema(name: str):
    return extend_schema(summary=f"List a project's {name}", parameters=PROJECT_ID,
                         responses={200: s.EntitySerializer(many=True), **ERRORS})


def project_create_schema(name: str, input_serializer, parent: str):
    return extend_schema(summary=f"Create one of a project's {name} (`{parent}`: its parent)", parameters=PROJECT_ID,
                         request=input_serializer, responses={201: s.EntitySerializer, **ERRORS})


class TemporalEntityViewSet(TimetrackingCrudViewSet):
    """The entities of one type (`entity_type_name`) over the entity selectors and services: Zou's
    `/data/<kind>` list (filters as the generic entities, plus the parent under Zou's name), one of them, and
    a project's (`/data/projects/<id>/<kind>`: listed in name order, or created by admins and the project's
    managers, 201 with the entity). A project one does not see is a 404."""

    entity_type_name = ""
    parent_type_name = ""
    parent_field = ""
    filterset_class = TemporalEntityFilterSet
    output_serializer_class = s.EntitySerializer
    required_permissions = {"list": "entities.view", "retrieve": "entities.view",
                            "project_list": "entities.view", "project_create": "entities.change"}

    def visible_queryset(self, *, viewer):
        return selectors.entity_qs_visible_to(viewer=viewer).filter(entity_type__name=self.entity_type_name)

    def visible_project(self):
        pk = parse_uuid(self.kwargs["project_id"], status_code=404, message="Project not found.")
        project = selectors.project_qs_visible_to(viewer=self.request.user).filter(pk=pk).first()
        if project is None:
            raise NotFound("Project not found.")
        return project

    def project_list(self, request, *args, **kwargs):
        project = self.visible_project()
        entities = self.get_queryset().filter(project=project).order_by(*self.list_ordering)
        return Response(self.rows(entities, relations=False))

    def project_create(self, request, *args, **kwargs):
        project = self.visible_project()
        serializer = self.input_serializer_class(data=request_dict(request), context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data["parent_id"] = data.pop(self.parent_field, None)
        entity = services.entity_create_in_project(
            acting_user=request.user, project=project, type_name=self.entity_type_name,
            parent_type_name=self.parent_type_name, parent_field=self.parent_field, data=data)
        return Response(self.serialize(entity, many=False, relations=True), status=status.HTTP_201_CREATED)


# Each subclass restates the project actions so that each carries its own schema.
@extend_schema_view(**temporal_entity_schema("sequences"))
class SequenceViewSet(TemporalEntityViewSet):
    entity_type_name = "Sequence"
    parent_type_name = "Episode"
    parent_field = "episode_id"
    input_serializer_class = s.SequenceInputSerializer

    def visible_queryset(self, *, viewer):
        """Also the sequences of the shots one sees: a vendor, who sees only the shots assigned to them, sees
        their sequences too (Zou's only_assigned sequences); for everyone else these are the same rows."""
        visible = selectors.entity_qs_visible_to(viewer=viewer)
        return Entity.objects.select_related("entity_type").filter(
            Q(pk__in=visible.values("pk")) | Q(pk__in=visible.values("parent_id")),
            entity_type__name=self.entity_type_name)

    @project_list_schema("sequences")
    def project_list(self, request, *args, **kwargs):
        return super().project_list(request, *args, **kwargs)

    @project_create_schema("sequences", s.SequenceInputSerializer, "episode_id")
    def project_create(self, request, *args, **kwargs):
        return super().project_create(request, *args, **kwargs)


@extend_schema_view(**temporal_entity_schema("shots"))
class ShotViewSet(TemporalEntityViewSet):
    entity_type_name = "Shot"
    parent_type_name = "Sequence"
    parent_field = "sequence_id"
    input_serializer_class = s.ShotInputSerializer

    @project_list_schema("shots")
    def project_list(self, request, *args, **kwargs):
        return super().project_list(request, *args, **kwargs)

    @project_create_schema("shots", s.ShotInputSerializer, "sequence_id")
    def project_create(self, request, *args, **kwargs):
        return super().project_create(request, *args, **kwargs)
