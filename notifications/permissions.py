"""The notifications app's permission keys (see config.permissions): the email outbox in the back office."""

from config.permissions import declare_permissions

NOTIFICATIONS_PERMISSIONS = {
    # HR sends the invitations, so it follows their delivery (one-time links are hidden from every reader).
    "outbox.view": ("admin", "hr"),
    "outbox.resend": ("admin", "hr"),  # put failed emails back in the queue
}


def declare_notifications_permissions() -> None:
    declare_permissions("notifications", NOTIFICATIONS_PERMISSIONS)
