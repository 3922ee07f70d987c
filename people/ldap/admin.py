"""The LDAP sync runs in the back office: read only (a run is a record of what happened), with each run's
per-person actions and a link to the audit rows it wrote. Imported by people.admin."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from unfold.contrib.filters.admin import RangeDateTimeFilter

from config.admin import RosterModelAdmin, RosterTabularInline
from people.ldap.models import SyncRun, SyncRunAction

VIEW_KEY = "persons.view_ldap_sync_runs"


class SyncRunActionInline(RosterTabularInline):
    permission_keys = {"view": VIEW_KEY}
    model = SyncRunAction
    fields = ["action", "login", "label", "person", "changes", "outcome", "message"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False


@admin.register(SyncRun)
class SyncRunAdmin(RosterModelAdmin):
    permission_keys = {"view": VIEW_KEY}  # no add, change or delete: runs are made by the command and the beat
    sidebar_icon = "sync"
    list_display = ["__str__", "started_at", "finished_at", "trigger", "status", "entries_read", "summary"]
    list_filter = ["status", "trigger", "dry_run", ("started_at", RangeDateTimeFilter)]
    search_fields = ["message", "actions__login"]
    date_hierarchy = "started_at"
    fields = ["started_at", "finished_at", "trigger", "dry_run", "forced", "status", "message", "entries_read",
              "counts", "errors", "directory", "audit_rows"]
    readonly_fields = fields
    inlines = [SyncRunActionInline]

    @admin.display(description="planned")
    def summary(self, run: SyncRun) -> str:
        return ", ".join(f"{count} {kind.replace('_', ' ')}" for kind, count in (run.counts or {}).items()
                         if count) or "-"

    @admin.display(description="audit rows")
    def audit_rows(self, run: SyncRun) -> str:
        # The audit log's own screen decides who may open it.
        url = f"{reverse('admin:audit_auditentry_changelist')}?{urlencode({'q': run.audit_request_id})}"
        return format_html('<a href="{}">{}</a>', url, run.audit_request_id)
