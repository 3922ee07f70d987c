"""The audit log's own read-only screen, and the "History" page every audited screen shares.

Django's History page reads its LogEntry table, which only the admin writes: a change made through the API, a
task or a command never shows there, and a LogEntry holds no values. The audit log holds every change with its
before and after, so an audited screen's History reads it instead (AuditHistoryAdmin). The audit app knows no
other app: a screen says which `target_type` its rows carry."""

import json

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.main import PAGE_VAR
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.utils.text import capfirst
from unfold.contrib.filters.admin import FieldTextFilter, RangeDateTimeFilter

from audit.models import AuditEntry
from audit.selectors import audit_entries_for
from config.admin import RosterModelAdmin

AUDIT_VIEW = "audit.view"
HISTORY_ROWS_PER_PAGE = 50
NO_VALUE = "—"


def readable_value(value) -> str:
    """A stored before/after value as a line of text: strings as they are, everything else in its JSON form."""
    if value is None:
        return NO_VALUE
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, sort_keys=True)


def readable_changes(changes: dict) -> list[tuple[str, str, str]]:
    """(field, before, after) per changed field, in field order. Secrets were redacted when the row was
    written; they show as stored."""
    rows = []
    for field, values in sorted((changes or {}).items()):
        before, after = values if isinstance(values, list) and len(values) == 2 else (None, values)
        rows.append((field, readable_value(before), readable_value(after)))
    return rows


class AuditHistoryAdmin:
    """A ModelAdmin mixin (before RosterModelAdmin in the bases) for a screen whose changes are audited: its
    "History" page lists the object's audit rows, newest first, a page at a time, instead of Django's LogEntry.
    Opening it takes the screen's view right and the audit log's (`audit.view`); the History link shows only
    to whoever holds both."""

    audit_target_type = ""  # the `target_type` this screen's services give audit_record
    object_history_template = "admin/audit/object_history.html"

    def has_audit_history_permission(self, request, obj=None) -> bool:
        return self.has_view_or_change_permission(request, obj) and request.user.has_perm(AUDIT_VIEW)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), "show_history": self.has_audit_history_permission(request)}
        return super().change_view(request, object_id, form_url, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_audit_history_permission(request, obj):
            raise PermissionDenied
        # Two queries whatever the trail's length: the count and one page.
        paginator = self.get_paginator(
            request, audit_entries_for(target_type=self.audit_target_type, target_id=obj.pk), HISTORY_ROWS_PER_PAGE)
        page = paginator.get_page(request.GET.get(PAGE_VAR, 1))
        for entry in page.object_list:
            entry.readable_changes = readable_changes(entry.changes)
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.object_history_template, {
            **self.admin_site.each_context(request),
            "title": f"Change history: {obj}",
            "subtitle": None,
            "entries": page,
            "page_range": paginator.get_elided_page_range(page.number),
            "page_var": PAGE_VAR,
            "pagination_required": paginator.num_pages > 1,
            "module_name": str(capfirst(self.opts.verbose_name_plural)),
            "object": obj,
            "opts": self.opts,
            "preserved_filters": self.get_preserved_filters(request),
            **(extra_context or {}),
        })


@admin.register(AuditEntry)
class AuditEntryAdmin(RosterModelAdmin):
    """Read only, like the table itself (its trigger refuses UPDATE and DELETE): no add, change or delete key
    in permission_keys, so nobody, whatever their role, gets a form, a delete button or the delete action."""

    permission_keys = {"view": AUDIT_VIEW}
    sidebar_icon = "history"
    list_display = ["at", "actor_label", "action", "target_type", "target_label", "reason", "ip_address"]
    list_filter = [
        ("actor_label", FieldTextFilter),
        ("target_label", FieldTextFilter),
        ("target_id", FieldTextFilter),
        ("action", FieldTextFilter),
        "target_type",
        ("at", RangeDateTimeFilter),
    ]
    search_fields = ["actor_label", "target_label", "target_id", "action", "reason", "request_id", "=ip_address"]
    readonly_fields = [field.name for field in AuditEntry._meta.fields]
    date_hierarchy = "at"
    # Counting the whole log for "N results (M total)" on every page is the one query that grows with it.
    show_full_result_count = False
