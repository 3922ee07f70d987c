from django.contrib import admin
from unfold.contrib.filters.admin import RangeDateTimeFilter

from audit.models import AuditEntry
from config.admin import RosterModelAdmin


@admin.register(AuditEntry)
class AuditEntryAdmin(RosterModelAdmin):
    """Read only, like the table itself (its trigger refuses UPDATE and DELETE)."""

    permission_keys = {"view": "audit.view"}  # no add, change or delete key: nobody edits history
    sidebar_icon = "history"
    list_display = ["at", "actor_label", "action", "target_label", "ip_address"]
    list_filter = ["action", "target_type", ("at", RangeDateTimeFilter)]
    search_fields = ["actor_label", "target_label", "target_id", "request_id"]
    readonly_fields = [field.name for field in AuditEntry._meta.fields]
    date_hierarchy = "at"
