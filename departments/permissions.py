"""The departments app's permission keys (see config.permissions): the studio's structure and catalogs."""

from config.permissions import EVERY_ROLE, declare_permissions

ADMIN = ("admin",)

DEPARTMENTS_PERMISSIONS = {
    "departments.view": EVERY_ROLE,
    "departments.change": ADMIN,
    "departments.manage_equipment": ADMIN,
    "studios.view": EVERY_ROLE,
    "studios.change": ADMIN,
    "work_shifts.view": EVERY_ROLE,
    "work_shifts.change": ADMIN,
    "teams.view": EVERY_ROLE,
    "teams.change": ADMIN,
    "softwares.view": EVERY_ROLE,
    "softwares.change": ADMIN,
    "hardware_items.view": ADMIN,
    "hardware_items.change": ADMIN,
    "salary_scales.view": ADMIN,
    "salary_scales.change": ADMIN,
    "organisations.view": EVERY_ROLE,
    "organisations.view_secrets": ADMIN,
    "organisations.change": ADMIN,
}


def declare_departments_permissions() -> None:
    declare_permissions("departments", DEPARTMENTS_PERMISSIONS)
