from django.core.management.base import BaseCommand
from django.db.models import Q
from django.utils import timezone

from notifications.models import DeliveryStatus, OutboxEmail
from notifications.services import email_deliver, email_resend


class Command(BaseCommand):
    help = ("Send every pending outbox email now, in this process, whatever its retry schedule says "
            "(the beat's sweep does the same unattended). --failed also sends the failed ones again.")

    def add_arguments(self, parser):
        parser.add_argument("--failed", action="store_true",
                            help="also send again the emails that failed after their last attempt")

    def handle(self, *args, failed=False, **options):
        if failed:
            failed_ids = OutboxEmail.objects.filter(status=DeliveryStatus.FAILED).values_list("pk", flat=True)
            resent = email_resend(acting_user=None, email_ids=list(failed_ids), queue=False)
            self.stdout.write(f"{len(resent)} failed emails put back to send")
        # Rows a dead worker was sending count too; one a live worker holds is skipped by the claim.
        waiting = Q(status=DeliveryStatus.PENDING) | Q(status=DeliveryStatus.SENDING, lease_until__lte=timezone.now())
        ids = list(OutboxEmail.objects.filter(waiting).order_by("created_at").values_list("pk", flat=True))
        total = len(ids)
        sent = not_sent = 0
        for number, email_id in enumerate(ids, start=1):
            email = email_deliver(email_id=email_id)
            if email is not None and email.status == DeliveryStatus.SENT:
                sent += 1
            elif email is not None:  # recorded on the row, retried on its schedule
                not_sent += 1
                self.stderr.write(f"{email_id}: {email.last_error}")
            self.stdout.write(f"\r{number}/{total} emails ({sent} sent, {not_sent} not sent)", ending="")
        self.stdout.write(f"\r{total}/{total} emails ({sent} sent, {not_sent} not sent)")
