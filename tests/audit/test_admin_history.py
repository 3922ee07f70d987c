"""Issue 7 item 7: the admin's own "History" of an audited screen is the object's audit trail (not Django's
LogEntry), with every change whichever way it was made, one row each, newest first, paged; opening it takes the
screen's view right and `audit.view`."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib import admin as django_admin
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from audit.admin import HISTORY_ROWS_PER_PAGE, AuditHistoryAdmin, readable_changes
from audit.models import AuditEntry
from audit.services import audit_record
from departments.models import Department
from departments.services import CATALOG_AUDIT_NAMES
from people.models import Person, Role
from people.permissions import RosterPermissionBackend
from quotas.models import QuotaTarget
from tests.conftest import client_for, make_person
from tests.people.test_admin_and_commands import person_form
from timetracking.models import Project, Task, TaskType

pytestmark = pytest.mark.django_db


@pytest.fixture
def hr(admin):
    client = Client()
    client.force_login(admin)
    return client


def history_url(person) -> str:
    return f"/admin/people/person/{person.pk}/history/"


def shown(response) -> list[AuditEntry]:
    assert response.status_code == 200
    return list(response.context["entries"])


def without_keys(monkeypatch, *keys):
    """Every person's effective keys minus `keys` (the backend computes them once per person object)."""
    original = RosterPermissionBackend.get_all_permissions

    def fewer(self, user_obj, obj=None):
        return frozenset(original(self, user_obj, obj)) - set(keys)

    monkeypatch.setattr(RosterPermissionBackend, "get_all_permissions", fewer)


def test_changes_through_the_admin_and_the_api_each_show_once_with_actor_and_diff(hr, admin, user):
    colleague = make_person(role=Role.ADMIN, email="ines.admin@example.com", first_name="Ines", last_name="Admin")
    form = person_form(email=user.email, first_name=user.first_name, last_name=user.last_name,
                       desktop_login=user.desktop_login, country="", phone="+33 6 12 34 56 78")
    assert hr.post(f"/admin/people/person/{user.pk}/change/", form).status_code == 302
    response = client_for(colleague).put(f"/api/data/persons/{user.pk}", {"first_name": "Johnny"}, format="json")
    assert response.status_code == 200

    entries = shown(hr.get(history_url(user)))
    stored = list(AuditEntry.objects.filter(target_type="person", target_id=str(user.pk)).order_by("-at", "-id"))
    assert entries == stored  # every row of the person's trail, newest first, nothing else
    api_change, admin_change, creation = entries
    assert (api_change.action, api_change.actor_id, api_change.changes) == (
        "person.updated", colleague.pk, {"first_name": ["John", "Johnny"]})
    assert (admin_change.action, admin_change.actor_id, admin_change.changes) == (
        "person.updated", admin.pk, {"phone": ["", "+33 6 12 34 56 78"]})
    assert (creation.action, creation.actor_id) == ("person.created", None)

    page = hr.get(history_url(user)).content.decode()
    assert page.count('class="roster-audit-row') == 3
    assert re.search(r'data-field="first_name"><span[^>]*>first_name</span>: John → Johnny<', page)
    assert re.search(r'data-field="phone"><span[^>]*>phone</span>: \s*→ \+33 6 12 34 56 78<', page)
    assert "Ines Admin" in page and "John Did" in page and "system" in page
    assert admin_change.request_id and admin_change.request_id in page
    assert "Changed" not in page  # Django's LogEntry message ("Changed Phone.") is not what History reads


def test_a_reason_an_address_and_a_redacted_secret_show_as_stored(hr, admin, user):
    form = person_form(email=user.email, first_name=user.first_name, last_name=user.last_name,
                       desktop_login=user.desktop_login, country="", new_password="Brand-new-pass1")
    assert hr.post(f"/admin/people/person/{user.pk}/change/", form).status_code == 302
    assert hr.post("/admin/people/person/", {"action": "suspend_accounts", "_selected_action": [str(user.pk)],
                                             "confirm": "yes", "reason": "Contract paused"},
                   REMOTE_ADDR="127.0.0.9").status_code == 302

    page = hr.get(history_url(user)).content.decode()
    assert "Contract paused" in page and "127.0.0.9" in page
    assert "password</span>: [redacted] → [redacted]" in page
    assert "Brand-new-pass1" not in page
    assert [entry.action for entry in shown(hr.get(history_url(user)))] == [
        "person.suspended", "person.password_set", "person.created"]


def test_values_read_as_text_whatever_their_shape():
    assert readable_changes({"teams": [None, ["b", "a"]], "active": [True, False], "phone": ["", "1"],
                             "time_spent_removed": [None, {"rows": 2, "minutes": 90.0}]}) == [
        ("active", "true", "false"),
        ("phone", "", "1"),
        ("teams", "—", '["b", "a"]'),
        ("time_spent_removed", "—", '{"minutes": 90.0, "rows": 2}'),
    ]


def add_rows(person, count: int) -> None:
    with transaction.atomic():
        for number in range(count):
            audit_record(actor=None, action="person.updated", target=person, target_type="person",
                         changes={"phone": [str(number), str(number + 1)]})


def test_history_is_paged_and_its_queries_do_not_grow_with_the_trail(hr, user):
    add_rows(user, 5)
    with CaptureQueriesContext(connection) as few:
        assert len(shown(hr.get(history_url(user)))) == 6
    add_rows(user, 2 * HISTORY_ROWS_PER_PAGE)
    with CaptureQueriesContext(connection) as many:
        first = hr.get(history_url(user))
    assert len(many.captured_queries) == len(few.captured_queries)
    total = 2 * HISTORY_ROWS_PER_PAGE + 6
    assert len(shown(first)) == HISTORY_ROWS_PER_PAGE and first.context["entries"].paginator.count == total
    assert f"{total} audit entries" in first.content.decode()
    last = shown(hr.get(history_url(user), {"p": 3}))
    assert [entry.action for entry in last[-1:]] == ["person.created"] and len(last) == 6


def test_history_needs_the_screen_and_the_audit_log(monkeypatch, hr, user):
    change = hr.get(f"/admin/people/person/{user.pk}/change/").content.decode()
    assert f'href="{history_url(user)}"' in change

    without_keys(monkeypatch, "audit.view")
    assert hr.get(history_url(user)).status_code == 403
    change = hr.get(f"/admin/people/person/{user.pk}/change/")
    assert change.status_code == 200 and history_url(user) not in change.content.decode()

    monkeypatch.undo()
    without_keys(monkeypatch, "persons.list_details", "persons.change")
    assert hr.get(history_url(user)).status_code == 403


def test_others_see_no_history(user, manager):
    for person in (user, manager):
        client = Client()
        client.force_login(person)
        assert client.get(history_url(user)).status_code in (302, 403)


def test_an_unknown_record_goes_back_to_the_list(hr):
    response = hr.get("/admin/people/person/00000000-0000-0000-0000-000000000000/history/")
    assert response.status_code == 302 and response["Location"] == "/admin/"


def test_a_quota_target_s_history_is_its_audit_trail(hr, admin):
    department = Department.objects.create(name="Animation", color="#E64A19")
    task_type = TaskType.objects.create(name="Animation", for_entity="Shot")
    form = {"department": str(department.pk), "task_type": str(task_type.pk), "unit": "frames", "per_week": "100"}
    assert hr.post("/admin/quotas/quotatarget/add/", form).status_code == 302
    target = QuotaTarget.objects.get()
    assert hr.post(f"/admin/quotas/quotatarget/{target.pk}/change/", {**form, "per_week": "120"}).status_code == 302

    entries = shown(hr.get(f"/admin/quotas/quotatarget/{target.pk}/history/"))
    assert [(entry.action, entry.actor_id) for entry in entries] == [
        ("quota_target.updated", admin.pk), ("quota_target.created", admin.pk)]
    assert entries[0].changes == {"per_week": [100.0, 120.0]}


AUDITED_TARGET = re.compile(r'target_type="([a-z_]+)"')
# Audit rows about something no admin screen shows (a sign-in attempt with an unknown identifier).
TARGETS_WITHOUT_A_SCREEN = {"identifier"}


def test_every_audited_target_with_a_screen_shows_its_trail_as_history():
    """A service that starts auditing a new kind of record fails this until its screen's History reads the trail."""
    written = set()
    for app in ("audit", "notifications", "departments", "people", "timetracking", "quotas"):
        for path in (Path(settings.BASE_DIR) / app).rglob("*.py"):
            written.update(AUDITED_TARGET.findall(path.read_text()))
    # The departments' catalog services name their target types in a table, not in literal arguments.
    written.update(CATALOG_AUDIT_NAMES.values())
    screens = {model_admin.audit_target_type: model for model, model_admin in django_admin.site._registry.items()
               if isinstance(model_admin, AuditHistoryAdmin)}
    assert "" not in screens
    assert set(screens) == written - TARGETS_WITHOUT_A_SCREEN
    assert screens == {"person": Person, "quota_target": QuotaTarget, "project": Project, "task": Task,
                       **{name: model for model, name in CATALOG_AUDIT_NAMES.items()}}
    assert {"department", "salary_scale", "organisation"} <= set(screens)
