"""The time-tracking app's permission keys (see config.permissions). Which rows a holder may act on is the
selectors' business (a manager changes the projects they are on the team of; hidden rows are 404)."""

from config.permissions import EVERY_ROLE, declare_permissions

ADMIN = ("admin",)
NOT_VENDOR = ("admin", "manager", "supervisor", "user", "client")

TIMETRACKING_PERMISSIONS = {
    # Productions: everyone reads those they are on the team of; admins read them all (Zou's
    # build_related_projects_filter). Admins create and delete; managers change their own (Zou).
    "projects.view": EVERY_ROLE,
    "projects.view_all": ADMIN,
    "projects.create": ADMIN,
    "projects.change": ("admin", "manager"),
    "projects.delete": ADMIN,
    # The studio-wide catalogs: read by everyone, written by admins (Zou's default for these resources).
    "task_types.view": EVERY_ROLE,
    "task_types.change": ADMIN,
    "task_statuses.view": EVERY_ROLE,
    "task_statuses.change": ADMIN,
    "entity_types.view": EVERY_ROLE,
    "entity_types.change": ADMIN,
    # Shots, assets and tasks of the projects one is on; a vendor sees only what is assigned to them.
    "entities.view": EVERY_ROLE,
    "entities.change": ("admin", "manager"),
    "tasks.view": EVERY_ROLE,
    "tasks.view_unassigned": NOT_VENDOR,
    "tasks.create": ("admin", "manager"),
    # Supervisors change the tasks of their own departments' task types (Zou's check_supervisor_task_access).
    "tasks.change": ("admin", "manager", "supervisor"),
    "tasks.change_any_department": ("admin", "manager"),
    "tasks.delete": ("admin", "manager"),
    # Time spent and day-offs of everyone (the HR screens; the per-person API rules come with their routes).
    "time_spents.view": ADMIN,
    "time_spents.change": ADMIN,
    "day_offs.view": ADMIN,
    "day_offs.change": ADMIN,
    # The monthly presence CSV of everyone (Zou: admins only).
    "presence_logs.view": ADMIN,
}


def declare_timetracking_permissions() -> None:
    declare_permissions("timetracking", TIMETRACKING_PERMISSIONS)
