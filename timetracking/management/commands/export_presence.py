"""`manage.py export_presence YYYY-MM [-o FILE]`: the presence CSV of a month, the same bytes as
`GET /api/data/persons/presence-logs/<YYYY-MM>`, to a file or to standard output."""

from django.core.management.base import BaseCommand, CommandError

from config.errors import ApplicationError
from timetracking import presence


class Command(BaseCommand):
    help = "Write the presence CSV of a month (Zou's format: ';' between cells, CRLF line endings)."

    def add_arguments(self, parser):
        parser.add_argument("month", help="The month, YYYY-MM.")
        parser.add_argument("-o", "--output", help="The file to write (default: standard output).")

    def handle(self, *args, **options):
        try:
            year, month = presence.parse_month(options["month"])
        except ApplicationError as exc:
            raise CommandError(exc.message) from None
        content = presence.presence_csv_bytes(year=year, month=month)
        if options["output"]:
            with open(options["output"], "wb") as output:
                output.write(content)
            return
        # Bytes where the stream has them: a text stream may translate the CRLF line endings.
        binary = getattr(self.stdout, "buffer", None)  # OutputWrapper hands attributes on to its stream
        if binary is None:  # call_command(stdout=StringIO()): text, written as it is
            self.stdout.write(content.decode("utf-8"), ending="")
            return
        self.stdout.flush()
        binary.write(content)
        binary.flush()
