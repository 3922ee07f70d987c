"""Carrying out a sync plan: one transaction, one savepoint per action, so an action the database refuses
(a login taken meanwhile, the user limit reached) fails alone and is reported, while the others apply. Each
row is re-read locked and re-checked before it changes: the plan was made from a snapshot, and people may
have acted since. Persons are never deleted; each change writes one audit row, named after the run."""

from dataclasses import dataclass

from django.db import IntegrityError, connection, transaction

from audit.context import system_run_origin
from audit.services import audit_record
from config.errors import ApplicationError
from people.ldap.models import SyncOutcome, SyncRun
from people.ldap.plan import ActionKind, PlannedAction, SyncPlan
from people.models import AuthenticationMethod, Person, PersonStatus
from people.services import persons as person_services
from people.services.lifecycle import person_deactivate_by_system
from people.services.reset_tokens import password_reset_tokens_void

# Serialises applying syncs across processes (a beat run and an operator's): an arbitrary constant.
SYNC_APPLY_LOCK_ID = 0x4C444150


class SyncBusy(Exception):
    """Another sync is applying its plan right now."""


@dataclass
class ActionOutcome:
    action: PlannedAction
    outcome: str
    message: str = ""
    person_id: object = None


def _locked_managed_person(action: PlannedAction) -> Person:
    person = Person.objects.select_for_update().filter(pk=action.person_id).first()
    if person is None:
        raise ApplicationError("the person no longer exists")
    if not person.is_generated_from_ldap or person.ldap_uid not in {action.ldap_uid, action.previous_ldap_uid}:
        raise ApplicationError("the person is no longer managed by the LDAP sync")
    return person


def _create(action: PlannedAction, run: SyncRun) -> tuple[str, object]:
    data = {**action.create_data, "is_generated_from_ldap": True, "ldap_uid": action.ldap_uid,
            "authentication_method": AuthenticationMethod.LDAP}
    result = person_services.person_create(acting_user=None, data=data)
    return "", result.person.pk


def _update(action: PlannedAction, run: SyncRun) -> tuple[str, object]:
    person = _locked_managed_person(action)
    wanted = {name: after for name, (_, after) in action.changes.items()}
    if "email" in wanted:
        person_services._check_identifier_free("email", wanted["email"], is_bot=False, exclude_pk=person.pk)
    if "desktop_login" in wanted:
        person_services._check_identifier_free("desktop_login", wanted["desktop_login"], is_bot=False,
                                               exclude_pk=person.pk)
    changes = {name: [getattr(person, name), after] for name, after in wanted.items()
               if getattr(person, name) != after}
    if not changes:
        return "already up to date", person.pk
    for name, (_, after) in changes.items():
        setattr(person, name, after)
    person.save(update_fields=[*changes, "updated_at"])
    audit_record(actor=None, action="person.updated", target=person, target_type="person", changes=changes,
                 reason=f"{run}: changed in the directory")
    if "email" in changes:
        password_reset_tokens_void(person=person)
    return "", person.pk


def _deactivate(action: PlannedAction, run: SyncRun) -> tuple[str, object]:
    person = _locked_managed_person(action)
    if person.is_protected_account:
        raise ApplicationError("a protected account is never deactivated")
    if not person.active:
        return f"already {person.status}", person.pk
    person_deactivate_by_system(person, action="person.ldap_deactivated", reason=f"{run}: gone from the directory")
    return "", person.pk


def _reactivate(action: PlannedAction, run: SyncRun) -> tuple[str, object]:
    person = _locked_managed_person(action)
    if person.status != PersonStatus.INACTIVE:
        return f"not reactivated: the account is {person.status}", person.pk
    if not person.is_guest:
        person_services.check_user_limit()
    person.status, person.active = PersonStatus.ACTIVE, True
    person.save(update_fields=["status", "active", "updated_at"])
    audit_record(actor=None, action="person.ldap_reactivated", target=person, target_type="person",
                 changes={"status": [PersonStatus.INACTIVE, PersonStatus.ACTIVE], "active": [False, True]},
                 reason=f"{run}: back in the directory")
    return "", person.pk


def _add_department(action: PlannedAction, run: SyncRun) -> tuple[str, object]:
    person = _locked_managed_person(action)
    person_services.person_add_department(acting_user=None, person=person, department_id=action.department_id)
    return "", person.pk


def _remove_department(action: PlannedAction, run: SyncRun) -> tuple[str, object]:
    person = _locked_managed_person(action)
    person_services.person_remove_department(acting_user=None, person=person, department_id=action.department_id)
    return "", person.pk


APPLY = {
    ActionKind.CREATE: _create,
    ActionKind.UPDATE: _update,
    ActionKind.DEACTIVATE: _deactivate,
    ActionKind.REACTIVATE: _reactivate,
    ActionKind.ADD_DEPARTMENT: _add_department,
    ActionKind.REMOVE_DEPARTMENT: _remove_department,
}


def sync_apply(*, run: SyncRun, plan: SyncPlan) -> list[ActionOutcome]:
    """Apply every action but the conflicts (which are only reported); returns each one's outcome."""
    outcomes = []
    with system_run_origin(run_id=run.audit_request_id, actor_label=str(run)), transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [SYNC_APPLY_LOCK_ID])
                if not cursor.fetchone()[0]:
                    raise SyncBusy("Another LDAP sync is applying its plan: nothing was applied by this one.")
        for action in plan.in_apply_order():
            try:
                with transaction.atomic():
                    message, person_id = APPLY[action.kind](action, run)
            except ApplicationError as exc:
                outcomes.append(ActionOutcome(action, SyncOutcome.FAILED, exc.message, action.person_id))
            except IntegrityError as exc:
                outcomes.append(ActionOutcome(action, SyncOutcome.FAILED, f"refused by the database: {exc}",
                                              action.person_id))
            else:
                outcomes.append(ActionOutcome(action, SyncOutcome.DONE, message, person_id))
    return outcomes
