from django.contrib import admin, messages
from unfold.contrib.filters.admin import RangeDateTimeFilter
from unfold.decorators import display

from config.admin import RosterModelAdmin
from notifications import services
from notifications.models import DeliveryStatus, OutboxEmail


@admin.register(OutboxEmail)
class OutboxEmailAdmin(RosterModelAdmin):
    """Read only: the outbox is written by notifications.services and the delivery task. The one write is
    "Send again" on failed emails, through services.email_resend."""

    permission_keys = {"view": "outbox.view", "resend": "outbox.resend"}  # no add, change or delete key
    actions = ["send_again"]
    sidebar_icon = "outgoing_mail"
    changelist_tabs = [("All", {})] + [(label, {"status__exact": value}) for value, label in DeliveryStatus.choices]
    list_display = ["created_at", "kind", "to", "subject", "status_label", "attempts", "sent_at"]
    list_filter = ["kind", ("created_at", RangeDateTimeFilter)]
    search_fields = ["to", "subject"]
    readonly_fields = [f.name for f in OutboxEmail._meta.fields if f.name != "body"] + ["visible_body"]
    exclude = ["body"]

    @display(description="status", ordering="status", label={
        DeliveryStatus.PENDING.label: "info", DeliveryStatus.SENDING.label: "warning",
        DeliveryStatus.SENT.label: "success", DeliveryStatus.FAILED.label: "danger",
    })
    def status_label(self, email):
        return email.get_status_display()

    @admin.display(description="body")
    def visible_body(self, email):
        # Reset and invitation links are one-time secrets: an admin reading them could take the account.
        return "[hidden: carries a one-time link]" if email.sensitive else email.body


    def has_resend_permission(self, request, obj=None):
        return self._holds(request, "resend")

    @admin.action(description="Send again (failed emails)", permissions=["resend"])
    def send_again(self, request, queryset):
        chosen = list(queryset.values_list("pk", flat=True))
        resent = services.email_resend(acting_user=request.user, email_ids=chosen)
        for email in OutboxEmail.objects.filter(pk__in=resent):
            self.log_change(request, email, "Sent again")
        skipped = len(chosen) - len(resent)
        note = f" {skipped} not failed, left alone." if skipped else ""
        self.message_user(request, f"{len(resent)} failed emails queued to be sent again.{note}",
                          messages.SUCCESS if resent else messages.WARNING)
