import django_filters

from audit.models import AuditEntry
from config.filters import ZouFilterSet


class AuditEntryFilterSet(ZouFilterSet):
    """`actor_id`, `target_id`, `target_type`, `action` by equality (a JSON list for several), and the time range
    `start` / `end` (ISO date-times, both bounds included)."""

    start = django_filters.IsoDateTimeFilter(field_name="at", lookup_expr="gte")
    end = django_filters.IsoDateTimeFilter(field_name="at", lookup_expr="lte")

    class Meta:
        model = AuditEntry
        fields = ["actor_id", "target_id", "target_type", "action"]
