"""A person's teams (seed 004): join one, leave one, join every team, leave them all. Each change that changes
something is audited; asking again for what already holds changes nothing and records nothing. Each write
holds the person's row, so two at once cannot both find a team missing and both record joining it."""

import uuid

from django.db import transaction
from django.utils import timezone

from audit.services import audit_record
from config.errors import field_error
from departments.models import Team
from people.models import Person, PersonTeam
from people.services.escalation import ensure_may_manage
from people.services.persons import person_locked_for_update


def _team(team_id) -> Team:
    try:
        return Team.objects.get(pk=uuid.UUID(str(team_id)))
    except (ValueError, TypeError, AttributeError, Team.DoesNotExist):
        raise field_error("team_id", "Team ID matches no team.") from None


def _record(*, acting_user: Person, person: Person, joined: list[str], left: list[str]) -> None:
    if not joined and not left:
        return
    Person.objects.filter(pk=person.pk).update(updated_at=timezone.now())
    action = "person.teams_joined" if joined else "person.teams_left"
    audit_record(actor=acting_user, action=action, target=person, target_type="person",
                 changes={"teams": [sorted(left) or None, sorted(joined) or None]})


@transaction.atomic
def person_join_team(*, acting_user: Person, person: Person, team_id) -> None:
    team = _team(team_id)
    person = person_locked_for_update(person)
    ensure_may_manage(acting_user=acting_user, person=person)
    _, joined = PersonTeam.objects.get_or_create(person=person, team=team)
    _record(acting_user=acting_user, person=person, joined=[str(team.pk)] if joined else [], left=[])


@transaction.atomic
def person_leave_team(*, acting_user: Person, person: Person, team_id) -> None:
    team = _team(team_id)
    person = person_locked_for_update(person)
    ensure_may_manage(acting_user=acting_user, person=person)
    removed, _ = PersonTeam.objects.filter(person=person, team=team).delete()
    _record(acting_user=acting_user, person=person, joined=[], left=[str(team.pk)] if removed else [])


@transaction.atomic
def person_join_all_teams(*, acting_user: Person, person: Person) -> None:
    """Every team that is not archived."""
    person = person_locked_for_update(person)
    ensure_may_manage(acting_user=acting_user, person=person)
    current = set(PersonTeam.objects.filter(person=person).values_list("team_id", flat=True))
    missing = list(Team.objects.filter(archived=False).exclude(pk__in=current).values_list("pk", flat=True))
    PersonTeam.objects.bulk_create([PersonTeam(person=person, team_id=pk) for pk in missing],
                                   ignore_conflicts=True)
    _record(acting_user=acting_user, person=person, joined=[str(pk) for pk in missing], left=[])


@transaction.atomic
def person_leave_all_teams(*, acting_user: Person, person: Person) -> None:
    person = person_locked_for_update(person)
    ensure_may_manage(acting_user=acting_user, person=person)
    memberships = PersonTeam.objects.filter(person=person)
    left = [str(pk) for pk in memberships.values_list("team_id", flat=True)]
    memberships.delete()
    _record(acting_user=acting_user, person=person, joined=[], left=left)
