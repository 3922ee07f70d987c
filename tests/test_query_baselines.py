"""Query-count baselines (NetBox style): one checked-in table of (route, caller) -> SQL queries for every list
and detail route, asserted with two data sizes, so a count that grows with the rows fails, and so does any
change to the count (lower it here when a change earns it; raising it needs a reason in the commit).

Counts include the token lookup (one query) of the authenticated request."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.models import AuditEntry
from departments import services as department_services
from departments.models import Department, HardwareItem, SalaryScale, Software, Studio, Team, WorkShift
from people.models import DesktopLoginLog
from people.services.permission_rules import person_set_permission_rules
from tests.conftest import client_for, make_person
from tests.timetracking.factories import (
    EntityFactory,
    TaskFactory,
    TaskStatusFactory,
    TaskTypeFactory,
    day_off,
    entity_type,
)
from timetracking import services as timetracking_services
from timetracking.models import Entity

# (path template, caller): queries. {person}, {department}, ... are filled from the data built below.
BASELINES: dict[tuple[str, str], int] = {
    ("/api/data/persons", "admin"): 2,
    ("/api/data/persons?relations=true", "admin"): 3,
    # The total, the page's ids, then its rows by one statement PostgreSQL keeps prepared.
    ("/api/data/persons?page=1&limit=5&relations=true", "admin"): 4,
    ("/api/data/persons", "user"): 2,
    ("/api/data/persons?relations=true", "user"): 3,
    ("/api/data/persons/{person}", "admin"): 2,
    ("/api/data/persons/{person}", "manager"): 2,
    ("/api/data/persons/{person}", "user"): 2,
    ("/api/data/persons/{person}/desktop-login-logs", "admin"): 3,
    ("/api/data/persons/{person}/audit-logs", "admin"): 3,
    # HR data (people.visibility): the caller's own, as anyone may; the visibility rules are subqueries of
    # the one query that loads the person.
    ("/api/data/persons/{person}/audit-logs", "user"): 3,
    # The 360 view: the person (with reporting line and relation ids), departments, teams, audit events,
    # desktop logins, time spent (total and days), day-offs; the summary: the person with their counts, then
    # the audit log's, time spent's and day-offs' aggregates.
    ("/api/data/persons/{person}/admin-profile", "admin"): 9,
    ("/api/data/persons/{person}/admin-profile?start=2024-06-01&end=2024-06-30&limit=5", "user"): 9,
    ("/api/data/persons/{person}/admin-summary", "admin"): 5,
    ("/api/data/persons/{person}/admin-summary", "user"): 5,
    # The person, then their grants and denials with who set each (none read when the person has no rule).
    ("/api/data/persons/{person}/permissions?explain=1", "admin"): 3,
    ("/api/data/persons/{person}/permissions", "user"): 3,
    ("/api/data/audit-logs", "admin"): 2,
    ("/api/data/user/desktop-login-logs", "user"): 2,
    # Issue 7 item 6: settings read from the person's row; search and the current user as person rows (the
    # row, then the relation ids); the directory: its persons, then their department ids (a page counts first).
    ("/api/data/persons/{person}/settings", "user"): 2,
    ("/api/data/persons/search?email=PERSON0@example.com", "admin"): 3,
    ("/api/data/user/me", "user"): 2,
    ("/api/data/persons/directory", "user"): 3,
    ("/api/data/persons/directory?page=1&limit=5&q=p", "manager"): 4,
    ("/api/data/departments", "user"): 2,
    ("/api/data/departments/{department}", "user"): 2,
    ("/api/data/departments/software-licenses", "admin"): 2,
    ("/api/data/departments/hardware-items", "admin"): 2,
    ("/api/data/departments/{department}/software-licenses", "admin"): 3,
    ("/api/data/departments/{department}/hardware-items", "admin"): 3,
    ("/api/data/work-shifts", "user"): 2,
    ("/api/data/work-shifts/{work_shift}", "user"): 2,
    ("/api/data/teams", "user"): 2,
    ("/api/data/teams/{team}", "user"): 2,
    ("/api/data/studios", "user"): 2,
    ("/api/data/studios/{studio}", "user"): 2,
    ("/api/data/softwares", "user"): 2,
    ("/api/data/softwares/{software}", "user"): 2,
    ("/api/data/hardware-items", "admin"): 2,
    ("/api/data/hardware-items/{hardware_item}", "admin"): 2,
    ("/api/data/salary-scales", "admin"): 4,  # Zou fills missing cells on read: a bounded check first
    ("/api/data/salary-scales/{salary_scale}", "admin"): 2,
    ("/api/data/organisations", "user"): 3,
    ("/api/data/organisations/{organisation}", "user"): 3,
    # Productions: a non-admin's lists are scoped by one EXISTS on the project team, in the same query.
    ("/api/data/projects", "admin"): 2,
    ("/api/data/projects", "user"): 2,
    ("/api/data/projects?relations=true", "admin"): 6,  # one query per relation: team and three catalogs
    ("/api/data/projects?page=1&limit=5", "user"): 3,
    ("/api/data/projects/{project}", "user"): 6,
    ("/api/data/entity-types", "user"): 2,
    ("/api/data/entity-types/{entity_type}", "user"): 2,
    ("/api/data/task-types", "user"): 2,
    ("/api/data/task-types/{task_type}", "user"): 2,
    ("/api/data/task-status", "user"): 2,
    ("/api/data/task-status/{task_status}", "user"): 2,
    ("/api/data/entities", "user"): 2,
    ("/api/data/entities?project_id={project}", "admin"): 2,
    ("/api/data/entities/{entity}", "user"): 2,
    ("/api/data/tasks", "admin"): 2,
    ("/api/data/tasks?relations=true", "user"): 3,
    ("/api/data/tasks/{task}", "user"): 3,
    ("/api/data/tasks/{task}/full", "user"): 4,  # the task with its rows joined, assignee ids, persons
    ("/api/data/tasks/{task}/full", "admin"): 4,
    ("/api/data/sequences?project_id={project}", "user"): 2,
    ("/api/data/sequences/{sequence}", "user"): 2,
    ("/api/data/shots", "user"): 2,
    ("/api/data/shots/all?sequence_id={sequence}", "user"): 2,
    ("/api/data/shots/{entity}", "user"): 2,
    ("/api/data/projects/{project}/sequences", "user"): 3,  # the project, then its rows
    ("/api/data/projects/{project}/shots", "admin"): 3,
    ("/api/data/episodes?project_id={project}", "user"): 2,
    ("/api/data/episodes/{episode}", "user"): 2,
    ("/api/data/episodes/{episode}/sequences", "user"): 3,  # the episode, then its rows
    ("/api/data/episodes/{episode}/shots", "user"): 3,
    ("/api/data/projects/{project}/episodes", "manager"): 3,
    ("/api/data/sequences/{sequence}/shots", "user"): 3,
    ("/api/data/sequences/{sequence}/scenes", "admin"): 3,
    ("/api/data/scenes/all", "user"): 2,
    ("/api/data/scenes/{scene}", "user"): 2,
    ("/api/data/projects/{project}/scenes", "admin"): 3,
    # Quotas: the target person, the project and task type checks, one statement for the contributions (the
    # weighted passes in one UNION), and one more for the shots when any are listed (none here: these tasks
    # have no feedback date; tests/quotas measures them with shots).
    ("/api/data/persons/{person}/quota-shots/month/2024/6?project_id={project}&task_type_id={task_type}",
     "admin"): 5,
    ("/api/data/persons/{person}/quota-shots/week/2024/23?project_id={project}&task_type_id={task_type}"
     "&count_mode=feedback", "user"): 5,
    ("/api/data/persons/{person}/quota-shots/day/2024/6/4?project_id={project}&task_type_id={task_type}",
     "user"): 5,
    ("/api/data/projects/{project}/quotas/{task_type}", "user"): 4,
    ("/api/data/projects/{project}/quotas/persons/{person}?count_mode=done", "admin"): 4,
    # Time spent and day-offs: the token, the person in the path (or the task, or the manager's team check),
    # then one query. The tables read the stored totals with one GROUP BY.
    ("/api/actions/tasks/{task}/time-spents", "user"): 3,
    ("/api/actions/tasks/{task}/time-spents/2024-06-04", "user"): 3,
    ("/api/data/persons/time-spents/year-table", "admin"): 2,
    ("/api/data/persons/time-spents/year-table?project_id={project}", "manager"): 3,
    ("/api/data/persons/time-spents/year-table", "user"): 2,
    ("/api/data/persons/time-spents/month-table/2024", "admin"): 2,
    ("/api/data/persons/time-spents/week-table/2024", "admin"): 2,
    ("/api/data/persons/time-spents/day-table/2024/6", "admin"): 2,
    ("/api/data/persons/day-offs/2024/6", "admin"): 2,
    ("/api/data/persons/{person}/time-spents?start_date=2024-01-01&end_date=2024-12-31", "admin"): 3,
    ("/api/data/persons/{person}/time-spents/month/all/2024/6", "user"): 3,
    ("/api/data/persons/{person}/time-spents/year/2024", "user"): 3,
    ("/api/data/persons/{person}/time-spents/month/2024/6", "manager"): 3,
    ("/api/data/persons/{person}/time-spents/week/2024/23", "admin"): 3,
    ("/api/data/persons/{person}/time-spents/day/2024/6/4", "admin"): 3,
    ("/api/data/persons/{person}/time-spents/2024-06-04", "manager"): 3,
    ("/api/data/persons/{person}/day-offs", "user"): 3,
    ("/api/data/persons/{person}/day-offs/week/2024/24", "admin"): 3,
    ("/api/data/persons/{person}/day-offs/month/2024/06", "user"): 3,
    ("/api/data/persons/{person}/day-offs/year/2024", "user"): 3,
    ("/api/data/persons/{person}/day-offs/2024-06-10", "user"): 3,
    ("/api/data/user/time-spents", "user"): 2,
    ("/api/data/user/time-spents/2024-06-04", "user"): 2,
    ("/api/data/user/tasks/{task}/time-spents/2024-06-04", "user"): 2,
    ("/api/data/user/day-offs/2024-06-10", "user"): 2,
    ("/api/data/time-spents", "admin"): 2,
    ("/api/data/time-spents/{time_spent}", "admin"): 2,
    ("/api/data/day-offs", "admin"): 2,
    ("/api/data/day-offs/{day_off}", "admin"): 2,
    # The persons with their days of the month's desktop logins, in one query.
    ("/api/data/persons/presence-logs/2024-06", "admin"): 2,
}


def add_rows(count: int, start: int, *, team=()) -> dict:
    """`count` more of everything: persons in two departments each, catalogs, links, desktop logins, and
    tasks (on shots of projects whose team is `team` and the new person, assigned to both)."""
    made = {}
    for i in range(start, start + count):
        department = Department.objects.create(name=f"Department {i}", color="#336699")
        other = Department.objects.create(name=f"Other {i}", color="#996633")
        person = make_person(email=f"person{i}@example.com", first_name=f"P{i}", desktop_login=f"p{i}")
        person.departments.add(department, other)
        software = Software.objects.create(name=f"Soft {i}", short_name=f"s{i}", file_extension=f"x{i}")
        item = HardwareItem.objects.create(name=f"Item {i}", short_name=f"i{i}")
        department_services.department_link_software(acting_user=None, department_id=department.pk,
                                                     software_id=software.pk)
        department_services.department_link_hardware_item(acting_user=None, department_id=department.pk,
                                                           hardware_item_id=item.pk)
        made = {"person": person, "department": department, "software": software, "hardware_item": item,
                "studio": Studio.objects.create(name=f"Studio {i}", color="#123456"),
                "team": Team.objects.create(name=f"Team {i}"),
                "work_shift": WorkShift.objects.create(name=f"Shift {i}", start_time="09:00", end_time="17:00"),
                "organisation": department_services.organisation_get_or_create()}
        task = TaskFactory(task_type=TaskTypeFactory(department=department), task_status=TaskStatusFactory(),
                           entity__project__team=[*team, person], assignees=[*team, person])
        episode = EntityFactory(project=task.project, entity_type=entity_type("Episode"), name=f"EP{i}")
        sequence = EntityFactory(project=task.project, entity_type=entity_type("Sequence"), name=f"SE{i}",
                                 parent=episode)
        Entity.objects.filter(pk=task.entity_id).update(parent=sequence)
        made.update(episode=episode, scene=EntityFactory(project=task.project, entity_type=entity_type("Scene"),
                                                         name=f"SC{i}", parent=sequence))
        made.update(project=task.project, entity=task.entity, task=task, task_type=task.task_type,
                    task_status=task.task_status, entity_type=task.entity.entity_type, sequence=sequence)
        for member in (*team, person):
            for day in (1 + i % 3, 4):
                made["time_spent"] = timetracking_services.time_spent_set(
                    acting_user=None, task=task, person=member, date=dt.date(2024, 6, day), duration=60)
        for member in team[:1]:  # day-offs on distinct days, clear of the time above
            made["day_off"] = day_off(person=member, date=dt.date(2024, 6, 10) + dt.timedelta(days=i))
        day_off(person=person, date=dt.date(2024, 6, 10))
    return made


def add_audit_rows(person, count: int) -> None:
    AuditEntry.objects.bulk_create(AuditEntry(action="person.updated", target_type="person", target_id=str(person.pk),
                                              changes={"phone": [str(i), str(i + 1)]}) for i in range(count))


def count_queries(api, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = api.get(path)
    assert response.status_code == 200, (path, response.status_code, response.content[:300])
    return len(captured)


@pytest.mark.django_db
def test_query_counts_hold_whatever_the_size(admin, manager, user):
    callers = {"admin": client_for(admin), "manager": client_for(manager), "user": client_for(user)}
    targets = add_rows(2, start=0, team=[user, manager])
    targets["person"] = user
    department_services.salary_scales_fill_missing()
    targets["salary_scale"] = SalaryScale.objects.first()
    for when in range(3):
        DesktopLoginLog.objects.create(person=user, date=dt.datetime(2024, 6, 1 + when, tzinfo=dt.UTC))
    add_audit_rows(user, 3)
    # Back-office keys only, so that no other row's answer changes with them.
    person_set_permission_rules(acting_user=admin, person=user, body={"granted": ["outbox.view"]})
    small = {key: count_queries(callers[caller], path.format(**{k: v.pk for k, v in targets.items()}))
             for (path, caller) in BASELINES for key in [(path, caller)]}

    add_rows(10, start=2, team=[user, manager])
    department_services.salary_scales_fill_missing()  # the list fills missing cells itself (Zou): not measured
    for when in range(10):
        DesktopLoginLog.objects.create(person=user, date=dt.datetime(2024, 7, 1 + when, tzinfo=dt.UTC))
    add_audit_rows(user, 10)
    person_set_permission_rules(acting_user=admin, person=user, body={
        "granted": ["outbox.view", "outbox.resend", "quotas.report"], "denied": ["presence_logs.view"]})
    large = {key: count_queries(callers[caller], path.format(**{k: v.pk for k, v in targets.items()}))
             for (path, caller) in BASELINES for key in [(path, caller)]}

    grows = {key: (small[key], large[key]) for key in BASELINES if small[key] != large[key]}
    assert not grows, f"Query counts that grow with the data (small, large): {grows}"
    differ = {key: (BASELINES[key], large[key]) for key in BASELINES if BASELINES[key] != large[key]}
    assert not differ, f"Query counts off their baseline (baseline, measured): {differ}"


# GET routes that read no list or record of the studio's data (or only the caller's own session).
NOT_MEASURED = frozenset({
    "api-root", "api-root-bare", "schema", "docs", "redoc", "auth-authenticated", "auth-logout",
    "auth-refresh-token", "person-invite", "person-avatar-download",
})


def test_every_get_route_has_a_baseline():
    """Every GET route under /api/ (lists, details, sub-lists) has its row, matched by URL name."""
    import uuid

    from django.urls import resolve

    from config.routes import api_routes

    some_id = str(uuid.uuid4())
    measured = {resolve(path.split("?")[0].format_map(_Any(some_id))).url_name for path, _ in BASELINES}
    served = {route.name for route in api_routes() if route.method == "get"}
    assert served - NOT_MEASURED - measured == set(), "GET routes without a query baseline"
    assert measured <= served and not (NOT_MEASURED - served), "Rows or exemptions for routes that are gone"


class _Any(dict):
    def __init__(self, value):
        super().__init__()
        self.value = value

    def __missing__(self, key):
        return self.value
