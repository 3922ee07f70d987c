"""Per-person grants and denials (issue 7, item 1): precedence, expiry, explain, audit, bad input, the
`.self` variants and bots; and the rules that keep HR (or anyone) from climbing through the table."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from audit.models import AuditEntry
from people.models import Person, PersonPermissionRule, PersonStatus, Role
from people.permissions import effective_permissions, role_permissions
from people.services.permission_rules import person_set_permission_rules
from tests.conftest import assert_field_error, client_for
from tests.factories import AdminFactory, ManagerFactory, PersonFactory

FUTURE = "2999-01-01T00:00:00"


def permissions_url(person) -> str:
    return f"/api/data/persons/{person.pk}/permissions"


def patch(api, person, body, **params):
    query = "?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else ""
    return api.patch(permissions_url(person) + query, body, format="json")


def expire_all_rules(person) -> None:
    """Move every rule's expiry into the past, as time passing would (the row and its compact copy)."""
    past = timezone.now() - dt.timedelta(minutes=1)
    PersonPermissionRule.objects.filter(person=person).update(expires_at=past)
    Person.objects.filter(pk=person.pk).update(permission_overrides={
        key: [effect, past.isoformat()] for key, (effect, _) in person.permission_overrides.items()})


# Precedence ----------------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_a_grant_adds_a_key_and_a_denial_removes_a_role_key(admin, user):
    assert not user.has_perm("audit.view") and user.has_perm("persons.view")
    response = patch(client_for(admin), user, {"granted": ["audit.view"], "denied": ["persons.view"],
                                               "reason": "audit week"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["role"] == "user" and body["granted"] == ["audit.view"] and body["denied"] == ["persons.view"]
    assert "persons.view" in body["role_permissions"] and "persons.view" not in body["effective"]
    assert "audit.view" in body["effective"]
    user = Person.objects.get(pk=user.pk)
    assert user.has_perm("audit.view") and not user.has_perm("persons.view")
    # ... and the routes follow: the audit log opens, the directory does not.
    api = client_for(user)
    assert api.get("/api/data/audit-logs").status_code == 200
    assert api.get("/api/data/persons").status_code == 403


def test_a_denial_wins_over_a_grant_of_the_same_key():
    role_keys = role_permissions(role="user", is_bot=False)
    both = frozenset({"audit.view", "persons.view"})
    effective = effective_permissions(role="user", is_bot=False, granted=both, denied=both)
    assert not effective & both
    assert effective == role_keys - both


@pytest.mark.django_db
def test_a_key_both_granted_and_denied_is_refused(admin, user):
    response = patch(client_for(admin), user, {"granted": ["audit.view"], "denied": ["audit.view"]})
    assert_field_error(response, "denied")
    assert "audit.view" in response.json()["message"]
    assert not PersonPermissionRule.objects.exists()


@pytest.mark.django_db
def test_each_list_given_replaces_its_set_and_an_absent_one_stays(admin, user):
    api = client_for(admin)
    patch(api, user, {"granted": ["audit.view", "outbox.view"], "denied": ["persons.view"]})
    body = patch(api, user, {"granted": ["outbox.view"]}).json()
    assert body["granted"] == ["outbox.view"] and body["denied"] == ["persons.view"]
    body = patch(api, user, {"denied": []}).json()
    assert body["granted"] == ["outbox.view"] and body["denied"] == []
    assert list(PersonPermissionRule.objects.values_list("key", flat=True)) == ["outbox.view"]


# Expiry --------------------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_an_expired_grant_or_denial_counts_for_nothing(admin, user):
    patch(client_for(admin), user, {"granted": [{"key": "audit.view", "expires_at": FUTURE}],
                                    "denied": [{"key": "persons.view", "expires_at": "2999-06-30"}]})
    user = Person.objects.get(pk=user.pk)
    assert user.has_perm("audit.view") and not user.has_perm("persons.view")
    expire_all_rules(user)
    user = Person.objects.get(pk=user.pk)
    assert not user.has_perm("audit.view") and user.has_perm("persons.view")
    body = client_for(admin).get(permissions_url(user)).json()
    assert body["granted"] == [] and body["denied"] == []
    assert {rule["key"]: rule["active"] for rule in body["rules"]} == {"audit.view": False, "persons.view": False}


@pytest.mark.django_db
def test_a_rule_that_expires_while_the_person_object_lives_stops_counting(user):
    """The backend's cache is keyed by the rules in force, worked out at each check."""
    soon = timezone.now() + dt.timedelta(hours=1)
    user.permission_overrides = {"audit.view": ["grant", soon.isoformat()]}
    assert user.has_perm("audit.view")
    user.permission_overrides = {"audit.view": ["grant", (timezone.now() - dt.timedelta(seconds=1)).isoformat()]}
    assert not user.has_perm("audit.view")


@pytest.mark.django_db
def test_a_date_means_through_that_day_and_the_past_is_refused(admin, user):
    api = client_for(admin)
    body = patch(api, user, {"granted": [{"key": "audit.view", "expires_at": "2999-06-30"}]}).json()
    assert body["rules"][0]["expires_at"].startswith("2999-07-01T00:00:00")
    # ... and the end of the calendar is a 400, not a 500: the day after 9999-12-31, and an instant that is
    # still 9999 in its own offset but 10000 in UTC.
    for bad in ("2001-01-01", "2001-01-01T10:00:00", "tomorrow", 12, "9999-12-31", "9999-12-31T23:00:00-05:00"):
        response = patch(api, user, {"granted": [{"key": "audit.view", "expires_at": bad}]})
        assert_field_error(response, "granted")


# Explain -------------------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_explain_names_the_rule_behind_each_key(admin, user):
    api = client_for(admin)
    body = patch(api, user, {"granted": [{"key": "audit.view", "expires_at": FUTURE}, "persons.view"],
                             "denied": ["persons.change.self", "persons.delete"], "reason": "trial"},
                 explain=1).json()
    explain = body["explain"]
    assert set(explain) == set(body["effective"]) | {"persons.change.self", "persons.delete"}
    assert explain["departments.view"] == {"rule": "role:user", "overrides": None, "stored_rule": None}
    grant = explain["audit.view"]
    assert grant["rule"] == "grant" and grant["overrides"] is None
    assert grant["stored_rule"]["expires_at"] == "2999-01-01T00:00:00"
    assert grant["stored_rule"]["set_by_id"] == str(admin.pk) and grant["stored_rule"]["reason"] == "trial"
    assert grant["stored_rule"]["set_at"]
    # A grant of what the role holds anyway: the role explains it, the grant is shown beside it.
    assert explain["persons.view"]["rule"] == "role:user"
    assert explain["persons.view"]["stored_rule"]["effect"] == "grant"
    assert explain["persons.change.self"]["rule"] == "deny"
    assert explain["persons.change.self"]["overrides"] == "role:user"
    assert explain["persons.delete"] == {**explain["persons.delete"], "rule": "deny", "overrides": None}
    assert "explain" not in api.get(permissions_url(user)).json()
    assert api.get(permissions_url(user) + "?explain=true").json()["explain"] == explain
    assert_field_error(api.get(permissions_url(user) + "?explain=maybe"), "explain")


# Audit ---------------------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_one_audit_row_per_change_with_actor_diff_and_reason(admin, user):
    api = client_for(admin)
    patch(api, user, {"granted": ["audit.view"], "reason": "covering for Ana"})
    patch(api, user, {"granted": [{"key": "audit.view", "expires_at": FUTURE}], "denied": ["persons.view"],
                      "reason": "until the audit ends"})
    rows = list(AuditEntry.objects.filter(action="person.permissions_changed").order_by("id"))
    assert len(rows) == 2
    first, second = rows
    assert (first.actor_id, first.target_id, first.reason) == (admin.pk, str(user.pk), "covering for Ana")
    assert first.changes == {"granted": [{}, {"audit.view": None}]}
    assert second.changes["granted"][0] == {"audit.view": None}
    assert list(second.changes["granted"][1]) == ["audit.view"] and second.changes["granted"][1]["audit.view"]
    assert second.changes["denied"] == [{}, {"persons.view": None}]
    assert second.reason == "until the audit ends"
    # Saying again what holds changes nothing and records nothing; rules keep who set them and when.
    created = PersonPermissionRule.objects.get(key="persons.view").created_at
    patch(api, user, {"denied": ["persons.view"], "reason": "again"})
    patch(api, user, {"granted": [{"key": "audit.view", "expires_at": FUTURE}], "reason": "again"})
    assert AuditEntry.objects.filter(action="person.permissions_changed").count() == 2
    assert PersonPermissionRule.objects.get(key="persons.view").created_at == created


# Bad input -----------------------------------------------------------------------------------------------

@pytest.mark.django_db
@pytest.mark.parametrize(("body", "field", "named"), [
    ({"granted": ["persons.teleport"]}, "granted", "persons.teleport"),
    ({"denied": ["audit.view", "spells.cast"]}, "denied", "spells.cast"),
    ({"granted": [{"key": "persons.teleport", "expires_at": FUTURE}]}, "granted", "persons.teleport"),
    ({"granted": "audit.view"}, "granted", None),
    ({"granted": [{"name": "audit.view"}]}, "granted", "name"),
    ({"granted": [{}]}, "granted", None),
    ({"granted": [42]}, "granted", None),
    ({"granted": ["audit.view", "audit.view"]}, "granted", "audit.view"),
    ({"grants": ["audit.view"]}, "grants", None),
    ({"granted": [], "reason": 5}, "reason", None),
])
def test_bad_bodies_are_a_400_naming_the_field_and_key(admin, user, body, field, named):
    response = patch(client_for(admin), user, body)
    assert_field_error(response, field)
    if named:
        assert named in response.json()["message"]
    assert not PersonPermissionRule.objects.exists()


@pytest.mark.django_db
def test_unknown_person_is_a_404(admin):
    api = client_for(admin)
    assert api.get("/api/data/persons/not-a-uuid/permissions").status_code == 404
    assert api.patch("/api/data/persons/00000000-0000-0000-0000-000000000000/permissions",
                     {"granted": []}, format="json").status_code == 404


# The `.self` variants and bots ---------------------------------------------------------------------------

@pytest.mark.django_db
def test_a_self_variant_is_its_own_key(admin, user, manager):
    api = client_for(admin)
    # Denying the self variant takes away the own-record right only...
    patch(api, user, {"denied": ["persons.view_desktop_logins.self"]})
    user_api = client_for(Person.objects.get(pk=user.pk))
    assert user_api.get(f"/api/data/persons/{user.pk}/desktop-login-logs").status_code == 403
    # ...granting the base key gives it on everyone, oneself included.
    patch(api, user, {"denied": [], "granted": ["persons.view_desktop_logins"]})
    user_api = client_for(Person.objects.get(pk=user.pk))
    assert user_api.get(f"/api/data/persons/{manager.pk}/desktop-login-logs").status_code == 200
    assert user_api.get(f"/api/data/persons/{user.pk}/desktop-login-logs").status_code == 200
    # Denying the base key leaves the self variant: a manager still reads their own logins, no one else's.
    patch(api, manager, {"denied": ["persons.view_desktop_logins"]})
    manager_api = client_for(Person.objects.get(pk=manager.pk))
    assert manager_api.get(f"/api/data/persons/{manager.pk}/desktop-login-logs").status_code == 200
    assert manager_api.get(f"/api/data/persons/{user.pk}/desktop-login-logs").status_code == 403


@pytest.mark.django_db
def test_humans_only_keys_are_never_granted_to_a_bot(admin, bot):
    api = client_for(admin)
    response = patch(api, bot, {"granted": ["auth.session"]})
    assert_field_error(response, "granted")
    assert "auth.session" in response.json()["message"]
    # Other keys are fine, and denying a humans-only key is harmless.
    response = patch(api, bot, {"granted": ["audit.view"], "denied": ["auth.session"]})
    assert response.status_code == 200, response.content
    assert "audit.view" in response.json()["effective"]
    # A person granted a humans-only key, then turned into a bot, does not hold it as a bot.
    assert "auth.session" not in effective_permissions(role="user", is_bot=True,
                                                       granted=frozenset({"auth.session"}), denied=frozenset())


# Who reads and writes --------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_everyone_reads_their_own_permissions_only(user, manager):
    api = client_for(user)
    body = api.get(permissions_url(user)).json()
    assert body["person_id"] == str(user.pk) and body["effective"] == sorted(user.get_all_permissions())
    # A stranger's permissions are hidden HR data (404); a report's are visible to their line manager, but
    # reading them takes the key (403).
    assert api.get(permissions_url(manager)).status_code == 404
    Person.objects.filter(pk=manager.pk).update(manager=user)
    assert api.get(permissions_url(manager)).status_code == 403


@pytest.mark.django_db
def test_checking_a_permission_costs_no_query(admin, user):
    patch(client_for(admin), user, {"granted": [{"key": "audit.view", "expires_at": FUTURE}],
                                    "denied": ["persons.view"]})
    user = Person.objects.get(pk=user.pk)
    with CaptureQueriesContext(connection) as queries:
        assert user.has_perm("audit.view") and not user.has_perm("persons.view")
        assert user.has_perm("persons.change", user)
    assert len(queries) == 0


# No climbing through the table -----------------------------------------------------------------------------

@pytest.mark.django_db
def test_hr_gives_only_keys_it_holds(hr, user):
    api = client_for(hr)
    assert patch(api, user, {"granted": ["audit.view"]}).status_code == 200
    for key in ("organisations.change", "salary_scales.view", "persons.delete", "persons.grant_any_permission"):
        response = patch(api, user, {"granted": ["audit.view", key]})
        assert response.status_code == 403, key
        assert key in response.json()["message"]
    assert list(PersonPermissionRule.objects.values_list("key", flat=True)) == ["audit.view"]


@pytest.mark.django_db
def test_hr_does_not_lift_a_denial_of_a_key_it_lacks(admin, hr):
    manager = ManagerFactory(email="mona@example.com")
    patch(client_for(admin), manager, {"denied": ["projects.change"]})
    response = patch(client_for(hr), manager, {"denied": []})
    assert response.status_code == 403 and "projects.change" in response.json()["message"]
    # Denying is taking away: HR may deny the manager keys it does not hold itself.
    assert patch(client_for(hr), manager, {"denied": ["projects.change", "tasks.create"]}).status_code == 200


@pytest.mark.django_db
def test_hr_gives_no_role_above_its_keys(hr, user):
    api = client_for(hr)
    for role in ("admin", "manager", "supervisor"):
        response = api.patch(f"/api/data/persons/{user.pk}/role", {"role": role}, format="json")
        assert response.status_code == 403, role
    for role in ("client", "vendor", "hr", "user"):
        assert api.patch(f"/api/data/persons/{user.pk}/role", {"role": role}, format="json").status_code == 200
    # Nor to itself, nor through a PUT or a new person.
    assert api.put(f"/api/data/persons/{hr.pk}", {"role": "admin"}, format="json").status_code == 403
    response = api.post("/api/data/persons", {"first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com",
                                             "role": "admin"},
                        format="json")
    assert response.status_code == 403 and "organisations.change" in response.json()["message"]
    assert not Person.objects.filter(email="ada@example.com").exists()
    assert Person.objects.get(pk=hr.pk).role == Role.HR


@pytest.mark.django_db
def test_admins_give_any_role_and_key(admin, user):
    api = client_for(admin)
    assert api.patch(f"/api/data/persons/{user.pk}/role", {"role": "manager"}, format="json").status_code == 200
    # A key the admin role lacks (it sees every project's time through time_spents.view).
    assert patch(api, user, {"granted": ["time_spents.view_projects"]}).status_code == 200


@pytest.mark.django_db
def test_hr_does_not_change_an_admin_whatever_their_state(hr):
    chief = AdminFactory(email="chief@example.com")
    api = client_for(hr)
    refused = [
        api.put(f"/api/data/persons/{chief.pk}", {"phone": "+33 1 00 00 00 00"}, format="json"),
        api.patch(f"/api/data/persons/{chief.pk}/admin-profile", {"email": "hr@example.com"}, format="json"),
        api.post(f"/api/actions/persons/{chief.pk}/lock", {}, format="json"),
        api.patch(f"/api/data/persons/{chief.pk}/role", {"role": "user"}, format="json"),
        patch(api, chief, {"denied": ["organisations.change"]}),
        api.post(f"/api/actions/persons/{chief.pk}/teams/assign-all"),
    ]
    assert [response.status_code for response in refused] == [403] * len(refused)
    assert "organisations.change" in refused[0].json()["message"]
    # A suspended admin is still an admin: HR cannot bring them back, nor edit them meanwhile.
    Person.objects.filter(pk=chief.pk).update(status=PersonStatus.SUSPENDED, active=False)
    assert api.post(f"/api/actions/persons/{chief.pk}/activate").status_code == 403
    assert api.put(f"/api/data/persons/{chief.pk}", {"email": "hr@example.com"}, format="json").status_code == 403
    chief.refresh_from_db()
    assert chief.status == PersonStatus.SUSPENDED and chief.email == "chief@example.com"
    assert not AuditEntry.objects.filter(target_id=str(chief.pk)).exclude(action="person.created").exists()


@pytest.mark.django_db
def test_a_person_granted_a_guarded_key_is_guarded_too(admin, hr, user):
    patch(client_for(admin), user, {"granted": ["salary_scales.change"]})
    response = client_for(hr).put(f"/api/data/persons/{user.pk}", {"phone": "+33 1 00 00 00 00"}, format="json")
    assert response.status_code == 403 and "salary_scales.change" in response.json()["message"]


@pytest.mark.django_db
def test_the_system_gives_anything(user):
    person = person_set_permission_rules(acting_user=None, person=user, body={"granted": ["organisations.change"]})
    assert person.has_perm("organisations.change")
    assert AuditEntry.objects.get(action="person.permissions_changed").actor_id is None


@pytest.mark.django_db
def test_hr_manages_other_persons_records_and_states(hr):
    artist = PersonFactory(email="artie@example.com")
    api = client_for(hr)
    assert api.put(f"/api/data/persons/{artist.pk}", {"daily_salary": 300, "contract_type": "freelance"},
                   format="json").status_code == 200
    assert api.post(f"/api/actions/persons/{artist.pk}/suspend", {"reason": "leave"}, format="json").status_code == 200
    artist.refresh_from_db()
    assert (artist.daily_salary, artist.contract_type, artist.status) == (300, "freelance", PersonStatus.SUSPENDED)


@pytest.mark.django_db
def test_hr_takes_no_token_of_a_bot_whose_keys_it_lacks(hr, admin):
    """A bot's fresh token is handed to whoever (re)set its expiry: HR turning a production manager into a bot,
    or renewing a manager bot's token, would hold the production's keys (projects.change, tasks.create)."""
    production_manager = ManagerFactory(email="mona@example.com")
    manager_bot = PersonFactory(bot=True, role=Role.MANAGER, first_name="Render")
    api = client_for(hr)
    for person, body in ((production_manager, {"is_bot": True, "expiration_date": None}),
                         (manager_bot, {"expiration_date": None})):
        response = api.put(f"/api/data/persons/{person.pk}", body, format="json")
        assert response.status_code == 403, response.content
        assert "projects.change" in response.json()["message"] and "access_token" not in response.json()
    assert not Person.objects.get(pk=production_manager.pk).is_bot
    assert not AuditEntry.objects.filter(action="person.updated").exists()
    # A bot with HR's keys or fewer, HR may renew; an admin renews any.
    artist_bot = PersonFactory(bot=True, role=Role.USER, first_name="Sync")
    response = api.put(f"/api/data/persons/{artist_bot.pk}", {"expiration_date": None}, format="json")
    assert response.status_code == 200 and response.json()["access_token"]
    response = client_for(admin).put(f"/api/data/persons/{manager_bot.pk}", {"expiration_date": None},
                                     format="json")
    assert response.status_code == 200 and response.json()["access_token"]


@pytest.mark.django_db
def test_hr_moves_no_sign_in_identity_of_someone_whose_keys_it_lacks(hr, admin):
    """Repointing a production manager's email (or desktop login, or LDAP entry) at an address HR controls, then
    asking for a reset link, would hand HR the manager's keys: refused, nothing saved, no audit row; an artist's
    email HR may change, an admin anyone's."""
    production_manager = ManagerFactory(email="mona@example.com", desktop_login="mona")
    api = client_for(hr)
    for body in ({"email": "hr-controlled@example.com"}, {"desktop_login": "hr.alias"},
                 {"authentication_method": "ldap", "ldap_uid": "hr-entry"}):
        response = api.put(f"/api/data/persons/{production_manager.pk}", body, format="json")
        assert response.status_code == 403, response.content
        assert "projects.change" in response.json()["message"]
    stored = Person.objects.get(pk=production_manager.pk)
    assert (stored.email, stored.desktop_login, stored.authentication_method) == (
        "mona@example.com", "mona", "password")
    assert not AuditEntry.objects.filter(action="person.updated").exists()
    # Other fields of the same person stay HR's to change, and the unchanged email may be sent back as is.
    response = api.put(f"/api/data/persons/{production_manager.pk}",
                       {"email": "mona@example.com", "phone": "+33 1 23 45 67 89"}, format="json")
    assert response.status_code == 200, response.content
    artist = PersonFactory(email="art@example.com")
    assert api.put(f"/api/data/persons/{artist.pk}", {"email": "art2@example.com"},
                   format="json").status_code == 200
    assert client_for(admin).put(f"/api/data/persons/{production_manager.pk}", {"email": "mona2@example.com"},
                                 format="json").status_code == 200


@pytest.mark.django_db
def test_a_grant_given_ends_by_the_end_of_the_givers_own(admin, hr, user):
    """HR holding `persons.delete` only until a date (a grant from an admin) may pass it on until that date at
    the latest, never for good nor longer; a key its role holds it gives without an end."""
    until = (timezone.now() + dt.timedelta(days=10)).replace(microsecond=0)
    response = patch(client_for(admin), hr, {"granted": [{"key": "persons.delete", "expires_at": until.isoformat()}],
                                             "reason": "clean-up week"})
    assert response.status_code == 200, response.content
    hr_api = client_for(Person.objects.get(pk=hr.pk))
    for end in (None, (until + dt.timedelta(days=1)).isoformat()):
        refused = patch(hr_api, user, {"granted": [{"key": "persons.delete", "expires_at": end}], "reason": "help"})
        assert refused.status_code == 403 and "persons.delete" in refused.json()["message"], refused.content
    assert not PersonPermissionRule.objects.filter(person=user).exists()
    within = patch(hr_api, user, {"granted": [{"key": "persons.delete",
                                               "expires_at": (until - dt.timedelta(days=1)).isoformat()},
                                              "persons.invite"], "reason": "help"})
    assert within.status_code == 200, within.content
    assert set(PersonPermissionRule.objects.filter(person=user).values_list("key", flat=True)) == {
        "persons.delete", "persons.invite"}


@pytest.mark.django_db
def test_zou_s_admin_to_admin_rules_follow_the_keys_not_the_role_name(admin, user):
    """Zou refuses an admin setting another admin's password or turning off their 2FA: Roster asks whether the
    target holds those keys, so a person granted them is covered like an admin."""
    assert patch(client_for(admin), user, {"granted": ["persons.set_password", "persons.disable_two_factor"],
                                           "reason": "second HR tools operator"}).status_code == 200
    Person.objects.filter(pk=user.pk).update(totp_enabled=True)
    api = client_for(AdminFactory())
    refused = api.post(f"/api/actions/persons/{user.pk}/change-password",
                       {"password": "an0ther-Passw0rd!", "password_2": "an0ther-Passw0rd!"}, format="json")
    assert refused.status_code == 400 and "admin" in refused.json()["message"], refused.content
    refused = api.delete(f"/api/actions/persons/{user.pk}/disable-two-factor-authentication")
    assert refused.status_code == 400 and "2FA" in refused.json()["message"], refused.content
    # Without the grants, the same admin may.
    assert patch(client_for(admin), user, {"granted": [], "reason": "done"}).status_code == 200
    assert api.delete(f"/api/actions/persons/{user.pk}/disable-two-factor-authentication").status_code == 200
