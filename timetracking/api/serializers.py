"""Zou's shapes for productions: each output dict carries `type`, its columns, foreign keys as `<name>_id`, and
many-to-many relations as id lists only when `relations` is asked for. Input serializers validate; the
services decide and save."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from config.serializers import ZouModelSerializer, validate_storable_json
from departments.models import Department
from people.models import Person
from timetracking.models import (
    TEMPORAL_ENTITY_TYPES,
    DayOff,
    Entity,
    EntityType,
    Project,
    ProjectStatus,
    Task,
    TaskStatus,
    TaskType,
    TimeSpent,
)
from timetracking.selectors import relation_ids

TIMESTAMPS = ["id", "type", "created_at", "updated_at"]
ID_LIST = {"type": "array", "items": {"type": "string", "format": "uuid"}}


class RelationListsMixin:
    """Many-to-many id lists (`team`, `assignees`, ...) appear only with `relations` (Zou's serialize)."""

    relation_fields: tuple[str, ...] = ()

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if self.context.get("relations"):
            for name in self.relation_fields:
                data[name] = relation_ids(instance, name)
        else:
            for name in self.relation_fields:
                data.pop(name, None)
        return data


@extend_schema_field(ID_LIST)
class RelationIdsField(serializers.SerializerMethodField):
    """Documented as a list of ids; present only with relations=true (GET one: by default)."""


def relation_list_field():
    return RelationIdsField()


def _no_value(obj) -> None:  # the relation lists are filled by RelationListsMixin
    return None


# Catalogs ---------------------------------------------------------------------------------------------

ENTITY_TYPE_FIELDS = ["name", "short_name", "description", "archived"]


class EntityTypeSerializer(ZouModelSerializer):
    zou_type = "EntityType"

    class Meta:
        model = EntityType
        fields = [*TIMESTAMPS, *ENTITY_TYPE_FIELDS]


class EntityTypeInputSerializer(serializers.ModelSerializer):
    class Meta:
        model = EntityType
        fields = ENTITY_TYPE_FIELDS


TASK_TYPE_FIELDS = ["name", "short_name", "description", "color", "priority", "for_entity", "allow_timelog",
                    "archived", "shotgun_id"]


class TaskTypeSerializer(ZouModelSerializer):
    zou_type = "TaskType"
    department_id = serializers.UUIDField(read_only=True, allow_null=True)

    class Meta:
        model = TaskType
        fields = [*TIMESTAMPS, *TASK_TYPE_FIELDS, "department_id"]


class TaskTypeInputSerializer(serializers.ModelSerializer):
    department_id = serializers.PrimaryKeyRelatedField(
        source="department", queryset=Department.objects.all(), required=False, allow_null=True)

    class Meta:
        model = TaskType
        fields = [*TASK_TYPE_FIELDS, "department_id"]
        extra_kwargs = {"name": {"validators": []}}  # the service's message is Zou's


TASK_STATUS_FIELDS = ["name", "short_name", "description", "color", "priority", "is_done", "is_artist_allowed",
                      "is_client_allowed", "is_retake", "is_feedback_request", "is_default", "is_wip",
                      "for_concept", "archived", "shotgun_id"]


class TaskStatusSerializer(ZouModelSerializer):
    zou_type = "TaskStatus"

    class Meta:
        model = TaskStatus
        fields = [*TIMESTAMPS, *TASK_STATUS_FIELDS]


class TaskStatusInputSerializer(serializers.ModelSerializer):
    class Meta:
        model = TaskStatus
        fields = TASK_STATUS_FIELDS
        # A new default status replaces the previous one (services.catalog_save): no uniqueness check here.
        extra_kwargs = {"is_default": {"validators": []}}


# Projects ---------------------------------------------------------------------------------------------

PROJECT_FIELDS = ["name", "code", "description", "shotgun_id", "data", "has_avatar", "fps", "ratio",
                  "resolution", "production_type", "production_style", "start_date", "end_date", "man_days",
                  "nb_episodes"]
PROJECT_RELATIONS = ("team", "asset_types", "task_types", "task_statuses")


class ProjectSerializer(RelationListsMixin, ZouModelSerializer):
    zou_type = "Project"
    relation_fields = PROJECT_RELATIONS
    project_status_id = serializers.UUIDField(read_only=True)
    team = relation_list_field()
    asset_types = relation_list_field()
    task_types = relation_list_field()
    task_statuses = relation_list_field()

    class Meta:
        model = Project
        fields = [*TIMESTAMPS, *PROJECT_FIELDS, "project_status_id", *PROJECT_RELATIONS]

    get_team = get_asset_types = get_task_types = get_task_statuses = staticmethod(_no_value)


def id_list_field():
    return serializers.ListField(child=serializers.UUIDField(), required=False, allow_null=True,
                                 max_length=10_000)


class ProjectInputSerializer(serializers.ModelSerializer):
    project_status_id = serializers.PrimaryKeyRelatedField(
        source="project_status", queryset=ProjectStatus.objects.all(), required=False, allow_null=True)
    team = id_list_field()
    asset_types = id_list_field()
    task_types = id_list_field()
    task_statuses = id_list_field()

    class Meta:
        model = Project
        fields = [*PROJECT_FIELDS, "project_status_id", *PROJECT_RELATIONS]
        extra_kwargs = {"production_style": {"allow_null": True}}

    validate_data = staticmethod(validate_storable_json)

    def validate_production_style(self, value):
        return value or "2d3d"  # Zou: a null style is 2d3d


# Entities ---------------------------------------------------------------------------------------------

ENTITY_FIELDS = ["name", "code", "description", "nb_frames", "canceled", "data", "shotgun_id"]


class EntitySerializer(ZouModelSerializer):
    """`type` is the entity's base type: "Shot", "Sequence", "Episode", ... or "Asset" (Zou's
    get_base_entity_type_name)."""

    project_id = serializers.UUIDField(read_only=True)
    entity_type_id = serializers.UUIDField(read_only=True)
    parent_id = serializers.UUIDField(read_only=True, allow_null=True)

    class Meta:
        model = Entity
        fields = [*TIMESTAMPS, *ENTITY_FIELDS, "project_id", "entity_type_id", "parent_id"]

    @extend_schema_field(OpenApiTypes.STR)
    def get_type(self, obj) -> str:
        name = obj.entity_type.name
        return name if name in TEMPORAL_ENTITY_TYPES else "Asset"


class EntityInputSerializer(serializers.ModelSerializer):
    project_id = serializers.PrimaryKeyRelatedField(source="project", queryset=Project.objects.all())
    entity_type_id = serializers.PrimaryKeyRelatedField(source="entity_type", queryset=EntityType.objects.all())
    parent_id = serializers.PrimaryKeyRelatedField(source="parent", queryset=Entity.objects.all(),
                                                   required=False, allow_null=True)

    class Meta:
        model = Entity
        fields = [*ENTITY_FIELDS, "project_id", "entity_type_id", "parent_id"]
        validators = []  # uniqueness is the database's (a 400 with Zou's message)

    validate_data = staticmethod(validate_storable_json)


class SequenceInputSerializer(serializers.Serializer):
    """`POST data/projects/<id>/sequences` (gazu.shot.new_sequence). Unknown keys are ignored, as Zou's
    argument parser does."""

    name = serializers.CharField(max_length=160)
    episode_id = serializers.UUIDField(required=False, allow_null=True)
    description = serializers.CharField(required=False, allow_blank=True, max_length=10_000, default="")
    data = serializers.JSONField(required=False, allow_null=True)

    validate_data = staticmethod(validate_storable_json)


class ShotInputSerializer(serializers.Serializer):
    """`POST data/projects/<id>/shots` (gazu.shot.new_shot: `frame_in` and `frame_out` travel in `data`)."""

    name = serializers.CharField(max_length=160)
    sequence_id = serializers.UUIDField(required=False, allow_null=True)
    nb_frames = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=2**31 - 1)
    description = serializers.CharField(required=False, allow_blank=True, allow_null=True, max_length=10_000)
    data = serializers.JSONField(required=False, allow_null=True)

    validate_data = staticmethod(validate_storable_json)

    def validate_description(self, value):
        return value or ""


class EpisodeInputSerializer(serializers.Serializer):
    """`POST data/projects/<id>/episodes` (gazu.shot.new_episode). Unknown keys are ignored, as Zou's
    argument parser does."""

    name = serializers.CharField(max_length=160)
    description = serializers.CharField(required=False, allow_blank=True, max_length=10_000, default="")
    data = serializers.JSONField(required=False, allow_null=True)

    validate_data = staticmethod(validate_storable_json)


class SceneInputSerializer(serializers.Serializer):
    """`POST data/projects/<id>/scenes` (gazu.scene.new_scene)."""

    name = serializers.CharField(max_length=160)
    sequence_id = serializers.UUIDField(required=False, allow_null=True)


class SceneSerializer(EntitySerializer):
    """Zou serializes its scene routes' rows as "Scene" (its generic routes would call them assets)."""

    @extend_schema_field(OpenApiTypes.STR)
    def get_type(self, obj) -> str:
        return "Scene"


# Tasks ------------------------------------------------------------------------------------------------

TASK_FIELDS = ["name", "description", "priority", "difficulty", "estimation", "completion_rate",
               "retake_count", "sort_order", "start_date", "due_date", "real_start_date", "end_date",
               "done_date", "last_comment_date", "nb_assets_ready", "nb_drawings", "data", "shotgun_id"]
TASK_READ_ONLY = ["duration"]


class TaskSerializer(RelationListsMixin, ZouModelSerializer):
    zou_type = "Task"
    relation_fields = ("assignees",)
    project_id = serializers.UUIDField(read_only=True)
    task_type_id = serializers.UUIDField(read_only=True)
    task_status_id = serializers.UUIDField(read_only=True)
    entity_id = serializers.UUIDField(read_only=True)
    assigner_id = serializers.UUIDField(read_only=True, allow_null=True)
    assignees = relation_list_field()

    class Meta:
        model = Task
        fields = [*TIMESTAMPS, *TASK_FIELDS, *TASK_READ_ONLY, "project_id", "task_type_id", "task_status_id",
                  "entity_id", "assigner_id", "assignees"]

    get_assignees = staticmethod(_no_value)


def _row(serializer_class, instance) -> dict | None:
    if instance is None:
        return None
    return serializer_class(instance, context={"relations": False}).data


@extend_schema_field({"type": "array", "items": {"type": "object"}})
class PersonRowsField(serializers.SerializerMethodField):
    """Person dicts in the form the caller reads a person in (safe or minimal, people.selectors)."""


class FullTaskSerializer(TaskSerializer):
    """`GET data/tasks/<id>/full` (gazu.task.get_task, Zou's get_full_task): the task with `assignees`, and
    its project, task type, task status, entity, entity type, assignees (`persons`) and assigner expanded;
    a shot's `sequence` and `episode` too. The view loads the relations and passes `persons` and
    `assigner` rows in the context."""

    project = serializers.SerializerMethodField()
    task_type = serializers.SerializerMethodField()
    task_status = serializers.SerializerMethodField()
    entity = serializers.SerializerMethodField()
    entity_type = serializers.SerializerMethodField()
    persons = PersonRowsField()
    assigner = serializers.SerializerMethodField()
    is_subscribed = serializers.SerializerMethodField()

    class Meta(TaskSerializer.Meta):
        fields = [*TaskSerializer.Meta.fields, "project", "task_type", "task_status", "entity", "entity_type",
                  "persons", "assigner", "is_subscribed"]

    @extend_schema_field(ProjectSerializer)
    def get_project(self, task) -> dict:
        return _row(ProjectSerializer, task.project)

    @extend_schema_field(TaskTypeSerializer)
    def get_task_type(self, task) -> dict:
        return _row(TaskTypeSerializer, task.task_type)

    @extend_schema_field(TaskStatusSerializer)
    def get_task_status(self, task) -> dict:
        return _row(TaskStatusSerializer, task.task_status)

    @extend_schema_field(EntitySerializer)
    def get_entity(self, task) -> dict:
        return _row(EntitySerializer, task.entity)

    @extend_schema_field(EntityTypeSerializer)
    def get_entity_type(self, task) -> dict:
        return _row(EntityTypeSerializer, task.entity.entity_type)

    def get_persons(self, task) -> list:
        return self.context["persons"]

    @extend_schema_field({"type": "object", "nullable": True})
    def get_assigner(self, task) -> dict | None:
        return self.context.get("assigner")

    def get_is_subscribed(self, task) -> bool:
        return False  # Roster keeps no task subscriptions (Zou's notifications)

    def to_representation(self, task):
        data = super().to_representation(task)
        if data["assigner"] is None:
            data.pop("assigner")  # Zou adds it only when the task has one
        entity = task.entity
        if entity.entity_type.name == "Shot" and entity.parent is not None:
            data["sequence"] = _row(EntitySerializer, entity.parent)
            if entity.parent.parent is not None:
                data["episode"] = _row(EntitySerializer, entity.parent.parent)
        return data


class TaskInputSerializer(serializers.ModelSerializer):
    """`duration` is not writable: it is the sum of the task's time spent."""

    project_id = serializers.PrimaryKeyRelatedField(source="project", queryset=Project.objects.all())
    task_type_id = serializers.PrimaryKeyRelatedField(source="task_type", queryset=TaskType.objects.all())
    task_status_id = serializers.PrimaryKeyRelatedField(
        source="task_status", queryset=TaskStatus.objects.all(), required=False, allow_null=True)
    entity_id = serializers.PrimaryKeyRelatedField(source="entity", queryset=Entity.objects.select_related(
        "entity_type"))
    assigner_id = serializers.PrimaryKeyRelatedField(source="assigner", queryset=Person.objects.all(),
                                                     required=False, allow_null=True)
    assignees = id_list_field()

    class Meta:
        model = Task
        fields = [*TASK_FIELDS, "project_id", "task_type_id", "task_status_id", "entity_id", "assigner_id",
                  "assignees"]
        validators = []  # uniqueness is the database's (a 400 with Zou's message)
        extra_kwargs = {"estimation": {"min_value": 0}, "nb_drawings": {"min_value": 0}}

    validate_data = staticmethod(validate_storable_json)


class EntityUpdateInputSerializer(EntityInputSerializer):
    """A PUT: `project_id` is ignored (an entity stays in its project, as in Zou)."""

    project_id = None

    class Meta(EntityInputSerializer.Meta):
        fields = [name for name in EntityInputSerializer.Meta.fields if name != "project_id"]


class TaskUpdateInputSerializer(TaskInputSerializer):
    """A PUT: `project_id` is ignored (Zou strips it)."""

    project_id = None

    class Meta(TaskInputSerializer.Meta):
        fields = [name for name in TaskInputSerializer.Meta.fields if name != "project_id"]


# Time spent and day-offs --------------------------------------------------------------------------------

class TimeSpentSerializer(ZouModelSerializer):
    zou_type = "TimeSpent"
    task_id = serializers.UUIDField(read_only=True)
    person_id = serializers.UUIDField(read_only=True)

    class Meta:
        model = TimeSpent
        fields = [*TIMESTAMPS, "duration", "date", "task_id", "person_id"]


class TimeSpentInputSerializer(serializers.ModelSerializer):
    """`/data/time-spents` writes. The duration's rule (minutes > 0) is the service's."""

    task_id = serializers.PrimaryKeyRelatedField(source="task", queryset=Task.objects.all())
    person_id = serializers.PrimaryKeyRelatedField(source="person", queryset=Person.objects.all())
    duration = serializers.FloatField()

    class Meta:
        model = TimeSpent
        fields = ["duration", "date", "task_id", "person_id"]
        validators = []  # one row per person, task and day: the database's (a 400 with Zou's message)


class DurationSerializer(serializers.Serializer):
    duration = serializers.FloatField()


class DayOffSerializer(ZouModelSerializer):
    zou_type = "DayOff"
    person_id = serializers.UUIDField(read_only=True)

    class Meta:
        model = DayOff
        fields = [*TIMESTAMPS, "date", "end_date", "description", "person_id"]


class DayOffInputSerializer(serializers.ModelSerializer):
    person_id = serializers.PrimaryKeyRelatedField(source="person", queryset=Person.objects.all())
    end_date = serializers.DateField(required=False)
    description = serializers.CharField(required=False, allow_blank=True, allow_null=True, max_length=10_000)

    class Meta:
        model = DayOff
        fields = ["date", "end_date", "description", "person_id"]
        validators = []  # overlaps are the service's (Zou's message)

    def validate_description(self, value):
        return value or ""


class TaskTimeEntrySerializer(serializers.Serializer):
    """A person's time on one task over a period (zou-api.md 5, the aggregated entry)."""

    task_id = serializers.UUIDField()
    task_type_id = serializers.UUIDField()
    project_id = serializers.UUIDField()
    project_name = serializers.CharField()
    entity_name = serializers.CharField()
    entity_type_name = serializers.CharField()
    sequence_name = serializers.CharField(allow_null=True)
    episode_name = serializers.CharField(allow_null=True)
    duration = serializers.FloatField()
