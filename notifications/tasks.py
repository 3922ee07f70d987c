from celery import shared_task

from notifications.models import DeliveryStatus, OutboxEmail
from notifications.services import MAX_DELIVERY_ATTEMPTS, email_deliver


@shared_task(bind=True, max_retries=MAX_DELIVERY_ATTEMPTS - 1, acks_late=True)
def deliver_email(self, email_id: str) -> None:
    try:
        email_deliver(email_id=email_id)
    except Exception as exc:
        email = OutboxEmail.objects.filter(pk=email_id).only("status").first()
        if email is not None and email.status == DeliveryStatus.PENDING:
            raise self.retry(exc=exc, countdown=min(2 ** self.request.retries * 30, 1800)) from exc
