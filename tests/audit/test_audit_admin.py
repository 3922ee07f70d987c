"""Issue 7 items 7 and 9: the audit log's admin list filters by actor, target, action, type and time (and
searches), and nobody can add, change or delete a row through the admin or the API, not even an account that
holds every permission there is."""

import datetime as dt

import pytest
from django.contrib import admin as django_admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db import transaction
from django.test import Client
from django.utils import timezone

from audit.models import AuditEntry
from audit.services import audit_record
from people.models import Person, Role
from tests.conftest import PASSWORD, client_for, make_person

pytestmark = pytest.mark.django_db

LIST = "/admin/audit/auditentry/"
LAST_YEAR = timezone.now().year - 1


@pytest.fixture
def hr(admin):
    client = Client()
    client.force_login(admin)
    return client


@pytest.fixture
def log(monkeypatch, admin, user, manager):
    """Four rows: Ines (an admin) suspends John Doe, John Did locks John Did2 and, the year before, changes John
    Doe's phone; the system expires John Did2."""
    ines = make_person(role=Role.ADMIN, email="ines.admin@example.com", first_name="Ines", last_name="Admin")
    with transaction.atomic():
        rows = {
            "suspended": audit_record(actor=ines, action="person.suspended", target=user, target_type="person",
                                      changes={"status": ["active", "suspended"]}, reason="Contract paused"),
            "locked": audit_record(actor=admin, action="person.locked", target=manager, target_type="person",
                                   changes={"status": ["active", "locked"]}),
            "expired": audit_record(actor=None, action="person.expired", target=manager, target_type="person"),
        }
        old_now = dt.datetime(LAST_YEAR, 3, 14, 9, 30, tzinfo=dt.UTC)
        with monkeypatch.context() as patch:
            patch.setattr(timezone, "now", lambda: old_now)  # the column is auto_now_add; rows are never updated
            rows["old_phone"] = audit_record(actor=admin, action="person.updated", target=user, target_type="person",
                                             changes={"phone": ["1", "2"]})
    assert rows["old_phone"].at == old_now
    return rows


def listed(client, **params) -> set[int]:
    response = client.get(LIST, params)
    assert response.status_code == 200
    # The fixtures' people were created through the services: their creation rows are left out.
    return {entry.pk for entry in response.context["cl"].result_list if entry.action != "person.created"}


def test_the_list_filters_by_actor_target_action_type_and_time(hr, log):
    ids = {name: row.pk for name, row in log.items()}
    assert listed(hr) == set(ids.values())
    assert listed(hr, actor_label__icontains="ines") == {ids["suspended"]}
    assert listed(hr, target_label__icontains="did2") == {ids["locked"], ids["expired"]}
    assert listed(hr, target_id__icontains=str(log["suspended"].target_id)) == {ids["suspended"], ids["old_phone"]}
    assert listed(hr, action__icontains="lock") == {ids["locked"]}
    assert listed(hr, target_type__exact="person") == set(ids.values())
    assert listed(hr, target_type__exact="quota_target") == set()
    # unfold's date-time range: a date and a time for each bound.
    assert listed(hr, at_from_0=f"{LAST_YEAR}-03-14", at_from_1="00:00", at_to_0=f"{LAST_YEAR}-03-14",
                  at_to_1="23:59") == {ids["old_phone"]}
    assert listed(hr, at__year=str(LAST_YEAR)) == {ids["old_phone"]}  # the date hierarchy
    assert listed(hr, q="Contract paused") == {ids["suspended"]}  # the search reads reasons and labels too


def test_the_search_finds_a_request_by_its_id(hr, admin, user):
    response = client_for(admin).put(f"/api/data/persons/{user.pk}", {"phone": "42"}, format="json",
                                     HTTP_X_REQUEST_ID="trace-42")
    assert response.status_code == 200
    [entry] = AuditEntry.objects.filter(request_id="trace-42")
    assert listed(hr, q="trace-42") == {entry.pk}


def test_the_list_shows_filters_and_search_in_the_page(hr, log):
    page = hr.get(LIST).content.decode()
    for parameter in ("actor_label__icontains", "target_label__icontains", "action__icontains", "at_from_0",
                      'name="q"'):
        assert parameter in page


@pytest.fixture(params=["admin", "createsuperuser", "holds_every_key"])
def anyone_with_the_most_rights(request, monkeypatch, admin):
    """The HR admin; an account made by `manage.py createsuperuser`; and one for whom every permission question
    is answered yes (what a Django superuser would be): none of them may rewrite the log."""
    if request.param == "admin":
        person = admin
    else:
        person = Person.objects.create_superuser(email="root@example.com", password=PASSWORD, first_name="Root")
    if request.param == "holds_every_key":
        monkeypatch.setattr(Person, "has_perm", lambda self, perm, obj=None: True)
        monkeypatch.setattr(Person, "has_module_perms", lambda self, app_label: True)
    client = Client()
    client.force_login(person)
    return client


def test_no_one_adds_changes_or_deletes_a_row_in_the_admin(anyone_with_the_most_rights, log):
    client = anyone_with_the_most_rights
    entry = log["suspended"]
    before = AuditEntry.objects.count()

    listing = client.get(LIST)
    assert listing.status_code == 200
    assert listing.context["action_form"] is None  # no action at all, so no bulk delete
    assert listing.context["has_add_permission"] is False
    assert f"{LIST}add/" not in listing.content.decode()

    page = client.get(f"{LIST}{entry.pk}/change/")
    assert page.status_code == 200
    content = page.content.decode()
    assert 'name="reason"' not in content and 'name="_save"' not in content
    assert f"{LIST}{entry.pk}/delete/" not in content

    assert client.get(f"{LIST}add/").status_code == 403
    assert client.post(f"{LIST}add/", {"action": "person.updated", "target_type": "person"}).status_code == 403
    assert client.post(f"{LIST}{entry.pk}/change/", {"reason": "nothing happened"}).status_code == 403
    assert client.get(f"{LIST}{entry.pk}/delete/").status_code == 403
    assert client.post(f"{LIST}{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    # The bulk delete, posted by hand although the list does not offer it.
    client.post(LIST, {"action": "delete_selected", ACTION_CHECKBOX_NAME: [str(entry.pk)], "post": "yes"})

    assert AuditEntry.objects.count() == before
    assert AuditEntry.objects.get(pk=entry.pk).reason == "Contract paused"


def test_the_screen_declares_no_right_but_viewing():
    model_admin = django_admin.site.get_model_admin(AuditEntry)
    assert model_admin.permission_keys == {"view": "audit.view"}
    assert set(model_admin.readonly_fields) == {field.name for field in AuditEntry._meta.fields}


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_no_one_changes_the_log_through_the_api(method, admin, user, log):
    api = client_for(admin)
    entry = log["suspended"]
    before = AuditEntry.objects.count()
    for path in ("/api/data/audit-logs", f"/api/data/persons/{user.pk}/audit-logs"):
        assert getattr(api, method)(path, {"reason": "nothing happened"}, format="json").status_code == 405
    assert getattr(api, method)(f"/api/data/audit-logs/{entry.pk}", {"reason": "x"},
                                format="json").status_code == 404
    assert AuditEntry.objects.count() == before
    assert AuditEntry.objects.get(pk=entry.pk).reason == "Contract paused"
