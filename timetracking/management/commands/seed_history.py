"""`manage.py seed_history --persons N --time-spents M`: a studio-sized time history (timetracking.seeding),
written in bulk with a progress bar; `seed_demo --persons N --time-spents M` calls it after the demo."""

import sys
import time

from django.core.management.base import BaseCommand, CommandError

from timetracking import seeding


class BarProgress(seeding.Progress):
    """One bar per step, redrawn in place on a terminal, a line every 25% elsewhere."""

    WIDTH = 30

    def __init__(self, stream):
        self.stream = stream
        self.tty = getattr(stream, "isatty", lambda: False)()
        self.label, self.quarter, self.drawn_at = None, 0, 0.0

    def step(self, label, done, total):
        total = max(total, 1)
        share = min(1.0, done / total)
        if label != self.label:
            if self.label is not None and self.tty:
                self.stream.write("\n")
            self.label, self.quarter = label, 0
        if self.tty:
            now = time.monotonic()
            if share < 1.0 and now - self.drawn_at < 0.1:
                return
            self.drawn_at = now
            filled = int(share * self.WIDTH)
            self.stream.write(f"\r{label:15} [{'#' * filled}{'.' * (self.WIDTH - filled)}] "
                              f"{done:>10,}/{total:,}")
        elif int(share * 4) > self.quarter:
            self.quarter = int(share * 4)
            self.stream.write(f"{label}: {done:,}/{total:,}\n")
        self.stream.flush()

    def note(self, text):
        if self.tty and self.label is not None:
            self.stream.write("\n")
            self.label = None
        self.stream.write(text + "\n")
        self.stream.flush()


class Command(BaseCommand):
    help = ("Generate a realistic time history in bulk: persons in departments logging time on a few tasks per "
            "working day, day-offs and desktop logins; then recompute the stored totals.")

    def add_arguments(self, parser):
        parser.add_argument("--persons", type=int, default=200)
        parser.add_argument("--time-spents", type=int, default=20_000)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--if-empty", action="store_true",
                            help="Do nothing when a history was seeded already (make run, run again).")

    def handle(self, *args, persons, time_spents, seed, if_empty=False, **options):
        if persons < 1 or time_spents < 0:
            raise CommandError("--persons must be at least 1 and --time-spents at least 0.")
        if if_empty and seeding.history_exists():
            self.stdout.write("A time history was seeded already: kept as it is.")
            return
        stream = self.stderr._out if hasattr(self.stderr, "_out") else sys.stderr
        try:
            counts = seeding.seed_history(persons=persons, time_spents=time_spents, seed=seed,
                                          progress=BarProgress(stream))
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(self.style.SUCCESS(
            "History seeded: " + ", ".join(f"{count:,} {name.replace('_', ' ')}" for name, count in counts.items())))
