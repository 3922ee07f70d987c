"""The Django admin, HR's back office: every catalog's list page renders, and the person form's status
select is enough on its own to suspend someone. The person pages' other tests are in
people/test_admin_and_commands.py."""

from django.test import Client

from people.models import AuthToken, PersonStatus
from people.tokens import tokens_issue_login_pair
from tests.people.test_admin_and_commands import person_form


def test_admin_pages_of_catalogs_render(admin):
    hr = Client()
    hr.force_login(admin)
    for path in ("/admin/notifications/outboxemail/", "/admin/departments/software/",
                 "/admin/departments/salaryscale/", "/admin/people/desktoploginlog/"):
        assert hr.get(path).status_code == 200, path


def test_choosing_suspended_alone_deactivates_and_signs_out(admin, user):
    tokens_issue_login_pair(person=user)
    hr = Client()
    hr.force_login(admin)
    form = person_form(email=user.email, first_name=user.first_name, last_name=user.last_name,
                       desktop_login="john.doe", status="suspended")  # "active" stays ticked
    response = hr.post(f"/admin/people/person/{user.pk}/change/", form)
    assert response.status_code == 302, response.content.decode()[:1500]
    user.refresh_from_db()
    assert (user.status, user.active) == (PersonStatus.SUSPENDED, False)
    assert not AuthToken.objects.filter(person=user, revoked_at__isnull=True).exists()


# What a new HR user tripped on (issue 7, item 9) ---------------------------------------------------------------

def test_department_list_shows_a_colour_swatch_and_the_active_member_count(admin, client):
    from departments.models import Department
    from people.models import PersonStatus
    from tests.conftest import make_person

    lighting = Department.objects.create(name="Lighting", color="#1976D2")
    Department.objects.create(name="Empty", color="")
    for number, status in enumerate([PersonStatus.ACTIVE, PersonStatus.ACTIVE, PersonStatus.INACTIVE]):
        make_person(email=f"l{number}@example.com", status=status, active=status == PersonStatus.ACTIVE,
                    departments=[str(lighting.pk)])
    client.force_login(admin)
    page = client.get("/admin/departments/department/").content.decode()
    assert 'title="#1976D2"' in page and "background:#1976D2" in page
    assert "#1976D2</td>" not in page  # the colour is no longer printed as text
    row = page[page.index(">Lighting<"):]
    assert '<td class="field-member_count' in row and ">2</td>" in row[:row.index("</tr>")]


def test_person_form_has_one_state_control(admin, client, user):
    client.force_login(admin)
    page = client.get(f"/admin/people/person/{user.pk}/change/").content.decode()
    assert 'name="status"' in page and 'name="active"' not in page


def test_person_list_chart_counts_people_in_no_department(admin, client, user):
    client.force_login(admin)
    response = client.get("/admin/people/person/")
    charts = dict(response.context["headcount_charts"])
    assert charts["department"][-1]["label"] == "No department"
    assert charts["department"][-1]["count"] == 2  # the admin and the user, both in no department


def test_a_membership_reads_as_names(user):
    from departments.models import Department
    from people.models import PersonDepartment

    membership = PersonDepartment.objects.create(person=user, department=Department.objects.create(name="FX"))
    assert str(membership) == f"{user} in FX"
