from django.core.management.base import BaseCommand

from notifications.models import DeliveryStatus, OutboxEmail
from notifications.services import email_deliver


class Command(BaseCommand):
    help = "Send every pending outbox email now, in this process (e.g. after a broker outage)."

    def handle(self, *args, **options):
        pending = list(OutboxEmail.objects.filter(status=DeliveryStatus.PENDING).order_by("created_at")
                       .values_list("pk", flat=True))
        total = len(pending)
        sent = failed = 0
        for number, email_id in enumerate(pending, start=1):
            try:
                email_deliver(email_id=email_id)
                sent += 1
            except Exception as exc:  # recorded on the row; keep going with the others
                failed += 1
                self.stderr.write(f"{email_id}: {type(exc).__name__}: {exc}")
            self.stdout.write(f"\r{number}/{total} emails ({sent} sent, {failed} failed)", ending="")
        self.stdout.write(f"\r{total}/{total} emails ({sent} sent, {failed} failed)")
