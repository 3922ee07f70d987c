"""Every read with a rule: which projects, entities and tasks a person sees (Zou's project-team rule), which
tasks they may change, and the relation id lists a listing needs, loaded in bounded queries."""

from collections import defaultdict

from django.db import models
from django.db.models import Exists, OuterRef, QuerySet

from people.models import Person, PersonDepartment
from timetracking.models import Entity, Project, ProjectPersonLink, Task, TaskPersonLink


def _on_team(viewer: Person, project_ref: str = "pk") -> Exists:
    return Exists(ProjectPersonLink.objects.filter(project=OuterRef(project_ref), person=viewer))


def project_qs_visible_to(*, viewer: Person) -> QuerySet[Project]:
    """Admins see every project; everyone else the projects whose team they are on."""
    queryset = Project.objects.all()
    if viewer.has_perm("projects.view_all"):
        return queryset
    return queryset.filter(_on_team(viewer))


def _assigned(viewer: Person, task_ref: str) -> Exists:
    return Exists(TaskPersonLink.objects.filter(task=OuterRef(task_ref), person=viewer))


def entity_qs_visible_to(*, viewer: Person) -> QuerySet[Entity]:
    """The entities of the projects one sees; a vendor sees only entities with a task assigned to them."""
    queryset = Entity.objects.select_related("entity_type")
    if not viewer.has_perm("projects.view_all"):
        queryset = queryset.filter(_on_team(viewer, "project_id"))
    if not viewer.has_perm("tasks.view_unassigned"):
        queryset = queryset.filter(Exists(TaskPersonLink.objects.filter(task__entity=OuterRef("pk"),
                                                                        person=viewer)))
    return queryset


def task_qs_visible_to(*, viewer: Person) -> QuerySet[Task]:
    """The tasks of the projects one sees; a vendor sees only the tasks assigned to them."""
    queryset = Task.objects.all()
    if not viewer.has_perm("projects.view_all"):
        queryset = queryset.filter(_on_team(viewer, "project_id"))
    if not viewer.has_perm("tasks.view_unassigned"):
        queryset = queryset.filter(_assigned(viewer, "pk"))
    return queryset


def task_is_changeable_by(*, viewer: Person, task: Task) -> bool:
    """Among the tasks one sees: admins and managers change any, supervisors those whose task type belongs
    to one of their departments."""
    if viewer.has_perm("tasks.change_any_department"):
        return True
    department_id = task.task_type.department_id
    return department_id is not None and PersonDepartment.objects.filter(
        person=viewer, department_id=department_id).exists()


def attach_relation_ids(instances, field_names: tuple[str, ...]) -> list:
    """Set `<field>_ids` (lists of id strings) on every instance for each many-to-many field named: one query
    per field, whatever the number of instances."""
    instances = list(instances)
    if not instances:
        return instances
    model = type(instances[0])
    pks = [instance.pk for instance in instances]
    for name in field_names:
        field = model._meta.get_field(name)
        assert isinstance(field, models.ManyToManyField)
        through = field.remote_field.through
        source = through._meta.get_field(field.m2m_field_name()).attname
        target = through._meta.get_field(field.m2m_reverse_field_name()).attname
        grouped = defaultdict(list)
        rows = through.objects.filter(**{f"{source}__in": pks}).order_by("pk").values_list(source, target)
        for owner_id, other_id in rows:
            grouped[owner_id].append(str(other_id))
        for instance in instances:
            setattr(instance, f"{name}_ids", grouped[instance.pk])
    return instances


def relation_ids(instance, name: str) -> list[str]:
    """The ids attached by `attach_relation_ids`, or read now for a single instance."""
    attached = getattr(instance, f"{name}_ids", None)
    if attached is None:
        attach_relation_ids([instance], (name,))
        attached = getattr(instance, f"{name}_ids")
    return attached
