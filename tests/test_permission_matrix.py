"""The role x endpoint permission table (STYLE.md, house rule 4).

`MATRIX` gives the expected HTTP status of every method of every `/api/` route for nine callers (the seven roles,
hr among them, a bot and an anonymous caller). Each cell builds fresh targets, sends a *valid* request (so that
permission is the only reason to refuse) and checks the status. `test_every_api_route_is_in_the_matrix` walks
the URL resolver and fails when a route or method is missing from the table, or when a row names a route that no
longer exists.

Sources: zou-api.md sections 1.3, 4, 5, 5.1, 6.2, and `people.permissions.PERMISSION_ROLES`; for the
productions (`data/projects`, `entity-types`, `task-types`, `task-status`, `entities`, `tasks`), Zou's crud
resources and `timetracking.permissions`. Their rows act on a project whose team the caller is on (Zou shows
other projects to admins only; tests/timetracking covers that) and on a task assigned to the caller, whose task
type belongs to the caller's department (so a supervisor may change it).
Deliberate differences from Zou, all kept on purpose:
- `DELETE actions/persons/<id>/clear-avatar` (and gazu's `DELETE data/persons/<id>/avatar`) also lets a person
  clear their own avatar. Zou answers 403 there and offers `DELETE /actions/user/clear-avatar` instead, which
  Roster does not serve; uploading stays "admin or self" as in Zou, so clearing follows it.
- `GET data/departments/<id>/{software-licenses,hardware-items}` (broken in Zou) are admin-only lists, like
  the grouped lists.
- `GET auth/refresh-token` with a bot token: bots have no refresh token, so the best a bot can send is its own
  API token, which is refused as a non-refresh token (422, flask-jwt-extended's answer too).
"""

import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from PIL import Image

from departments import services as department_services
from departments.models import (
    Department,
    HardwareItem,
    Organisation,
    SalaryScale,
    Software,
    Studio,
    Team,
    WorkShift,
)
from people.models import Person, Role
from people.services.avatars import person_set_avatar
from people.services.persons import person_add_department
from people.services.reset_tokens import password_reset_token_issue
from people.tokens import tokens_issue_login_pair, tokens_rotate_api_token
from tests.conftest import PASSWORD, ApiClient, make_person
from tests.timetracking.factories import (
    EntityFactory,
    ProjectFactory,
    TaskFactory,
    TaskStatusFactory,
    TaskTypeFactory,
    entity_type,
)
from timetracking import services as timetracking_services
from timetracking.models import DayOff, Entity, EntityType, Project, Task, TaskStatus, TaskType, TimeSpent

CALLERS = ("admin", "hr", "manager", "supervisor", "user", "client", "vendor", "bot", "anon")
CALLER_FIXTURES = {"admin": "admin", "hr": "hr", "manager": "manager", "supervisor": "supervisor", "user": "user",
                   "client": "client_person", "vendor": "vendor", "bot": "bot"}

NONE = "-"  # the route acts on no person
OTHER = "other"  # the target person is someone else (a person of role user)
SELF = "self"  # the target person is the caller (anonymous: the other person, it is refused anyway)

# (URL name, method, target):   admin  hr  mgr  sup  user clnt vend  bot anon
MATRIX: dict[tuple[str, str, str], tuple[int, ...]] = {
    # Public: no authentication at all, a token is ignored.
    ("api-root-bare", "GET", NONE): (200, 200, 200, 200, 200, 200, 200, 200, 200),
    ("api-root", "GET", NONE): (200, 200, 200, 200, 200, 200, 200, 200, 200),
    ("schema", "GET", NONE): (200, 200, 200, 200, 200, 200, 200, 200, 200),
    ("docs", "GET", NONE): (200, 200, 200, 200, 200, 200, 200, 200, 200),
    ("redoc", "GET", NONE): (200, 200, 200, 200, 200, 200, 200, 200, 200),
    ("auth-login", "POST", NONE): (200, 200, 200, 200, 200, 200, 200, 200, 200),
    ("auth-reset-password", "POST", NONE): (200, 200, 200, 200, 200, 200, 200, 200, 200),
    ("auth-reset-password", "PUT", NONE): (200, 200, 200, 200, 200, 200, 200, 200, 200),
    # Auth (1.3): a bot has no interactive session to end nor password to change.
    ("auth-authenticated", "GET", NONE): (200, 200, 200, 200, 200, 200, 200, 200, 401),
    ("auth-logout", "GET", NONE): (200, 200, 200, 200, 200, 200, 200, 403, 401),
    ("auth-refresh-token", "GET", NONE): (200, 200, 200, 200, 200, 200, 200, 422, 401),
    ("auth-change-password", "POST", NONE): (200, 200, 200, 200, 200, 200, 200, 403, 401),
    # Persons CRUD (4): read by anyone, written by admins and HR (deleting: admins), or by the person on their own
    # record.
    ("persons-list", "GET", NONE): (200, 200, 200, 200, 200, 200, 200, 200, 401),
    ("persons-list", "POST", NONE): (201, 201, 403, 403, 403, 403, 403, 403, 401),
    ("persons-detail", "GET", OTHER): (200, 200, 200, 200, 200, 200, 200, 200, 401),
    ("persons-detail", "PUT", OTHER): (200, 200, 403, 403, 403, 403, 403, 403, 401),
    ("persons-detail", "PUT", SELF): (200, 200, 200, 200, 200, 200, 200, 200, 401),
    ("persons-detail", "DELETE", OTHER): (204, 403, 403, 403, 403, 403, 403, 403, 401),
    ("persons-detail", "DELETE", SELF): (403, 403, 403, 403, 403, 403, 403, 403, 401),
    # Person actions (5 #26-#30): admins and HR (passwords and 2FA: admins), being the target grants nothing...
    ("person-department-add", "POST", OTHER): (201, 201, 403, 403, 403, 403, 403, 403, 401),
    ("person-department-add", "POST", SELF): (201, 201, 403, 403, 403, 403, 403, 403, 401),
    ("person-department-remove", "DELETE", OTHER): (204, 204, 403, 403, 403, 403, 403, 403, 401),
    ("person-department-remove", "DELETE", SELF): (204, 204, 403, 403, 403, 403, 403, 403, 401),
    # Account states (issue 7, seeds 002 and 003): admins and HR, never on their own account (400) but for a forced
    # password change.
    ("person-lock", "POST", OTHER): (202, 202, 403, 403, 403, 403, 403, 403, 401),
    ("person-lock", "POST", SELF): (400, 400, 403, 403, 403, 403, 403, 403, 401),
    ("person-unlock", "DELETE", OTHER): (202, 202, 403, 403, 403, 403, 403, 403, 401),
    ("person-unlock", "DELETE", SELF): (400, 400, 403, 403, 403, 403, 403, 403, 401),
    ("person-suspend", "POST", OTHER): (200, 200, 403, 403, 403, 403, 403, 403, 401),
    ("person-suspend", "POST", SELF): (400, 400, 403, 403, 403, 403, 403, 403, 401),
    ("person-activate", "POST", OTHER): (200, 200, 403, 403, 403, 403, 403, 403, 401),
    ("person-status", "PATCH", OTHER): (200, 200, 403, 403, 403, 403, 403, 403, 401),
    ("person-status", "PATCH", SELF): (400, 400, 403, 403, 403, 403, 403, 403, 401),
    ("person-force-password-reset", "POST", OTHER): (200, 200, 403, 403, 403, 403, 403, 403, 401),
    ("person-force-password-reset", "POST", SELF): (200, 200, 403, 403, 403, 403, 403, 403, 401),
    # Teams (issue 7, seed 004): the catalog is read by anyone, written by admins; memberships by admins and HR.
    ("person-team", "POST", OTHER): (201, 201, 403, 403, 403, 403, 403, 403, 401),
    ("person-team", "POST", SELF): (201, 201, 403, 403, 403, 403, 403, 403, 401),
    ("person-team", "DELETE", OTHER): (204, 204, 403, 403, 403, 403, 403, 403, 401),
    ("person-team", "DELETE", SELF): (204, 204, 403, 403, 403, 403, 403, 403, 401),
    ("person-teams-assign-all", "POST", OTHER): (201, 201, 403, 403, 403, 403, 403, 403, 401),
    ("person-teams-remove-all", "DELETE", OTHER): (204, 204, 403, 403, 403, 403, 403, 403, 401),
    ("person-change-password", "POST", OTHER): (200, 403, 403, 403, 403, 403, 403, 403, 401),
    ("person-change-password", "POST", SELF): (200, 403, 403, 403, 403, 403, 403, 403, 401),
    ("person-invite", "GET", OTHER): (200, 200, 403, 403, 403, 403, 403, 403, 401),
    ("person-reset-password-link", "POST", OTHER): (200, 403, 403, 403, 403, 403, 403, 403, 401),
    ("person-disable-two-factor", "DELETE", OTHER): (200, 403, 403, 403, 403, 403, 403, 403, 401),
    ("person-two-factor", "DELETE", OTHER): (200, 403, 403, 403, 403, 403, 403, 403, 401),
    # ...except for the avatar, which a person may clear themselves (see the module docstring).
    ("person-clear-avatar", "DELETE", OTHER): (204, 204, 403, 403, 403, 403, 403, 403, 401),
    ("person-clear-avatar", "DELETE", SELF): (204, 204, 204, 204, 204, 204, 204, 204, 401),
    ("person-avatar", "DELETE", OTHER): (204, 204, 403, 403, 403, 403, 403, 403, 401),
    ("person-avatar", "DELETE", SELF): (204, 204, 204, 204, 204, 204, 204, 204, 401),
    # Avatar (5.1): upload by admin, HR or self, download by anyone signed in.
    ("person-avatar-upload", "POST", OTHER): (201, 201, 403, 403, 403, 403, 403, 403, 401),
    ("person-avatar-upload", "POST", SELF): (201, 201, 201, 201, 201, 201, 201, 201, 401),
    ("person-avatar-download", "GET", OTHER): (200, 200, 200, 200, 200, 200, 200, 200, 401),
    # Desktop login logs (5 #1-#2, 5.2): read by self or manager/admin/HR, written by self or admin.
    # The whole audit log (issue 7): admins and HR.
    ("audit-logs", "GET", NONE): (200, 200, 403, 403, 403, 403, 403, 403, 401),
    # HR data of one person (issue 7, items 2 and 8; people.visibility): anyone signed in may ask; admins and HR
    # see everyone's, everyone their own, line managers their reports', supervisors their departments' members'.
    # The other person here is none of these to the caller: hidden, so 404 (tests/people/test_hr_data.py
    # covers each relationship).
    ("person-audit-logs", "GET", OTHER): (200, 200, 404, 404, 404, 404, 404, 404, 401),
    ("person-audit-logs", "GET", SELF): (200, 200, 200, 200, 200, 200, 200, 200, 401),
    ("person-admin-profile", "GET", OTHER): (200, 200, 404, 404, 404, 404, 404, 404, 401),
    ("person-admin-profile", "GET", SELF): (200, 200, 200, 200, 200, 200, 200, 200, 401),
    ("person-admin-summary", "GET", OTHER): (200, 200, 404, 404, 404, 404, 404, 404, 401),
    ("person-admin-summary", "GET", SELF): (200, 200, 200, 200, 200, 200, 200, 200, 401),
    ("person-desktop-login-logs", "GET", OTHER): (200, 200, 200, 403, 403, 403, 403, 403, 401),
    ("person-desktop-login-logs", "GET", SELF): (200, 200, 200, 200, 200, 200, 200, 200, 401),
    ("person-desktop-login-logs", "POST", OTHER): (201, 403, 403, 403, 403, 403, 403, 403, 401),
    ("person-desktop-login-logs", "POST", SELF): (201, 201, 201, 201, 201, 201, 201, 201, 401),
    ("user-desktop-login-logs", "GET", NONE): (200, 200, 200, 200, 200, 200, 200, 200, 401),
    ("user-desktop-login-logs", "POST", NONE): (201, 201, 201, 201, 201, 201, 201, 201, 401),
    # Settings, search, the current user, presence and the directory (issue 7 item 6). Settings: read by admins
    # and HR (HR data), changed by admins, and the person themself (never a bot: it has no preferences); a
    # person whose HR data the caller may not open is hidden (404). Search by email: admins and HR. The current
    # user reads their own record and changes their names and phone (bots too, as through PUT); presence and
    # the directory are for humans.
    ("person-settings", "GET", OTHER): (200, 200, 404, 404, 404, 404, 404, 403, 401),
    ("person-settings", "GET", SELF): (200, 200, 200, 200, 200, 200, 200, 403, 401),
    ("person-settings", "PUT", OTHER): (200, 403, 404, 404, 404, 404, 404, 403, 401),
    ("person-settings", "PUT", SELF): (200, 200, 200, 200, 200, 200, 200, 403, 401),
    ("persons-search", "GET", NONE): (200, 200, 403, 403, 403, 403, 403, 403, 401),
    ("user-me", "GET", NONE): (200, 200, 200, 200, 200, 200, 200, 200, 401),
    ("user-profile", "PATCH", NONE): (200, 200, 200, 200, 200, 200, 200, 200, 401),
    ("user-presence", "PATCH", NONE): (200, 200, 200, 200, 200, 200, 200, 403, 401),
    ("persons-directory", "GET", NONE): (200, 200, 200, 200, 200, 200, 200, 403, 401),
    # Departments (6.2): read by anyone, written by admins; equipment links are admin only.
    ("departments-list", "GET", NONE): (200, 200, 200, 200, 200, 200, 200, 200, 401),
    ("departments-list", "POST", NONE): (201, 403, 403, 403, 403, 403, 403, 403, 401),
    ("departments-detail", "GET", NONE): (200, 200, 200, 200, 200, 200, 200, 200, 401),
    ("departments-detail", "PUT", NONE): (200, 403, 403, 403, 403, 403, 403, 403, 401),
    ("departments-detail", "DELETE", NONE): (204, 403, 403, 403, 403, 403, 403, 403, 401),
    ("departments-all-software-licenses", "GET", NONE): (200, 403, 403, 403, 403, 403, 403, 403, 401),
    ("departments-software-licenses", "GET", NONE): (200, 403, 403, 403, 403, 403, 403, 403, 401),
    ("departments-software-licenses", "POST", NONE): (201, 403, 403, 403, 403, 403, 403, 403, 401),
    ("departments-remove-software-license", "DELETE", NONE): (204, 403, 403, 403, 403, 403, 403, 403, 401),
    ("departments-all-hardware-items", "GET", NONE): (200, 403, 403, 403, 403, 403, 403, 403, 401),
    ("departments-hardware-items", "GET", NONE): (200, 403, 403, 403, 403, 403, 403, 403, 401),
    ("departments-hardware-items", "POST", NONE): (201, 403, 403, 403, 403, 403, 403, 403, 401),
    ("departments-remove-hardware-item", "DELETE", NONE): (204, 403, 403, 403, 403, 403, 403, 403, 401),
    # Studios and software: read by anyone, written by admins.
    ("work-shifts-list", "GET", NONE): (200, 200, 200, 200, 200, 200, 200, 200, 401),
    ("work-shifts-list", "POST", NONE): (201, 403, 403, 403, 403, 403, 403, 403, 401),
    ("work-shifts-detail", "GET", NONE): (200, 200, 200, 200, 200, 200, 200, 200, 401),
    ("work-shifts-detail", "PUT", NONE): (200, 403, 403, 403, 403, 403, 403, 403, 401),
    ("work-shifts-detail", "DELETE", NONE): (204, 403, 403, 403, 403, 403, 403, 403, 401),
    ("person-reporting", "PATCH", OTHER): (200, 200, 403, 403, 403, 403, 403, 403, 401),
    ("person-reporting", "PATCH", SELF): (200, 200, 403, 403, 403, 403, 403, 403, 401),
    ("person-role", "PATCH", OTHER): (200, 200, 403, 403, 403, 403, 403, 403, 401),
    ("person-department", "PATCH", OTHER): (200, 200, 403, 403, 403, 403, 403, 403, 401),
    ("person-department", "PATCH", SELF): (200, 200, 403, 403, 403, 403, 403, 403, 401),
    ("person-department-details", "PATCH", OTHER): (200, 200, 403, 403, 403, 403, 403, 403, 401),
    ("person-admin-profile", "PATCH", OTHER): (200, 200, 403, 403, 403, 403, 403, 403, 401),
    ("person-admin-profile", "PATCH", SELF): (200, 200, 403, 403, 403, 403, 403, 403, 401),
    ("teams-list", "GET", NONE): (200, 200, 200, 200, 200, 200, 200, 200, 401),
    ("teams-list", "POST", NONE): (201, 403, 403, 403, 403, 403, 403, 403, 401),
    ("teams-detail", "GET", NONE): (200, 200, 200, 200, 200, 200, 200, 200, 401),
    ("teams-detail", "PUT", NONE): (200, 403, 403, 403, 403, 403, 403, 403, 401),
    ("teams-detail", "DELETE", NONE): (204, 403, 403, 403, 403, 403, 403, 403, 401),
    ("studios-list", "GET", NONE): (200, 200, 200, 200, 200, 200, 200, 200, 401),
    ("studios-list", "POST", NONE): (201, 403, 403, 403, 403, 403, 403, 403, 401),
    ("studios-detail", "GET", NONE): (200, 200, 200, 200, 200, 200, 200, 200, 401),
    ("studios-detail", "PUT", NONE): (200, 403, 403, 403, 403, 403, 403, 403, 401),
    ("studios-detail", "DELETE", NONE): (204, 403, 403, 403, 403, 403, 403, 403, 401),
    ("softwares-list", "GET", NONE): (200, 200, 200, 200, 200, 200, 200, 200, 401),
    ("softwares-list", "POST", NONE): (201, 403, 403, 403, 403, 403, 403, 403, 401),
    ("softwares-detail", "GET", NONE): (200, 200, 200, 200, 200, 200, 200, 200, 401),
    ("softwares-detail", "PUT", NONE): (200, 403, 403, 403, 403, 403, 403, 403, 401),
    ("softwares-detail", "DELETE", NONE): (204, 403, 403, 403, 403, 403, 403, 403, 401),
    # Hardware items and salary scales: admin for everything. Salary scales are never created (400).
    ("hardware-items-list", "GET", NONE): (200, 403, 403, 403, 403, 403, 403, 403, 401),
    ("hardware-items-list", "POST", NONE): (201, 403, 403, 403, 403, 403, 403, 403, 401),
    ("hardware-items-detail", "GET", NONE): (200, 403, 403, 403, 403, 403, 403, 403, 401),
    ("hardware-items-detail", "PUT", NONE): (200, 403, 403, 403, 403, 403, 403, 403, 401),
    ("hardware-items-detail", "DELETE", NONE): (204, 403, 403, 403, 403, 403, 403, 403, 401),
    ("salary-scales-list", "GET", NONE): (200, 403, 403, 403, 403, 403, 403, 403, 401),
    ("salary-scales-list", "POST", NONE): (400, 403, 403, 403, 403, 403, 403, 403, 401),
    ("salary-scales-detail", "GET", NONE): (200, 403, 403, 403, 403, 403, 403, 403, 401),
    ("salary-scales-detail", "PUT", NONE): (200, 403, 403, 403, 403, 403, 403, 403, 401),
    ("salary-scales-detail", "DELETE", NONE): (204, 403, 403, 403, 403, 403, 403, 403, 401),
    # Organisations: read by anyone (chat secrets hidden), written by admins.
    ("organisations-list", "GET", NONE): (200, 200, 200, 200, 200, 200, 200, 200, 401),
    ("organisations-list", "POST", NONE): (201, 403, 403, 403, 403, 403, 403, 403, 401),
    ("organisations-detail", "GET", NONE): (200, 200, 200, 200, 200, 200, 200, 200, 401),
    ("organisations-detail", "PUT", NONE): (200, 403, 403, 403, 403, 403, 403, 403, 401),
    ("organisations-detail", "DELETE", NONE): (204, 403, 403, 403, 403, 403, 403, 403, 401),
    # Productions: projects are read by their team (admins: all), created and deleted by admins, changed by
    # admins and the managers on their team.
    ("projects-list", "GET", NONE): (200, 200, 200, 200, 200, 200, 200, 200, 401),
    ("projects-list", "POST", NONE): (201, 403, 403, 403, 403, 403, 403, 403, 401),
    ("projects-detail", "GET", NONE): (200, 200, 200, 200, 200, 200, 200, 200, 401),
    ("projects-detail", "PUT", NONE): (200, 403, 200, 403, 403, 403, 403, 403, 401),
    ("projects-detail", "DELETE", NONE): (204, 403, 403, 403, 403, 403, 403, 403, 401),
    # The studio-wide catalogs: read by anyone signed in, written by admins.
    ("entity-types-list", "GET", NONE): (200, 200, 200, 200, 200, 200, 200, 200, 401),
    ("entity-types-list", "POST", NONE): (201, 403, 403, 403, 403, 403, 403, 403, 401),
    ("entity-types-detail", "GET", NONE): (200, 200, 200, 200, 200, 200, 200, 200, 401),
    ("entity-types-detail", "PUT", NONE): (200, 403, 403, 403, 403, 403, 403, 403, 401),
    ("entity-types-detail", "DELETE", NONE): (204, 403, 403, 403, 403, 403, 403, 403, 401),
    ("task-types-list", "GET", NONE): (200, 200, 200, 200, 200, 200, 200, 200, 401),
    ("task-types-list", "POST", NONE): (201, 403, 403, 403, 403, 403, 403, 403, 401),
    ("task-types-detail", "GET", NONE): (200, 200, 200, 200, 200, 200, 200, 200, 401),
    ("task-types-detail", "PUT", NONE): (200, 403, 403, 403, 403, 403, 403, 403, 401),
    ("task-types-detail", "DELETE", NONE): (204, 403, 403, 403, 403, 403, 403, 403, 401),
    ("task-status-list", "GET", NONE): (200, 200, 200, 200, 200, 200, 200, 200, 401),
    ("task-status-list", "POST", NONE): (201, 403, 403, 403, 403, 403, 403, 403, 401),
    ("task-status-detail", "GET", NONE): (200, 200, 200, 200, 200, 200, 200, 200, 401),
    ("task-status-detail", "PUT", NONE): (200, 403, 403, 403, 403, 403, 403, 403, 401),
    ("task-status-detail", "DELETE", NONE): (204, 403, 403, 403, 403, 403, 403, 403, 401),
    # Shots and tasks of the caller's project: written by admins and the project's managers; supervisors also
    # change the tasks of their departments.
    ("entities-list", "GET", NONE): (200, 200, 200, 200, 200, 200, 200, 200, 401),
    ("entities-list", "POST", NONE): (201, 403, 201, 403, 403, 403, 403, 403, 401),
    ("entities-detail", "GET", NONE): (200, 200, 200, 200, 200, 200, 200, 200, 401),
    ("entities-detail", "PUT", NONE): (200, 403, 200, 403, 403, 403, 403, 403, 401),
    ("entities-detail", "DELETE", NONE): (204, 403, 204, 403, 403, 403, 403, 403, 401),
    ("tasks-list", "GET", NONE): (200, 200, 200, 200, 200, 200, 200, 200, 401),
    ("tasks-list", "POST", NONE): (201, 403, 201, 403, 403, 403, 403, 403, 401),
    ("tasks-detail", "GET", NONE): (200, 200, 200, 200, 200, 200, 200, 200, 401),
    ("tasks-detail", "PUT", NONE): (200, 403, 200, 200, 403, 403, 403, 403, 401),
    ("tasks-detail", "DELETE", NONE): (204, 403, 204, 403, 403, 403, 403, 403, 401),
    ("tasks-full", "GET", NONE): (200, 200, 200, 200, 200, 200, 200, 200, 401),
    # Sequences and shots (Zou's shots blueprint): read as entities; created in the caller's project by admins
    # and its managers.
    ("sequences-list", "GET", NONE): (200, 200, 200, 200, 200, 200, 200, 200, 401),
    ("sequences-detail", "GET", NONE): (200, 200, 200, 200, 200, 200, 200, 200, 401),
    ("shots-list", "GET", NONE): (200, 200, 200, 200, 200, 200, 200, 200, 401),
    ("shots-all", "GET", NONE): (200, 200, 200, 200, 200, 200, 200, 200, 401),
    ("shots-detail", "GET", NONE): (200, 200, 200, 200, 200, 200, 200, 200, 401),
    ("project-sequences", "GET", NONE): (200, 200, 200, 200, 200, 200, 200, 200, 401),
    ("project-sequences", "POST", NONE): (201, 403, 201, 403, 403, 403, 403, 403, 401),
    ("project-shots", "GET", NONE): (200, 200, 200, 200, 200, 200, 200, 200, 401),
    ("project-shots", "POST", NONE): (201, 403, 201, 403, 403, 403, 403, 403, 401),
    # Episodes and scenes, a parent's children, shot change and delete (Zou's shots blueprint): the same rule,
    # entities.view to read (a vendor sees the episode and sequence above their shot), entities.change to write.
    ("episodes-list", "GET", NONE): (200, 200, 200, 200, 200, 200, 200, 200, 401),
    ("episodes-detail", "GET", NONE): (200, 200, 200, 200, 200, 200, 200, 200, 401),
    ("episodes-detail", "DELETE", NONE): (204, 403, 204, 403, 403, 403, 403, 403, 401),
    ("episode-sequences", "GET", NONE): (200, 200, 200, 200, 200, 200, 200, 200, 401),
    ("episode-shots", "GET", NONE): (200, 200, 200, 200, 200, 200, 200, 200, 401),
    ("project-episodes", "GET", NONE): (200, 200, 200, 200, 200, 200, 200, 200, 401),
    ("project-episodes", "POST", NONE): (201, 403, 201, 403, 403, 403, 403, 403, 401),
    ("sequences-detail", "DELETE", NONE): (204, 403, 204, 403, 403, 403, 403, 403, 401),
    ("sequence-shots", "GET", NONE): (200, 200, 200, 200, 200, 200, 200, 200, 401),
    ("sequence-scenes", "GET", NONE): (200, 200, 200, 200, 200, 200, 200, 200, 401),
    ("shots-detail", "PUT", NONE): (200, 403, 200, 403, 403, 403, 403, 403, 401),
    ("shots-detail", "DELETE", NONE): (204, 403, 204, 403, 403, 403, 403, 403, 401),
    ("scenes-all", "GET", NONE): (200, 200, 200, 200, 200, 200, 200, 200, 401),
    ("scenes-detail", "GET", NONE): (200, 200, 200, 200, 200, 200, 200, 200, 401),
    ("project-scenes", "GET", NONE): (200, 200, 200, 200, 200, 200, 200, 200, 401),
    ("project-scenes", "POST", NONE): (201, 403, 201, 403, 403, 403, 403, 403, 401),
    # Quotas (5 #21-#23, 8, 8.1) on the caller's project: quota shots are read by managers (their projects) and
    # admins, or by the person themselves (never of a bot); project statistics by the team; a person's
    # statistics by managers and supervisors, or by the person themselves.
    ("person-quota-shots-month", "GET", OTHER): (200, 403, 200, 403, 403, 403, 403, 403, 401),
    ("person-quota-shots-month", "GET", SELF): (200, 200, 200, 200, 200, 200, 200, 403, 401),
    ("person-quota-shots-week", "GET", OTHER): (200, 403, 200, 403, 403, 403, 403, 403, 401),
    ("person-quota-shots-week", "GET", SELF): (200, 200, 200, 200, 200, 200, 200, 403, 401),
    ("person-quota-shots-day", "GET", OTHER): (200, 403, 200, 403, 403, 403, 403, 403, 401),
    ("person-quota-shots-day", "GET", SELF): (200, 200, 200, 200, 200, 200, 200, 403, 401),
    ("project-quotas", "GET", NONE): (200, 200, 200, 200, 200, 200, 200, 200, 401),
    ("project-person-quotas", "GET", OTHER): (200, 403, 200, 200, 403, 403, 403, 403, 401),
    ("project-person-quotas", "GET", SELF): (200, 200, 200, 200, 200, 200, 200, 200, 401),
    # Logging time (5.3): on a task one sees and is assigned to (the target too); for someone else, admins and
    # the project's managers. A bot target is refused. The task's time is read by whoever sees the task.
    ("task-time-spent", "POST", SELF): (201, 201, 201, 201, 201, 201, 201, 403, 401),
    ("task-time-spent", "POST", OTHER): (201, 403, 201, 403, 403, 403, 403, 403, 401),
    ("task-time-spent", "DELETE", SELF): (201, 201, 201, 201, 201, 201, 201, 403, 401),
    ("task-time-spent", "DELETE", OTHER): (201, 403, 201, 403, 403, 403, 403, 403, 401),
    ("task-time-spent-add", "POST", SELF): (201, 201, 201, 201, 201, 201, 201, 403, 401),
    ("task-time-spent-add", "POST", OTHER): (201, 403, 201, 403, 403, 403, 403, 403, 401),
    ("task-time-spents", "GET", NONE): (200, 200, 200, 200, 200, 200, 200, 200, 401),
    ("task-time-spents-of-day", "GET", NONE): (200, 200, 200, 200, 200, 200, 200, 200, 401),
    # The tables (5 #11-#14) answer everyone, scoped (tests/timetracking); so do everyone's day-offs of a month.
    ("time-table-year", "GET", NONE): (200, 200, 200, 200, 200, 200, 200, 200, 401),
    ("time-table-month", "GET", NONE): (200, 200, 200, 200, 200, 200, 200, 200, 401),
    ("time-table-week", "GET", NONE): (200, 200, 200, 200, 200, 200, 200, 200, 401),
    ("time-table-day", "GET", NONE): (200, 200, 200, 200, 200, 200, 200, 200, 401),
    ("day-offs-of-month", "GET", NONE): (200, 200, 200, 200, 200, 200, 200, 200, 401),
    # A person's time (5 #4-#10): the raw range is admin and HR only, the raw month also self; the day and the
    # periods by task also managers and supervisors (scoped to their projects). Never about a bot.
    ("person-time-spents", "GET", OTHER): (200, 200, 403, 403, 403, 403, 403, 403, 401),
    ("person-time-spents", "GET", SELF): (200, 200, 403, 403, 403, 403, 403, 403, 401),
    ("person-time-spents-month-all", "GET", OTHER): (200, 200, 403, 403, 403, 403, 403, 403, 401),
    ("person-time-spents-month-all", "GET", SELF): (200, 200, 200, 200, 200, 200, 200, 403, 401),
    ("person-time-spents-year", "GET", OTHER): (200, 200, 200, 200, 403, 403, 403, 403, 401),
    ("person-time-spents-year", "GET", SELF): (200, 200, 200, 200, 200, 200, 200, 403, 401),
    ("person-time-spents-month", "GET", OTHER): (200, 200, 200, 200, 403, 403, 403, 403, 401),
    ("person-time-spents-month", "GET", SELF): (200, 200, 200, 200, 200, 200, 200, 403, 401),
    ("person-time-spents-week", "GET", OTHER): (200, 200, 200, 200, 403, 403, 403, 403, 401),
    ("person-time-spents-week", "GET", SELF): (200, 200, 200, 200, 200, 200, 200, 403, 401),
    ("person-time-spents-day", "GET", OTHER): (200, 200, 200, 200, 403, 403, 403, 403, 401),
    ("person-time-spents-day", "GET", SELF): (200, 200, 200, 200, 200, 200, 200, 403, 401),
    ("person-time-spents-of-day", "GET", OTHER): (200, 200, 200, 200, 403, 403, 403, 403, 401),
    ("person-time-spents-of-day", "GET", SELF): (200, 200, 200, 200, 200, 200, 200, 403, 401),
    # A person's day-offs (5 #15, #17-#20): admin, HR or self, never about a bot.
    ("person-day-offs", "GET", OTHER): (200, 200, 403, 403, 403, 403, 403, 403, 401),
    ("person-day-offs", "GET", SELF): (200, 200, 200, 200, 200, 200, 200, 403, 401),
    ("person-day-offs-week", "GET", OTHER): (200, 200, 403, 403, 403, 403, 403, 403, 401),
    ("person-day-offs-week", "GET", SELF): (200, 200, 200, 200, 200, 200, 200, 403, 401),
    ("person-day-offs-month", "GET", OTHER): (200, 200, 403, 403, 403, 403, 403, 403, 401),
    ("person-day-offs-month", "GET", SELF): (200, 200, 200, 200, 200, 200, 200, 403, 401),
    ("person-day-offs-year", "GET", OTHER): (200, 200, 403, 403, 403, 403, 403, 403, 401),
    ("person-day-offs-year", "GET", SELF): (200, 200, 200, 200, 200, 200, 200, 403, 401),
    ("person-day-off-of-day", "GET", OTHER): (200, 200, 403, 403, 403, 403, 403, 403, 401),
    ("person-day-off-of-day", "GET", SELF): (200, 200, 200, 200, 200, 200, 200, 403, 401),
    # The current user's own (5.2).
    ("user-time-spents", "GET", NONE): (200, 200, 200, 200, 200, 200, 200, 200, 401),
    ("user-time-spents-of-day", "GET", NONE): (200, 200, 200, 200, 200, 200, 200, 200, 401),
    ("user-task-time-spent", "GET", NONE): (200, 200, 200, 200, 200, 200, 200, 200, 401),
    ("user-day-off", "GET", NONE): (200, 200, 200, 200, 200, 200, 200, 200, 401),
    # /data/time-spents (5.5): admins (HR reads), but a delete follows the logging rule (here: one's own row).
    ("time-spents-list", "GET", NONE): (200, 200, 403, 403, 403, 403, 403, 403, 401),
    ("time-spents-list", "POST", NONE): (201, 403, 403, 403, 403, 403, 403, 403, 401),
    ("time-spents-detail", "GET", NONE): (200, 200, 403, 403, 403, 403, 403, 403, 401),
    ("time-spents-detail", "PUT", NONE): (200, 403, 403, 403, 403, 403, 403, 403, 401),
    ("time-spents-detail", "DELETE", NONE): (204, 204, 204, 204, 204, 204, 204, 204, 401),
    # /data/day-offs (5.4): admins and HR list; everyone creates, reads, changes and deletes their own (403 otherwise).
    ("day-offs-list", "GET", NONE): (200, 200, 403, 403, 403, 403, 403, 403, 401),
    ("day-offs-list", "POST", NONE): (201, 201, 201, 201, 201, 201, 201, 201, 401),
    ("day-offs-detail", "GET", OTHER): (200, 200, 403, 403, 403, 403, 403, 403, 401),
    ("day-offs-detail", "GET", SELF): (200, 200, 200, 200, 200, 200, 200, 200, 401),
    ("day-offs-detail", "PUT", OTHER): (200, 200, 403, 403, 403, 403, 403, 403, 401),
    ("day-offs-detail", "PUT", SELF): (200, 200, 200, 200, 200, 200, 200, 200, 401),
    ("day-offs-detail", "DELETE", OTHER): (204, 204, 403, 403, 403, 403, 403, 403, 401),
    ("day-offs-detail", "DELETE", SELF): (204, 204, 204, 204, 204, 204, 204, 204, 401),
    # The monthly presence CSV (7): admins and HR.
    ("presence-logs", "GET", NONE): (200, 200, 403, 403, 403, 403, 403, 403, 401),
    # Grants and denials (issue 7): read by admins, HR and the person themselves; set by admins and HR (HR
    # only with keys it holds: tests/people/test_permission_rules.py).
    ("person-permissions", "GET", OTHER): (200, 200, 404, 404, 404, 404, 404, 404, 401),
    ("person-permissions", "GET", SELF): (200, 200, 200, 200, 200, 200, 200, 200, 401),
    ("person-permissions", "PATCH", OTHER): (200, 200, 403, 403, 403, 403, 403, 403, 401),
    ("person-permissions", "PATCH", SELF): (200, 200, 403, 403, 403, 403, 403, 403, 401),
}

NEW_PASSWORD = "An0ther-Str0ng-secret"
JUNE_4 = dt.date(2024, 6, 4)


def _png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, format="PNG")
    return buffer.getvalue()


PNG = _png_bytes()


def png_upload() -> SimpleUploadedFile:
    return SimpleUploadedFile("avatar.png", PNG, content_type="image/png")


class World:
    """The objects a cell acts on, each created on first use so a cell pays only for what it needs."""

    def __init__(self, caller: Person | None, refresh_token: str | None):
        self.caller = caller
        self.refresh_token = refresh_token

    @cached_property
    def other(self) -> Person:
        return make_person(role=Role.USER, email="tara.target@example.com", first_name="Tara",
                           last_name="Target")

    def person(self, target: str) -> Person:
        return self.caller if target == SELF and self.caller is not None else self.other

    @cached_property
    def department(self) -> Department:
        return Department.objects.create(name="Modeling", color="#FF0000")

    @cached_property
    def software(self) -> Software:
        return Software.objects.create(name="Maya", short_name="ma", file_extension="ma")

    @cached_property
    def hardware_item(self) -> HardwareItem:
        return HardwareItem.objects.create(name="Tablet", short_name="tab")

    @cached_property
    def work_shift(self) -> WorkShift:
        return WorkShift.objects.create(name="Day", start_time="09:00", end_time="18:00")

    @cached_property
    def team(self) -> Team:
        return Team.objects.create(name="Pilot crew")

    @cached_property
    def studio(self) -> Studio:
        return Studio.objects.create(name="Paris", color="#0000FF")

    @cached_property
    def salary_scale(self) -> SalaryScale:
        return SalaryScale.objects.create(department=self.department, salary=100)

    @cached_property
    def organisation(self) -> Organisation:
        return department_services.organisation_get_or_create()

    # Productions: the caller is on the team and assigned the task; the task type is of the caller's department.
    @cached_property
    def project(self) -> Project:
        return ProjectFactory(team=[self.caller] if self.caller is not None else [])

    @cached_property
    def closed_project(self) -> Project:
        project = self.project
        project.project_status = timetracking_services.project_status_get_or_create("Closed")
        project.save()
        return project

    @cached_property
    def entity_type(self) -> EntityType:
        return timetracking_services.entity_type_get_or_create("Shot")

    @cached_property
    def task_type(self) -> TaskType:
        if self.caller is not None:
            person_add_department(acting_user=None, person=self.caller, department_id=self.department.pk)
        return TaskTypeFactory(department=self.department, for_entity="Shot")

    @cached_property
    def task_status(self) -> TaskStatus:
        return TaskStatusFactory()

    @cached_property
    def task(self) -> Task:
        sequence = EntityFactory(project=self.project, entity_type=entity_type("Sequence"), name="SE01")
        return TaskFactory(entity=EntityFactory(project=self.project, entity_type=self.entity_type, parent=sequence),
                           task_type=self.task_type, task_status=self.task_status,
                           assignees=[self.caller] if self.caller is not None else [])

    def assigned(self, target: str) -> Person:
        """The target person, assigned to the task (the caller already is)."""
        person = self.person(target)
        self.task.assignees.add(person)
        return person

    def logged(self, target: str) -> TimeSpent:
        return timetracking_services.time_spent_set(acting_user=None, task=self.task,
                                                    person=self.assigned(target), date=JUNE_4, duration=60)

    def day_off(self, target: str) -> DayOff:
        return timetracking_services.day_off_create(acting_user=None, data={
            "person": self.person(target), "date": JUNE_4, "end_date": JUNE_4})


@dataclass
class Call:
    kwargs: dict = field(default_factory=dict)  # URL arguments for `reverse`
    data: dict | None = None
    multipart: bool = False
    token: str | None = None  # replaces the caller's bearer token


def _with_department(world: World, target: str) -> Call:
    person = world.person(target)
    person_add_department(acting_user=None, person=person, department_id=world.department.pk)
    return Call({"person_id": person.pk, "department_id": world.department.pk})


def _locked(world: World, target: str) -> Call:
    """Unlocking someone else: their account is locked first (the caller's own stays open, or it could not
    ask; it is refused as not locked, and as one's own)."""
    person = world.person(target)
    if person != world.caller:
        Person.objects.filter(pk=person.pk).update(status="locked", active=False)
    return Call({"person_id": person.pk})


def _with_avatar(world: World, target: str) -> Call:
    person = world.person(target)
    person_set_avatar(acting_user=None, person=person, upload=png_upload())
    return Call({"person_id": person.pk})


def _with_two_factor(world: World, target: str) -> Call:
    person = world.person(target)
    Person.objects.filter(pk=person.pk).update(totp_enabled=True, totp_secret="JBSWY3DPEHPK3PXP",
                                               preferred_two_factor_authentication="totp")
    return Call({"person_id": person.pk})


def _linked_software(world: World) -> dict:
    department_services.department_link_software(
        acting_user=None, department_id=world.department.pk, software_id=world.software.pk)
    return {"pk": world.department.pk, "software_id": world.software.pk}


def _linked_hardware_item(world: World) -> dict:
    department_services.department_link_hardware_item(
        acting_user=None, department_id=world.department.pk, hardware_item_id=world.hardware_item.pk)
    return {"pk": world.department.pk, "hardware_item_id": world.hardware_item.pk}


def _after(*setup) -> Call:
    """A request without arguments, sent once `setup` has made the data it lists (so lists are not empty)."""
    return Call()


def _reset_password(world: World) -> Call:
    token = password_reset_token_issue(person=world.other)
    return Call(data={"email": world.other.email, "token": token, "password": NEW_PASSWORD,
                      "password2": NEW_PASSWORD})


def _time_target(world: World, target: str, *, logged: bool = False) -> dict:
    person = world.logged(target).person if logged else world.assigned(target)
    return {"task_id": world.task.pk, "date": JUNE_4, "person_id": person.pk}


def _episode_above_task(world: World) -> Entity:
    """The episode of the caller's task's sequence."""
    episode = EntityFactory(project=world.project, entity_type=entity_type("Episode"), name="EP01")
    Entity.objects.filter(pk=world.task.entity.parent_id).update(parent=episode)
    return episode


def _scene_with_task(world: World) -> Entity:
    """A scene of the task's sequence, with a task of its own assigned to the caller (a vendor sees it); Roster
    counts a scene among the asset types, as Zou's generic entity routes do."""
    scene = EntityFactory(project=world.project, entity_type=entity_type("Scene"), name="SC01",
                          parent_id=world.task.entity.parent_id)
    department = world.task_type.department  # the caller's department (reading task_type puts them in it)
    TaskFactory(entity=scene, task_type=TaskTypeFactory(department=department, for_entity="Asset"),
                task_status=world.task_status,
                assignees=[world.caller] if world.caller is not None else [])
    return scene


def _detail(name: str) -> Callable[[World, str], Call]:
    return lambda w, t: Call({"pk": getattr(w, name).pk})


def _quota_shots(world: World, target: str, **period) -> Call:
    """A GET's data is its query string: the project and task type the quota shots are counted on."""
    return Call({"person_id": world.person(target).pk, **period},
                data={"project_id": str(world.project.pk), "task_type_id": str(world.task_type.pk)})


# How to send a valid request on each (URL name, method), given the world and the target variant.
REQUESTS: dict[tuple[str, str], Callable[[World, str], Call]] = {
    ("api-root-bare", "GET"): lambda w, t: Call(),
    ("api-root", "GET"): lambda w, t: Call(),
    ("schema", "GET"): lambda w, t: Call(),
    ("docs", "GET"): lambda w, t: Call(),
    ("redoc", "GET"): lambda w, t: Call(),
    ("auth-login", "POST"): lambda w, t: Call(data={"email": w.other.email, "password": PASSWORD}),
    ("auth-reset-password", "POST"): lambda w, t: Call(data={"email": w.other.email}),
    ("auth-reset-password", "PUT"): lambda w, t: _reset_password(w),
    ("auth-authenticated", "GET"): lambda w, t: Call(),
    ("auth-logout", "GET"): lambda w, t: Call(),
    ("auth-refresh-token", "GET"): lambda w, t: Call(token=w.refresh_token),
    ("auth-change-password", "POST"): lambda w, t: Call(
        data={"old_password": PASSWORD, "password": NEW_PASSWORD, "password_2": NEW_PASSWORD}),
    ("persons-list", "GET"): lambda w, t: Call(),
    ("persons-list", "POST"): lambda w, t: Call(
        data={"first_name": "Nina", "last_name": "New", "email": "nina.new@example.com"}),
    ("persons-detail", "GET"): lambda w, t: Call({"pk": w.person(t).pk}),
    ("persons-detail", "PUT"): lambda w, t: Call({"pk": w.person(t).pk}, data={"phone": "+33 1 23 45 67 89"}),
    ("persons-detail", "DELETE"): lambda w, t: Call({"pk": w.person(t).pk}),
    ("person-department-add", "POST"): lambda w, t: Call(
        {"person_id": w.person(t).pk}, data={"department_id": str(w.department.pk)}),
    ("person-department-remove", "DELETE"): _with_department,
    ("person-lock", "POST"): lambda w, t: Call({"person_id": w.person(t).pk}, data={"reason": "left"}),
    ("person-unlock", "DELETE"): lambda w, t: _locked(w, t),
    ("person-suspend", "POST"): lambda w, t: Call({"person_id": w.person(t).pk}, data={"reason": "audit"}),
    ("person-activate", "POST"): lambda w, t: Call({"person_id": w.person(t).pk}),
    ("person-status", "PATCH"): lambda w, t: Call({"person_id": w.person(t).pk}, data={"status": "inactive"}),
    ("person-force-password-reset", "POST"): lambda w, t: Call({"person_id": w.person(t).pk}),
    ("person-team", "POST"): lambda w, t: Call({"person_id": w.person(t).pk, "team_id": w.team.pk}),
    ("person-team", "DELETE"): lambda w, t: Call({"person_id": w.person(t).pk, "team_id": w.team.pk}),
    ("person-teams-assign-all", "POST"): lambda w, t: Call({"person_id": w.person(t).pk}),
    ("person-teams-remove-all", "DELETE"): lambda w, t: Call({"person_id": w.person(t).pk}),
    ("person-change-password", "POST"): lambda w, t: Call(
        {"person_id": w.person(t).pk}, data={"password": NEW_PASSWORD, "password_2": NEW_PASSWORD}),
    ("person-invite", "GET"): lambda w, t: Call({"person_id": w.person(t).pk}),
    ("person-reset-password-link", "POST"): lambda w, t: Call({"person_id": w.person(t).pk}, data={}),
    ("person-disable-two-factor", "DELETE"): _with_two_factor,
    ("person-two-factor", "DELETE"): _with_two_factor,
    ("person-clear-avatar", "DELETE"): _with_avatar,
    ("person-avatar", "DELETE"): _with_avatar,
    ("person-avatar-upload", "POST"): lambda w, t: Call(
        {"person_id": w.person(t).pk}, data={"file": png_upload()}, multipart=True),
    ("person-avatar-download", "GET"): _with_avatar,
    ("audit-logs", "GET"): lambda w, t: Call(),
    ("person-audit-logs", "GET"): lambda w, t: Call({"person_id": w.person(t).pk}),
    ("person-admin-profile", "GET"): lambda w, t: Call({"person_id": w.person(t).pk},
                                                       data={"start": "2024-06-01", "end": "2024-06-30"}),
    ("person-admin-summary", "GET"): lambda w, t: Call({"person_id": w.person(t).pk}),
    ("person-desktop-login-logs", "GET"): lambda w, t: Call({"person_id": w.person(t).pk}),
    ("person-desktop-login-logs", "POST"): lambda w, t: Call(
        {"person_id": w.person(t).pk}, data={"date": "2024-06-04T10:00:00"}),
    ("user-desktop-login-logs", "GET"): lambda w, t: Call(),
    ("user-desktop-login-logs", "POST"): lambda w, t: Call(data={"date": "2024-06-04T10:00:00"}),
    # Issue 7 item 6.
    ("person-settings", "GET"): lambda w, t: Call({"person_id": w.person(t).pk}),
    ("person-settings", "PUT"): lambda w, t: Call({"person_id": w.person(t).pk},
                                                  data={"appearance": "dark", "week_starts_on": "sunday"}),
    ("persons-search", "GET"): lambda w, t: Call(data={"email": w.other.email}),
    ("user-me", "GET"): lambda w, t: Call(),
    ("user-profile", "PATCH"): lambda w, t: Call(data={"first_name": "Renamed", "phone": "+33 1 23 45 67 89"}),
    ("user-presence", "PATCH"): lambda w, t: Call(data={"presence": "away"}),
    ("persons-directory", "GET"): lambda w, t: _after(w.other),
    ("departments-list", "GET"): lambda w, t: Call(),
    ("departments-list", "POST"): lambda w, t: Call(data={"name": "Lighting", "color": "#FFAA00"}),
    ("departments-detail", "GET"): _detail("department"),
    ("departments-detail", "PUT"): lambda w, t: Call({"pk": w.department.pk}, data={"color": "#000000"}),
    ("departments-detail", "DELETE"): _detail("department"),
    ("departments-all-software-licenses", "GET"): lambda w, t: _after(_linked_software(w)),
    ("departments-software-licenses", "GET"): _detail("department"),
    ("departments-software-licenses", "POST"): lambda w, t: Call(
        {"pk": w.department.pk}, data={"software_id": str(w.software.pk)}),
    ("departments-remove-software-license", "DELETE"): lambda w, t: Call(_linked_software(w)),
    ("departments-all-hardware-items", "GET"): lambda w, t: _after(_linked_hardware_item(w)),
    ("departments-hardware-items", "GET"): _detail("department"),
    ("departments-hardware-items", "POST"): lambda w, t: Call(
        {"pk": w.department.pk}, data={"hardware_item_id": str(w.hardware_item.pk)}),
    ("departments-remove-hardware-item", "DELETE"): lambda w, t: Call(_linked_hardware_item(w)),
    ("work-shifts-list", "GET"): lambda w, t: Call(),
    ("work-shifts-list", "POST"): lambda w, t: Call(data={"name": "Night", "start_time": "22:00",
                                                          "end_time": "06:00", "working_days": [1, 2, 3]}),
    ("work-shifts-detail", "GET"): _detail("work_shift"),
    ("work-shifts-detail", "PUT"): lambda w, t: Call({"pk": w.work_shift.pk}, data={"end_time": "17:30"}),
    ("work-shifts-detail", "DELETE"): _detail("work_shift"),
    ("person-reporting", "PATCH"): lambda w, t: Call({"person_id": w.person(t).pk}, data={
        "shift_id": str(w.work_shift.pk), "update_shift": True, "designation": "Lead animator"}),
    # A role whose keys admins and HR both hold (HR may not give a role above its own keys: see
    # tests/people/test_permission_rules.py).
    ("person-role", "PATCH"): lambda w, t: Call({"person_id": w.person(t).pk}, data={"role": "client"}),
    ("person-department", "PATCH"): lambda w, t: Call({"person_id": w.person(t).pk}, data={
        "department_id": str(w.department.pk), "designation": "Modeler"}),
    ("person-department-details", "PATCH"): lambda w, t: Call({"person_id": w.person(t).pk}, data={
        "department_id": str(w.department.pk), "shift_id": str(w.work_shift.pk)}),
    ("person-admin-profile", "PATCH"): lambda w, t: Call({"person_id": w.person(t).pk},
                                                         data={"phone": "+33 1 23 45 67 89"}),
    ("teams-list", "GET"): lambda w, t: Call(),
    ("teams-list", "POST"): lambda w, t: Call(data={"name": "Lookdev task force", "description": "Show 2"}),
    ("teams-detail", "GET"): _detail("team"),
    ("teams-detail", "PUT"): lambda w, t: Call({"pk": w.team.pk}, data={"description": "Season 2"}),
    ("teams-detail", "DELETE"): _detail("team"),
    ("studios-list", "GET"): lambda w, t: Call(),
    ("studios-list", "POST"): lambda w, t: Call(data={"name": "Montreal", "color": "#112233"}),
    ("studios-detail", "GET"): _detail("studio"),
    ("studios-detail", "PUT"): lambda w, t: Call({"pk": w.studio.pk}, data={"name": "Paris 2"}),
    ("studios-detail", "DELETE"): _detail("studio"),
    ("softwares-list", "GET"): lambda w, t: Call(),
    ("softwares-list", "POST"): lambda w, t: Call(
        data={"name": "Blender", "short_name": "bl", "file_extension": "blend"}),
    ("softwares-detail", "GET"): _detail("software"),
    ("softwares-detail", "PUT"): lambda w, t: Call({"pk": w.software.pk}, data={"version": "2025"}),
    ("softwares-detail", "DELETE"): _detail("software"),
    ("hardware-items-list", "GET"): lambda w, t: Call(),
    ("hardware-items-list", "POST"): lambda w, t: Call(data={"name": "Screen", "short_name": "scr"}),
    ("hardware-items-detail", "GET"): _detail("hardware_item"),
    ("hardware-items-detail", "PUT"): lambda w, t: Call({"pk": w.hardware_item.pk}, data={"monthly_cost": 20}),
    ("hardware-items-detail", "DELETE"): _detail("hardware_item"),
    ("salary-scales-list", "GET"): lambda w, t: _after(w.department),
    ("salary-scales-list", "POST"): lambda w, t: Call(
        data={"position": "artist", "seniority": "senior", "salary": 300}),
    ("salary-scales-detail", "GET"): _detail("salary_scale"),
    ("salary-scales-detail", "PUT"): lambda w, t: Call({"pk": w.salary_scale.pk}, data={"salary": 300}),
    ("salary-scales-detail", "DELETE"): _detail("salary_scale"),
    ("organisations-list", "GET"): lambda w, t: Call(),
    ("organisations-list", "POST"): lambda w, t: Call(data={"name": "Second studio"}),
    ("organisations-detail", "GET"): _detail("organisation"),
    ("organisations-detail", "PUT"): lambda w, t: Call({"pk": w.organisation.pk}, data={"hours_by_day": 7}),
    ("organisations-detail", "DELETE"): _detail("organisation"),
    ("projects-list", "GET"): lambda w, t: _after(w.project),
    ("projects-list", "POST"): lambda w, t: Call(data={"name": "Big Buck", "production_type": "featurefilm"}),
    ("projects-detail", "GET"): _detail("project"),
    ("projects-detail", "PUT"): lambda w, t: Call({"pk": w.project.pk}, data={"fps": "24"}),
    ("projects-detail", "DELETE"): _detail("closed_project"),
    ("entity-types-list", "GET"): lambda w, t: _after(w.entity_type),
    ("entity-types-list", "POST"): lambda w, t: Call(data={"name": "Character"}),
    ("entity-types-detail", "GET"): _detail("entity_type"),
    ("entity-types-detail", "PUT"): lambda w, t: Call({"pk": w.entity_type.pk}, data={"short_name": "sh"}),
    ("entity-types-detail", "DELETE"): _detail("entity_type"),
    ("task-types-list", "GET"): lambda w, t: _after(w.task_type),
    ("task-types-list", "POST"): lambda w, t: Call(data={"name": "Layout", "for_entity": "Shot"}),
    ("task-types-detail", "GET"): _detail("task_type"),
    ("task-types-detail", "PUT"): lambda w, t: Call({"pk": w.task_type.pk}, data={"color": "#00FF00"}),
    ("task-types-detail", "DELETE"): _detail("task_type"),
    ("task-status-list", "GET"): lambda w, t: _after(w.task_status),
    ("task-status-list", "POST"): lambda w, t: Call(data={"name": "Retake", "short_name": "rtk",
                                                         "color": "#FF0000"}),
    ("task-status-detail", "GET"): _detail("task_status"),
    ("task-status-detail", "PUT"): lambda w, t: Call({"pk": w.task_status.pk}, data={"is_wip": True}),
    ("task-status-detail", "DELETE"): _detail("task_status"),
    ("entities-list", "GET"): lambda w, t: _after(w.task),
    ("entities-list", "POST"): lambda w, t: Call(data={
        "name": "SH99", "project_id": str(w.project.pk), "entity_type_id": str(w.entity_type.pk)}),
    ("entities-detail", "GET"): lambda w, t: Call({"pk": w.task.entity_id}),
    ("entities-detail", "PUT"): lambda w, t: Call({"pk": w.task.entity_id}, data={"nb_frames": 96}),
    ("entities-detail", "DELETE"): lambda w, t: Call({"pk": EntityFactory(project=w.project).pk}),
    ("tasks-list", "GET"): lambda w, t: _after(w.task),
    ("tasks-list", "POST"): lambda w, t: Call(data={
        "project_id": str(w.project.pk), "entity_id": str(w.task.entity_id),
        "task_type_id": str(w.task_type.pk), "name": "second"}),
    ("tasks-detail", "GET"): _detail("task"),
    ("tasks-detail", "PUT"): lambda w, t: Call({"pk": w.task.pk}, data={"estimation": 120}),
    ("tasks-detail", "DELETE"): _detail("task"),
    ("tasks-full", "GET"): _detail("task"),
    ("sequences-list", "GET"): lambda w, t: _after(w.task),
    ("sequences-detail", "GET"): lambda w, t: Call({"pk": w.task.entity.parent_id}),
    ("shots-list", "GET"): lambda w, t: _after(w.task),
    ("shots-all", "GET"): lambda w, t: Call(data={"sequence_id": str(w.task.entity.parent_id), "name": "SH01"}),
    ("shots-detail", "GET"): lambda w, t: Call({"pk": w.task.entity_id}),
    ("project-sequences", "GET"): lambda w, t: Call({"project_id": w.task.project_id}),
    ("project-sequences", "POST"): lambda w, t: Call({"project_id": w.project.pk}, data={"name": "SE02"}),
    ("project-shots", "GET"): lambda w, t: Call({"project_id": w.task.project_id}),
    ("project-shots", "POST"): lambda w, t: Call({"project_id": w.project.pk}, data={
        "name": "SH02", "sequence_id": str(w.task.entity.parent_id), "data": {}, "nb_frames": 24}),
    ("episodes-list", "GET"): lambda w, t: _after(_episode_above_task(w)),
    ("episodes-detail", "GET"): lambda w, t: Call({"pk": _episode_above_task(w).pk}),
    ("episodes-detail", "DELETE"): lambda w, t: Call({"pk": EntityFactory(
        project=w.project, entity_type=entity_type("Episode"), name="EP02").pk}),
    ("episode-sequences", "GET"): lambda w, t: Call({"episode_id": _episode_above_task(w).pk}),
    ("episode-shots", "GET"): lambda w, t: Call({"episode_id": _episode_above_task(w).pk}),
    ("project-episodes", "GET"): lambda w, t: Call({"project_id": w.task.project_id}),
    ("project-episodes", "POST"): lambda w, t: Call({"project_id": w.project.pk}, data={"name": "EP02"}),
    ("sequences-detail", "DELETE"): lambda w, t: Call({"pk": EntityFactory(
        project=w.project, entity_type=entity_type("Sequence"), name="SE02").pk}),
    ("sequence-shots", "GET"): lambda w, t: Call({"sequence_id": w.task.entity.parent_id}),
    ("sequence-scenes", "GET"): lambda w, t: Call({"sequence_id": _scene_with_task(w).parent_id}),
    ("shots-detail", "PUT"): lambda w, t: Call({"pk": w.task.entity_id}, data={"nb_frames": 96}),
    ("shots-detail", "DELETE"): lambda w, t: Call({"pk": w.task.entity_id}),  # it has a task: canceled
    ("scenes-all", "GET"): lambda w, t: _after(_scene_with_task(w)),
    ("scenes-detail", "GET"): lambda w, t: Call({"pk": _scene_with_task(w).pk}),
    ("project-scenes", "GET"): lambda w, t: Call({"project_id": w.task.project_id}),
    ("project-scenes", "POST"): lambda w, t: Call({"project_id": w.project.pk}, data={
        "name": "SC02", "sequence_id": str(w.task.entity.parent_id)}),
    ("person-quota-shots-month", "GET"): lambda w, t: _quota_shots(w, t, year=2024, month=6),
    ("person-quota-shots-week", "GET"): lambda w, t: _quota_shots(w, t, year=2024, week=23),
    ("person-quota-shots-day", "GET"): lambda w, t: _quota_shots(w, t, year=2024, month=6, day=4),
    ("project-quotas", "GET"): lambda w, t: Call({"project_id": w.project.pk, "task_type_id": w.task_type.pk}),
    ("project-person-quotas", "GET"): lambda w, t: Call({"project_id": w.project.pk, "person_id": w.person(t).pk}),
    ("task-time-spent", "POST"): lambda w, t: Call(_time_target(w, t), data={"duration": 60}),
    ("task-time-spent", "DELETE"): lambda w, t: Call(_time_target(w, t, logged=True)),
    ("task-time-spent-add", "POST"): lambda w, t: Call(_time_target(w, t), data={"duration": 60}),
    ("task-time-spents", "GET"): lambda w, t: Call({"task_id": w.logged(SELF).task_id}),
    ("task-time-spents-of-day", "GET"): lambda w, t: Call({"task_id": w.logged(SELF).task_id, "date": JUNE_4}),
    ("time-table-year", "GET"): lambda w, t: _after(w.logged(SELF)),
    ("time-table-month", "GET"): lambda w, t: Call({"year": w.logged(SELF).date.year}),
    ("time-table-week", "GET"): lambda w, t: Call({"year": w.logged(SELF).date.year}),
    ("time-table-day", "GET"): lambda w, t: Call({"year": w.logged(SELF).date.year, "month": 6}),
    ("day-offs-of-month", "GET"): lambda w, t: Call({"year": 2024, "month": 6}),
    ("person-time-spents", "GET"): lambda w, t: Call({"person_id": w.person(t).pk}),
    ("person-time-spents-month-all", "GET"): lambda w, t: Call({"person_id": w.person(t).pk, "year": 2024,
                                                                 "month": 6}),
    ("person-time-spents-year", "GET"): lambda w, t: Call({"person_id": w.logged(t).person_id, "year": 2024}),
    ("person-time-spents-month", "GET"): lambda w, t: Call({"person_id": w.person(t).pk, "year": 2024,
                                                             "month": 6}),
    ("person-time-spents-week", "GET"): lambda w, t: Call({"person_id": w.person(t).pk, "year": 2024, "week": 23}),
    ("person-time-spents-day", "GET"): lambda w, t: Call({"person_id": w.person(t).pk, "year": 2024, "month": 6,
                                                           "day": 4}),
    ("person-time-spents-of-day", "GET"): lambda w, t: Call({"person_id": w.person(t).pk, "date": JUNE_4}),
    ("person-day-offs", "GET"): lambda w, t: Call({"person_id": w.day_off(t).person_id}),
    ("person-day-offs-week", "GET"): lambda w, t: Call({"person_id": w.person(t).pk, "year": 2024, "week": 23}),
    ("person-day-offs-month", "GET"): lambda w, t: Call({"person_id": w.person(t).pk, "year": 2024,
                                                          "month": 6}),
    ("person-day-offs-year", "GET"): lambda w, t: Call({"person_id": w.person(t).pk, "year": 2024}),
    ("person-day-off-of-day", "GET"): lambda w, t: Call({"person_id": w.person(t).pk, "date": JUNE_4}),
    ("user-time-spents", "GET"): lambda w, t: Call(),
    ("user-time-spents-of-day", "GET"): lambda w, t: Call({"date": JUNE_4}),
    ("user-task-time-spent", "GET"): lambda w, t: Call({"task_id": w.task.pk, "date": JUNE_4}),
    ("user-day-off", "GET"): lambda w, t: Call({"date": JUNE_4}),
    ("time-spents-list", "GET"): lambda w, t: _after(w.logged(SELF)),
    ("time-spents-list", "POST"): lambda w, t: Call(data={
        "task_id": str(w.task.pk), "person_id": str(w.assigned(SELF).pk), "date": "2024-06-05", "duration": 30}),
    ("time-spents-detail", "GET"): lambda w, t: Call({"pk": w.logged(SELF).pk}),
    ("time-spents-detail", "PUT"): lambda w, t: Call({"pk": w.logged(SELF).pk}, data={"duration": 90}),
    ("time-spents-detail", "DELETE"): lambda w, t: Call({"pk": w.logged(SELF).pk}),
    ("day-offs-list", "GET"): lambda w, t: _after(w.day_off(SELF)),
    ("day-offs-list", "POST"): lambda w, t: Call(data={"person_id": str(w.person(SELF).pk), "date": "2024-06-10",
                                                      "end_date": "2024-06-11"}),
    ("day-offs-detail", "GET"): lambda w, t: Call({"pk": w.day_off(t).pk}),
    ("day-offs-detail", "PUT"): lambda w, t: Call({"pk": w.day_off(t).pk}, data={"description": "Off"}),
    ("day-offs-detail", "DELETE"): lambda w, t: Call({"pk": w.day_off(t).pk}),
    ("presence-logs", "GET"): lambda w, t: Call({"month": "2024-06"}),
    ("person-permissions", "GET"): lambda w, t: Call({"person_id": w.person(t).pk}),
    # A key admins and HR both hold, so that both may give it (no one gives a key they do not hold).
    ("person-permissions", "PATCH"): lambda w, t: Call({"person_id": w.person(t).pk}, data={
        "granted": [{"key": "persons.view_details", "expires_at": "2999-01-01"}],
        "denied": ["persons.change_avatar.self"], "reason": "matrix"}),
}

CELLS = [
    pytest.param(name, method, target, caller, id=f"{method} {name} [{target}] as {caller}")
    for (name, method, target) in MATRIX
    for caller in CALLERS
]


def _signed_in(request, caller: str) -> tuple[Person | None, ApiClient, str | None]:
    """The caller, a client carrying its bearer token, and its refresh token (humans only)."""
    if caller == "anon":
        return None, ApiClient(), None
    person = request.getfixturevalue(CALLER_FIXTURES[caller])
    if person.is_bot:
        return person, ApiClient(person, tokens_rotate_api_token(person=person)), None
    pair = tokens_issue_login_pair(person=person)
    return person, ApiClient(person, pair.access_token), pair.refresh_token


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "method", "target", "caller"), CELLS)
def test_permission_matrix(request, name, method, target, caller):
    expected = MATRIX[(name, method, target)][CALLERS.index(caller)]
    person, api, refresh_token = _signed_in(request, caller)
    call = REQUESTS[(name, method)](World(person, refresh_token), target)
    if call.token is not None:
        api.credentials(HTTP_AUTHORIZATION=f"Bearer {call.token}")
    path = reverse(name, kwargs={k: str(v) for k, v in call.kwargs.items()})

    send = getattr(api, method.lower())
    if call.data is None:
        response = send(path)
    else:
        response = send(path, call.data, format="multipart" if call.multipart else "json")

    body = b"" if getattr(response, "streaming", False) else response.content[:400]
    assert response.status_code == expected, (
        f"{method} {path} ({name}, target {target}) as {caller}: got {response.status_code}, "
        f"expected {expected}: {body!r}"
    )


# Meta-test -----------------------------------------------------------------------------------------------

SKIPPED_METHODS = frozenset({"options", "head"})


def _walk(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern


def _view_methods(pattern: URLPattern) -> set[str]:
    callback = pattern.callback
    actions = getattr(callback, "actions", None)
    if actions:  # a ViewSet: the method -> action mapping given to `as_view` (DRF adds head for get)
        return {method.lower() for method in actions if method.lower() not in SKIPPED_METHODS}
    view_class = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
    assert view_class is not None, f"{pattern.pattern}: not a class-based view, its methods are unknown"
    return {
        method for method in view_class.http_method_names
        if method not in SKIPPED_METHODS and hasattr(view_class, method)
    }


def api_routes() -> dict[tuple[str, str], str]:
    """(URL name, METHOD) -> pattern, for every method of every URL pattern served under /api/."""
    routes: dict[tuple[str, str], str] = {}
    names: dict[str, str] = {}
    for route, pattern in _walk(get_resolver().url_patterns):
        if not route.lstrip("^").startswith("api"):
            continue
        assert pattern.name, f"The API route {route!r} has no name, so the permission matrix cannot list it"
        assert pattern.name not in names, (
            f"Two API routes share the name {pattern.name!r}: {names[pattern.name]!r} and {route!r}"
        )
        names[pattern.name] = route
        for method in _view_methods(pattern):
            routes[(pattern.name, method.upper())] = route
    return routes


def test_every_api_route_is_in_the_matrix():
    routes = api_routes()
    in_table = {(name, method) for name, method, _ in MATRIX}

    missing = sorted(set(routes) - in_table)
    assert not missing, "API routes missing from MATRIX (add a row per caller status): " + "; ".join(
        f"{method} {name} ({routes[(name, method)]})" for name, method in missing
    )
    stale = sorted(in_table - set(routes))
    assert not stale, "MATRIX rows for routes that no longer exist: " + "; ".join(
        f"{method} {name}" for name, method in stale
    )
    assert set(REQUESTS) == in_table, (
        f"REQUESTS and MATRIX disagree: {sorted(set(REQUESTS) ^ in_table)}"
    )
    for (name, method, target), statuses in MATRIX.items():
        assert len(statuses) == len(CALLERS), f"{method} {name} [{target}]: one status per caller"
        assert target in (NONE, OTHER, SELF), f"{method} {name}: unknown target {target!r}"
        if target == SELF:
            assert (name, method, OTHER) in MATRIX, f"{method} {name}: a self row needs its other row"
