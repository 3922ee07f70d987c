import uuid
from email.utils import parseaddr

from django.conf import settings
from django.db import models
from django.utils import timezone


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SENDING = "sending", "Sending"  # claimed by a worker until lease_until
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"


class OutboxEmail(models.Model):
    """An email written before it is sent, so a crash or an SMTP outage never loses it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    to = models.EmailField(max_length=254)
    subject = models.CharField(max_length=255)
    body = models.TextField()
    kind = models.CharField(max_length=40, db_index=True)
    # The body carries a secret (a reset or invitation link): hidden in the admin, blanked once sent.
    sensitive = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # Pending: when the sweep queues the email (again). Queueing pushes it one lease ahead, so an email whose
    # task is lost is queued again a lease later, and one whose task runs is not queued twice.
    next_attempt_at = models.DateTimeField(default=timezone.now)
    # Sending: the worker that set claimed_at sends it until lease_until; past that, the sweep takes it back.
    # claimed_at also tells a worker whether the claim it records an outcome for is still its own.
    claimed_at = models.DateTimeField(null=True, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "created_at"]),
            # The sweep's two questions, each on the few rows it concerns (sent rows are the bulk of the table).
            models.Index(fields=["next_attempt_at"], condition=models.Q(status="pending"),
                         name="outbox_pending_due_idx"),
            models.Index(fields=["lease_until"], condition=models.Q(status="sending"),
                         name="outbox_sending_lease_idx"),
        ]

    def __str__(self):
        return f"{self.kind} to {self.to} ({self.status})"

    REDACTED_BODY = "[redacted after delivery: the message carried a one-time link]"

    @property
    def message_id(self) -> str:
        """The same for every send of this row, so a message sent twice (a worker died between the SMTP
        server's "accepted" and recording it) can be recognised as one by servers and mail clients."""
        domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "roster.invalid"
        return f"<{self.pk}@{domain}>"
