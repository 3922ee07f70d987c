"""`manage.py import_csv DIR`: load a studio's history from a folder of CSV files (see timetracking.importing
and /work/shared/docs/csv-import.md). One transaction: the first bad row aborts it, naming its file, line and
column, and nothing is kept. Progress goes to stderr, the per-file counts to stdout."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from timetracking.importing import FileReport, ImportFailed, Progress, csv_import

BAR_WIDTH = 30


class StderrProgress(Progress):
    """One line per file, redrawn in place as its rows go in: `time_spents.csv [#####.....] 120000/300000`."""

    def __init__(self, stream):
        self.stream = stream

    def _draw(self, name: str, done: int, total: int, end: str = "") -> None:
        filled = BAR_WIDTH if total == 0 else BAR_WIDTH * done // total
        self.stream.write(f"\r{name:<24} [{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {done}/{total}{end}",
                          ending="")
        self.stream.flush()

    def reading(self, name: str) -> None:
        self.stream.write(f"\r{name:<24} reading and checking the rows...", ending="")
        self.stream.flush()

    def start(self, name: str, total: int) -> None:
        self._draw(name, 0, total)

    def advance(self, name: str, done: int, total: int) -> None:
        self._draw(name, done, total)

    def finish(self, report: FileReport) -> None:
        written = report.created + report.updated
        self._draw(report.name, written, written,
                   f"  created {report.created}, updated {report.updated}, unchanged {report.unchanged}\n")


class Command(BaseCommand):
    help = "Import departments, persons, a project, its entities, tasks and time data from a folder of CSV files."

    def add_arguments(self, parser):
        parser.add_argument("directory", help="The folder holding the CSV files.")

    def handle(self, *args, **options):
        self.stderr.style_func = None  # progress, not errors: no red
        try:
            report = csv_import(directory=Path(options["directory"]), progress=StderrProgress(self.stderr))
        except ImportFailed as exc:
            raise CommandError(f"Import aborted, nothing was changed: {exc}") from None
        for file_report in report.files:
            self.stdout.write(file_report.summary())
        self.stdout.write(f"Imported in {report.seconds:.1f}s: {report.created} created, {report.updated} updated.")
