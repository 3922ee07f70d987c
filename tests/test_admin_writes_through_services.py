"""The admin's shared rules (config/admin.py): every screen is a RosterModelAdmin, writes go through services,
a refusal is a message on the page (never a 500, never a false "deleted successfully"), and the sidebar and
tabs come from the registered screens."""

import pytest
from django.contrib import admin as django_admin
from django.contrib.admin.models import DELETION, LogEntry
from django.contrib.messages import get_messages
from django.core.exceptions import ImproperlyConfigured
from django.test import Client, RequestFactory
from django.utils import timezone

from config.admin import RosterModelAdmin, changelist_tabs, sidebar_navigation
from config.errors import ApplicationError
from departments import services as department_services
from departments.models import Department, Software, SoftwareDepartmentLink, Studio
from notifications.models import OutboxEmail
from people.models import DesktopLoginLog, Person
from tests.conftest import PASSWORD


@pytest.fixture
def hr(admin):
    client = Client()
    client.force_login(admin)
    return client


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def department_form(name: str, **extra) -> dict:
    return {"name": name, "color": "#123456",
            "software_links-TOTAL_FORMS": "0", "software_links-INITIAL_FORMS": "0",
            "hardware_item_links-TOTAL_FORMS": "0", "hardware_item_links-INITIAL_FORMS": "0", **extra}


def test_every_admin_screen_is_a_roster_model_admin():
    assert django_admin.site._registry, "the admin has screens"
    assert [type(model_admin).__name__ for model_admin in django_admin.site._registry.values()
            if not isinstance(model_admin, RosterModelAdmin)] == []


def test_a_screen_that_names_no_service_refuses_to_write(db, rf):
    bare = RosterModelAdmin(Studio, django_admin.site)
    request = rf.post("/")
    with pytest.raises(ImproperlyConfigured, match="save_model must save through a service"):
        bare.save_model(request, Studio(name="Paris"), form=None, change=False)
    with pytest.raises(ImproperlyConfigured, match="delete_model must delete through a service"):
        bare.delete_model(request, Studio(name="Paris"))
    assert not Studio.objects.exists()


def test_the_sidebar_lists_every_screen_with_its_icon_dashboard_and_people_first(admin):
    request = RequestFactory().get("/admin/")
    request.user = admin
    groups = sidebar_navigation(request)
    assert [item["title"] for item in groups[0]["items"]] == ["Dashboard"]
    assert groups[1]["title"] == "People"
    links = {item["link"]: item["icon"] for group in groups[1:] for item in group["items"]}
    expected = {f"/admin/{model._meta.app_label}/{model._meta.model_name}/": model_admin.sidebar_icon
                for model, model_admin in django_admin.site._registry.items()}
    assert links == expected
    assert links["/admin/people/person/"] == "badge"


def test_tabs_are_built_from_the_screens_and_only_for_those_the_viewer_may_see(admin, user):
    request = RequestFactory().get("/admin/people/person/", {"status__exact": "invited", "q": "x"})
    request.user = admin
    tabs = {tab["models"][0]: tab["items"] for tab in changelist_tabs(request)}
    assert set(tabs) == {"people.person", "notifications.outboxemail"}
    person_tabs = {item["title"]: (item["link"], item["active"](request)) for item in tabs["people.person"]}
    assert person_tabs["All"] == ("/admin/people/person/", False)
    assert person_tabs["Invited"] == ("/admin/people/person/?status__exact=invited", True)
    request.user = user
    assert changelist_tabs(request) == []


def test_a_refused_delete_says_so_on_the_object_and_keeps_it(hr, admin):
    response = hr.post(f"/admin/people/person/{admin.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert response["Location"] == f"/admin/people/person/{admin.pk}/change/"
    assert messages_of(response) == ["You can't delete yourself."]  # and no "deleted successfully"
    assert Person.objects.filter(pk=admin.pk).exists()


def test_the_delete_action_is_all_or_nothing(hr, admin, user):
    selected = {"action": "delete_selected", "post": "yes", "_selected_action": [str(user.pk), str(admin.pk)]}
    response = hr.post("/admin/people/person/", selected)
    assert response.status_code == 302
    assert Person.objects.filter(pk__in=[admin.pk, user.pk]).count() == 2
    assert messages_of(response) == [f"Nothing was deleted. {admin}: You can't delete yourself."]
    assert not LogEntry.objects.filter(action_flag=DELETION).exists()  # taken back with the deletes
    hr.get("/admin/")  # shows (and so clears) that message

    response = hr.post("/admin/people/person/", {**selected, "_selected_action": [str(user.pk)]})
    assert not Person.objects.filter(pk=user.pk).exists()
    assert messages_of(response) == ["Successfully deleted 1 person."]
    assert LogEntry.objects.filter(action_flag=DELETION, object_id=str(user.pk)).exists()


def test_department_software_links_go_through_the_link_services(hr, monkeypatch):
    department = Department.objects.create(name="Lighting", color="#000000")
    blender = Software.objects.create(name="Blender", short_name="bl", file_extension="blend")
    form = department_form("Lighting renamed", **{
        "software_links-TOTAL_FORMS": "1", "software_links-0-software": str(blender.pk),
        "software_links-0-department": str(department.pk)})

    def refuse(**kwargs):
        raise ApplicationError("Licences are frozen.")

    monkeypatch.setattr(department_services, "department_link_software", refuse)
    response = hr.post(f"/admin/departments/department/{department.pk}/change/", form)
    assert response.status_code == 302 and messages_of(response) == ["Licences are frozen."]
    department.refresh_from_db()
    assert department.name == "Lighting"  # the whole save was taken back
    assert not SoftwareDepartmentLink.objects.exists()

    monkeypatch.undo()
    response = hr.post(f"/admin/departments/department/{department.pk}/change/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert list(department.softwares.all()) == [blender]
    link = SoftwareDepartmentLink.objects.get()
    form = department_form("Lighting", **{
        "software_links-TOTAL_FORMS": "1", "software_links-INITIAL_FORMS": "1",
        "software_links-0-id": str(link.pk), "software_links-0-software": str(blender.pk),
        "software_links-0-department": str(department.pk), "software_links-0-DELETE": "on"})
    assert hr.post(f"/admin/departments/department/{department.pk}/change/", form).status_code == 302
    assert not department.softwares.exists()


def test_desktop_logins_are_added_through_the_service_and_never_edited(hr, user):
    response = hr.post("/admin/people/desktoploginlog/add/", {
        "person": str(user.pk), "date_0": "2026-03-04", "date_1": "09:30:00"})
    assert response.status_code == 302, response.content.decode()[:2000]
    log = DesktopLoginLog.objects.get(person=user)
    assert timezone.localtime(log.date).strftime("%Y-%m-%d %H:%M") == "2026-03-04 09:30"
    user.refresh_from_db()
    assert str(user.last_presence) == "2026-03-04"  # what the service adds to a plain insert
    assert hr.post(f"/admin/people/desktoploginlog/{log.pk}/delete/", {"post": "yes"}).status_code == 403
    assert DesktopLoginLog.objects.filter(pk=log.pk).exists()


def test_the_outbox_is_read_only(hr):
    email = OutboxEmail.objects.create(to="a@b.io", kind="invitation", subject="s", body="b")
    assert hr.post(f"/admin/notifications/outboxemail/{email.pk}/delete/", {"post": "yes"}).status_code == 403
    assert hr.get(f"/admin/notifications/outboxemail/{email.pk}/change/").status_code == 200
    assert OutboxEmail.objects.filter(pk=email.pk).exists()


def test_the_admin_is_branded_roster_and_view_site_goes_home(hr, admin):
    login_page = Client().get("/admin/login/").content.decode()
    assert "Roster" in login_page and "Django" not in login_page
    index = hr.get("/admin/").content.decode()
    assert "<title> Dashboard | Roster</title>" in index and "Django administration" not in index
    assert '<a href="/" ' in index and "View site" in index


def test_signing_in_at_the_login_page_opens_the_admin(admin):
    client = Client()
    page = client.get("/admin/login/").content.decode()
    assert '<input type="hidden" name="next" value="/admin/" form="login-form">' in page
    response = client.post("/admin/login/", {"username": admin.email, "password": PASSWORD, "next": "/admin/"})
    assert response.status_code == 302 and response["Location"] == "/admin/"
    response = client.post("/admin/login/?next=/admin/people/person/",
                           {"username": admin.email, "password": PASSWORD, "next": "/admin/people/person/"})
    assert response["Location"] == "/admin/people/person/"
