"""The time-tracking app's permission keys (see config.permissions). Which rows a holder may act on is the
selectors' business (a manager changes the projects they are on the team of; hidden rows are 404)."""

from config.permissions import EVERY_ROLE, declare_permissions

ADMIN = ("admin",)
# HR reads everyone's time and presence as admins do, and keeps the leave records (day-offs); it neither
# changes logged time nor touches the productions.
ADMIN_HR = ("admin", "hr")
NOT_VENDOR = ("admin", "manager", "supervisor", "user", "client", "hr")

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
    # Time spent (zou-api.md 5, 5.2, 5.3, 5.5). Everyone's, unscoped: admins (the HR screens, the raw lists).
    "time_spents.view": ADMIN_HR,
    "time_spents.change": ADMIN,
    # A person's raw month (#10): admins, or the person.
    "time_spents.view_month": ADMIN_HR,
    "time_spents.view_month.self": EVERY_ROLE,
    # A person's day and aggregated periods (#5-#9) and the tables (#11-#14): anyone may ask; what they get
    # is the selectors' (admins and the person: all; managers and supervisors: their projects' time, and
    # supervisors only their departments'; others: 403 on a person, their own row in a table).
    "time_spents.view_person": EVERY_ROLE,
    "time_spents.view_tables": EVERY_ROLE,
    "time_spents.view_projects": ("manager", "supervisor"),
    "time_spents.view_any_department": ("admin", "manager"),
    # Logging time (5.3): on a task one sees and is assigned to; admins and the project's managers also for
    # the other assignees (Zou's check_time_spent_access, in selectors.time_spent_is_writable_by).
    "time_spents.log": EVERY_ROLE,
    "time_spents.log_for_others": ("admin", "manager"),
    # Day-offs (5 #15-#20, 5.4): admins for everyone, each person for their own.
    "day_offs.view": ADMIN_HR,
    "day_offs.view.self": EVERY_ROLE,
    "day_offs.change": ADMIN_HR,
    "day_offs.change.self": EVERY_ROLE,
    "day_offs.view_month": EVERY_ROLE,  # #16: admins see everyone's, others their own
    "day_offs.list": ADMIN_HR,  # GET /data/day-offs
    # POST /data/day-offs: anyone, for themselves (the view checks the body's person against day_offs.change).
    "day_offs.create": EVERY_ROLE,
    # The monthly presence CSV of everyone (Zou: admins only).
    "presence_logs.view": ADMIN_HR,
}


def declare_timetracking_permissions() -> None:
    declare_permissions("timetracking", TIMETRACKING_PERMISSIONS)
