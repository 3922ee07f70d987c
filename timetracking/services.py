"""Every write of the time-tracking app: productions and their catalogs, tasks and the dates their statuses
set, time spent (with `Task.duration` recomputed by the database in the same transaction), day-offs (never
overlapping, removing the time spent on the days they cover), and what a forced person delete removes.

Each service is keyword-only, takes the `acting_user`, and runs in one transaction."""

import datetime as dt
import math
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Max, OuterRef, ProtectedError, QuerySet, RestrictedError, Subquery, Sum, Value
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from audit.services import audit_record
from config.errors import ApplicationError, Forbidden, field_error
from people.models import DesktopLoginLog, Person
from timetracking import selectors, totals
from timetracking.models import (
    DayOff,
    Entity,
    EntityType,
    ForEntity,
    Project,
    ProjectPersonLink,
    ProjectStatus,
    Task,
    TaskPersonLink,
    TaskStatus,
    TaskType,
    TimeSpent,
)
from timetracking.task_statuses import ZOU_DEFAULT_TASK_STATUSES

OPEN = "Open"
CLOSED = "Closed"
DAY_OFF_OVERLAP = "Day off already exists for this period"
# PostgreSQL's SQLSTATE for an exclusion constraint violation.
EXCLUSION_VIOLATION = "23P01"


# Saving ---------------------------------------------------------------------------------------------

def _integrity_error(exc: IntegrityError) -> ApplicationError:
    if getattr(getattr(exc, "__cause__", None), "sqlstate", None) == EXCLUSION_VIOLATION:
        return ApplicationError(DAY_OFF_OVERLAP)
    text = str(exc).lower()
    if "unique" in text or "duplicate" in text:
        return ApplicationError("A record with the same unique values already exists.")
    if "not null" in text or "not-null" in text:
        return ApplicationError("A required field is missing.")
    return ApplicationError("A value breaks a rule of the database.")


def _save_validated(instance: models.Model) -> models.Model:
    try:
        instance.full_clean(validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise field_error(field if field != "__all__" else "body", messages[0]) from None
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError as exc:
        raise _integrity_error(exc) from None
    return instance


def _delete(instance: models.Model, *, linked_message: str) -> None:
    try:
        with transaction.atomic():
            instance.delete()
    except (ProtectedError, RestrictedError, IntegrityError):
        raise ApplicationError(linked_message) from None


def _assign(instance: models.Model, data: dict[str, Any]) -> None:
    for field, value in data.items():
        setattr(instance, field, value)


def _rows_by_ids(model: type[models.Model], field: str, ids: Iterable) -> list:
    """The rows whose ids a client listed, in one query; an unknown id is a 400 naming the field."""
    wanted = list(dict.fromkeys(ids))
    rows = {row.pk: row for row in model.objects.filter(pk__in=wanted)}
    missing = [value for value in wanted if value not in rows]
    if missing:
        raise field_error(field, f"{field}: no {model._meta.verbose_name} with the id {missing[0]}.")
    return [rows[value] for value in wanted]


def _set_links(link_model, *, owner_field: str, owner, other_field: str, others: list) -> list | None:
    """Replace an owner's links (a project's team, a task's assignees) by `others`, keeping those still there.
    Returns the ids before and after (sorted text, as an audit row keeps them), or None when nothing changed."""
    before = set(link_model.objects.filter(**{owner_field: owner}).values_list(f"{other_field}_id", flat=True))
    wanted = {other.pk: other for other in others}
    if set(wanted) == before:
        return None
    link_model.objects.filter(**{owner_field: owner, f"{other_field}_id__in": before - set(wanted)}).delete()
    link_model.objects.bulk_create([link_model(**{owner_field: owner, other_field: other})
                                    for pk, other in wanted.items() if pk not in before])
    return [sorted(str(pk) for pk in before), sorted(str(pk) for pk in wanted)]


# Catalogs: project statuses, entity types, task types, task statuses --------------------------------

def project_status_get_or_create(name: str = OPEN) -> ProjectStatus:
    """Zou creates "Open" and "Closed" on first use; so do we (a flushed test database has neither)."""
    status, _ = ProjectStatus.objects.get_or_create(name=name)
    return status


def entity_type_get_or_create(name: str) -> EntityType:
    entity_type, _ = EntityType.objects.get_or_create(name=name)
    return entity_type


CATALOG_MODELS = (EntityType, TaskType, TaskStatus)


def _check_task_type_name_free(name, *, exclude_pk=None) -> None:
    if name is not None and TaskType.objects.filter(name__iexact=name).exclude(pk=exclude_pk).exists():
        raise field_error("name", "A task type with similar name already exists")


def _single_default_status(instance: TaskStatus) -> None:
    # Zou keeps one default status: setting a new one unsets the previous one.
    if instance.is_default:
        TaskStatus.objects.filter(is_default=True).exclude(pk=instance.pk).update(is_default=False)


@transaction.atomic
def catalog_create(*, acting_user, model: type[models.Model], data: dict[str, Any]) -> models.Model:
    assert model in CATALOG_MODELS
    if model is TaskType:
        _check_task_type_name_free(data.get("name"))
    instance = model(**data)
    return catalog_save(acting_user=acting_user, instance=instance)


@transaction.atomic
def catalog_update(*, acting_user, instance: models.Model, data: dict[str, Any]) -> models.Model:
    if isinstance(instance, TaskType) and "name" in data:
        _check_task_type_name_free(data["name"], exclude_pk=instance.pk)
    _assign(instance, data)
    return catalog_save(acting_user=acting_user, instance=instance)


@transaction.atomic
def catalog_save(*, acting_user, instance: models.Model) -> models.Model:
    """Save a catalog row already filled in (the API's writes and the admin's forms). A task type that
    changes department moves its time spent between the stored totals' departments."""
    if isinstance(instance, TaskStatus):
        _single_default_status(instance)
    if isinstance(instance, TaskType) and not instance._state.adding:
        previous = TaskType.objects.filter(pk=instance.pk).values_list("department_id", flat=True).first()
        if previous != instance.department_id:
            _lock_time_of_tasks(Task.objects.filter(task_type=instance))
            with _moving_time(TimeSpent.objects.filter(task__task_type=instance)):
                return _save_validated(instance)
    return _save_validated(instance)


@transaction.atomic
def catalog_delete(*, acting_user, instance: models.Model) -> None:
    _delete(instance, linked_message=f"This {instance._meta.verbose_name} is still used and cannot be deleted.")


# Projects -------------------------------------------------------------------------------------------

PROJECT_RELATIONS = ("asset_types", "task_types", "task_statuses")
RELATION_MODELS = {"asset_types": EntityType, "task_types": TaskType, "task_statuses": TaskStatus}


def _project_relations(project: Project, relations: dict[str, Any], *, acting_user) -> None:
    if relations.get("team") is not None:
        team = _rows_by_ids(Person, "team", relations["team"])
        changed = _set_links(ProjectPersonLink, owner_field="project", owner=project, other_field="person",
                             others=team)
        if changed is not None:  # who joins or leaves a production's team, and who decided it
            audit_record(actor=acting_user, action="project.team_changed", target=project, target_type="project",
                         changes={"team": changed})
    for name in PROJECT_RELATIONS:
        if relations.get(name) is not None:
            getattr(project, name).set(_rows_by_ids(RELATION_MODELS[name], name, relations[name]))


def _split_relations(data: dict[str, Any], names: Iterable[str]) -> tuple[dict, dict]:
    relations = {name: data.pop(name) for name in list(data) if name in names}
    return data, relations


@transaction.atomic
def project_create(*, acting_user, data: dict[str, Any]) -> Project:
    data, relations = _split_relations(dict(data), ("team", *PROJECT_RELATIONS))
    if data.get("project_status") is None:
        data["project_status"] = project_status_get_or_create(OPEN)
    project = _save_validated(Project(**data))
    _project_relations(project, relations, acting_user=acting_user)
    return project


@transaction.atomic
def project_update(*, acting_user, project: Project, data: dict[str, Any]) -> Project:
    data, relations = _split_relations(dict(data), ("team", *PROJECT_RELATIONS))
    if "project_status" in data and data["project_status"] is None:
        data["project_status"] = project_status_get_or_create(OPEN)
    _assign(project, data)
    _save_validated(project)
    _project_relations(project, relations, acting_user=acting_user)
    return project


@transaction.atomic
def project_save(*, acting_user, project: Project) -> Project:
    """Save a project already filled in (the admin's form)."""
    if project.project_status_id is None:
        project.project_status = project_status_get_or_create(OPEN)
    return _save_validated(project)


@transaction.atomic
def project_delete(*, acting_user, project: Project, force: bool = False) -> None:
    """Zou deletes closed projects only. A project with time spent needs `force`, which removes it too."""
    if project.project_status.name != CLOSED:
        raise ApplicationError("Only closed projects can be deleted")
    if force:
        _lock_time_of_tasks(Task.objects.filter(project=project))
        _time_spents_delete(TimeSpent.objects.filter(task__project=project))
    _delete(project, linked_message="Some data are still linked to given project.")


# Entities -------------------------------------------------------------------------------------------

def _check_project_access(acting_user, project: Project) -> None:
    """Zou's check_manager_project_access: an admin, or a manager on the project's team."""
    if acting_user is None:
        return
    if not selectors.project_qs_visible_to(viewer=acting_user).filter(pk=project.pk).exists():
        raise Forbidden("You are not allowed to act on this project.")


def _check_parent(entity: Entity) -> None:
    parent = entity.parent
    if parent is None:
        return
    if parent.project_id != entity.project_id:
        raise field_error("parent_id", "The parent belongs to another project.")
    ancestor, depth = parent, 0
    while ancestor is not None and depth < 4:  # episode > sequence > shot: a short chain, never a loop
        if ancestor.pk == entity.pk:
            raise field_error("parent_id", "An entity cannot be its own ancestor.")
        ancestor, depth = ancestor.parent, depth + 1


@transaction.atomic
def entity_create(*, acting_user, data: dict[str, Any]) -> Entity:
    entity = Entity(**data)
    _check_project_access(acting_user, entity.project)
    _check_parent(entity)
    return _save_validated(entity)


@transaction.atomic
def entity_create_in_project(*, acting_user, project: Project, type_name: str, parent_type_name: str,
                             parent_field: str, data: dict[str, Any]) -> Entity:
    """Zou's create_sequence and create_shot (`POST data/projects/<id>/{sequences,shots}`): the entity type by
    name, made on first use as Zou's are; the parent (`episode_id`, `sequence_id`), when given, one of the
    expected type in the same project."""
    data = dict(data)
    parent_id = data.pop("parent_id", None)
    parent = None
    if parent_id is not None:
        parent = Entity.objects.filter(pk=parent_id, project=project, entity_type__name=parent_type_name).first()
        if parent is None:
            raise field_error(parent_field, f"No {parent_type_name.lower()} with the id {parent_id} in this project.")
    return entity_create(acting_user=acting_user, data={
        **data, "project": project, "entity_type": entity_type_get_or_create(type_name), "parent": parent})


@transaction.atomic
def entity_update(*, acting_user, entity: Entity, data: dict[str, Any]) -> Entity:
    data = {key: value for key, value in data.items() if key != "project"}  # an entity stays in its project
    _assign(entity, data)
    _check_parent(entity)
    return _save_validated(entity)


@transaction.atomic
def entity_save(*, acting_user, entity: Entity) -> Entity:
    """Save an entity already filled in (the admin's form)."""
    _check_parent(entity)
    return _save_validated(entity)


@transaction.atomic
def entity_delete(*, acting_user, entity: Entity) -> None:
    _delete(entity, linked_message="Some data are still linked to given entity (tasks or children).")


def _entity_tree_tasks_delete(entity_ids: list) -> None:
    """Remove the tasks of `entity_ids` with the time spent on them (Zou's forced removal), keeping the
    stored totals, task durations and presence days equal to the rows that stay."""
    tasks = Task.objects.filter(entity_id__in=entity_ids)
    _lock_time_of_tasks(tasks)
    _time_spents_delete(TimeSpent.objects.filter(task__entity_id__in=entity_ids))
    tasks.delete()


@transaction.atomic
def shot_remove(*, acting_user, shot: Entity, force: bool = False) -> Entity:
    """Zou's remove_shot: a shot with tasks is only marked canceled (restored by a PUT of `canceled: false`);
    one without tasks, or any with `force`, is deleted with its tasks and their time spent."""
    _check_project_access(acting_user, shot.project)
    if not force and Task.objects.filter(entity=shot).exists():
        shot.canceled = True
        return _save_validated(shot)
    _entity_tree_tasks_delete([shot.pk])
    _delete(shot, linked_message="Some data are still linked to this shot.")
    return shot


def _entity_descendant_ids(entity: Entity) -> list:
    """Every entity under `entity`, at any depth, one query per level. The generic entity routes accept any
    parent in the same project (an entity under a shot makes a fourth level), so the depth is not assumed;
    the ids seen stop a loop of parents (the ancestor check looks only a few levels up)."""
    seen = {entity.pk}
    level = [entity.pk]
    while level:
        level = [pk for pk in Entity.objects.filter(parent_id__in=level).values_list("pk", flat=True)
                 if pk not in seen]
        seen.update(level)
    return [pk for pk in seen if pk != entity.pk]


@transaction.atomic
def entity_tree_remove(*, acting_user, entity: Entity, force: bool = False) -> None:
    """Zou's remove_episode and remove_sequence: without `force` only the entity goes, and anything linked
    to it (children, tasks) makes that a 400; with `force` its children and grandchildren (an episode's
    sequences and their shots), every task on them and the time spent on those tasks go first."""
    _check_project_access(acting_user, entity.project)
    kind = entity.entity_type.name.lower()
    if force:
        descendants = _entity_descendant_ids(entity)
        _entity_tree_tasks_delete([entity.pk, *descendants])
        # One delete for the whole subtree: the parent links between its rows (RESTRICT) hold nothing back
        # when both ends go together, whatever the depth.
        Entity.objects.filter(pk__in=descendants).delete()
    _delete(entity, linked_message=f"Some data are still linked to this {kind}.")


# Tasks ----------------------------------------------------------------------------------------------

def _now() -> dt.datetime:
    return timezone.now().replace(microsecond=0)


def task_apply_status(task: Task, status: TaskStatus, *, previous_status_id) -> None:
    """The dates a status change sets (zou-api.md 8): the first WIP status starts the task; a feedback-request
    status sets the feedback date (`end_date`) and any other clears it; a done status sets `done_date` and any
    other clears it. Re-applying the current status changes nothing."""
    if status.pk == previous_status_id:
        return
    now = _now()
    if status.is_wip and task.real_start_date is None:
        task.real_start_date = now
    task.end_date = now if status.is_feedback_request else None
    task.done_date = now if status.is_done else None


def _check_task_links(task: Task) -> None:
    entity, task_type = task.entity, task.task_type
    if entity.project_id != task.project_id:
        raise field_error("entity_id", "The entity belongs to another project.")
    # Zou: an "Asset" task type goes on assets; the others on the temporal type of their name.
    if task_type.for_entity == ForEntity.ASSET:
        fits = entity.entity_type.is_asset_type
    else:
        fits = entity.entity_type.name == task_type.for_entity
    if not fits:
        raise field_error("task_type_id", "Task type of the task does not match entity type.")


def _default_task_status() -> TaskStatus:
    status = TaskStatus.objects.filter(is_default=True).first()
    if status is None:
        status, _ = TaskStatus.objects.get_or_create(short_name="todo", defaults=ZOU_DEFAULT_TASK_STATUSES["todo"])
    return status


@transaction.atomic
def task_create(*, acting_user, data: dict[str, Any]) -> Task:
    data, relations = _split_relations(dict(data), ("assignees",))
    if data.get("task_status") is None:
        data["task_status"] = _default_task_status()
    task = Task(**data)
    _check_project_access(acting_user, task.project)
    _check_task_links(task)
    task_apply_status(task, task.task_status, previous_status_id=None)
    _save_validated(task)
    if relations.get("assignees") is not None:
        _set_task_assignees(task, relations["assignees"], acting_user=acting_user)
    return task


def _set_task_assignees(task: Task, ids, *, acting_user) -> None:
    persons = _rows_by_ids(Person, "assignees", ids)
    changed = _set_links(TaskPersonLink, owner_field="task", owner=task, other_field="person", others=persons)
    if changed is not None:  # who was given or taken off the work, and by whom
        audit_record(actor=acting_user, action="task.assignees_changed", target=task, target_type="task",
                     changes={"assignees": changed})


@transaction.atomic
def task_update(*, acting_user, task: Task, data: dict[str, Any]) -> Task:
    data, relations = _split_relations(dict(data), ("assignees",))
    data.pop("project", None)  # Zou strips project_id from a PUT
    previous_status_id = task.task_status_id
    _assign(task, data)
    if "entity" in data or "task_type" in data:
        _check_task_links(task)
    task_apply_status(task, task.task_status, previous_status_id=previous_status_id)
    _save_task(task)
    if relations.get("assignees") is not None:
        _set_task_assignees(task, relations["assignees"], acting_user=acting_user)
    return task


@transaction.atomic
def task_save(*, acting_user, task: Task) -> Task:
    """Save a task already filled in (the admin's form): same checks and status dates as the API."""
    previous_status_id = (Task.objects.filter(pk=task.pk).values_list("task_status_id", flat=True).first()
                          if not task._state.adding else None)
    _check_task_links(task)
    task_apply_status(task, task.task_status, previous_status_id=previous_status_id)
    return _save_task(task)


def _save_task(task: Task) -> Task:
    """Save a task; one that changes project or task type moves its time spent between the stored totals'
    keys (the task type gives the department)."""
    if not task._state.adding:
        previous = Task.objects.select_for_update().filter(pk=task.pk).values_list(
            "project_id", "task_type_id").first()
        if previous is not None and previous != (task.project_id, task.task_type_id):
            with _moving_time(TimeSpent.objects.filter(task=task)):
                return _save_validated(task)
    return _save_validated(task)


@transaction.atomic
def task_delete(*, acting_user, task: Task, force: bool = False) -> None:
    """A task with time spent is deleted only with `force`, which removes that time too."""
    if force:
        _lock_time_of_tasks(Task.objects.filter(pk=task.pk))
        _time_spents_delete(TimeSpent.objects.filter(task=task))
    _delete(task, linked_message="Some data are still linked to given task (time spent).")


# Time spent -----------------------------------------------------------------------------------------
#
# Every write keeps three things equal to the raw rows in its own transaction: `Task.duration`, the stored
# totals (timetracking.totals) and the person's `last_presence`. Locks make each delta exact: a write locks
# its person, then its task (the order every path takes), then its row, before reading what it changes.

def task_durations_refresh(task_ids: Iterable) -> None:
    """`Task.duration` = the sum of its time spent, computed by the database in one UPDATE."""
    task_ids = list(set(task_ids))
    if not task_ids:
        return
    total = (TimeSpent.objects.filter(task=OuterRef("pk")).order_by().values("task")
             .annotate(total=Sum("duration")).values("total"))
    Task.objects.filter(pk__in=task_ids).update(
        duration=Coalesce(Subquery(total, output_field=models.FloatField()), Value(0.0)))


def person_last_presence_refresh(person_ids: Iterable) -> None:
    """`last_presence` = the later of the person's last time-spent day and last desktop-login day, or null
    when there is neither (Zou's update_person_last_presence), in one UPDATE."""
    person_ids = list(set(person_ids))
    if not person_ids:
        return
    last_time = Subquery(TimeSpent.objects.filter(person=OuterRef("pk")).order_by().values("person")
                         .annotate(last=Max("date")).values("last"), output_field=models.DateField())
    last_login = Subquery(DesktopLoginLog.objects.filter(person=OuterRef("pk")).order_by().values("person")
                          .annotate(last=Max("date")).values("last"), output_field=models.DateTimeField())
    login_day = models.functions.TruncDate(last_login)
    # GREATEST is NULL on SQLite when either side is: compare each with the other as its own fallback.
    Person.objects.filter(pk__in=person_ids).update(last_presence=Greatest(
        Coalesce(last_time, login_day), Coalesce(login_day, last_time), output_field=models.DateField()))


def _check_duration(duration) -> float:
    if isinstance(duration, bool) or not isinstance(duration, (int, float)):
        raise field_error("duration", "Duration must be a number of minutes.")
    duration = float(duration)
    if not math.isfinite(duration) or duration <= 0:
        raise field_error("duration", "Duration must be positive.")
    return duration


def _lock_writers(*, person_ids: Iterable = (), task_ids: Iterable = ()) -> None:
    """Lock the persons, then the tasks, whose time spent is about to change, each set in id order: every
    path takes them in this order, so two writers never wait on each other in a circle."""
    person_ids, task_ids = list(set(person_ids)), list(set(task_ids))
    if person_ids:
        list(Person.objects.select_for_update(no_key=True).filter(pk__in=person_ids).order_by("pk")
             .values_list("pk", flat=True))
    if task_ids:
        _lock_tasks(Task.objects.filter(pk__in=task_ids))


def _lock_tasks(tasks: QuerySet) -> None:
    list(tasks.select_for_update(no_key=True).order_by("pk").values_list("pk", flat=True))


def _lock_time_of_tasks(tasks: QuerySet) -> None:
    """Before removing the time spent on `tasks`: lock the persons who logged it, then the tasks."""
    person_ids = TimeSpent.objects.filter(task__in=tasks).order_by().values_list("person_id", flat=True).distinct()
    _lock_writers(person_ids=person_ids)
    _lock_tasks(tasks)


@contextmanager
def _moving_time(time_spents: QuerySet) -> Iterator[None]:
    """For a change that moves rows between the totals' keys: their minutes leave the old keys before it and
    reach the new ones after it (`time_spents` is read again after the change)."""
    totals.apply(time_spents, factor=-1.0)
    yield
    totals.apply(time_spents)


@transaction.atomic
def time_spent_set(*, acting_user, task: Task, person: Person, date: dt.date, duration, add: bool = False
                   ) -> TimeSpent:
    """Set (or with `add`, add to) the minutes a person spent on a task on a day; the row is created when
    missing. Concurrent writes to one person's time take turns (the person's row lock)."""
    duration = _check_duration(duration)
    _lock_writers(person_ids=[person.pk], task_ids=[task.pk])
    lookup = {"task": task, "person": person, "date": date}
    time_spent = TimeSpent.objects.select_for_update().filter(**lookup).first()
    if time_spent is None:
        time_spent = _save_validated(TimeSpent(duration=duration, **lookup))
        delta = duration
    else:
        new_duration = time_spent.duration + duration if add else duration
        delta = new_duration - time_spent.duration
        time_spent.duration = new_duration
        time_spent.save(update_fields=["duration", "updated_at"])
    totals.apply(TimeSpent.objects.filter(pk=time_spent.pk), minutes=delta)
    task_durations_refresh([task.pk])
    person_last_presence_refresh([person.pk])
    _audit_time_of_another(acting_user=acting_user, person_id=person.pk, action="time_spent.set", changes={
        "task_id": [None, str(task.pk)], "date": [None, date.isoformat()],
        "duration": [float(time_spent.duration - delta), float(time_spent.duration)]})
    return time_spent


@transaction.atomic
def time_spent_create(*, acting_user, data: dict[str, Any]) -> TimeSpent:
    """A new row (`/data/time-spents`): the same checks as the generic CRUD's, a 400 when the person already
    has a row for that task and day."""
    time_spent = TimeSpent(**data)
    time_spent.duration = _check_duration(time_spent.duration)
    _lock_writers(person_ids=[time_spent.person_id], task_ids=[time_spent.task_id])
    _save_validated(time_spent)
    totals.apply(TimeSpent.objects.filter(pk=time_spent.pk))
    task_durations_refresh([time_spent.task_id])
    person_last_presence_refresh([time_spent.person_id])
    _audit_time_of_another(acting_user=acting_user, person_id=time_spent.person_id, action="time_spent.set",
                           changes={"task_id": [None, str(time_spent.task_id)],
                                    "date": [None, str(time_spent.date)], "duration": [0.0, time_spent.duration]})
    return time_spent


@transaction.atomic
def time_spent_update(*, acting_user, time_spent: TimeSpent, data: dict[str, Any]) -> TimeSpent:
    old_task_id, old_person_id = time_spent.task_id, time_spent.person_id
    if "duration" in data:
        data["duration"] = _check_duration(data["duration"])
    _assign(time_spent, data)
    _lock_writers(person_ids=[old_person_id, time_spent.person_id], task_ids=[old_task_id, time_spent.task_id])
    row = TimeSpent.objects.filter(pk=time_spent.pk)
    row.select_for_update().values_list("pk", flat=True).first()
    with _moving_time(row):
        _save_validated(time_spent)
    task_durations_refresh([old_task_id, time_spent.task_id])
    person_last_presence_refresh([old_person_id, time_spent.person_id])
    for person_id in {old_person_id, time_spent.person_id}:
        _audit_time_of_another(acting_user=acting_user, person_id=person_id, action="time_spent.updated",
                               changes={"time_spent_id": [None, str(time_spent.pk)],
                                        **{field: [None, str(value)] for field, value in data.items()}})
    return time_spent


@transaction.atomic
def time_spent_delete(*, acting_user, time_spent: TimeSpent) -> None:
    _lock_writers(person_ids=[time_spent.person_id], task_ids=[time_spent.task_id])
    _, minutes = _time_spents_delete(TimeSpent.objects.filter(pk=time_spent.pk))
    _audit_time_of_another(acting_user=acting_user, person_id=time_spent.person_id, action="time_spent.deleted",
                           changes={"task_id": [str(time_spent.task_id), None],
                                    "date": [str(time_spent.date), None], "duration": [minutes, None]})


def _time_spents_delete(queryset: QuerySet) -> tuple[int, float]:
    """Delete time spent rows (their persons or tasks already locked by the caller, so none appears meanwhile)
    and bring the stored totals, task durations and presence days down with them. Returns how many rows and
    minutes went."""
    rows = list(queryset.select_for_update(of=("self",)).order_by("pk")
                .values_list("task_id", "person_id", "duration"))
    if not rows:
        return 0, 0.0
    totals.apply(queryset, factor=-1.0)
    queryset.delete()
    task_durations_refresh(task_id for task_id, _, _ in rows)
    person_last_presence_refresh(person_id for _, person_id, _ in rows)
    return len(rows), float(sum(duration for _, _, duration in rows))


def _audit_time_of_another(*, acting_user, person_id, action: str, changes: dict) -> None:
    """Logging one's own time is the time data itself; someone else's time changed by an admin or a manager is
    an act on that person, and is audited."""
    if acting_user is None or acting_user.pk == person_id:
        return
    audit_record(actor=acting_user, action=action, target=Person.objects.get(pk=person_id),
                 target_type="person", changes=changes)


def time_totals_rebuild(*, acting_user=None, progress: Callable[[str], None] | None = None) -> int:
    """Recompute the stored time totals from the raw rows (after a bulk load that bypassed the services, or
    to repair them): one INSERT ... SELECT ... GROUP BY per period kind. Returns the number of totals."""
    with transaction.atomic():
        return totals.rebuild(progress=progress)


# Day-offs -------------------------------------------------------------------------------------------

def _lock_person(person_id) -> None:
    # Day-off writes of one person take turns, so two overlapping requests cannot both pass the check.
    Person.objects.select_for_update().filter(pk=person_id).values_list("pk", flat=True).first()


def _check_day_off(day_off: DayOff) -> None:
    if day_off.date and day_off.end_date and day_off.end_date < day_off.date:
        raise field_error("end_date", "The end date must be on or after the start date.")
    overlapping = DayOff.objects.filter(person_id=day_off.person_id, date__lte=day_off.end_date,
                                        end_date__gte=day_off.date).exclude(pk=day_off.pk)
    if overlapping.exists():
        raise ApplicationError(DAY_OFF_OVERLAP)


def _clear_time_spent_of(day_off: DayOff) -> tuple[int, float]:
    return _time_spents_delete(TimeSpent.objects.filter(person_id=day_off.person_id, date__gte=day_off.date,
                                                        date__lte=day_off.end_date))


def _audit_day_off(*, acting_user, day_off: DayOff, action: str, cleared: tuple[int, float] = (0, 0.0),
                   before: tuple | None = None) -> None:
    """Every day-off change is audited, the person's own included: it removes the time logged on its days, and
    the row says how much (rows, minutes)."""
    period = [str(day_off.date), str(day_off.end_date)]
    changes = {"period": [list(map(str, before)) if before else None, None if action == "day_off.deleted"
                          else period]}
    if cleared[0]:
        changes["time_spent_removed"] = [None, {"rows": cleared[0], "minutes": cleared[1]}]
    audit_record(actor=acting_user, action=action, target=Person.objects.get(pk=day_off.person_id),
                 target_type="person", changes=changes, reason=day_off.description or "")


@transaction.atomic
def day_off_create(*, acting_user, data: dict[str, Any]) -> DayOff:
    day_off = DayOff(**data)
    if day_off.end_date is None:
        day_off.end_date = day_off.date
    _lock_person(day_off.person_id)
    _check_day_off(day_off)
    _save_validated(day_off)
    cleared = _clear_time_spent_of(day_off)
    _audit_day_off(acting_user=acting_user, day_off=day_off, action="day_off.created", cleared=cleared)
    return day_off


@transaction.atomic
def day_off_update(*, acting_user, day_off: DayOff, data: dict[str, Any]) -> DayOff:
    previous_person_id, before = day_off.person_id, (day_off.date, day_off.end_date)
    _assign(day_off, data)
    for person_id in sorted({previous_person_id, day_off.person_id}, key=str):
        _lock_person(person_id)
    _check_day_off(day_off)
    _save_validated(day_off)
    cleared = _clear_time_spent_of(day_off)
    _audit_day_off(acting_user=acting_user, day_off=day_off, action="day_off.updated", cleared=cleared,
                   before=before)
    return day_off


@transaction.atomic
def day_off_delete(*, acting_user, day_off: DayOff) -> None:
    _audit_day_off(acting_user=acting_user, day_off=day_off, action="day_off.deleted",
                   before=(day_off.date, day_off.end_date))
    day_off.delete()


# A forced person delete -----------------------------------------------------------------------------

@transaction.atomic
def person_time_data_delete(*, acting_user, person: Person) -> None:
    """What a forced delete of `person` removes here: their time spent (the tasks' durations follow), their
    day-offs, their assignments and team places; tasks they assigned keep no assigner."""
    _lock_writers(person_ids=[person.pk])
    _time_spents_delete(TimeSpent.objects.filter(person=person))
    DayOff.objects.filter(person=person).delete()
    TaskPersonLink.objects.filter(person=person).delete()
    ProjectPersonLink.objects.filter(person=person).delete()
    Task.objects.filter(assigner=person).update(assigner=None)


def parse_uuid_list(field: str, raw) -> list[uuid.UUID]:
    """A list of ids as clients send them: ids or dicts with an `id` (gazu normalizes to ids)."""
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise field_error(field, f"{field} must be a list of ids.")
    ids = []
    for item in raw:
        value = item.get("id") if isinstance(item, dict) else item
        try:
            ids.append(uuid.UUID(str(value)))
        except (ValueError, TypeError, AttributeError):
            raise field_error(field, f"{field}: {str(value)[:60]!r} is not an id.") from None
    return ids
