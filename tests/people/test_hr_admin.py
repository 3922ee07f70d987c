"""The `hr` role in the back office (issue 7, item 1): HR manages persons' records and states but not the
system settings (organisation, salary scales), and sees exactly the screens the permission table allows."""

import pytest
from django.contrib import admin
from django.test import Client

from people.models import Person, PersonStatus
from people.services.permission_rules import person_set_permission_rules
from tests.factories import AdminFactory
from tests.people.test_admin_and_commands import person_form

# What HR's keys open, written out by hand (people.permissions has the table this follows): the persons and
# their desktop logins, time and leave, the audit log and the outbox, and the catalogs everyone reads.
HR_SCREENS = {
    "/admin/people/person/", "/admin/people/desktoploginlog/",
    "/admin/timetracking/timespent/", "/admin/timetracking/dayoff/", "/admin/timetracking/monthlytimesheet/",
    "/admin/timetracking/monthlypresence/",
    "/admin/audit/auditentry/", "/admin/notifications/outboxemail/",
    "/admin/departments/department/", "/admin/departments/studio/", "/admin/departments/workshift/",
    "/admin/departments/team/", "/admin/departments/software/",
    "/admin/timetracking/entitytype/", "/admin/timetracking/tasktype/", "/admin/timetracking/taskstatus/",
}
# The system settings and what is production's, never HR's.
NOT_HR_SCREENS = {
    "/admin/departments/organisation/", "/admin/departments/salaryscale/", "/admin/departments/hardwareitem/",
    "/admin/timetracking/project/", "/admin/timetracking/entity/", "/admin/timetracking/task/",
    "/admin/quotas/quotatarget/", "/admin/quotas/quotareport/",
    "/admin/people/syncrun/",  # the LDAP sync: the directory is IT's, its runs are read by admins
}


def signed_in(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def test_every_registered_screen_is_sorted_into_hr_or_not():
    registered = {f"/admin/{model._meta.app_label}/{model._meta.model_name}/" for model in admin.site._registry}
    assert registered == HR_SCREENS | NOT_HR_SCREENS


@pytest.mark.django_db
def test_hr_sees_exactly_the_screens_its_keys_open(hr):
    client = signed_in(hr)
    index = client.get("/admin/")
    assert index.status_code == 200
    listed = {model["admin_url"] for app in index.context["app_list"] for model in app["models"]}
    assert listed == HR_SCREENS
    for path in sorted(HR_SCREENS):
        assert client.get(path).status_code == 200, path
    for path in sorted(NOT_HR_SCREENS):
        assert client.get(path).status_code == 403, path


@pytest.mark.django_db
def test_hr_reads_the_catalogs_but_changes_no_system_setting(hr):
    from departments.models import Department, SalaryScale
    from departments.services import organisation_get_or_create

    department = Department.objects.create(name="FX", color="#FF0000")
    scale = SalaryScale.objects.create(department=department, salary=100)
    organisation = organisation_get_or_create()
    client = signed_in(hr)
    assert client.get(f"/admin/departments/department/{department.pk}/change/").status_code == 200
    assert client.post(f"/admin/departments/department/{department.pk}/change/",
                       {"name": "VFX", "color": "#FF0000"}).status_code == 403
    assert client.get("/admin/departments/department/add/").status_code == 403
    assert client.get(f"/admin/departments/salaryscale/{scale.pk}/change/").status_code == 403
    assert client.get(f"/admin/departments/organisation/{organisation.pk}/change/").status_code == 403
    department.refresh_from_db()
    assert department.name == "FX"


@pytest.mark.django_db
def test_hr_edits_a_persons_record_and_state_in_the_admin(hr, user):
    client = signed_in(hr)
    form = person_form(email=user.email, first_name=user.first_name, last_name=user.last_name,
                       desktop_login="john.doe", daily_salary="250", status="suspended")
    response = client.post(f"/admin/people/person/{user.pk}/change/", form)
    assert response.status_code == 302, response.content.decode()[:1500]
    user.refresh_from_db()
    assert (user.daily_salary, user.status) == (250, PersonStatus.SUSPENDED)
    # No delete button behind the record: deleting a person is the admins'.
    assert client.post(f"/admin/people/person/{user.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Person.objects.filter(pk=user.pk).exists()


@pytest.mark.django_db
def test_hr_cannot_edit_an_admin_in_the_admin_either(hr):
    chief = AdminFactory(first_name="Chief", last_name="Admin", email="chief@example.com")
    client = signed_in(hr)
    form = person_form(email="hana.hr@example.com", first_name="Chief", last_name="Admin", desktop_login="",
                       role="admin")
    response = client.post(f"/admin/people/person/{chief.pk}/change/", form, follow=True)
    assert "holds permissions you do not" in response.content.decode()
    chief.refresh_from_db()
    assert chief.email == "chief@example.com"


@pytest.mark.django_db
def test_the_permissions_tab_shows_grants_and_denials(admin, user):
    person_set_permission_rules(acting_user=admin, person=user, body={
        "granted": [{"key": "audit.view", "expires_at": "2999-01-01"}], "denied": ["persons.view"],
        "reason": "covering the audit"})
    page = signed_in(admin).get(f"/admin/people/person/{user.pk}/change/").content.decode()
    rules = page[page.index('id="person-permission-rules"'):]
    rules = rules[:rules.index("</table>")]
    assert "grant" in rules and "audit.view" in rules and "until 2999-01-02" in rules
    assert "deny" in rules and "persons.view" in rules and "no expiry" in rules
    assert "covering the audit" in rules and admin.full_name in rules
    effective = page[page.index('id="person-permissions"'):]
    effective = effective[:effective.index("</ul>")]
    assert "<li>audit.view</li>" in effective and "<li>persons.view</li>" not in effective
