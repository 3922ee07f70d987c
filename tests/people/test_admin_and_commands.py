"""The HR back office and the operator commands go through the same services as the API."""

import io
import os

import pytest
from django.core.management import call_command
from django.test import Client

from departments.models import Department
from people.models import Person, PersonStatus, Role
from tests.conftest import PASSWORD, make_person


@pytest.fixture
def hr(admin):
    client = Client()
    assert client.login(username=admin.email, password=PASSWORD)
    return client


def person_form(**overrides):
    data = {
        "first_name": "Nina", "last_name": "New", "email": "nina@studio.io", "phone": "", "country": "fr",
        "desktop_login": "nina", "role": "user", "status": "active", "active": "on",
        "contract_type": "open-ended", "position": "artist", "seniority": "mid", "daily_salary": "0",
        "timezone": "Europe/Paris", "locale": "en_US", "display_date_format": "YYYY-MM-DD",
        "appearance": "auto", "authentication_method": "password", "job_title": "", "username": "",
        "notifications_slack_userid": "", "notifications_mattermost_userid": "",
        "notifications_discord_userid": "", "ldap_uid": "", "data": "null", "new_password": "",
        "department_memberships-TOTAL_FORMS": "0", "department_memberships-INITIAL_FORMS": "0",
        "department_memberships-MIN_NUM_FORMS": "0", "department_memberships-MAX_NUM_FORMS": "1000",
    }
    data.update(overrides)
    return data


def test_admin_site_only_for_admins(admin, user):
    assert Client().get("/admin/").status_code == 302
    client = Client()
    assert client.login(username=user.email, password=PASSWORD)
    assert client.get("/admin/").status_code == 302
    client = Client()
    assert client.login(username=admin.email, password=PASSWORD)
    assert client.get("/admin/").status_code == 200


def test_admin_person_pages_render(hr, user):
    assert hr.get("/admin/people/person/").status_code == 200
    assert hr.get("/admin/people/person/?role__exact=user&q=doe").status_code == 200
    assert hr.get(f"/admin/people/person/{user.pk}/change/").status_code == 200
    assert hr.get("/admin/people/person/add/").status_code == 200
    assert hr.get("/admin/departments/department/").status_code == 200


def test_admin_create_person_goes_through_services(hr):
    department = Department.objects.create(name="Modeling", color="#00FF00")
    form = person_form(**{
        "new_password": "Brand-new-pass1",
        "department_memberships-TOTAL_FORMS": "1",
        "department_memberships-0-department": str(department.pk),
    })
    response = hr.post("/admin/people/person/add/", form)
    assert response.status_code == 302, response.content.decode()[:3000]
    person = Person.objects.get(email="nina@studio.io")
    assert person.country == "FR"  # normalized by the service
    assert person.check_password("Brand-new-pass1")
    assert list(person.departments.all()) == [department]


def test_admin_create_respects_user_limit(hr, settings):
    settings.ROSTER_USER_LIMIT = Person.objects.filter(active=True, is_bot=False).count()
    response = hr.post("/admin/people/person/add/", person_form(), follow=True)
    assert "User limit reached." in response.content.decode()
    assert not Person.objects.filter(email="nina@studio.io").exists()


def test_admin_edit_rejects_invalid_country(hr, user):
    response = hr.post(f"/admin/people/person/{user.pk}/change/",
                       person_form(email=user.email, country="zz"), follow=True)
    assert "Invalid country code" in response.content.decode()
    user.refresh_from_db()
    assert user.first_name == "John"


def test_admin_suspend_revokes_tokens(hr, user):
    from people.tokens import tokens_issue_login_pair

    tokens_issue_login_pair(person=user)
    response = hr.post(f"/admin/people/person/{user.pk}/change/",
                       person_form(email=user.email, first_name=user.first_name, last_name=user.last_name,
                                   desktop_login="john.doe", status="suspended", active=""))
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.status, user.active) == (PersonStatus.SUSPENDED, False)
    assert not user.auth_tokens.filter(revoked_at__isnull=True).exists()


def test_seed_demo_is_idempotent(db):
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    first = Person.objects.count()
    call_command("seed_demo", stdout=out)
    assert Person.objects.count() == first
    assert set(Person.objects.values_list("role", flat=True)) == set(Role.values)
    assert "Demo admin:" in out.getvalue()
    admin = Person.objects.get(role=Role.ADMIN)
    assert admin.is_staff and admin.active


def test_createsuperuser_noinput_creates_active_admin(db, monkeypatch):
    monkeypatch.setitem(os.environ, "DJANGO_SUPERUSER_EMAIL", "boss@studio.io")
    monkeypatch.setitem(os.environ, "DJANGO_SUPERUSER_PASSWORD", "Sup3r-secret-pw")
    monkeypatch.setitem(os.environ, "DJANGO_SUPERUSER_FIRST_NAME", "Big")
    monkeypatch.setitem(os.environ, "DJANGO_SUPERUSER_LAST_NAME", "Boss")
    call_command("createsuperuser", "--noinput", stdout=io.StringIO())
    boss = Person.objects.get(email="boss@studio.io")
    assert (boss.role, boss.active, boss.status, boss.full_name) == ("admin", True, "active", "Big Boss")
    assert boss.check_password("Sup3r-secret-pw")


def test_bot_cannot_sign_in_to_admin(db):
    make_person(role=Role.ADMIN, email="robot@studio.io", is_bot=True, password=None)
    assert not Client().login(username="robot@studio.io", password="anything-at-all")


def test_person_changelist_shows_headcount_charts(hr, user, manager):
    department = Department.objects.create(name="Lighting", color="#F1C40F")
    user.departments.add(department)
    make_person(role=Role.USER, email="gone@studio.io", active=False)
    response = hr.get("/admin/people/person/")
    charts = dict(response.context["headcount_charts"])
    # The hr person and the manager are active and in no department; the inactive one is not counted.
    assert [(bar["label"], bar["count"]) for bar in charts["department"]] == [("Lighting", 1), ("No department", 2)]
    assert {bar["label"]: bar["count"] for bar in charts["role"]} == {
        "Studio manager": 1, "Production manager": 1, "Artist": 1}
    assert {bar["label"]: bar["count"] for bar in charts["account status"]} == {"Active": 3, "Inactive": 1}
    assert "Active people by department" in response.content.decode()


def test_admin_inline_memberships_go_through_services(hr, user):
    modeling = Department.objects.create(name="Modeling", color="#00FF00")
    animation = Department.objects.create(name="Animation", color="#0000FF")
    user.departments.add(modeling)
    membership = user.department_memberships.get()
    form = person_form(**{
        "email": user.email, "first_name": user.first_name, "last_name": user.last_name,
        "desktop_login": "john.doe",
        "department_memberships-TOTAL_FORMS": "2", "department_memberships-INITIAL_FORMS": "1",
        "department_memberships-0-id": str(membership.pk), "department_memberships-0-person": str(user.pk),
        "department_memberships-0-department": str(modeling.pk), "department_memberships-0-DELETE": "on",
        "department_memberships-1-person": str(user.pk),
        "department_memberships-1-department": str(animation.pk),
    })
    response = hr.post(f"/admin/people/person/{user.pk}/change/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert list(user.departments.all()) == [animation]


def test_catalog_admin_validates_through_services(hr):
    response = hr.post("/admin/departments/department/add/", {
        "name": "Paint", "color": "#12345G",
        "software_links-TOTAL_FORMS": "0", "software_links-INITIAL_FORMS": "0",
        "hardware_item_links-TOTAL_FORMS": "0", "hardware_item_links-INITIAL_FORMS": "0",
    })
    assert response.status_code == 200  # the form shows the color error
    assert not Department.objects.filter(name="Paint").exists()
    response = hr.post("/admin/departments/department/add/", {
        "name": "Paint", "color": "#12345F",
        "software_links-TOTAL_FORMS": "0", "software_links-INITIAL_FORMS": "0",
        "hardware_item_links-TOTAL_FORMS": "0", "hardware_item_links-INITIAL_FORMS": "0",
    })
    assert response.status_code == 302
    assert Department.objects.get(name="Paint").color == "#12345F"


def test_admin_delete_of_department_with_members_is_refused_cleanly(hr, user):
    department = Department.objects.create(name="Busy", color="#000000")
    user.departments.add(department)
    response = hr.post(f"/admin/departments/department/{department.pk}/delete/", {"post": "yes"}, follow=True)
    assert response.status_code == 200  # Django's page naming the memberships that protect it
    assert "would require deleting the following protected related objects" in response.content.decode()
    assert Department.objects.filter(pk=department.pk).exists()
