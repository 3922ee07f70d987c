"""Issue 7 item 9: lock, unlock, suspend (asking for a reason), activate and invite as actions on the person
list, each after a confirmation page, through the same services as the API; the trail and the effective
permissions read-only on the person page."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.test import Client

from audit.models import AuditEntry
from notifications.models import OutboxEmail
from people.models import Person, PersonStatus

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/people/person/"


@pytest.fixture
def hr(admin):
    client = Client()
    client.force_login(admin)
    return client


def run(client, action, persons, **extra):
    return client.post(CHANGELIST, {"action": action, ACTION_CHECKBOX_NAME: [str(p.pk) for p in persons], **extra})


def test_suspending_asks_for_a_reason_then_suspends_and_records_it(hr, admin, user, manager):
    first = run(hr, "suspend_accounts", [user, manager])
    assert first.status_code == 200 and b'id="confirm-state-change"' in first.content
    assert user.full_name.encode() in first.content and manager.full_name.encode() in first.content
    assert Person.objects.get(pk=user.pk).status == PersonStatus.ACTIVE  # nothing happens before "Yes"

    no_reason = run(hr, "suspend_accounts", [user], confirm="yes")
    assert b'id="reason-missing"' in no_reason.content
    assert Person.objects.get(pk=user.pk).status == PersonStatus.ACTIVE

    done = run(hr, "suspend_accounts", [user, manager], confirm="yes", reason="Contract paused")
    assert done.status_code == 302
    for person in (user, manager):
        assert Person.objects.get(pk=person.pk).status == PersonStatus.SUSPENDED
        [entry] = AuditEntry.objects.filter(target_id=str(person.pk), action="person.suspended")
        assert (entry.actor_id, entry.reason) == (admin.pk, "Contract paused")


def test_lock_unlock_and_activate(hr, user):
    run(hr, "lock_accounts", [user], confirm="yes")
    assert Person.objects.get(pk=user.pk).status == PersonStatus.LOCKED
    run(hr, "unlock_accounts", [user], confirm="yes")
    assert Person.objects.get(pk=user.pk).status == PersonStatus.ACTIVE
    Person.objects.filter(pk=user.pk).update(status=PersonStatus.INACTIVE, active=False)
    run(hr, "activate_accounts", [user], confirm="yes")
    assert Person.objects.get(pk=user.pk).status == PersonStatus.ACTIVE


def test_a_refusal_is_reported_per_person_and_changes_nothing_for_them(hr, admin, user):
    response = run(hr, "lock_accounts", [admin, user], confirm="yes")
    assert response.status_code == 302
    assert Person.objects.get(pk=admin.pk).active  # one's own account
    assert Person.objects.get(pk=user.pk).status == PersonStatus.LOCKED
    shown = [str(m) for m in hr.get(CHANGELIST).context["messages"]]
    assert any("own account" in message for message in shown)


def test_invite_from_the_list(hr, user):
    run(hr, "invite_persons", [user], confirm="yes")
    assert OutboxEmail.objects.filter(to=user.email, kind="invitation").count() == 1


def hr_target_active(user):
    from tests.conftest import make_person

    return make_person(email="still.here@example.com")


def test_the_person_page_shows_the_trail_and_the_effective_permissions(hr, user):
    run(hr, "suspend_accounts", [user], confirm="yes", reason="Audit me")
    page = hr.get(f"/admin/people/person/{user.pk}/change/").content.decode()
    trail = page[page.index('id="person-audit-trail"'):]
    assert "person.suspended" in trail and "Audit me" in trail
    # A suspended person holds no keys at all; an active artist holds theirs.
    assert '<ul id="person-permissions">' not in page
    active = hr.get(f"/admin/people/person/{hr_target_active(user).pk}/change/").content.decode()
    keys = active[active.index('id="person-permissions"'):].split("</ul>")[0]
    assert "<li>persons.view</li>" in keys and "<li>persons.delete</li>" not in keys


def test_only_those_who_manage_states_get_the_actions(manager, user):
    """Today only admins hold persons.manage_state, and only they open the person list at all: anyone else is
    sent to the admin's sign-in page and nothing changes (the `hr` role will come with its own table row)."""
    client = Client()
    client.force_login(manager)
    response = run(client, "lock_accounts", [user], confirm="yes")
    assert response.status_code == 302 and response.url.startswith("/admin/login/")
    assert Person.objects.get(pk=user.pk).status == PersonStatus.ACTIVE
