"""`manage.py time_totals --verify | --rebuild | --fix`: check the stored time totals against a fresh GROUP BY
over the raw time spent, rebuild them, or rebuild them only when they are off."""

from django.core.management.base import BaseCommand, CommandError

from timetracking import services, totals


class Command(BaseCommand):
    help = ("Check the stored time totals (the time tables' source) against the raw time spent, and rebuild "
            "them. Exits with an error when --verify finds a difference.")

    def add_arguments(self, parser):
        group = parser.add_mutually_exclusive_group(required=True)
        group.add_argument("--verify", action="store_true", help="Compare only; exit 1 on any difference.")
        group.add_argument("--rebuild", action="store_true", help="Recompute every total from the raw rows.")
        group.add_argument("--fix", action="store_true", help="Compare, and rebuild when they differ.")

    def handle(self, *args, verify, rebuild, fix, **options):
        progress = self.stdout.write
        if rebuild:
            written = services.time_totals_rebuild(progress=progress)
            self._vacuum()
            self.stdout.write(self.style.SUCCESS(f"Rebuilt: {written} totals."))
            return
        mismatches = totals.verify(progress=progress)
        if not mismatches:
            self.stdout.write(self.style.SUCCESS("The stored totals equal the raw time spent."))
            return
        for line in totals.iter_mismatch_lines(mismatches):
            self.stdout.write(line)
        self.stdout.write(f"{len(mismatches)} totals differ from the raw time spent.")
        if verify:
            raise CommandError("The stored totals are off: run `manage.py time_totals --fix`.")
        written = services.time_totals_rebuild(progress=progress)
        self._vacuum()
        left = totals.verify()
        if left:
            raise CommandError(f"{len(left)} totals still differ after the rebuild.")
        self.stdout.write(self.style.SUCCESS(f"Fixed: {written} totals rebuilt."))

    def _vacuum(self):
        if totals.vacuum_after_rebuild():
            self.stdout.write("Vacuumed and analyzed the rebuilt tables.")
