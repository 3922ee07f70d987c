"""Review finding: day-offs silently removed the time logged on their days, and an admin could rewrite anyone's
time without a trace. Now every day-off change, and any change to someone else's time, is one audit row."""

import datetime as dt

import pytest

from audit.models import AuditEntry
from tests.timetracking.factories import TaskFactory
from timetracking import services
from timetracking.models import DayOff, TimeSpent

pytestmark = pytest.mark.django_db

JUNE_4 = dt.date(2024, 6, 4)


@pytest.fixture
def task(user, manager):
    return TaskFactory(entity__project__team=[manager, user], assignees=[user])


def actions(person):
    return list(AuditEntry.objects.filter(target_id=str(person.pk)).exclude(action__startswith="person.")
                .order_by("id").values_list("action", "actor_id"))


def test_a_day_off_records_the_time_it_removed(user, task):
    services.time_spent_set(acting_user=user, task=task, person=user, date=JUNE_4, duration=90)
    services.time_spent_set(acting_user=user, task=task, person=user, date=JUNE_4 + dt.timedelta(days=1),
                            duration=30)
    assert actions(user) == []  # logging one's own time is the time data itself
    day_off = services.day_off_create(acting_user=user, data={"person": user, "date": JUNE_4,
                                                              "end_date": JUNE_4 + dt.timedelta(days=2),
                                                              "description": "Flu"})
    [created] = AuditEntry.objects.filter(action="day_off.created")
    assert created.actor_id == user.pk and created.reason == "Flu"
    assert created.changes == {"period": [None, ["2024-06-04", "2024-06-06"]],
                               "time_spent_removed": [None, {"rows": 2, "minutes": 120.0}]}
    services.day_off_update(acting_user=user, day_off=day_off, data={"end_date": JUNE_4})
    services.day_off_delete(acting_user=user, day_off=DayOff.objects.get(pk=day_off.pk))
    assert [action for action, _ in actions(user)] == ["day_off.created", "day_off.updated", "day_off.deleted"]


def test_someone_elses_time_changed_by_a_manager_is_audited(manager, user, task):
    services.time_spent_set(acting_user=manager, task=task, person=user, date=JUNE_4, duration=60)
    services.time_spent_set(acting_user=manager, task=task, person=user, date=JUNE_4, duration=30, add=True)
    services.time_spent_delete(acting_user=manager, time_spent=TimeSpent.objects.get(task=task, person=user))
    assert actions(user) == [("time_spent.set", manager.pk), ("time_spent.set", manager.pk),
                             ("time_spent.deleted", manager.pk)]
    first, second, deleted = AuditEntry.objects.filter(target_id=str(user.pk)).exclude(
        action__startswith="person.").order_by("id")
    assert first.changes["duration"] == [0.0, 60.0] and second.changes["duration"] == [60.0, 90.0]
    assert deleted.changes["duration"] == [90.0, None]


def test_a_teams_and_a_tasks_people_changes_are_one_audit_row_each(admin, admin_api, user, manager, task):
    """Who joins or leaves a production's team, and who is given or taken off a task, is "what an admin did to
    whom": one row per change, through the API as through the admin; sending the same people back writes
    nothing."""
    project = task.project
    newcomer = type(user).objects.create(first_name="Nina", last_name="New", email="nina@example.com")
    assert admin_api.put(f"/api/data/projects/{project.pk}", {"team": [str(manager.pk), str(newcomer.pk)]},
                         format="json").status_code == 200
    assert admin_api.put(f"/api/data/projects/{project.pk}", {"team": [str(newcomer.pk), str(manager.pk)]},
                         format="json").status_code == 200  # the same team in another order: no change
    # The fixture's team and assignment were set by the system (no actor): a row each, then the admin's.
    assert list(AuditEntry.objects.filter(action="project.team_changed").values_list("actor_id", flat=True)
                .order_by("id")) == [None, admin.pk]
    team_row = AuditEntry.objects.filter(action="project.team_changed").latest("id")
    assert (team_row.actor_id, team_row.target_type, team_row.target_id) == (admin.pk, "project", str(project.pk))
    assert team_row.changes == {"team": [sorted([str(manager.pk), str(user.pk)]),
                                         sorted([str(manager.pk), str(newcomer.pk)])]}
    assert admin_api.put(f"/api/data/tasks/{task.pk}", {"assignees": [str(newcomer.pk)]},
                         format="json").status_code == 200
    assert admin_api.put(f"/api/data/tasks/{task.pk}", {"assignees": [str(newcomer.pk)]},
                         format="json").status_code == 200
    [assignment] = AuditEntry.objects.filter(action="task.assignees_changed", target_id=str(task.pk),
                                             actor_id=admin.pk)
    assert assignment.actor_id == admin.pk
    assert assignment.changes == {"assignees": [[str(user.pk)], [str(newcomer.pk)]]}
