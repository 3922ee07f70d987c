"""One sync run from start to end, for the command and the beat alike: read the directory, plan, show the
plan, refuse what is unsafe, ask, apply, and record all of it in a SyncRun.

Safety rules, in the order they apply:
- a directory that cannot be read completely (bind refused, an error on any page, a mapped group missing)
  fails the run before any plan exists: a partial read deactivates no one, even with --force;
- an empty answer, or more deactivations than LDAP_MAX_DEACTIVATE (or --max-deactivate), refuses to apply
  unless forced;
- the caller confirms (the command asks on a terminal, or takes --yes).
Persons are never deleted, and only the persons the sync created are ever changed (people.ldap.plan)."""

import logging
from collections.abc import Callable

from django.db.models import Q
from django.utils import timezone

from audit.models import AuditEntry
from departments.models import Department
from people.ldap.apply import SyncBusy, sync_apply
from people.ldap.config import DeactivationLimit, LdapConfig, LdapConfigError, ldap_config
from people.ldap.directory import DirectoryError, DirectoryRead, directory_read
from people.ldap.models import SyncOutcome, SyncRun, SyncRunAction, SyncStatus, SyncTrigger
from people.ldap.plan import ActionKind, KnownPerson, SyncPlan, plan_compute, plan_refusal
from people.models import Person, PersonDepartment, PersonStatus

logger = logging.getLogger(__name__)

DEACTIVATED_BY_SYNC = "person.ldap_deactivated"


def _left_with_directory(person_ids: list) -> set:
    """Among these persons, those whose latest change of state is the sync's deactivation (the audit log is
    the one place every state change is written: lifecycle, the person form, expiry, the sync)."""
    if not person_ids:
        return set()
    # Newest first; the first row seen per person is their latest state change. (No DISTINCT ON: `make run`
    # serves SQLite. The rows are few: state changes of the inactive LDAP persons only.)
    latest: dict[str, str] = {}
    for target_id, action in (AuditEntry.objects
                              .filter(target_type="person", target_id__in=[str(pk) for pk in person_ids],
                                      changes__has_key="status")
                              .order_by("-at", "-id").values_list("target_id", "action")):
        latest.setdefault(target_id, action)
    return {target_id for target_id, action in latest.items() if action == DEACTIVATED_BY_SYNC}


def _known_persons() -> list[KnownPerson]:
    rows = list(Person.objects.filter(is_generated_from_ldap=True, is_bot=False, ldap_uid__isnull=False)
                .values("id", "ldap_uid", "first_name", "last_name", "email", "desktop_login", "status",
                        "active", "is_bot"))
    memberships: dict = {}
    for person_id, department_id in PersonDepartment.objects.filter(
            person__is_generated_from_ldap=True, person__is_bot=False).values_list("person_id", "department_id"):
        memberships.setdefault(person_id, set()).add(department_id)
    left = _left_with_directory([row["id"] for row in rows if row["status"] == PersonStatus.INACTIVE])
    known = []
    for row in rows:
        person = Person(email=row["email"], is_bot=row["is_bot"])
        known.append(KnownPerson(
            id=row["id"], ldap_uid=row["ldap_uid"], first_name=row["first_name"], last_name=row["last_name"],
            email=row["email"], desktop_login=row["desktop_login"], status=row["status"], active=row["active"],
            protected=person.is_protected_account, department_ids=frozenset(memberships.get(row["id"], ())),
            left_with_directory=str(row["id"]) in left))
    return known


def _taken_identifiers() -> dict:
    taken = {}
    for pk, email, login in Person.objects.filter(is_bot=False).exclude(
            Q(email__isnull=True) & Q(desktop_login="")).values_list("id", "email", "desktop_login"):
        for identifier in (email, login):
            if identifier:
                taken.setdefault(identifier.lower(), pk)
    return taken


def _departments_by_group(config: LdapConfig) -> dict:
    names = set(config.group_departments.values())
    found = {department.name.lower(): department for department in Department.objects.filter(
        Q(*[Q(name__iexact=name) for name in names], _connector=Q.OR))} if names else {}
    missing = sorted(name for name in names if name.lower() not in found)
    if missing:
        raise LdapConfigError(f"LDAP_GROUP_DEPARTMENTS names departments that do not exist: {', '.join(missing)}.")
    return {group: (found[name.lower()].pk, found[name.lower()].name)
            for group, name in config.group_departments.items()}


def _foreign_ldap_uids() -> set[str]:
    """Identities held by persons the sync does not manage (set by hand): never taken over."""
    return set(Person.objects.filter(ldap_uid__isnull=False).filter(
        Q(is_generated_from_ldap=False) | Q(is_bot=True)).values_list("ldap_uid", flat=True))


def sync_plan_build(*, config: LdapConfig, read: DirectoryRead) -> SyncPlan:
    return plan_compute(entries=read.entries, known=_known_persons(), taken_identifiers=_taken_identifiers(),
                        foreign_ldap_uids=_foreign_ldap_uids(),
                        departments_by_group=_departments_by_group(config), email_domain=config.email_domain,
                        skipped_entries=read.skipped)


def _record_actions(run: SyncRun, plan: SyncPlan, outcomes=None) -> None:
    done = {id(outcome.action): outcome for outcome in outcomes or ()}
    rows = []
    for action in plan.actions:
        outcome = done.get(id(action))
        changes = dict(action.changes)
        if action.department_id is not None:
            changes = {"departments": [None, action.department_name] if action.kind == ActionKind.ADD_DEPARTMENT
                       else [action.department_name, None]}
        elif action.kind == ActionKind.CREATE and action.department_name:
            changes["departments"] = [None, action.department_name]
        rows.append(SyncRunAction(
            run=run, action=action.kind.value, login=action.login[:255], label=action.label[:300],
            ldap_uid=action.ldap_uid[:60], changes=changes,
            person_id=(outcome.person_id if outcome else None) or action.person_id,
            outcome=(SyncOutcome.REPORTED if action.kind == ActionKind.CONFLICT
                     else outcome.outcome if outcome else SyncOutcome.PLANNED),
            message=" ".join(part for part in (action.reason, outcome.message if outcome else "") if part)))
    SyncRunAction.objects.bulk_create(rows)


def _finish(run: SyncRun, *, status: str, message: str = "", plan: SyncPlan | None = None, outcomes=None,
            errors: list[str] | None = None) -> SyncRun:
    run.status = status
    run.message = message
    run.finished_at = timezone.now()
    if plan is not None:
        run.entries_read = plan.entries_read
        run.counts = plan.counts()
        _record_actions(run, plan, outcomes)
        errors = [*(errors or []), *(f"skipped entry {entry.dn}: {entry.reason}" for entry in plan.skipped_entries)]
    failed = [f"{o.action.kind.value} {o.action.login}: {o.message}" for o in outcomes or ()
              if o.outcome == SyncOutcome.FAILED]
    run.errors = [*(errors or []), *failed]
    run.save()
    log = logger.warning if status in (SyncStatus.FAILED, SyncStatus.REFUSED) else logger.info
    log("%s: %s. %s", run, run.get_status_display(), message)
    return run


def _sentence(text: str) -> str:
    return text if text.endswith(".") else text + "."


def ldap_sync(*, trigger: str = SyncTrigger.COMMAND, dry_run: bool = False, force: bool = False,
              max_deactivate: str | None = None, progress: Callable[[int], None] | None = None,
              show_plan: Callable[[SyncPlan, str | None], None] | None = None,
              confirm: Callable[[SyncPlan], bool] | None = None) -> SyncRun:
    """Run one sync and return its record; the caller reads `run.status`. `confirm` None means "apply
    without asking" (the beat; the command passes it unless --yes)."""
    run = SyncRun.objects.create(trigger=trigger, dry_run=dry_run, forced=force)
    try:
        config = ldap_config()
        limit = (DeactivationLimit.parse(max_deactivate, name="--max-deactivate") if max_deactivate is not None
                 else config.max_deactivate)
    except LdapConfigError as exc:
        return _finish(run, status=SyncStatus.FAILED, message=str(exc), errors=[str(exc)])
    run.directory = config.describe()
    try:
        plan = sync_plan_build(config=config, read=directory_read(config, progress=progress))
    except (DirectoryError, LdapConfigError) as exc:
        return _finish(run, status=SyncStatus.FAILED, errors=[str(exc)],
                       message=f"{_sentence(str(exc))} Nothing was applied: a partial read must not deactivate "
                               f"anyone.")
    refusal = plan_refusal(plan, limit=limit, where=f"base {config.base_dn}, filter {config.user_filter}")
    if show_plan is not None:
        show_plan(plan, refusal)
    if dry_run:
        return _finish(run, status=SyncStatus.DRY_RUN, plan=plan, message="Dry run: nothing was applied."
                       + (f" Applying would be refused: {refusal}" if refusal else ""))
    if refusal and not force:
        return _finish(run, status=SyncStatus.REFUSED, plan=plan, message=refusal)
    if not plan.changes_anything:
        return _finish(run, status=SyncStatus.APPLIED, plan=plan, message="Nothing to change.")
    if confirm is not None and not confirm(plan):
        return _finish(run, status=SyncStatus.CANCELLED, plan=plan, message="Not confirmed: nothing was applied.")
    try:
        outcomes = sync_apply(run=run, plan=plan)
    except SyncBusy as exc:
        return _finish(run, status=SyncStatus.FAILED, plan=plan, message=str(exc), errors=[str(exc)])
    except Exception as exc:  # the transaction rolled back: nothing of this run was applied
        _finish(run, status=SyncStatus.FAILED, plan=plan, errors=[repr(exc)],
                message="Applying failed and was rolled back: nothing was applied.")
        raise
    failed = sum(1 for outcome in outcomes if outcome.outcome == SyncOutcome.FAILED)
    forced = " (forced)" if refusal else ""
    return _finish(run, status=SyncStatus.APPLIED_WITH_ERRORS if failed else SyncStatus.APPLIED, plan=plan,
                   outcomes=outcomes, message=f"Applied{forced}: {len(outcomes) - failed} change(s)"
                   + (f", {failed} failed." if failed else "."))
