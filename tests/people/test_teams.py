"""Teams (seed 004): a catalog under /api/data/teams, memberships through the person actions, listed in the safe
form with relations, every change audited once."""

import pytest

from audit.models import AuditEntry
from departments.models import Team
from people.models import PersonTeam
from tests.conftest import assert_field_error

pytestmark = pytest.mark.django_db


@pytest.fixture
def crews(db):
    return [Team.objects.create(name=name) for name in ("Crew A", "Crew B")] + [
        Team.objects.create(name="Old crew", archived=True)]


def team_ids(admin_api, person) -> list[str]:
    return admin_api.get(f"/api/data/persons/{person.pk}").json()["teams"]


def test_join_and_leave_a_team(admin, admin_api, user, crews):
    crew = crews[0]
    path = f"/api/actions/persons/{user.pk}/teams/{crew.pk}"
    first = admin_api.post(path)
    assert first.status_code == 201 and first.json()["teams"] == [str(crew.pk)]
    assert admin_api.post(path).status_code == 201  # again: nothing changes
    assert team_ids(admin_api, user) == [str(crew.pk)]
    assert admin_api.delete(path).status_code == 204
    assert admin_api.delete(path).status_code == 204
    assert team_ids(admin_api, user) == []
    trail = AuditEntry.objects.filter(target_id=str(user.pk), action__startswith="person.teams_")
    assert sorted((e.action, str(e.changes)) for e in trail) == sorted([
        ("person.teams_joined", str({"teams": [None, [str(crew.pk)]]})),
        ("person.teams_left", str({"teams": [[str(crew.pk)], None]})),
    ])
    assert {e.actor_id for e in trail} == {admin.pk}


def test_join_every_open_team_then_leave_them_all(admin_api, user, crews):
    response = admin_api.post(f"/api/actions/persons/{user.pk}/teams/assign-all")
    assert response.status_code == 201
    assert sorted(response.json()["teams"]) == sorted(str(team.pk) for team in crews[:2])  # not the archived one
    assert admin_api.delete(f"/api/actions/persons/{user.pk}/teams/remove-all").status_code == 204
    assert not PersonTeam.objects.filter(person=user).exists()
    assert AuditEntry.objects.filter(target_id=str(user.pk), action="person.teams_left").count() == 1


@pytest.mark.parametrize("team_id", ["not-a-uuid", "5f1b3c9e-0000-4000-8000-000000000000"])
def test_an_unknown_team_is_a_400_naming_it(admin_api, user, team_id):
    assert_field_error(admin_api.post(f"/api/actions/persons/{user.pk}/teams/{team_id}"), "team_id")


def test_the_forms_list_teams_only_with_relations_and_in_joining_order(admin_api, user_api, user, crews):
    for crew in reversed(crews[:2]):
        admin_api.post(f"/api/actions/persons/{user.pk}/teams/{crew.pk}")
    expected = [str(crews[1].pk), str(crews[0].pk)]
    listed = {row["id"]: row for row in admin_api.get("/api/data/persons?relations=true").json()}
    assert listed[str(user.pk)]["teams"] == expected
    paged = admin_api.get("/api/data/persons?relations=true&page=1&limit=100").json()["data"]
    assert {row["id"]: row["teams"] for row in paged}[str(user.pk)] == expected
    assert team_ids(admin_api, user) == expected
    assert all("teams" not in row for row in admin_api.get("/api/data/persons").json())
    # The minimal form (what a non-admin lists) carries no teams.
    minimal = user_api.get("/api/data/persons?relations=true").json()
    assert minimal and all("departments" in row and "teams" not in row for row in minimal)


def test_a_team_with_members_cannot_be_deleted(admin_api, user, crews):
    admin_api.post(f"/api/actions/persons/{user.pk}/teams/{crews[0].pk}")
    response = admin_api.delete(f"/api/data/teams/{crews[0].pk}")
    assert response.status_code == 400 and Team.objects.filter(pk=crews[0].pk).exists()


def test_the_catalog_speaks_zous_crud(admin_api, user_api):
    created = admin_api.post("/api/data/teams", {"name": "Rigging guild", "description": "Riggers of all shows"},
                             format="json")
    assert created.status_code == 201
    body = created.json()
    assert (body["type"], body["name"], body["archived"]) == ("Team", "Rigging guild", False)
    assert [team["name"] for team in user_api.get("/api/data/teams", {"name": "rigging GUILD"}).json()] == ["Rigging guild"]
    assert_field_error(admin_api.post("/api/data/teams", {"name": "Rigging guild"}, format="json"), "name")


@pytest.mark.django_db(transaction=True)
def test_parallel_joins_of_every_team_record_one_change(admin, user, crews, monkeypatch):
    """Both calls are held after reading the memberships until the other arrives (or a second passes): without
    the person's row lock, both found the teams missing and both recorded joining them."""
    from concurrent.futures import ThreadPoolExecutor
    from threading import Barrier, BrokenBarrierError

    from django.db import connections

    from people.services import teams

    both_read = Barrier(2, timeout=1)
    bulk_create = PersonTeam.objects.bulk_create

    def bulk_create_once_both_read(rows, **options):
        try:
            both_read.wait()
        except BrokenBarrierError:  # the other call waits for the row lock this one holds
            pass
        return bulk_create(rows, **options)

    monkeypatch.setattr(PersonTeam.objects, "bulk_create", bulk_create_once_both_read)

    def join_all(_):
        try:
            teams.person_join_all_teams(acting_user=admin, person=user)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(join_all, range(2)))
    assert AuditEntry.objects.filter(target_id=str(user.pk), action="person.teams_joined").count() == 1
    assert PersonTeam.objects.filter(person=user).count() == 2
