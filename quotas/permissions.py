"""The quotas app's permission keys (see config.permissions). Which projects a holder may read is the
time-tracking selectors' business: a project one is not on the team of is hidden (404), or, for the quota
shots whose project is a query parameter, refused (403, Zou's check_manager_project_access)."""

from config.permissions import EVERY_ROLE, declare_permissions

ADMIN = ("admin",)

QUOTAS_PERMISSIONS = {
    # `/data/persons/<id>/quota-shots/...`: managers (and admins) read anyone's on their projects; everyone
    # else their own (Zou's PersonQuotaMixin).
    "quotas.view_shots": ("admin", "manager"),
    "quotas.view_shots.self": EVERY_ROLE,
    # `/data/projects/<id>/quotas/<task_type_id>`: anyone on the project's team (Zou's check_project_access).
    "quotas.view_project": EVERY_ROLE,
    # `/data/projects/<id>/quotas/persons/<id>`: managers and supervisors read anyone's; others their own.
    "quotas.view_person": ("admin", "manager", "supervisor"),
    "quotas.view_person.self": EVERY_ROLE,
    # The HR back office: quota targets and the quota report page.
    "quota_targets.view": ADMIN,
    "quota_targets.change": ADMIN,
    "quotas.report": ADMIN,
}


def declare_quotas_permissions() -> None:
    declare_permissions("quotas", QUOTAS_PERMISSIONS)
