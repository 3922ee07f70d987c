"""Whose HR data a person may open (issue 7, item 2; people.visibility), on every HR-data route, for every
role and relationship; Zou's directory keeps Zou's visibility. Then the 360 profile and summary (item 8):
their content, their parameters, and a query count that does not follow the data's size."""

import datetime as dt

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from audit.models import AuditEntry
from departments.models import Department, Team
from people.models import DesktopLoginLog, Person, Role
from people.visibility import person_hr_visible_qs
from tests.conftest import assert_field_error, client_for
from tests.factories import PersonFactory
from tests.timetracking.factories import TaskFactory, day_off
from timetracking import services as timetracking_services
from timetracking import totals
from timetracking.models import DayOff, TimeSpent

pytestmark = pytest.mark.django_db

HR_ROUTES = {
    "audit trail": "/api/data/persons/{id}/audit-logs",
    "360 profile": "/api/data/persons/{id}/admin-profile",
    "360 summary": "/api/data/persons/{id}/admin-summary",
}
ROLES = ("admin", "hr", "manager", "supervisor", "user", "client", "vendor", "bot")
RELATIONSHIPS = ("self", "direct report", "indirect report", "department member", "own line manager",
                 "stranger")

# Who sees whom, by the viewer's role. Line managing is the `manager` field, whatever the role (the `manager`
# role, Zou's production manager, grants nothing here); department members are seen by supervisors.
SEES = {
    "admin": set(RELATIONSHIPS),
    "hr": set(RELATIONSHIPS),
    "supervisor": {"self", "direct report", "indirect report", "department member"},
    **{role: {"self", "direct report", "indirect report"} for role in ("manager", "user", "client", "vendor",
                                                                        "bot")},
}


def make_viewer(role: str) -> Person:
    if role == "bot":
        return PersonFactory(bot=True, first_name="Viewer")
    return PersonFactory(role=Role(role), first_name=f"Viewer-{role}")


def target_for(viewer: Person, relationship: str) -> Person:
    """A person in `relationship` to `viewer`, and in no other (a stranger shares no department either)."""
    if relationship == "self":
        return viewer
    if relationship == "direct report":
        return PersonFactory(manager_id=viewer.pk)
    if relationship == "indirect report":
        lead = PersonFactory(manager_id=viewer.pk)
        return PersonFactory(manager_id=PersonFactory(manager_id=lead.pk).pk)  # two levels below the direct report
    if relationship == "department member":
        department = Department.objects.create(name="Compositing", color="#123456")
        member = PersonFactory()
        viewer.departments.add(department)
        member.departments.add(department)
        return member
    if relationship == "own line manager":
        boss = PersonFactory()
        Person.objects.filter(pk=viewer.pk).update(manager_id=boss.pk)
        return boss
    other_department = Department.objects.create(name="Elsewhere", color="#654321")
    stranger = PersonFactory()
    stranger.departments.add(other_department)
    viewer.departments.add(Department.objects.create(name="Mine", color="#111111"))
    return stranger


@pytest.mark.parametrize("route", HR_ROUTES)
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("relationship", RELATIONSHIPS)
def test_who_opens_whose_hr_data(route, role, relationship):
    viewer = make_viewer(role)
    target = target_for(viewer, relationship)
    response = client_for(viewer).get(HR_ROUTES[route].format(id=target.pk))
    expected = 200 if relationship in SEES[role] else 404
    assert response.status_code == expected, (route, role, relationship, response.content[:200])
    if expected == 404:
        assert response.json()["message"] == "Person not found."


# The person's other HR data: among the persons whose HR data the caller sees, the keys decide (their own,
# or admins' and HR's); a hidden person is the same 404 as nobody.
KEYED_HR_ROUTES = {
    "settings": "/api/data/persons/{id}/settings",
    "permissions": "/api/data/persons/{id}/permissions",
}
READS_EVERYONE_S = {"settings": ("admin", "hr"), "permissions": ("admin", "hr")}


@pytest.mark.parametrize("route", KEYED_HR_ROUTES)
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("relationship", RELATIONSHIPS)
def test_who_reads_whose_settings_and_permissions(route, role, relationship):
    viewer = make_viewer(role)
    target = target_for(viewer, relationship)
    response = client_for(viewer).get(KEYED_HR_ROUTES[route].format(id=target.pk))
    if role == "bot" and route == "settings":
        expected = 403  # a bot holds no settings key at all (humans only): refused before any lookup
    elif relationship not in SEES[role]:
        expected = 404
    elif role in READS_EVERYONE_S[route] or relationship == "self":
        expected = 200
    else:
        expected = 403
    assert response.status_code == expected, (route, role, relationship, response.content[:200])


@pytest.mark.parametrize("role", ROLES)
def test_the_selector_lists_exactly_the_visible_persons_in_one_query(role):
    viewer = make_viewer(role)
    targets = {relationship: target_for(viewer, relationship) for relationship in RELATIONSHIPS}
    with CaptureQueriesContext(connection) as captured:
        visible = set(person_hr_visible_qs(viewer=viewer).values_list("pk", flat=True))
    assert len(captured) == 1
    expected = {targets[relationship].pk for relationship in SEES[role]}
    if role in ("admin", "hr"):
        assert visible == set(Person.objects.values_list("pk", flat=True))
    else:
        # Intermediate line managers of an indirect report are reports too; nobody else is.
        assert expected <= visible
        assert not visible & {targets[r].pk for r in set(RELATIONSHIPS) - SEES[role]}


@pytest.mark.parametrize("role", ROLES)
def test_zou_directory_keeps_zou_visibility(role):
    """Everyone lists everyone and opens anyone's Zou form, hidden from their HR data or not."""
    viewer = make_viewer(role)
    stranger = target_for(viewer, "stranger")
    api = client_for(viewer)
    listed = {row["id"] for row in api.get("/api/data/persons").json()}
    assert listed == {str(pk) for pk in Person.objects.values_list("pk", flat=True)}
    assert api.get(f"/api/data/persons/{stranger.pk}").status_code == 200
    hr_status = 200 if role in ("admin", "hr") else 404
    assert api.get(f"/api/data/persons/{stranger.pk}/admin-profile").status_code == hr_status


def test_reports_at_any_depth_and_not_above_or_beside():
    top = PersonFactory()
    chain = [top]
    for _ in range(6):
        chain.append(PersonFactory(manager_id=chain[-1].pk))
    sibling_branch = PersonFactory(manager_id=PersonFactory().pk)
    visible = set(person_hr_visible_qs(viewer=chain[2]).values_list("pk", flat=True))
    assert visible == {person.pk for person in chain[2:]}
    assert top.pk not in visible and sibling_branch.pk not in visible


def test_a_loop_in_the_reporting_line_ends_the_recursion():
    """Loops are refused on write; were one in the data anyway, the query still ends (UNION drops ids it
    already found). A statement timeout turns a runaway recursion into a failure rather than a hang."""
    first, second = PersonFactory(), PersonFactory()
    Person.objects.filter(pk=first.pk).update(manager=second)
    Person.objects.filter(pk=second.pk).update(manager=first)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL statement_timeout = '5s'")
        visible = set(person_hr_visible_qs(viewer=first).values_list("pk", flat=True))
    assert visible == {first.pk, second.pk}


def test_the_production_manager_role_is_not_line_management(manager, user):
    """`manager` the role (Zou's production manager) sees no one's HR data; the `manager` field does."""
    api = client_for(manager)
    assert api.get(f"/api/data/persons/{user.pk}/admin-profile").status_code == 404
    Person.objects.filter(pk=user.pk).update(manager=manager)
    assert api.get(f"/api/data/persons/{user.pk}/admin-profile").status_code == 200


@pytest.mark.parametrize("route", HR_ROUTES)
@pytest.mark.parametrize("person_id", ["not-a-uuid", "00000000-0000-0000-0000-000000000000"])
def test_malformed_and_unknown_ids_are_404(route, person_id, admin_api, user_api):
    for api in (admin_api, user_api):
        response = api.get(HR_ROUTES[route].format(id=person_id))
        assert response.status_code == 404 and response.json()["message"] == "Person not found."


@pytest.mark.parametrize("route", HR_ROUTES)
def test_anonymous_callers_are_401(route, user, anon_api):
    assert anon_api.get(HR_ROUTES[route].format(id=user.pk)).status_code == 401


def test_a_line_manager_reads_the_audit_trail_of_a_report(admin_api, user):
    report = PersonFactory(manager_id=user.pk)
    assert admin_api.put(f"/api/data/persons/{report.pk}", {"phone": "+33 1 23 45 67 89"},
                         format="json").status_code == 200
    trail = client_for(user).get(f"/api/data/persons/{report.pk}/audit-logs").json()
    assert [entry["action"] for entry in trail] == ["person.updated", "person.created"]
    assert trail[0]["target_id"] == str(report.pk)
    # What changed and who changed it, but not where HR signed in from: that is for the audit log's readers.
    assert trail[0]["changes"]["phone"][1] == "+33 1 23 45 67 89"
    assert (trail[0]["ip_address"], trail[0]["request_id"]) == (None, None)
    profile = client_for(user).get(f"/api/data/persons/{report.pk}/admin-profile").json()
    assert {(event["ip_address"], event["request_id"]) for event in profile["audit_events"]} == {(None, None)}
    admin_trail = admin_api.get(f"/api/data/persons/{report.pk}/audit-logs").json()
    assert admin_trail[0]["ip_address"] == "127.0.0.1" and admin_trail[0]["request_id"]


# The 360 profile --------------------------------------------------------------------------------------------


@pytest.fixture
def busy_person(admin):
    """A person with a line manager, a report, a department, a team, desktop logins, audit rows, time spent
    on two days and two day-offs."""
    boss = PersonFactory(first_name="Beatrice", last_name="Boss")
    person = PersonFactory(first_name="Paula", last_name="Busy", manager_id=boss.pk)
    PersonFactory(manager_id=person.pk)
    department = Department.objects.create(name="Layout", color="#abcdef")
    person.departments.add(department)
    person.teams.add(Team.objects.create(name="Blue"))
    for day in (1, 15):
        DesktopLoginLog.objects.create(person=person, date=dt.datetime(2024, 6, day, 9, tzinfo=dt.UTC))
    task = TaskFactory(assignees=[person], entity__project__team=[person])
    for day, minutes in ((3, 60), (20, 90)):
        timetracking_services.time_spent_set(acting_user=None, task=task, person=person,
                                             date=dt.date(2024, 6, day), duration=minutes)
    day_off(person=person, date=dt.date(2024, 6, 10))
    day_off(person=person, date=dt.date(2024, 7, 1))
    return person


def test_the_360_profile_gathers_the_person(admin_api, busy_person):
    response = admin_api.get(f"/api/data/persons/{busy_person.pk}/admin-profile")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["profile"]["id"] == str(busy_person.pk) and body["profile"]["type"] == "Person"
    assert body["profile"]["manager_id"] == str(busy_person.manager_id)
    assert len(body["profile"]["departments"]) == 1 and len(body["profile"]["teams"]) == 1
    assert "password" not in body["profile"]
    assert body["reports_to"] == {"id": str(busy_person.manager_id), "full_name": "Beatrice Boss"}
    assert body["direct_reports_count"] == 1
    assert [d["name"] for d in body["departments"]] == ["Layout"]
    assert [t["name"] for t in body["teams"]] == ["Blue"]
    trail = AuditEntry.objects.filter(target_type="person", target_id=str(busy_person.pk)).order_by("-at", "-id")
    assert [event["id"] for event in body["audit_events"]] == list(trail.values_list("id", flat=True))
    assert {"person.created", "day_off.created"} <= {event["action"] for event in body["audit_events"]}
    assert [log["date"] for log in body["desktop_login_logs"]] == ["2024-06-15T09:00:00", "2024-06-01T09:00:00"]
    time_spent = body["sections"]["time_spent"]
    assert time_spent["total_minutes"] == 150 and time_spent["days_count"] == 2
    assert time_spent["days"] == [{"date": "2024-06-20", "minutes": 90.0}, {"date": "2024-06-03", "minutes": 60.0}]
    assert [d["date"] for d in body["sections"]["day_offs"]] == ["2024-07-01", "2024-06-10"]
    assert body["window"] == {"start": None, "end": None, "limit": 50}


def test_the_360_profile_window_cuts_every_list(admin_api, busy_person):
    body = admin_api.get(f"/api/data/persons/{busy_person.pk}/admin-profile",
                         {"start": "2024-06-02", "end": "2024-06-16", "limit": 1}).json()
    assert [log["date"] for log in body["desktop_login_logs"]] == ["2024-06-15T09:00:00"]
    assert body["sections"]["time_spent"]["total_minutes"] == 60
    assert body["sections"]["time_spent"]["days"] == [{"date": "2024-06-03", "minutes": 60.0}]
    assert [d["date"] for d in body["sections"]["day_offs"]] == ["2024-06-10"]
    assert body["audit_events"] == []  # the person was created today, outside June 2024
    assert body["window"] == {"start": "2024-06-02", "end": "2024-06-16", "limit": 1}


@pytest.mark.parametrize(("params", "field"), [
    ({"limit": 0}, "limit"), ({"limit": 501}, "limit"), ({"limit": "ten"}, "limit"),
    ({"start": "2024-13-01"}, "start"), ({"start": "yesterday"}, "start"), ({"end": "2024-06-31"}, "end"),
    ({"start": "2024-06-10", "end": "2024-06-01"}, "end"),
])
def test_the_360_profile_names_a_bad_parameter(admin_api, user, params, field):
    assert_field_error(admin_api.get(f"/api/data/persons/{user.pk}/admin-profile", params), field)


def test_the_360_profile_takes_the_whole_calendar(admin_api, busy_person):
    """The first and last days a date can name are a window like any other, not a 500."""
    response = admin_api.get(f"/api/data/persons/{busy_person.pk}/admin-profile",
                             {"start": "0001-01-01", "end": "9999-12-31"})
    assert response.status_code == 200, response.content[:300]
    everything = admin_api.get(f"/api/data/persons/{busy_person.pk}/admin-profile").json()
    assert response.json()["audit_events"] == everything["audit_events"] != []
    assert response.json()["desktop_login_logs"] == everything["desktop_login_logs"] != []


def test_the_360_summary_counts_and_dates(admin, admin_api, busy_person):
    AuditEntry.objects.create(action="person.updated", actor_id=busy_person.pk, target_type="person",
                              target_id=str(admin.pk))
    response = admin_api.get(f"/api/data/persons/{busy_person.pk}/admin-summary")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["person_id"] == str(busy_person.pk) and body["full_name"] == "Paula Busy"
    about = AuditEntry.objects.filter(target_type="person", target_id=str(busy_person.pk)).count()
    assert about >= 3  # created, two day-offs; the row made above is by the person, not about them
    assert body["counts"] == {"departments": 1, "teams": 1, "direct_reports": 1, "audit_events": about,
                              "desktop_logins": 2}
    activity = body["last_activity"]
    assert activity["last_desktop_login"] == "2024-06-15T09:00:00"
    assert activity["last_action"] is not None and activity["at"] == activity["last_action"]
    assert activity["last_audit_event"] is not None
    assert body["sections"]["time_spent"] == {"days": 2, "minutes": 150.0, "first_day": "2024-06-03",
                                              "last_day": "2024-06-20"}
    assert body["sections"]["day_offs"] == {"count": 2, "last_date": "2024-07-01", "last_end_date": "2024-07-01"}


def test_the_summary_of_a_person_with_no_history(admin_api, user):
    body = admin_api.get(f"/api/data/persons/{user.pk}/admin-summary").json()
    assert body["counts"] == {"departments": 0, "teams": 0, "direct_reports": 0, "audit_events": 1,
                              "desktop_logins": 0}
    assert body["sections"]["time_spent"] == {"days": 0, "minutes": 0, "first_day": None, "last_day": None}
    assert body["sections"]["day_offs"] == {"count": 0, "last_date": None, "last_end_date": None}


def test_the_admin_profile_edit_is_still_admin_only(user):
    """The GET opened to line managers; the PATCH on the same URL stays the admins'."""
    report = PersonFactory(manager_id=user.pk)
    api = client_for(user)
    assert api.get(f"/api/data/persons/{report.pk}/admin-profile").status_code == 200
    assert api.patch(f"/api/data/persons/{report.pk}/admin-profile", {"phone": "123"},
                     format="json").status_code == 403


# Query counts ---------------------------------------------------------------------------------------------

QUERY_ROUTES = {
    # The token; the person (visibility, reporting line, relation ids in one query); departments; teams;
    # audit events; desktop logins; time spent (the window's total, then its days); day-offs.
    "/api/data/persons/{id}/admin-profile": 9,
    "/api/data/persons/{id}/admin-profile?start=2020-01-01&end=2024-12-31&limit=500": 9,
    # The token; the person with their counts; the audit log's aggregate; time spent's; day-offs'.
    "/api/data/persons/{id}/admin-summary": 5,
    "/api/data/persons/{id}/audit-logs?limit=500": 3,
}


def grow_history(person, *, size: int, task) -> None:
    """`size` more audit rows, desktop logins, days of time spent and day-offs (one day each) for `person`,
    written in bulk (the stored time totals updated as the services do, by one delta)."""
    AuditEntry.objects.bulk_create(AuditEntry(action="person.updated", target_type="person",
                                              target_id=str(person.pk), changes={"phone": [str(i), str(i + 1)]})
                                   for i in range(size))
    start = DesktopLoginLog.objects.filter(person=person).count()
    DesktopLoginLog.objects.bulk_create(
        DesktopLoginLog(person=person, date=dt.datetime(2024, 1, 1, tzinfo=dt.UTC) + dt.timedelta(hours=start + i))
        for i in range(size))
    # On every other day from 2020 on, well into the windows measured: day-offs take the days in between.
    days = [dt.date(2020, 1, 1) + dt.timedelta(days=2 * (start + i)) for i in range(size)]
    added = TimeSpent.objects.bulk_create(TimeSpent(task=task, person=person, date=day, duration=30) for day in days)
    totals.apply(TimeSpent.objects.filter(pk__in=[row.pk for row in added]))
    DayOff.objects.bulk_create(DayOff(person=person, date=day + dt.timedelta(days=1),
                                      end_date=day + dt.timedelta(days=1)) for day in days)


def measure(api, person) -> dict[str, int]:
    counts = {}
    for path in QUERY_ROUTES:
        with CaptureQueriesContext(connection) as captured:
            response = api.get(path.format(id=person.pk))
        assert response.status_code == 200, (path, response.content[:300])
        counts[path] = len(captured)
    return counts


@pytest.mark.parametrize("viewer", ["admin", "line manager", "supervisor"])
def test_the_hr_routes_run_the_same_queries_at_10_and_1000_rows(viewer, admin, supervisor):
    lead = PersonFactory()
    person = PersonFactory(manager_id=PersonFactory(manager_id=lead.pk).pk)
    department = Department.objects.create(name="Lighting", color="#222222")
    person.departments.add(department)
    supervisor.departments.add(department)
    api = client_for({"admin": admin, "line manager": lead, "supervisor": supervisor}[viewer])
    task = TaskFactory(assignees=[person], entity__project__team=[person])
    grow_history(person, size=10, task=task)
    small = measure(api, person)
    grow_history(person, size=990, task=task)
    large = measure(api, person)
    body = api.get(f"/api/data/persons/{person.pk}/admin-profile?start=2020-01-01&limit=500").json()
    assert (len(body["audit_events"]), len(body["desktop_login_logs"]), len(body["sections"]["day_offs"]),
            len(body["sections"]["time_spent"]["days"])) == (500, 500, 500, 500)
    if viewer == "admin":
        print(f"\nHR routes' queries (admin caller, token lookup included), 10 rows: {small}; 1000 rows: {large}")
    assert small == large == QUERY_ROUTES



def test_the_line_manager_field_reads_reports_to(admin, client, user):
    """Two meanings of "manager": the field is the line manager, labelled "Reports to" where HR edits it and
    in the API's documentation; "Production manager" is the role."""
    client.force_login(admin)
    page = client.get(f"/admin/people/person/{user.pk}/change/").content.decode()
    assert "Reports to" in page and ">Manager<" not in page
    schema = client_for(admin).get("/api/schema", {"format": "json"})
    assert schema.status_code == 200
    assert "Reports to: the person's line manager" in schema.content.decode()
