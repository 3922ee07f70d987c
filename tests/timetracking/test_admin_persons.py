"""A project's team and a task's assignees in the admin: an autocomplete of persons, filled from the link rows,
saved by project_update / task_update (never by the form's own save_m2m), rendered in a number of queries that
does not grow with the team, and shown as text to whoever may read but not change."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from people.services.permission_rules import person_set_permission_rules
from tests.conftest import make_person
from tests.timetracking.factories import ProjectFactory, TaskFactory
from timetracking import services
from timetracking.models import ProjectPersonLink, Task, TaskPersonLink

pytestmark = pytest.mark.django_db


@pytest.fixture
def hr(admin):
    client = Client()
    client.force_login(admin)
    return client


@pytest.fixture
def calls(monkeypatch):
    """The service calls the admin makes, still carried out."""
    made = []
    for name in ("project_update", "task_update"):
        original = getattr(services, name)

        def spy(*, _original=original, _name=name, **kwargs):
            made.append((_name, kwargs["acting_user"], kwargs["data"]))
            return _original(**kwargs)
        monkeypatch.setattr(services, name, spy)
    return made


def artists(count: int, start: int = 0) -> list:
    return [make_person(email=f"artist{i}@example.com", first_name=f"Artist{i}", last_name="Doe")
            for i in range(start, start + count)]


def project_form(project, team) -> dict:
    return {"name": project.name, "code": "", "description": "", "data": "null", "fps": "25", "ratio": "16:9",
            "resolution": "1920x1080", "production_type": project.production_type, "production_style": "2d3d",
            "man_days": "", "nb_episodes": "0", "project_status": str(project.project_status_id),
            "team": [str(person.pk) for person in team]}


def task_form(task, assignees) -> dict:
    return {"name": "main", "description": "", "priority": 0, "difficulty": 3, "estimation": 0,
            "completion_rate": 0, "retake_count": 0, "sort_order": 0, "nb_assets_ready": 0, "nb_drawings": 0,
            "data": "null", "project": str(task.project_id), "task_type": str(task.task_type_id),
            "task_status": str(task.task_status_id), "entity": str(task.entity_id),
            "assignees": [str(person.pk) for person in assignees]}


def test_a_project_s_team_is_edited_through_the_service(hr, admin, calls):
    stays, leaves, joins = artists(3)
    project = ProjectFactory(team=[stays, leaves])
    calls.clear()
    page = hr.get(f"/admin/timetracking/project/{project.pk}/change/").content.decode()
    assert 'name="team"' in page and "admin-autocomplete" in page
    assert f'value="{stays.pk}" selected' in page and f'value="{joins.pk}" selected' not in page

    response = hr.post(f"/admin/timetracking/project/{project.pk}/change/", project_form(project, [stays, joins]))
    assert response.status_code == 302, response.content.decode()[:3000]
    assert set(ProjectPersonLink.objects.filter(project=project).values_list("person_id", flat=True)) == {
        stays.pk, joins.pk}
    assert calls == [("project_update", admin, {"team": [stays.pk, joins.pk]})]


def test_a_project_added_with_its_team(hr):
    (member,) = artists(1)
    template = ProjectFactory.build(name="Agent 327", project_status=services.project_status_get_or_create())
    response = hr.post("/admin/timetracking/project/add/", project_form(template, [member]))
    assert response.status_code == 302, response.content.decode()[:3000]
    assert list(ProjectPersonLink.objects.filter(project__name="Agent 327").values_list("person_id", flat=True)) == [
        member.pk]


def test_a_task_s_assignees_are_edited_through_the_service(hr, admin, calls):
    first, second = artists(2)
    task = TaskFactory(assignees=[first])
    calls.clear()
    response = hr.post(f"/admin/timetracking/task/{task.pk}/change/", task_form(task, [second]))
    assert response.status_code == 302, response.content.decode()[:3000]
    assert list(TaskPersonLink.objects.filter(task=task).values_list("person_id", flat=True)) == [second.pk]
    assert calls == [("task_update", admin, {"assignees": [second.pk]})]

    # Emptied: the form is the whole list, as the API's `assignees`.
    assert hr.post(f"/admin/timetracking/task/{task.pk}/change/", task_form(task, [])).status_code == 302
    assert not TaskPersonLink.objects.filter(task=task).exists()


def test_an_unknown_person_is_a_form_error_and_nothing_changes(hr):
    (member,) = artists(1)
    task = TaskFactory(assignees=[member])
    form = task_form(task, [])
    form["assignees"] = ["0b5d5f3e-7a4f-4c57-9d51-9fb0a8a3e1f1"]
    response = hr.post(f"/admin/timetracking/task/{task.pk}/change/", form)
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    assert list(Task.objects.get(pk=task.pk).assignees.all()) == [member]


def test_change_pages_cost_the_same_queries_for_a_big_team(hr):
    def cost(path: str) -> int:
        hr.get(path)  # process-wide caches (content types, ...) filled first
        with CaptureQueriesContext(connection) as captured:
            assert hr.get(path).status_code == 200
        return len(captured)

    small_project, big_project = ProjectFactory(team=artists(2)), ProjectFactory(team=artists(25, start=2))
    small_task, big_task = TaskFactory(assignees=artists(2, start=30)), TaskFactory(assignees=artists(25, start=40))
    assert cost(f"/admin/timetracking/project/{small_project.pk}/change/") == cost(
        f"/admin/timetracking/project/{big_project.pk}/change/")
    assert cost(f"/admin/timetracking/task/{small_task.pk}/change/") == cost(
        f"/admin/timetracking/task/{big_task.pk}/change/")


def test_the_autocomplete_finds_persons_for_the_team(hr):
    artists(2)
    response = hr.get("/admin/autocomplete/", {"app_label": "timetracking", "model_name": "project",
                                               "field_name": "team", "term": "Artist1"})
    assert response.status_code == 200, response.content
    assert [row["text"] for row in response.json()["results"]] == ["Artist1 Doe"]


def test_who_may_not_change_reads_the_team_as_text(admin):
    member = make_person(email="ann@example.com", first_name="Ann", last_name="Lee")
    project = ProjectFactory(team=[member])
    person_set_permission_rules(acting_user=admin, person=admin, body={"denied": ["projects.change"]})
    reader = Client()
    reader.force_login(admin)
    page = reader.get(f"/admin/timetracking/project/{project.pk}/change/").content.decode()
    assert "Ann Lee" in page and 'name="team"' not in page
