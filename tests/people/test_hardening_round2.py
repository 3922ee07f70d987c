"""Second review round: protected accounts, lockout under parallel guesses, timing, token lifetimes,
cross-field identifiers, gazu's whole-dict PUT of `active`, the admin's status field."""

import threading

import pytest
from django.contrib.auth import hashers
from django.db import connection
from django.test import Client

from people.models import AuthToken, Person, PersonStatus
from people.services import sign_in
from tests.conftest import PASSWORD, ApiClient, client_for
from tests.factories import AdminFactory, BotFactory, PersonFactory


def test_protected_account_email_and_bot_flag_are_locked_for_others(admin_api, settings):
    boss = AdminFactory(email="boss@studio.io")
    settings.ROSTER_PROTECTED_ACCOUNTS = ["boss@studio.io"]
    response = admin_api.put(f"/api/data/persons/{boss.pk}", {"email": "evil@example.com"}, format="json")
    assert response.status_code == 403
    response = admin_api.put(f"/api/data/persons/{boss.pk}", {"is_bot": True}, format="json")
    assert response.status_code == 403
    boss.refresh_from_db()
    assert (boss.email, boss.is_bot) == ("boss@studio.io", False)
    # The owner may still change their own address; a case-only change by others is no change.
    assert admin_api.put(f"/api/data/persons/{boss.pk}", {"email": "Boss@studio.io"},
                         format="json").status_code == 200


@pytest.mark.django_db(transaction=True)
def test_parallel_wrong_passwords_cannot_outrun_the_lockout():
    person = PersonFactory(email="target@studio.io")
    results = []

    def guess():
        try:
            sign_in.auth_login(identifier="target@studio.io", password="wrong-guess")
        except sign_in.LoginRefused as refused:
            results.append(refused.body)
        finally:
            connection.close()

    threads = [threading.Thread(target=guess) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    person.refresh_from_db()
    assert person.login_failed_attemps == 5  # every later guess was refused before its password check
    assert sum(1 for body in results if body.get("too_many_failed_login_attemps")) == 7


@pytest.mark.parametrize("case", ["unknown", "no_password", "wrong_password"])
def test_every_refused_login_costs_one_password_hash(db, monkeypatch, case):
    PersonFactory(email="has.password@studio.io")
    PersonFactory(email="invited@studio.io", password=None)
    calls = []
    real_check = hashers.check_password

    def counting_check(*args, **kwargs):
        calls.append(args[0])
        return real_check(*args, **kwargs)

    monkeypatch.setattr(sign_in, "check_password", counting_check)
    identifier = {"unknown": "nobody@studio.io", "no_password": "invited@studio.io",
                  "wrong_password": "has.password@studio.io"}[case]
    with pytest.raises(sign_in.LoginRefused) as refused:
        sign_in.auth_login(identifier=identifier, password="some-guess")
    assert refused.value.body == {"login": False}
    assert len(calls) == 1


def test_changing_your_password_ends_your_other_sessions(user):
    current = client_for(user)
    other = client_for(user)
    response = current.post("/api/auth/change-password", {
        "old_password": PASSWORD, "password": "Brand-new-pass1", "password_2": "Brand-new-pass1"}, format="json")
    assert response.status_code == 200
    assert current.get("/api/auth/authenticated").status_code == 200
    assert other.get("/api/auth/authenticated").status_code == 401


def test_switching_between_bot_and_person_voids_tokens(admin_api, user):
    user_api = client_for(user)
    assert admin_api.put(f"/api/data/persons/{user.pk}", {"is_bot": True}, format="json").status_code == 200
    assert user_api.get("/api/auth/authenticated").status_code == 401
    robot = BotFactory(email="robot@studio.io")
    robot_api = client_for(robot)
    assert admin_api.put(f"/api/data/persons/{robot.pk}", {"is_bot": False}, format="json").status_code == 200
    assert robot_api.get("/api/auth/authenticated").status_code == 401


def test_email_cannot_shadow_someone_elses_desktop_login(user, manager):
    Person.objects.filter(pk=user.pk).update(desktop_login="w@studio.com")
    response = client_for(manager).put(f"/api/data/persons/{manager.pk}", {"email": "w@studio.com"},
                                       format="json")
    assert response.status_code == 400
    assert response.json()["data"]["errors"][0]["field"] == "email"
    login = ApiClient().post("/api/auth/login", {"email": "w@studio.com", "password": PASSWORD}, format="json")
    assert login.json()["user"]["id"] == str(user.pk)


def test_gazu_style_whole_dict_put_deactivates_and_reactivates(admin_api, user):
    person = admin_api.get(f"/api/data/persons/{user.pk}").json()
    person["active"] = False
    response = admin_api.put(f"/api/data/persons/{user.pk}", person, format="json")
    assert response.status_code == 200, response.content
    assert (response.json()["active"], response.json()["status"]) == (False, "inactive")
    person = response.json()
    person["active"] = True
    response = admin_api.put(f"/api/data/persons/{user.pk}", person, format="json")
    assert (response.json()["active"], response.json()["status"]) == (True, "active")


def test_admin_status_change_alone_is_enough(admin, user):
    from tests.people.test_admin_and_commands import person_form

    hr = Client()
    hr.force_login(admin)
    form = person_form(email=user.email, first_name=user.first_name, last_name=user.last_name,
                       desktop_login="john.doe", status="suspended")  # "active" stays ticked
    response = hr.post(f"/admin/people/person/{user.pk}/change/", form)
    assert response.status_code == 302, response.content.decode()[:1500]
    user.refresh_from_db()
    assert (user.status, user.active) == (PersonStatus.SUSPENDED, False)
    assert not AuthToken.objects.filter(person=user, revoked_at__isnull=True).exists()
