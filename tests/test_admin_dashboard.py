"""The admin index is HR's dashboard: headcounts, pending invitations and failed emails, counted by the database."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from departments.models import Department
from notifications.models import DeliveryStatus, OutboxEmail
from notifications.selectors import outbox_failed
from people import selectors
from people.models import PasswordResetToken, PersonStatus, Role
from people.services.passwords import person_invite
from people.services.persons import person_add_department
from tests.conftest import make_person


@pytest.fixture
def hr(admin):
    client = Client()
    client.force_login(admin)
    return client


def failed_email(to: str, **fields) -> OutboxEmail:
    return OutboxEmail.objects.create(to=to, kind="invitation", subject="You are invited", body="secret link",
                                      sensitive=True, status=DeliveryStatus.FAILED, attempts=6,
                                      last_error="SMTPRecipientsRefused", **fields)


def invited(email: str, **fields):
    return make_person(email=email, status=PersonStatus.INVITED, **fields)


def test_headcount_by_department_counts_active_humans_and_links_to_them(admin, user, bot):
    lighting = Department.objects.create(name="Lighting", color="#F1C40F")
    Department.objects.create(name="Modeling", color="")
    Department.objects.create(name="Old", color="#000000", archived=True)
    gone = make_person(email="gone@studio.io", status=PersonStatus.INACTIVE)
    for person in (user, bot, gone):
        person_add_department(acting_user=admin, person=person, department_id=lighting.pk)

    bars = selectors.headcount_dashboard()["department"]
    assert [(bar["label"], bar["count"]) for bar in bars] == [("Lighting", 1), ("Modeling", 0), ("No department", 1)]
    assert [bar["percent"] for bar in bars] == [100, 0, 100]
    assert bars[0]["color"] == "#F1C40F" and bars[1]["color"] == ""  # no colour: the template uses the theme's
    assert bars[0]["filters"] == {"departments__id__exact": str(lighting.pk), "active__exact": "1",
                                  "is_bot__exact": "0"}
    assert bars[2]["filters"] == {"department_memberships__isnull": "True", "active__exact": "1",
                                  "is_bot__exact": "0"}


def test_headcount_by_status_lists_every_status_in_lifecycle_order(admin, user, bot):
    invited("new@studio.io")
    make_person(email="away@studio.io", status=PersonStatus.SUSPENDED)
    bars = selectors.headcount_dashboard()["status"]
    assert [(bar["label"], bar["count"]) for bar in bars] == [
        ("Invited", 1), ("Active", 2), ("Inactive", 0), ("Suspended", 1), ("Locked", 0)]
    assert bars[0]["filters"] == {"status__exact": "invited", "is_bot__exact": "0"}


def test_every_chart_link_lists_exactly_the_people_it_counts(hr, admin, user, manager, bot):
    lighting = Department.objects.create(name="Lighting", color="#F1C40F")
    for person in (user, bot):
        person_add_department(acting_user=admin, person=person, department_id=lighting.pk)
    invited("new@studio.io")
    make_person(email="away@studio.io", status=PersonStatus.SUSPENDED)
    response = hr.get("/admin/")
    for bars in response.context["headcount"].values():
        for bar in bars:
            listed = hr.get(bar["href"])
            assert listed.status_code == 200, bar["href"]
            assert listed.context["cl"].result_count == bar["count"], bar["label"]


def test_pending_invitations_newest_first_with_the_state_of_their_link(admin):
    now = timezone.now()
    never = invited("never@studio.io", first_name="Never")
    valid = invited("valid@studio.io", first_name="Valid")
    expired = invited("expired@studio.io", first_name="Expired")
    person_invite(acting_user=admin, person=expired)
    PasswordResetToken.objects.filter(person=expired).update(created_at=now - dt.timedelta(days=9),
                                                             expires_at=now - dt.timedelta(days=2))
    person_invite(acting_user=admin, person=valid)
    accepted = make_person(email="accepted@studio.io")  # active: not pending, whatever its tokens
    person_invite(acting_user=admin, person=accepted)

    pending = selectors.invitations_pending(limit=10)
    assert (pending["total"], pending["with_valid_link"]) == (3, 1)
    assert [person.pk for person in pending["persons"]] == [valid.pk, expired.pk, never.pk]
    states = {person.first_name: (person.link_is_valid, person.link_expires_at is None)
              for person in pending["persons"]}
    assert states == {"Valid": (True, False), "Expired": (False, False), "Never": (False, True)}


def test_pending_invitations_are_bounded_but_counted_in_full(db, django_assert_num_queries):
    for number in range(4):
        invited(f"new{number}@studio.io")
    with django_assert_num_queries(2):
        pending = selectors.invitations_pending(limit=3)
    assert pending["total"] == 4 and len(pending["persons"]) == 3


def test_failed_emails_newest_first_bounded_and_bodies_never_loaded(db):
    for number in range(3):
        failed_email(f"gone{number}@example.com")
    OutboxEmail.objects.create(to="fine@example.com", kind="invitation", subject="s", body="b",
                               status=DeliveryStatus.SENT)
    failed = outbox_failed(limit=2)
    assert failed["total"] == 3
    assert [email.to for email in failed["emails"]] == ["gone2@example.com", "gone1@example.com"]
    assert all("body" in email.get_deferred_fields() for email in failed["emails"])


def test_dashboard_page_shows_the_panels_with_links(hr, admin, user):
    pending = invited("new@studio.io", first_name="Nina", last_name="New")
    person_invite(acting_user=admin, person=pending)
    bounced = failed_email("gone@example.com")
    page = hr.get("/admin/").content.decode()
    assert "<title> Dashboard | Roster</title>" in page
    assert 'aria-label="Headcount by department"' in page and 'aria-label="Headcount by account status"' in page
    assert f'href="/admin/people/person/{pending.pk}/change/"' in page
    assert f'href="/admin/notifications/outboxemail/{bounced.pk}/change/"' in page
    assert 'href="/admin/people/person/?status__exact=invited"' in page
    assert 'href="/admin/notifications/outboxemail/?status__exact=failed"' in page
    assert "secret link" not in page


def test_dashboard_panels_follow_the_viewers_rights(manager, monkeypatch):
    import config.permissions as registry

    failed_email("gone@example.com")
    # Rights are the permission table's: give managers the back office and the person list, not the outbox.
    monkeypatch.setattr(registry, "_REGISTRY", dict(registry._REGISTRY))
    for key in ("admin_site.access", "persons.list_details"):
        existing = registry._REGISTRY[key]
        registry._REGISTRY[key] = registry.Permission(key, existing.roles | {"manager"}, existing.app_label)
    viewer = Client()
    viewer.force_login(manager)
    response = viewer.get("/admin/")
    assert "headcount" in response.context and "failed_emails" not in response.context
    assert 'id="failed-emails"' not in response.content.decode()


def test_dashboard_queries_do_not_grow_with_the_studio(hr, admin, django_assert_max_num_queries):
    def fill(count: int, offset: int):
        department = Department.objects.create(name=f"Department {offset}", color="#123456")
        for number in range(count):
            person = invited(f"p{offset}-{number}@studio.io")
            person_add_department(acting_user=admin, person=person, department_id=department.pk)
            person_invite(acting_user=admin, person=person)
            failed_email(f"gone{offset}-{number}@example.com")

    def queries() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            assert hr.get("/admin/").status_code == 200
        return len(captured)

    fill(2, 0)
    few = queries()
    fill(15, 1)
    assert queries() == few
    with django_assert_max_num_queries(15):
        hr.get("/admin/")


def test_person_list_tabs_by_status(hr, user):
    invited("new@studio.io", first_name="Nina")
    response = hr.get("/admin/people/person/?status__exact=invited")
    assert [person.first_name for person in response.context["cl"].result_list] == ["Nina"]
    page = response.content.decode()
    assert 'href="/admin/people/person/?status__exact=invited" class="active"' in page
    assert 'href="/admin/people/person/" class=""' in page


def test_role_filter_is_a_dropdown_of_the_roles(hr, user, manager):
    response = hr.get("/admin/people/person/?role__exact=manager")
    assert [person.email for person in response.context["cl"].result_list] == [manager.email]
    page = response.content.decode()
    assert '<select name="role__exact"' in page
    assert f'<option value="{Role.MANAGER.value}" selected>{Role.MANAGER.label}</option>' in page
