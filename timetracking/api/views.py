"""`/data/projects`, `/data/entity-types`, `/data/task-types`, `/data/task-status`, `/data/entities` and
`/data/tasks`: Zou's generic CRUD (config.api.ZouCrudViewSet) over the time-tracking selectors and services."""

from drf_spectacular.utils import extend_schema_view

from config.api import ZouCrudViewSet, zou_crud_schema
from config.errors import Forbidden
from timetracking import selectors, services
from timetracking.api import serializers as s
from timetracking.filters import (
    EntityFilterSet,
    EntityTypeFilterSet,
    ProjectFilterSet,
    TaskFilterSet,
    TaskStatusFilterSet,
    TaskTypeFilterSet,
)
from timetracking.models import EntityType, TaskStatus, TaskType


def crud_permissions(view: str, change: str, *, create: str | None = None, delete: str | None = None) -> dict:
    return {"list": view, "retrieve": view, "create": create or change, "update": change,
            "destroy": delete or change}


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
    required_permissions = crud_permissions("tasks.view", "tasks.change", create="tasks.create",
                                            delete="tasks.delete")

    def visible_queryset(self, *, viewer):
        return selectors.task_qs_visible_to(viewer=viewer)

    def get_object(self):
        task = super().get_object()
        if self.action == "update" and not selectors.task_is_changeable_by(viewer=self.request.user, task=task):
            raise Forbidden("Supervisors change the tasks of their own departments only.")
        return task

    def perform_create(self, data):
        return services.task_create(acting_user=self.request.user, data=data)

    def perform_update(self, instance, data):
        return services.task_update(acting_user=self.request.user, task=instance, data=data)

    def perform_destroy(self, instance, *, force):
        services.task_delete(acting_user=self.request.user, task=instance, force=force)
