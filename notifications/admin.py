from django.contrib import admin

from config.permissions import TablePermissionsAdmin
from notifications.models import OutboxEmail


@admin.register(OutboxEmail)
class OutboxEmailAdmin(TablePermissionsAdmin, admin.ModelAdmin):
    permission_keys = {"view": "outbox.view", "delete": "outbox.delete"}
    list_display = ["created_at", "kind", "to", "subject", "status", "attempts", "sent_at"]
    list_filter = ["status", "kind"]
    search_fields = ["to", "subject"]
    readonly_fields = [f.name for f in OutboxEmail._meta.fields if f.name != "body"] + ["visible_body"]
    exclude = ["body"]

    @admin.display(description="body")
    def visible_body(self, email):
        # Reset and invitation links are one-time secrets: an admin reading them could take the account.
        return "[hidden: carries a one-time link]" if email.sensitive else email.body
