"""The notifications app's permission keys (see config.permissions): the email outbox in the back office."""

from config.permissions import declare_permissions

NOTIFICATIONS_PERMISSIONS = {
    "outbox.view": ("admin",),
    "outbox.resend": ("admin",),  # put failed emails back in the queue
}


def declare_notifications_permissions() -> None:
    declare_permissions("notifications", NOTIFICATIONS_PERMISSIONS)
