"""One FilterSet per list (Zou's generic column filters, config.filters): foreign keys as `<name>_id`,
many-to-many relations (`team`, `assignees`) by one id."""

import django_filters

from config.filters import ZouFilterSet
from timetracking.models import DayOff, Entity, EntityType, Project, Task, TaskStatus, TaskType, TimeSpent

TIMESTAMP_FIELDS = ["id", "created_at", "updated_at"]


class ProjectFilterSet(ZouFilterSet):
    class Meta:
        model = Project
        fields = [*TIMESTAMP_FIELDS, "name", "code", "shotgun_id", "has_avatar", "fps", "ratio", "resolution",
                  "production_type", "production_style", "start_date", "end_date", "man_days", "nb_episodes",
                  "project_status", "team", "asset_types", "task_types", "task_statuses"]


class EntityTypeFilterSet(ZouFilterSet):
    class Meta:
        model = EntityType
        fields = [*TIMESTAMP_FIELDS, "name", "short_name", "archived"]


class TaskTypeFilterSet(ZouFilterSet):
    class Meta:
        model = TaskType
        fields = [*TIMESTAMP_FIELDS, "name", "short_name", "color", "priority", "for_entity", "allow_timelog",
                  "archived", "shotgun_id", "department"]


class TaskStatusFilterSet(ZouFilterSet):
    class Meta:
        model = TaskStatus
        fields = [*TIMESTAMP_FIELDS, "name", "short_name", "color", "priority", "is_done", "is_artist_allowed",
                  "is_client_allowed", "is_retake", "is_feedback_request", "is_default", "is_wip", "for_concept",
                  "archived", "shotgun_id"]


class EntityFilterSet(ZouFilterSet):
    class Meta:
        model = Entity
        fields = [*TIMESTAMP_FIELDS, "name", "code", "nb_frames", "canceled", "shotgun_id", "project",
                  "entity_type", "parent"]


class TaskFilterSet(ZouFilterSet):
    class Meta:
        model = Task
        fields = [*TIMESTAMP_FIELDS, "name", "priority", "difficulty", "duration", "estimation",
                  "completion_rate", "retake_count", "start_date", "due_date", "real_start_date", "end_date",
                  "done_date", "nb_drawings", "shotgun_id", "project", "task_type", "task_status", "entity",
                  "assigner", "assignees"]


class TimeSpentFilterSet(ZouFilterSet):
    """`start_date` and `end_date` (together) are the view's range, not columns."""

    class Meta:
        model = TimeSpent
        fields = [*TIMESTAMP_FIELDS, "duration", "date", "task", "person"]


class DayOffFilterSet(ZouFilterSet):
    class Meta:
        model = DayOff
        fields = [*TIMESTAMP_FIELDS, "date", "end_date", "description", "person"]


class TemporalEntityFilterSet(EntityFilterSet):
    """`/data/sequences` and `/data/shots`: the entity columns, plus Zou's names for the parent (gazu asks for
    a project's sequence with `project_id`, an episode's with `episode_id`, a sequence's shot with
    `sequence_id`)."""

    episode_id = django_filters.UUIDFilter(field_name="parent_id")
    sequence_id = django_filters.UUIDFilter(field_name="parent_id")
    extra_columns = ("episode_id", "sequence_id")

    class Meta(EntityFilterSet.Meta):
        pass
