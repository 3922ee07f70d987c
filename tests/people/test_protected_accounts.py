"""Protected accounts (`ROSTER_PROTECTED_ACCOUNTS`, Zou's PROTECTED_ACCOUNTS) through the persons API: others
may not deactivate, demote, delete, re-address or turn them into bots, and nobody takes a protected address
for themselves (zou-api.md checklist 52; the service-level rules are in services/test_persons.py)."""

from people.models import Person
from tests.conftest import client_for
from tests.factories import AdminFactory, BotFactory


def person_url(person) -> str:
    return f"/api/data/persons/{person.pk}"


def test_others_may_not_deactivate_demote_or_delete_a_protected_account(settings, admin, admin_api):
    protected = AdminFactory(email="boss@example.com", first_name="Big", last_name="Boss")
    settings.ROSTER_PROTECTED_ACCOUNTS = ["boss@example.com"]

    response = admin_api.put(person_url(protected), {"active": False}, format="json")
    assert response.status_code == 403
    assert response.json()["message"] == "Can't set this person as inactive it's a protected account."
    response = admin_api.put(person_url(protected), {"role": "user"}, format="json")
    assert response.status_code == 403
    assert response.json()["message"] == "Can't change the role of this person it's a protected account."
    response = admin_api.delete(person_url(protected) + "?force=true")
    assert response.status_code == 403
    assert response.json()["message"] == "Can't delete this person it's a protected account."
    fresh = Person.objects.get(pk=protected.pk)
    assert (fresh.active, fresh.role) == (True, "admin")

    # Other fields stay editable, and re-sending the same role and active flag is fine (gazu PUTs dicts).
    response = admin_api.put(person_url(protected), {"phone": "123", "role": "admin", "active": True},
                             format="json")
    assert response.status_code == 200

    # The person themselves may edit.
    boss_api = client_for(protected)
    response = boss_api.put(person_url(protected), {"first_name": "Bigger", "role": "manager"}, format="json")
    assert response.status_code == 200
    assert response.json()["role"] == "manager"

    # A protected address on a bot protects nothing.
    protected_bot = BotFactory(email="boss@example.com")
    assert admin_api.put(person_url(protected_bot), {"active": False}, format="json").status_code == 200


def test_protected_account_email_and_bot_flag_are_locked_for_others(admin_api, settings):
    boss = AdminFactory(email="boss@studio.io")
    settings.ROSTER_PROTECTED_ACCOUNTS = ["boss@studio.io"]
    response = admin_api.put(person_url(boss), {"email": "evil@example.com"}, format="json")
    assert response.status_code == 403
    response = admin_api.put(person_url(boss), {"is_bot": True}, format="json")
    assert response.status_code == 403
    boss.refresh_from_db()
    assert (boss.email, boss.is_bot) == ("boss@studio.io", False)
    # A change of case only is no change of address, so someone else may make it.
    assert admin_api.put(person_url(boss), {"email": "Boss@studio.io"}, format="json").status_code == 200


def test_nobody_makes_their_own_account_protected(user, settings):
    settings.ROSTER_PROTECTED_ACCOUNTS = ["ceo@studio.io"]
    response = client_for(user).put(person_url(user), {"email": "ceo@studio.io"}, format="json")
    assert response.status_code == 403
    user.refresh_from_db()
    assert user.email == "john.doe@gmail.com"
