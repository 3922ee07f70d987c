"""Reading the audit log."""

from django.db.models import QuerySet

from audit.models import AuditEntry
from config.api import parse_positive_int
from config.errors import field_error

DEFAULT_LIMIT = 100
MAX_LIMIT = 500


def audit_entries_newest_first() -> QuerySet[AuditEntry]:
    return AuditEntry.objects.order_by("-at", "-id")


def audit_entries_for(*, target_type: str, target_id) -> QuerySet[AuditEntry]:
    """A record's trail, newest first (the order the person page and the API show)."""
    return audit_entries_newest_first().filter(target_type=target_type, target_id=str(target_id))


def parse_audit_limit(params) -> int:
    """`limit`: 1 to 500, 100 when absent; anything else is a 400 naming it."""
    limit = parse_positive_int(params, "limit", DEFAULT_LIMIT)
    if limit > MAX_LIMIT:
        raise field_error("limit", f"limit must be {MAX_LIMIT} at most.")
    return limit
