"""Reading the audit log."""

from django.db.models import QuerySet

from audit.models import AuditEntry


def audit_entries_for(*, target_type: str, target_id) -> QuerySet[AuditEntry]:
    """Newest first, the order the person page and the API show."""
    return AuditEntry.objects.filter(target_type=target_type, target_id=str(target_id))
