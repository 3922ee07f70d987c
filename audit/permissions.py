"""The audit app's permission keys (see config.permissions): reading the trail in the back office."""

from config.permissions import declare_permissions

AUDIT_PERMISSIONS = {
    "audit.view": ("admin", "hr"),  # HR answers for the changes it makes to persons
}


def declare_audit_permissions() -> None:
    declare_permissions("audit", AUDIT_PERMISSIONS)
