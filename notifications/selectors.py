"""Reads of the outbox."""

from notifications.models import DeliveryStatus, OutboxEmail


def outbox_failed(*, limit: int) -> dict:
    """Emails that gave up after every retry, newest first, and how many there are. The bodies are never
    loaded: some carry one-time links."""
    failed = OutboxEmail.objects.filter(status=DeliveryStatus.FAILED)
    emails = list(
        failed.only("id", "to", "kind", "subject", "attempts", "last_error", "created_at")
        .order_by("-created_at")[:limit]
    )
    return {"total": failed.count(), "emails": emails}
