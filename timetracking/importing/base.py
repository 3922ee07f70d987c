"""The import's shared pieces: its error, its reports, the progress it tells, and the state of a run."""

from dataclasses import dataclass, field
from pathlib import Path

from django.db import connection
from django.utils import timezone

from audit.models import AuditEntry
from timetracking.models import Project

COPY_CHUNK = 20_000  # rows per COPY (PostgreSQL) or executemany (elsewhere), one progress step each
READ_CHUNK = 10_000  # ids per query when reading existing rows back (SQLite: 900, its parameter limit)


class ImportFailed(Exception):
    """A bad row or file: the message names it, and nothing of the import is kept."""


@dataclass
class FileReport:
    name: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    # Catalog rows created because a row named them ("task types: 2", ...).
    side_created: dict[str, int] = field(default_factory=dict)

    def summary(self) -> str:
        text = f"{self.name}: {self.rows} rows, {self.created} created, {self.updated} updated, " \
               f"{self.unchanged} unchanged"
        extra = ", ".join(f"{count} {what}" for what, count in self.side_created.items() if count)
        return f"{text} (also created: {extra})" if extra else text


@dataclass
class ImportReport:
    files: list[FileReport]
    seconds: float

    @property
    def created(self) -> int:
        return sum(report.created for report in self.files)

    @property
    def updated(self) -> int:
        return sum(report.updated for report in self.files)


class Progress:
    """What the import tells as it goes; the command draws it on stderr, tests may collect it."""

    def reading(self, name: str) -> None: ...

    def start(self, name: str, total: int) -> None: ...

    def advance(self, name: str, done: int, total: int) -> None: ...

    def finish(self, report: FileReport) -> None: ...



class Context:
    def __init__(self, directory: Path, progress: Progress):
        self.directory = directory
        self.progress = progress
        self.now = timezone.now()
        self.postgres = connection.vendor == "postgresql"
        self.project: Project | None = None
        self.reports: list[FileReport] = []
        self.audit_entries: list[AuditEntry] = []

    def path(self, name: str) -> Path:
        return self.directory / name

    def present(self, name: str) -> bool:
        return self.path(name).is_file()


def fail(name: str, line: int, column: str | None, message: str) -> ImportFailed:
    where = f"{name} line {line}" + (f", column {column}" if column else "")
    return ImportFailed(f"{where}: {message}")

