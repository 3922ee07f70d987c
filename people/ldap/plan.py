"""The sync's plan: what reading the directory means for Roster's persons, computed without touching the
database (people.ldap.sync loads its inputs; people.ldap.apply carries it out), so every rule is testable
with plain values.

Who the sync manages: persons it created (`is_generated_from_ldap`), matched to entries by `ldap_uid`, the
entry's own identity, so a renamed login or DN is the same person. Nobody else is ever changed: a directory
entry whose login or email belongs to another person is reported as a conflict, not merged."""

import enum
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError

from people import validators
from people.ldap.config import DeactivationLimit
from people.ldap.directory import DirectoryEntry

SYNCED_FIELDS = ("first_name", "last_name", "email", "desktop_login", "ldap_uid")


class ActionKind(enum.StrEnum):
    CREATE = "create"
    UPDATE = "update"
    DEACTIVATE = "deactivate"
    REACTIVATE = "reactivate"
    ADD_DEPARTMENT = "add_department"
    REMOVE_DEPARTMENT = "remove_department"
    CONFLICT = "conflict"  # reported, never applied


# The order a run applies them in: renames and departures free nothing (persons keep their identifiers),
# but updates go before creations so an entry may take a login another entry just gave up.
APPLY_ORDER = [ActionKind.DEACTIVATE, ActionKind.UPDATE, ActionKind.REACTIVATE, ActionKind.CREATE,
               ActionKind.ADD_DEPARTMENT, ActionKind.REMOVE_DEPARTMENT]


@dataclass(frozen=True)
class KnownPerson:
    """A person the sync manages, as the database holds it."""

    id: uuid.UUID
    ldap_uid: str
    first_name: str
    last_name: str
    email: str | None
    desktop_login: str
    status: str
    active: bool
    protected: bool
    department_ids: frozenset[uuid.UUID]
    # Inactive because a sync found the entry gone (its latest state change was the sync's): coming back
    # reactivates it. An account an admin deactivated stays so, whatever the directory says.
    left_with_directory: bool = False


@dataclass(frozen=True)
class PlannedAction:
    kind: ActionKind
    login: str
    label: str  # the person's name, for the table
    ldap_uid: str = ""
    person_id: uuid.UUID | None = None
    changes: dict = field(default_factory=dict)  # {field: [before, after]}
    department_id: uuid.UUID | None = None
    department_name: str = ""
    reason: str = ""
    create_data: dict | None = None  # the new person's fields (CREATE)
    # The identity the person had before this run, when a recreated entry took them over (see plan_compute).
    previous_ldap_uid: str = ""


@dataclass
class SyncPlan:
    actions: list[PlannedAction]
    entries_read: int  # usable person entries (those with a login and an identity)
    active_ldap_persons: int
    skipped_entries: list = field(default_factory=list)

    def of(self, kind: ActionKind) -> list[PlannedAction]:
        return [action for action in self.actions if action.kind == kind]

    def counts(self) -> dict[str, int]:
        return {kind.value: len(self.of(kind)) for kind in ActionKind}

    @property
    def changes_anything(self) -> bool:
        return any(action.kind != ActionKind.CONFLICT for action in self.actions)

    def in_apply_order(self) -> list[PlannedAction]:
        return [action for kind in APPLY_ORDER for action in self.of(kind)]


def entry_email(entry: DirectoryEntry, email_domain: str) -> tuple[str | None, str]:
    """(the person's email, a note when the entry's mail could not be used): its mail, else <login>@domain."""
    note = ""
    if entry.mail:
        try:
            return validators.normalize_email(entry.mail), ""
        except ValidationError:
            note = f"mail {entry.mail!r} is not a valid address"
    if email_domain:
        try:
            return validators.normalize_email(f"{entry.login}@{email_domain}"), note
        except ValidationError:
            note = note or f"{entry.login}@{email_domain} is not a valid address"
    return None, note


def plan_compute(*, entries: Iterable[DirectoryEntry], known: Iterable[KnownPerson],
                 taken_identifiers: dict[str, uuid.UUID], departments_by_group: dict[str, tuple[uuid.UUID, str]],
                 email_domain: str = "", skipped_entries: Iterable = (),
                 foreign_ldap_uids: Iterable[str] = ()) -> SyncPlan:
    """`taken_identifiers`: every non-bot person's email and desktop login, lower case, to the person's id
    (sign-in looks a string up among both, so a new one must be free in both). `departments_by_group`: mapped
    group cn -> (department id, name); only those departments' memberships are managed. `foreign_ldap_uids`:
    identities already held by persons the sync does not manage (set by hand), which it never takes over."""
    foreign_ldap_uids = set(foreign_ldap_uids)
    entries = sorted(entries, key=lambda e: (e.login.lower(), e.ldap_uid))
    skipped_entries = list(skipped_entries)
    known = list(known)
    by_uid = {person.ldap_uid: person for person in known}
    managed_departments = {pk: name for pk, name in departments_by_group.values()}
    actions: list[PlannedAction] = []
    claimed: dict[str, str] = {}  # identifier -> ldap_uid of the entry that claimed it in this run
    seen: set[str] = set()
    # An entry deleted and created again has a new identity but the same login: it is the same person coming
    # back, provided the person's old identity is gone from the directory (else the login was reassigned while
    # its holder is still there, and the new entry is a conflict).
    present = {entry.ldap_uid for entry in entries}
    vanished_by_login = {person.desktop_login.lower(): person for person in known
                         if person.ldap_uid not in present and person.desktop_login}

    def free(identifier: str | None, *, person_id: uuid.UUID | None, ldap_uid: str) -> bool:
        if not identifier:
            return True
        key = identifier.lower()
        holder = taken_identifiers.get(key)
        if holder is not None and holder != person_id:
            return False
        return claimed.setdefault(key, ldap_uid) == ldap_uid

    for entry in entries:
        if entry.ldap_uid in seen:
            continue
        seen.add(entry.ldap_uid)
        person = by_uid.get(entry.ldap_uid)
        if person is None and entry.ldap_uid not in foreign_ldap_uids:
            person = vanished_by_login.pop(entry.login.lower(), None)
            if person is not None:
                seen.add(person.ldap_uid)
        email, email_note = entry_email(entry, email_domain)
        wanted = {"first_name": entry.first_name[:80], "last_name": entry.last_name[:80],
                  "email": email, "desktop_login": entry.login[:80], "ldap_uid": entry.ldap_uid}
        label = " ".join(part for part in (wanted["first_name"], wanted["last_name"]) if part)
        wanted_departments = {departments_by_group[group][0] for group in entry.groups
                              if group in departments_by_group}
        base = {"login": entry.login, "label": label, "ldap_uid": entry.ldap_uid}
        if email_note:
            actions.append(PlannedAction(ActionKind.CONFLICT, **base, person_id=person and person.id,
                                         reason=f"{email_note}: {'no email' if email is None else email} used"))

        if person is None and entry.ldap_uid in foreign_ldap_uids:
            actions.append(PlannedAction(ActionKind.CONFLICT, **base,
                                         reason="not created: a person not managed by the sync has this ldap_uid"))
            continue
        if person is None:
            clashes = [name for name in ("desktop_login", "email")
                       if not free(wanted[name], person_id=None, ldap_uid=entry.ldap_uid)]
            if clashes:
                actions.append(PlannedAction(
                    ActionKind.CONFLICT, **base,
                    reason=f"not created: its {' and '.join(clashes)} belong(s) to another person"))
                continue
            fields = {name: value for name, value in wanted.items() if name != "ldap_uid"}
            actions.append(PlannedAction(
                ActionKind.CREATE, **base, changes={name: [None, value] for name, value in fields.items() if value},
                department_name=", ".join(sorted(departments_by_group[group][1] for group in entry.groups
                                                 if group in departments_by_group)),
                create_data={**fields, "departments": sorted(str(pk) for pk in wanted_departments)}))
            continue

        base["person_id"] = person.id
        if person.ldap_uid != entry.ldap_uid:
            base["previous_ldap_uid"] = person.ldap_uid
        changes = {}
        for name in SYNCED_FIELDS:
            before, after = getattr(person, name), wanted[name]
            if name == "email" and (before or "").lower() == (after or "").lower():
                continue
            if (before or None) == (after or None):
                continue
            if name in ("email", "desktop_login") and not free(after, person_id=person.id, ldap_uid=entry.ldap_uid):
                actions.append(PlannedAction(ActionKind.CONFLICT, **base,
                                             reason=f"{name} not changed to {after!r}: another person has it"))
                continue
            if name == "email" and person.protected:
                actions.append(PlannedAction(ActionKind.CONFLICT, **base,
                                             reason="email not changed: a protected account keeps its email"))
                continue
            changes[name] = [before, after]
        for name in ("email", "desktop_login"):  # what the person keeps stays theirs in this run
            if name not in changes and getattr(person, name):
                claimed.setdefault(getattr(person, name).lower(), entry.ldap_uid)
        if changes:
            actions.append(PlannedAction(ActionKind.UPDATE, **base, changes=changes))
        if not person.active and person.left_with_directory:
            actions.append(PlannedAction(ActionKind.REACTIVATE, **base, changes={"status": [person.status, "active"]},
                                         reason="back in the directory"))
        current = person.department_ids & managed_departments.keys()
        for pk in sorted(wanted_departments - current, key=str):
            actions.append(PlannedAction(ActionKind.ADD_DEPARTMENT, **base, department_id=pk,
                                         department_name=managed_departments[pk]))
        for pk in sorted(current - wanted_departments, key=str):
            actions.append(PlannedAction(ActionKind.REMOVE_DEPARTMENT, **base, department_id=pk,
                                         department_name=managed_departments[pk]))

    for person in sorted(known, key=lambda p: (p.desktop_login.lower(), str(p.id))):
        if person.ldap_uid in seen or not person.active:
            continue
        label = " ".join(part for part in (person.first_name, person.last_name) if part)
        base = {"login": person.desktop_login, "label": label, "ldap_uid": person.ldap_uid, "person_id": person.id}
        if person.protected:
            actions.append(PlannedAction(ActionKind.CONFLICT, **base,
                                         reason="gone from the directory, but a protected account: not deactivated"))
            continue
        actions.append(PlannedAction(ActionKind.DEACTIVATE, **base, changes={"status": [person.status, "inactive"]},
                                     reason="gone from the directory"))

    return SyncPlan(actions=actions, entries_read=len(entries),
                    active_ldap_persons=sum(1 for person in known if person.active),
                    skipped_entries=list(skipped_entries))


def plan_refusal(plan: SyncPlan, *, limit: DeactivationLimit, where: str) -> str | None:
    """Why applying this plan needs --force, or None. `where` names the base DN and filter for the message."""
    if plan.entries_read == 0:
        return (f"The directory returned no person entry ({where}). Nothing is applied: a wrong base DN or "
                f"filter would otherwise deactivate every LDAP person. Check the settings; --force applies anyway.")
    leaving = len(plan.of(ActionKind.DEACTIVATE))
    allowed = limit.allowed(plan.active_ldap_persons)
    if leaving > allowed:
        share = f" ({limit} of {plan.active_ldap_persons} active LDAP persons)" if limit.percent else ""
        persons = "person" if leaving == 1 else "persons"
        return (f"{leaving} {persons} would be deactivated, more than the limit of {allowed}{share}. Nothing is "
                f"applied. If the directory really lost them, rerun with --max-deactivate {leaving} or --force.")
    return None
