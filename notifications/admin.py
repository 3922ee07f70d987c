from django.contrib import admin
from unfold.contrib.filters.admin import RangeDateTimeFilter
from unfold.decorators import display

from config.admin import RosterModelAdmin
from notifications.models import DeliveryStatus, OutboxEmail


@admin.register(OutboxEmail)
class OutboxEmailAdmin(RosterModelAdmin):
    """Read only: the outbox is written by notifications.services and the delivery task."""

    permission_keys = {"view": "outbox.view"}  # read only: no add, change or delete key
    sidebar_icon = "outgoing_mail"
    changelist_tabs = [("All", {})] + [(label, {"status__exact": value}) for value, label in DeliveryStatus.choices]
    list_display = ["created_at", "kind", "to", "subject", "status_label", "attempts", "sent_at"]
    list_filter = ["kind", ("created_at", RangeDateTimeFilter)]
    search_fields = ["to", "subject"]
    readonly_fields = [f.name for f in OutboxEmail._meta.fields if f.name != "body"] + ["visible_body"]
    exclude = ["body"]

    @display(description="status", ordering="status", label={
        DeliveryStatus.PENDING.label: "info", DeliveryStatus.SENT.label: "success", DeliveryStatus.FAILED.label: "danger",
    })
    def status_label(self, email):
        return email.get_status_display()

    @admin.display(description="body")
    def visible_body(self, email):
        # Reset and invitation links are one-time secrets: an admin reading them could take the account.
        return "[hidden: carries a one-time link]" if email.sensitive else email.body

