"""The bulk CSV import (`manage.py import_csv DIR`, /work/shared/docs/csv-import.md): a studio's people,
production and time history, loaded in one transaction.

How it goes, file by file in the order of their references:
- every cell is parsed and checked in Python first, so a bad row aborts the import naming its file, line and
  column (`time_spents.csv line 17, column duration: must be > 0`), before anything is written;
- ids are kept: the rows already in the database are read back by id (in chunks), and each CSV row is then
  new (inserted), changed (updated) or identical (left alone, `updated_at` included), so a second import of the
  same folder creates nothing and changes nothing;
- new rows go in by COPY on PostgreSQL and by batched INSERTs elsewhere (the embedded SQLite of `make run`);
  the database still checks every constraint, and one it refuses is reported with its file (and line, where
  PostgreSQL names the key);
- at the end the database recomputes each task's `duration` (the sum of its time spent) and each person's
  `last_presence` in one UPDATE each.

Task types, departments (by name), task statuses (by short name) and entity types (by name) that tasks and
entities name are created when missing. Imported persons get an unusable password and the `invited` status when
active (they are invited or reset later), like a person created without a password; an import is an operator's
bulk load, so the per-request user limit does not apply to it."""

import datetime as dt
import time
from pathlib import Path
from typing import Any

from django.db import connection, transaction
from django.db.models import Max
from django.db.models.functions import TruncDate

from audit.models import AuditEntry
from people.models import DesktopLoginLog, Person
from timetracking import services
from timetracking.importing.base import Context, FileReport, ImportFailed, ImportReport, Progress
from timetracking.importing.cells import read_rows
from timetracking.importing.files import IMPORTERS
from timetracking.models import Task, TimeSpent

__all__ = ["FILES", "FileReport", "ImportFailed", "ImportReport", "Progress", "csv_import"]

# The files, in import order, with the files each one refers to.
FILES: dict[str, tuple[str, ...]] = {
    "departments.csv": (),
    "persons.csv": (),
    "department_links.csv": ("persons.csv", "departments.csv"),
    "project.csv": (),
    "entities.csv": ("project.csv",),
    "tasks.csv": ("project.csv", "entities.csv"),
    "task_assignees.csv": ("tasks.csv", "persons.csv"),
    "time_spents.csv": ("persons.csv", "tasks.csv"),
    "day_offs.csv": ("persons.csv",),
    "desktop_login_logs.csv": ("persons.csv",),
}


# After the files ------------------------------------------------------------------------------------

def task_durations_recompute() -> int:
    """Every task's duration = the sum of its time spent, in one UPDATE of the tasks that differ. The sums come
    from one grouped scan of the time spent joined in (PostgreSQL and SQLite >= 3.33 both read UPDATE ... FROM):
    a correlated subquery per task costs a second per few thousand tasks at this volume."""
    task, time_spent = (connection.ops.quote_name(model._meta.db_table) for model in (Task, TimeSpent))
    with connection.cursor() as cursor:
        cursor.execute(f"""
            UPDATE {task} SET duration = totals.total
            FROM (SELECT t.id AS task_id, COALESCE(SUM(ts.duration), 0) AS total
                  FROM {task} t LEFT JOIN {time_spent} ts ON ts.task_id = t.id GROUP BY t.id) totals
            WHERE {task}.id = totals.task_id AND {task}.duration <> totals.total""")
        return cursor.rowcount


def last_presences_recompute() -> int:
    """Move each person's `last_presence` on to their last time spent or desktop login day (zou-api.md 3,
    item 49): the database gives each person's last days in two grouped queries; the persons it moves on are
    written in a few batched UPDATEs."""
    last: dict[Any, dt.date] = {}
    grouped = [
        TimeSpent.objects.order_by().values_list("person_id").annotate(last=Max("date")),
        DesktopLoginLog.objects.order_by().values_list("person_id")
        .annotate(last=Max(TruncDate("date", tzinfo=dt.UTC))),
    ]
    for rows in grouped:
        for person_id, day in rows:
            if day is not None and (person_id not in last or day > last[person_id]):
                last[person_id] = day
    behind = [Person(pk=pk, last_presence=last[pk]) for pk, current in
              Person.objects.order_by().values_list("pk", "last_presence")
              if pk in last and (current is None or current < last[pk])]
    Person.objects.bulk_update(behind, ["last_presence"], batch_size=500)
    return len(behind)


# The import -----------------------------------------------------------------------------------------

def check_files(directory: Path) -> list[str]:
    """The files present, in import order; a file whose references are missing aborts here, before any write."""
    if not directory.is_dir():
        raise ImportFailed(f"{directory}: no such directory")
    present = [name for name in FILES if (directory / name).is_file()]
    if not present:
        raise ImportFailed(f"{directory}: none of the import files is there ({', '.join(FILES)})")
    for name in present:
        for needed in FILES[name]:
            if needed not in present:
                raise ImportFailed(f"{name} refers to {needed}, which is missing from {directory}")
    return present


def csv_import(*, directory: Path, progress: Progress | None = None) -> ImportReport:
    """Load the folder in one transaction; ImportFailed (nothing kept) names the first bad file or row."""
    started = time.monotonic()
    directory = Path(directory)
    present = check_files(directory)
    ctx = Context(directory, progress or Progress())
    with transaction.atomic():
        for name in present:
            columns, importer = IMPORTERS[name]
            ctx.progress.reading(name)
            rows = read_rows(ctx, name, columns)
            report = FileReport(name, rows=len(rows))
            if rows or name == "project.csv":
                importer(ctx, report, rows)
            ctx.reports.append(report)
            ctx.progress.finish(report)
        AuditEntry.objects.bulk_create(ctx.audit_entries, batch_size=1000)
        task_durations_recompute()
        last_presences_recompute()
        # The stored per-person time totals: rebuilt from the rows just imported (the time-spent services keep
        # them in step on every other write).
        services.time_totals_rebuild()
    return ImportReport(files=ctx.reports, seconds=time.monotonic() - started)
