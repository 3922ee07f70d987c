"""A small production for the quota tests: one project (24 fps), a sequence, shots in it, and their tasks of one
task type, with the status dates set directly (the services date them "now")."""

import datetime as dt

from tests.timetracking.factories import (
    EntityFactory,
    ProjectFactory,
    TaskFactory,
    TaskTypeFactory,
    entity_type,
)
from tests.timetracking.factories import time_spent as log_time
from timetracking.models import Task


def utc(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=dt.UTC)


class Production:
    def __init__(self, *, team=(), fps="24"):
        self.project = ProjectFactory(team=list(team), fps=fps)
        self.task_type = TaskTypeFactory(name=f"Animation {self.project.name}")
        self.sequence = EntityFactory(project=self.project, name="SE01", entity_type=entity_type("Sequence"),
                                      nb_frames=None)

    def shot_task(self, name, *, assignees=(), nb_frames=48, nb_drawings=0, task_type=None, parent=None,
                  real_start_date=None, end_date=None, done_date=None, task_name="main"):
        shot = EntityFactory(project=self.project, name=name, parent=parent or self.sequence, nb_frames=nb_frames)
        return self.task_on(shot, assignees=assignees, nb_drawings=nb_drawings, task_type=task_type,
                            real_start_date=real_start_date, end_date=end_date, done_date=done_date,
                            task_name=task_name)

    def task_on(self, shot, *, assignees=(), nb_drawings=0, task_type=None, real_start_date=None, end_date=None,
                done_date=None, task_name="main"):
        task = TaskFactory(entity=shot, task_type=task_type or self.task_type, assignees=list(assignees),
                           name=task_name)
        Task.objects.filter(pk=task.pk).update(real_start_date=real_start_date, end_date=end_date,
                                               done_date=done_date, nb_drawings=nb_drawings)
        task.refresh_from_db()
        return task


def log(task, person, day: dt.date, minutes: float):
    return log_time(task=task, person=person, date=day, duration=minutes)
