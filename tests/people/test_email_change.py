"""Moving an account's email is how a stolen token becomes a stolen account (a reset then goes to the new
address): Zou's route shape stays, but the previous address is told through the outbox, and the change audited."""

import pytest

from audit.models import AuditEntry
from notifications.models import OutboxEmail
from people.models import Person
from people.services.persons import masked_email
from people.services.reset_tokens import password_reset_token_issue

pytestmark = pytest.mark.django_db

NEW_EMAIL = "new.address@example.com"


def test_own_email_change_tells_the_previous_address_and_is_audited(user, user_api):
    previous = user.email
    response = user_api.put(f"/api/data/persons/{user.pk}", {"email": NEW_EMAIL}, format="json",
                            HTTP_X_REQUEST_ID="req-42")
    assert response.status_code == 200 and response.json()["email"] == NEW_EMAIL
    assert response["X-Request-ID"] == "req-42"

    notice = OutboxEmail.objects.get(kind="email_changed")
    assert notice.to == previous and not notice.sensitive
    assert previous in notice.body and " by " not in notice.body.split("\n")[2]
    # The new address is shown in part only: whoever holds the old mailbox does not learn it.
    assert NEW_EMAIL not in notice.body and "n***@e***.com" in notice.body
    assert OutboxEmail.objects.filter(to=NEW_EMAIL).count() == 0

    entry = AuditEntry.objects.get(action="person.updated")
    assert (entry.actor_id, entry.target_type, entry.target_id) == (user.pk, "person", str(user.pk))
    assert entry.changes == {"email": [previous, NEW_EMAIL]}
    assert (entry.ip_address, entry.request_id) == ("127.0.0.1", "req-42")
    assert entry.actor_label == entry.target_label == str(Person.objects.get(pk=user.pk))


def test_an_admin_moving_someones_email_is_named_in_the_notice(admin, admin_api, user):
    previous = user.email
    assert admin_api.put(f"/api/data/persons/{user.pk}", {"email": NEW_EMAIL}, format="json").status_code == 200
    notice = OutboxEmail.objects.get(kind="email_changed")
    assert notice.to == previous and f"was changed by {admin.full_name}:" in notice.body
    entry = AuditEntry.objects.get(action="person.updated")
    assert (entry.actor_id, entry.target_id, entry.changes) == (admin.pk, str(user.pk),
                                                                {"email": [previous, NEW_EMAIL]})


def test_saving_the_same_email_tells_nobody(user, user_api):
    response = user_api.put(f"/api/data/persons/{user.pk}", {"email": user.email, "phone": "+33 1 23 45 67 89"},
                            format="json")
    assert response.status_code == 200
    assert not OutboxEmail.objects.filter(kind="email_changed").exists()
    assert list(AuditEntry.objects.filter(action="person.updated").values_list("changes", flat=True)) == [
        {"phone": ["", "+33 1 23 45 67 89"]}]


def test_a_refused_change_leaves_no_notice_and_no_audit_row(user, user_api, manager):
    response = user_api.put(f"/api/data/persons/{user.pk}", {"email": manager.email}, format="json")
    assert response.status_code == 400
    assert not OutboxEmail.objects.filter(kind="email_changed").exists()
    assert not AuditEntry.objects.filter(action="person.updated").exists()


def test_links_sent_before_the_change_stop_working(admin_api, user, anon_api):
    """A reset link mailed to the old address must not open the account once the address has moved."""
    token = password_reset_token_issue(person=user)
    assert admin_api.put(f"/api/data/persons/{user.pk}", {"email": NEW_EMAIL}, format="json").status_code == 200
    response = anon_api.put("/api/auth/reset-password", {"email": NEW_EMAIL, "token": token,
                                                         "password": "Taken-over-1", "password2": "Taken-over-1"},
                            format="json")
    assert response.status_code == 400
    assert not Person.objects.get(pk=user.pk).check_password("Taken-over-1")
    fresh = password_reset_token_issue(person=Person.objects.get(pk=user.pk))
    assert anon_api.put("/api/auth/reset-password", {"email": NEW_EMAIL, "token": fresh, "password": "Chosen-pw-1",
                                                     "password2": "Chosen-pw-1"}, format="json").status_code == 200


@pytest.mark.parametrize(("address", "masked"), [
    ("new.address@example.com", "n***@e***.com"), ("a@localhost", "a***@l***"), (None, "(none)")])
def test_the_masked_address(address, masked):
    assert masked_email(address) == masked
