"""`manage.py sync_ldap [--dry-run] [--yes] [--max-deactivate N|N%] [--force]`: bring the LDAP persons in
line with the directory, after showing the plan. See people.ldap.sync for the rules; every run, dry or not,
is recorded (admin: LDAP sync runs)."""

import sys

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from people.ldap.models import SyncStatus, SyncTrigger
from people.ldap.plan import ActionKind, PlannedAction, SyncPlan
from people.ldap.sync import ldap_sync

TITLES = {
    ActionKind.CREATE: "create", ActionKind.UPDATE: "update", ActionKind.DEACTIVATE: "deactivate",
    ActionKind.REACTIVATE: "reactivate", ActionKind.ADD_DEPARTMENT: "+ department",
    ActionKind.REMOVE_DEPARTMENT: "- department", ActionKind.CONFLICT: "conflict",
}


def _details(action: PlannedAction) -> str:
    if action.kind == ActionKind.CREATE:
        email = (action.create_data or {}).get("email") or "no email"
        return f"{email}; departments: {action.department_name}" if action.department_name else email
    if action.kind == ActionKind.UPDATE:
        return "; ".join(f"{name}: {before or '-'} -> {after or '-'}" for name, (before, after)
                         in action.changes.items())
    return action.department_name or action.reason


def plan_table(plan: SyncPlan) -> list[str]:
    rows = [(TITLES[a.kind], a.login, a.label, _details(a)) for a in plan.actions]
    headers = ("Action", "Login", "Name", "Details")
    widths = [max([len(headers[i]), *(len(row[i]) for row in rows)]) for i in range(3)]

    def line(cells):  # the details column last and whole: cutting it would hide what changes
        return "  ".join(cell.ljust(width) for cell, width in zip(cells[:3], widths, strict=True)) + "  " + cells[3]

    return [line(headers), line(tuple("-" * w for w in widths) + ("-" * 7,)), *(line(row) for row in rows)]


class Command(BaseCommand):
    help = "Sync LDAP persons with the directory: show the plan, then apply it (creates, updates, deactivates)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Show the plan and stop: nothing changes.")
        parser.add_argument("--yes", action="store_true", help="Apply without asking for confirmation.")
        parser.add_argument("--max-deactivate", metavar="N|N%",
                            help="Most deactivations to apply without --force (default LDAP_MAX_DEACTIVATE).")
        parser.add_argument("--force", action="store_true",
                            help="Apply even when the directory answered nothing or above the deactivation limit.")

    def handle(self, *args, dry_run=False, yes=False, max_deactivate=None, force=False, **options):
        bar = tqdm(desc="Reading the directory", unit=" entries", file=sys.stderr, disable=None, leave=False)
        try:
            run = ldap_sync(trigger=SyncTrigger.COMMAND, dry_run=dry_run, force=force,
                            max_deactivate=max_deactivate, progress=bar.update,
                            show_plan=lambda plan, refusal: self._show(plan, bar),
                            confirm=None if yes else self._confirm)
        finally:
            bar.close()
        summary = f"{run}: {run.get_status_display()}. {run.message}"
        if run.status in (SyncStatus.DRY_RUN, SyncStatus.APPLIED):
            self.stdout.write(self.style.SUCCESS(summary))
            return
        for error in run.errors:
            self.stderr.write(f"  {error}")
        raise CommandError(summary)

    def _show(self, plan: SyncPlan, bar) -> None:
        bar.close()
        counts = ", ".join(f"{n} {kind.replace('_', ' ')}" for kind, n in plan.counts().items() if n)
        self.stdout.write(f"Read {plan.entries_read} person entries; {plan.active_ldap_persons} LDAP persons "
                          f"are active in Roster. Plan: {counts or 'nothing to change'}.")
        for entry in plan.skipped_entries:
            self.stdout.write(f"  skipped {entry.dn}: {entry.reason}")
        if plan.actions:
            self.stdout.write("\n".join(plan_table(plan)))

    def _confirm(self, plan: SyncPlan) -> bool:
        if not sys.stdin.isatty():
            self.stderr.write("Not applied: no terminal to confirm on. Pass --yes to apply without asking.")
            return False
        answer = input("Apply these changes? [y/N] ").strip().lower()
        return answer in ("y", "yes")
