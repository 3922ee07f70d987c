"""factory_boy factories for productions. Rows with rules (tasks, time spent, day-offs) are made through the
services, so a factory row went through the same checks as one made through the API or the admin."""

import datetime as dt

import factory

from timetracking import services
from timetracking.models import DayOff, Entity, EntityType, Project, Task, TaskStatus, TaskType, TimeSpent


class ProjectFactory(factory.django.DjangoModelFactory):
    """An open short film; pass `team=[person, ...]` to put people on it."""

    class Meta:
        model = Project
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Cosmos Landromat {n}")
    production_type = "short"
    project_status = factory.LazyFunction(lambda: services.project_status_get_or_create("Open"))

    @factory.post_generation
    def team(self, create, extracted, **kwargs):
        if create and extracted:
            services.project_update(acting_user=None, project=self, data={"team": [p.pk for p in extracted]})


def entity_type(name: str) -> EntityType:
    return services.entity_type_get_or_create(name)


class EntityFactory(factory.django.DjangoModelFactory):
    """A shot (give `parent=` a sequence to make it a sequence's shot)."""

    class Meta:
        model = Entity

    name = factory.Sequence(lambda n: f"SH{n:02d}")
    project = factory.SubFactory(ProjectFactory)
    entity_type = factory.LazyFunction(lambda: entity_type("Shot"))
    nb_frames = 48


class TaskTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TaskType

    name = factory.Sequence(lambda n: f"Animation {n}")
    for_entity = "Shot"
    color = "#112233"


class TaskStatusFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TaskStatus

    name = factory.Sequence(lambda n: f"Status {n}")
    short_name = factory.Sequence(lambda n: f"st{n}")
    color = "#445566"


class TaskFactory(factory.Factory):
    """A task on a new shot of a new project; `assignees=[person, ...]` assigns it."""

    class Meta:
        model = Task

    entity = factory.SubFactory(EntityFactory)
    project = factory.LazyAttribute(lambda task: task.entity.project)
    task_type = factory.SubFactory(TaskTypeFactory, for_entity="Shot")
    task_status = factory.SubFactory(TaskStatusFactory)
    name = "main"

    @classmethod
    def _create(cls, model_class, *, assignees=None, **data):
        if assignees is not None:
            data["assignees"] = [person.pk for person in assignees]
        return services.task_create(acting_user=None, data=data)


def time_spent(*, task, person, date: dt.date, duration: float) -> TimeSpent:
    return services.time_spent_set(acting_user=None, task=task, person=person, date=date, duration=duration)


def day_off(*, person, date: dt.date, end_date: dt.date | None = None, description: str = "") -> DayOff:
    return services.day_off_create(acting_user=None, data={"person": person, "date": date,
                                                           "end_date": end_date or date,
                                                           "description": description})
