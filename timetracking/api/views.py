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
                "entity__parent__entity_type", "entity__parent__parent__entity_type", "assigner")
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


# Episodes, sequences, shots and scenes (Zou's shots blueprint) -------------------------------------------

PROJECT_ID = [OpenApiParameter("project_id", OpenApiTypes.UUID, OpenApiParameter.PATH)]
FORCE = [OpenApiParameter("force", OpenApiTypes.STR, description="'true' also deletes what is linked to it.")]


def parent_id_parameter(kwarg: str) -> list:
    return [OpenApiParameter(kwarg, OpenApiTypes.UUID, OpenApiParameter.PATH)]


def temporal_entity_schema(name: str, output=s.EntitySerializer, *, input_serializer=None, parent: str = "",
                           children_of: tuple[str, ...] = (), update: bool = False, delete: str = "") -> dict:
    """The schema of each action a kind of entity serves (`children_of`: the `<kind>_id` path kwargs of the
    parents whose `<name>` it lists)."""
    crud = zou_crud_schema(output, None, name=name)
    schemas = {
        "list": crud["list"], "retrieve": crud["retrieve"],
        "project_list": extend_schema(summary=f"List a project's {name}", parameters=PROJECT_ID,
                                      responses={200: output(many=True), **ERRORS}),
        "project_create": extend_schema(
            summary=f"Create one of a project's {name}" + (f" (`{parent}`: its parent)" if parent else ""),
            parameters=PROJECT_ID, request=input_serializer, responses={201: output, **ERRORS}),
    }
    for kwarg in children_of:
        schemas[f"{kwarg.removesuffix('_id')}_list"] = extend_schema(
            summary=f"List the {name} of one {kwarg.removesuffix('_id')}", parameters=parent_id_parameter(kwarg),
            responses={200: output(many=True), **ERRORS})
    if update:
        schemas["update"] = extend_schema(
            summary=f"Change one of the {name} (`canceled: false` restores a canceled one)",
            request=s.EntityUpdateInputSerializer, responses={200: output, **ERRORS})
    if delete:
        schemas["destroy"] = extend_schema(summary=f"Delete one of the {name}: {delete}", parameters=FORCE,
                                           responses={204: None, **ERRORS})
    return schemas


def with_action_schemas(schemas: dict):
    """Give each action of a kind of entity its own schema: a wrapper defined on the subclass carries it, so
    the inherited method (shared by every kind) keeps none. extend_schema_view cannot do this here: it knows
    only DRF's standard actions and `@action`s, not these, which the urls map by name."""
    def delegate(name: str, inherited):
        def wrapper(self, request, *args, **kwargs):
            return inherited(self, request, *args, **kwargs)
        wrapper.__name__ = wrapper.__qualname__ = name
        return wrapper

    def decorate(cls):
        for name, schema in schemas.items():
            setattr(cls, name, schema(delegate(name, getattr(cls, name))))
        return cls
    return decorate


class TemporalEntityViewSet(TimetrackingCrudViewSet):
    """The entities of one type (`entity_type_name`) over the entity selectors and services: Zou's
    `/data/<kind>` list (filters as the generic entities, plus the parent under Zou's name), one of them, a
    project's (`/data/projects/<id>/<kind>`: listed in name order, or created by admins and the project's
    managers, 201 with the entity), and a parent's (`/data/<parent kind>/<id>/<kind>`). A project or parent
    one does not see is a 404.

    Visibility is the entities selector's; `ancestor_levels` also shows the episodes and sequences above the
    shots one sees: a vendor, who sees only the shots assigned to them, sees their sequences and episodes too
    (Zou's only_assigned lists). For everyone else these are the same rows."""

    entity_type_name = ""
    parent_type_name = ""
    parent_field = ""
    ancestor_levels = 0
    filterset_class = TemporalEntityFilterSet
    output_serializer_class = s.EntitySerializer
    required_permissions = {"list": "entities.view", "retrieve": "entities.view",
                            "project_list": "entities.view", "project_create": "entities.change",
                            "episode_list": "entities.view", "sequence_list": "entities.view",
                            "update": "entities.change", "destroy": "entities.change"}

    @staticmethod
    def entities_visible(*, viewer, type_name: str, ancestor_levels: int):
        visible = selectors.entity_qs_visible_to(viewer=viewer)
        if ancestor_levels == 0:
            return visible.filter(entity_type__name=type_name)
        shown = Q(pk__in=visible.values("pk")) | Q(pk__in=visible.values("parent_id"))
        if ancestor_levels > 1:
            shown |= Q(pk__in=visible.values("parent__parent_id"))
        return Entity.objects.select_related("entity_type").filter(shown, entity_type__name=type_name)

    def visible_queryset(self, *, viewer):
        return self.entities_visible(viewer=viewer, type_name=self.entity_type_name,
                                     ancestor_levels=self.ancestor_levels)

    def visible_project(self):
        pk = parse_uuid(self.kwargs["project_id"], status_code=404, message="Project not found.")
        project = selectors.project_qs_visible_to(viewer=self.request.user).filter(pk=pk).first()
        if project is None:
            raise NotFound("Project not found.")
        return project

    def visible_parent(self, kwarg: str, type_name: str, ancestor_levels: int) -> Entity:
        pk = parse_uuid(self.kwargs[kwarg], status_code=404, message=f"{type_name} not found.")
        parent = self.entities_visible(viewer=self.request.user, type_name=type_name,
                                       ancestor_levels=ancestor_levels).filter(pk=pk).first()
        if parent is None:
            raise NotFound(f"{type_name} not found.")
        return parent

    def ordered_rows(self, entities):
        return Response(self.rows(entities.order_by(*self.list_ordering), relations=False))

    def project_list(self, request, *args, **kwargs):
        return self.ordered_rows(self.get_queryset().filter(project=self.visible_project()))

    def project_create(self, request, *args, **kwargs):
        project = self.visible_project()
        serializer = self.input_serializer_class(data=request_dict(request), context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data["parent_id"] = data.pop(self.parent_field, None) if self.parent_field else None
        entity = services.entity_create_in_project(
            acting_user=request.user, project=project, type_name=self.entity_type_name,
            parent_type_name=self.parent_type_name, parent_field=self.parent_field, data=data)
        return Response(self.serialize(entity, many=False, relations=True), status=status.HTTP_201_CREATED)

    def perform_update(self, instance, data):
        return services.entity_update(acting_user=self.request.user, entity=instance, data=data)

    def perform_destroy(self, instance, *, force):
        services.entity_tree_remove(acting_user=self.request.user, entity=instance, force=force)


@with_action_schemas(temporal_entity_schema(
    "episodes", input_serializer=s.EpisodeInputSerializer,
    delete="one linked to sequences or tasks is a 400 unless `force`, which deletes its sequences, their "
           "shots and scenes, and all their tasks with their time spent"))
class EpisodeViewSet(TemporalEntityViewSet):
    entity_type_name = "Episode"
    ancestor_levels = 2
    input_serializer_class = s.EpisodeInputSerializer


@with_action_schemas(temporal_entity_schema(
    "sequences", input_serializer=s.SequenceInputSerializer, parent="episode_id", children_of=("episode_id",),
    delete="one linked to shots or tasks is a 400 unless `force`, which deletes its shots and scenes and all "
           "their tasks with their time spent"))
class SequenceViewSet(TemporalEntityViewSet):
    entity_type_name = "Sequence"
    parent_type_name = "Episode"
    parent_field = "episode_id"
    ancestor_levels = 1
    input_serializer_class = s.SequenceInputSerializer

    def episode_list(self, request, *args, **kwargs):
        episode = self.visible_parent("episode_id", "Episode", EpisodeViewSet.ancestor_levels)
        return self.ordered_rows(self.get_queryset().filter(parent=episode))


@with_action_schemas(temporal_entity_schema(
    "shots", input_serializer=s.ShotInputSerializer, parent="sequence_id",
    children_of=("sequence_id", "episode_id"), update=True,
    delete="one with tasks is only marked canceled unless `force`, which deletes it with its tasks and their "
           "time spent"))
class ShotViewSet(TemporalEntityViewSet):
    entity_type_name = "Shot"
    parent_type_name = "Sequence"
    parent_field = "sequence_id"
    input_serializer_class = s.ShotInputSerializer
    update_input_serializer_class = s.EntityUpdateInputSerializer

    def sequence_list(self, request, *args, **kwargs):
        sequence = self.visible_parent("sequence_id", "Sequence", SequenceViewSet.ancestor_levels)
        return self.ordered_rows(self.get_queryset().filter(parent=sequence))

    def episode_list(self, request, *args, **kwargs):
        episode = self.visible_parent("episode_id", "Episode", EpisodeViewSet.ancestor_levels)
        return self.ordered_rows(self.get_queryset().filter(parent__parent=episode))

    def perform_destroy(self, instance, *, force):
        services.shot_remove(acting_user=self.request.user, shot=instance, force=force)


@with_action_schemas(temporal_entity_schema(
    "scenes", s.SceneSerializer, input_serializer=s.SceneInputSerializer, parent="sequence_id",
    children_of=("sequence_id",)))
class SceneViewSet(TemporalEntityViewSet):
    entity_type_name = "Scene"
    parent_type_name = "Sequence"
    parent_field = "sequence_id"
    output_serializer_class = s.SceneSerializer
    input_serializer_class = s.SceneInputSerializer

    def sequence_list(self, request, *args, **kwargs):
        sequence = self.visible_parent("sequence_id", "Sequence", SequenceViewSet.ancestor_levels)
        return self.ordered_rows(self.get_queryset().filter(parent=sequence))
