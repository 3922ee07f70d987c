"""The departments app's permission keys (see config.permissions): the studio's structure and catalogs.

The catalogs (departments, studios, work shifts, teams, software, hardware) and the system settings
(organisation, salary scales) are written by admins only; `hr` reads what everyone reads and places people in
the catalogs' entries through the people app's keys (people.permissions has the whole `hr` table). The
system-settings writes are guarded: only someone who holds them may change a person who does."""

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
    declare_permissions("departments", DEPARTMENTS_PERMISSIONS,
                        guarded={"organisations.change", "organisations.view_secrets", "salary_scales.change"})
