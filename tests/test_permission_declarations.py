"""Permissions cannot be forgotten: every API action names its permission, every named key is declared (a
system check at start-up), the DRF permission class fails closed, and the admin's screens follow the table."""

import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core import checks
from django.test import override_settings
from django.urls import path
from rest_framework.response import Response
from rest_framework.views import APIView

import config.permissions as registry
from config.permissions import ANY_PERSON, MARKERS, PUBLIC, is_declared, required_permission
from config.routes import api_routes
from people.checks import check_permission_table
from people.models import Role
from people.permissions import HasRosterPermission
from tests.conftest import PASSWORD, make_person

THIRD_PARTY_VIEW_MODULES = ("drf_spectacular.",)  # the schema and its docs pages, public by their own setting


def _roster_routes():
    return [route for route in api_routes()
            if route.view_class is not None and not route.view_class.__module__.startswith(THIRD_PARTY_VIEW_MODULES)]


def _declared_key(route) -> str | None:
    view = SimpleNamespace(required_permissions=getattr(route.view_class, "required_permissions", None),
                           action=route.action)
    return required_permission(view, SimpleNamespace(method=route.method.upper()))


def test_every_api_action_names_its_permission():
    undeclared = []
    for route in _roster_routes():
        assert list(route.view_class.permission_classes) == [HasRosterPermission], (
            f"{route.view_class.__qualname__} ({route.pattern}) must be guarded by HasRosterPermission alone"
        )
        key = _declared_key(route)
        if key is None:
            undeclared.append(f"{route.method.upper()} {route.pattern} "
                              f"({route.view_class.__qualname__}.{route.action or route.method})")
        else:
            assert key in MARKERS or is_declared(key), f"{route.pattern}: {key!r} is declared nowhere"
    assert not undeclared, "Actions without a required permission (use ANY_PERSON or PUBLIC explicitly): " + (
        "; ".join(undeclared))


def test_the_walk_sees_the_api():
    """The meta-test above is only as good as the walk: it must see the routes it guards."""
    seen = {(route.name, route.method) for route in _roster_routes()}
    assert {("persons-list", "get"), ("persons-detail", "put"), ("person-avatar-upload", "post"),
            ("departments-software-licenses", "post"), ("auth-login", "post")} <= seen


def test_a_view_without_a_permission_is_refused_at_runtime(user):
    """Fail closed: an action the table does not cover is a 403 even if the meta-test were skipped."""
    view = SimpleNamespace(required_permissions={"list": "persons.view"}, action="forgotten_action",
                           post=lambda: None)
    request = SimpleNamespace(method="POST", user=user)
    assert HasRosterPermission().has_permission(request, view) is False
    view.action = "list"
    assert HasRosterPermission().has_permission(request, view) is True


class UndeclaredKeyView(APIView):
    required_permissions = {"get": "persons.teleport"}

    def get(self, request):
        return Response({})


urlpatterns = [path("api/teleport", UndeclaredKeyView.as_view(), name="teleport")]


def test_system_check_fails_on_a_key_declared_nowhere():
    assert check_permission_table() == []
    with override_settings(ROOT_URLCONF=__name__):
        errors = check_permission_table()
    assert [error.id for error in errors] == ["people.E003"]
    assert "persons.teleport" in errors[0].msg and "UndeclaredKeyView" in errors[0].msg


def test_system_check_fails_on_an_unknown_role(monkeypatch):
    monkeypatch.setattr(registry, "_REGISTRY", dict(registry._REGISTRY))
    registry.declare_permissions("tests", {"spells.cast": ("wizard", "admin")})
    errors = check_permission_table()
    assert [error.id for error in errors] == ["people.E001"]
    assert "wizard" in errors[0].msg


def test_system_check_runs_with_manage_py_check():
    registered = checks.registry.registry.get_checks()
    assert check_permission_table in registered


def test_declaring_a_key_twice_with_another_meaning_is_refused(monkeypatch):
    monkeypatch.setattr(registry, "_REGISTRY", dict(registry._REGISTRY))
    with pytest.raises(ValueError, match="declared twice"):
        registry.declare_permissions("tests", {"persons.view": ("admin",)})


@pytest.mark.django_db
def test_undeclared_key_is_refused_not_granted(admin):
    assert admin.has_perm("persons.view")
    assert not admin.has_perm("persons.teleport")
    assert not admin.has_perm("people.change_person")  # Django's own codenames mean nothing here


@pytest.mark.django_db
def test_self_variant_applies_to_ones_own_record_only(user, manager):
    assert not user.has_perm("persons.change")
    assert user.has_perm("persons.change", user)
    assert not user.has_perm("persons.change", manager)
    assert manager.has_perm("persons.view_desktop_logins", user)  # the role holds the key itself


@pytest.mark.django_db
def test_bots_never_hold_humans_only_keys(bot, user):
    assert user.has_perm("auth.session")
    assert not bot.has_perm("auth.session")
    assert bot.has_perm("persons.view")


@pytest.mark.django_db
def test_a_role_change_is_seen_at_once(user):
    assert not user.has_perm("persons.create")
    user.role = Role.ADMIN
    assert user.has_perm("persons.create")


@pytest.mark.django_db
def test_admin_screens_follow_the_table(client, monkeypatch):
    """A role given the back office and the person list, and nothing else, gets exactly those screens."""
    monkeypatch.setattr(registry, "_REGISTRY", dict(registry._REGISTRY))
    for key in ("admin_site.access", "persons.list_details"):
        existing = registry._REGISTRY[key]
        registry._REGISTRY[key] = registry.Permission(key, existing.roles | {"manager"}, existing.app_label)
    make_person(role=Role.MANAGER, email="hr.like@example.com")
    assert client.login(username="hr.like@example.com", password=PASSWORD)

    assert client.get("/admin/people/person/").status_code == 200
    assert client.get("/admin/people/person/add/").status_code == 403
    assert client.get("/admin/departments/department/").status_code == 200  # every role views departments
    assert client.get("/admin/departments/department/add/").status_code == 403
    assert client.get("/admin/departments/hardwareitem/").status_code == 403
    assert client.get("/admin/notifications/outboxemail/").status_code == 403
    index = client.get("/admin/").content.decode()
    assert "/admin/people/person/" in index and "/admin/departments/department/" in index
    assert "/admin/departments/hardwareitem/" not in index and "/admin/notifications/" not in index


@pytest.mark.django_db
def test_markers_are_not_keys():
    assert PUBLIC in MARKERS and ANY_PERSON in MARKERS
    assert not is_declared(PUBLIC) and not is_declared(ANY_PERSON)


def test_system_check_fails_on_an_admin_screen_outside_the_table(monkeypatch):
    from django.contrib import admin

    from departments.models import Studio

    class PlainStudioAdmin(admin.ModelAdmin):
        pass

    registry_copy = dict(admin.site._registry)
    registry_copy[Studio] = PlainStudioAdmin(Studio, admin.site)
    monkeypatch.setattr(admin.site, "_registry", registry_copy)
    errors = check_permission_table()
    assert [error.id for error in errors] == ["people.E005"]
    assert "PlainStudioAdmin" in errors[0].msg


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "anonymous", "signed_in"), [
    ("/api/", 200, 200), ("/api/auth/login", 200, 200), ("/api/auth/reset-password", 200, 200),
    ("/api/data/persons", 401, 200), ("/api/auth/authenticated", 401, 200),
])
def test_options_is_as_open_as_the_route(anon_api, user_api, path, anonymous, signed_in):
    assert anon_api.options(path).status_code == anonymous
    assert user_api.options(path).status_code == signed_in


class SelfKeyNamedDirectlyView(APIView):
    required_permissions = {"get": "persons.change.self"}

    def get(self, request):
        return Response({})


class SelfRuleWithoutTargetView(APIView):
    required_permissions = {"get": "persons.change"}

    def get(self, request):
        return Response({})


self_rule_patterns = [path("api/self-key", SelfKeyNamedDirectlyView.as_view(), name="self-key"),
                      path("api/no-target", SelfRuleWithoutTargetView.as_view(), name="no-target")]


def test_system_check_fails_on_self_rules_that_cannot_apply(settings):
    import sys

    settings.ROOT_URLCONF = __name__ + "_self"
    sys.modules[settings.ROOT_URLCONF] = SimpleNamespace(urlpatterns=self_rule_patterns)
    try:
        errors = check_permission_table()
    finally:
        del sys.modules[settings.ROOT_URLCONF]
    assert sorted(error.id for error in errors) == ["people.E006", "people.E007"]


@pytest.mark.django_db
def test_an_inactive_person_holds_no_keys(admin):
    assert admin.has_perm("persons.create")
    admin.active = False  # the answer above is cached on the object: deactivation must still win
    assert not admin.has_perm("persons.create")
    assert not admin.has_perm("persons.view")


# Where a role is named on purpose: who a demo or a seeded history is, a column's default, the import format.
ROLE_NAMES_ALLOWED_IN = {
    "people/management/commands/seed_demo.py", "people/models.py", "timetracking/seeding.py",
    "timetracking/importing/files.py",
}
ROLE_NAME_CHECK = re.compile(
    r"\.role\s*(==|!=|\bin\b|\bnot in\b)|\bRole\.(ADMIN|MANAGER|SUPERVISOR|USER|CLIENT|VENDOR|HR)\b|role__in"
    r"|role\s*=\s*[\"'](admin|manager|supervisor|user|client|vendor|hr)[\"']")


def test_no_code_decides_by_role_name():
    """Issue 7: every view and service asks the permission table (person.has_perm, people.services.escalation),
    never a role name, so a grant or a denial is seen everywhere. A line that names a role to decide something
    fails here."""
    root = Path(__file__).resolve().parent.parent
    offending = []
    for app in ("config", "people", "departments", "timetracking", "quotas", "audit", "notifications"):
        for source in sorted((root / app).rglob("*.py")):
            relative = source.relative_to(root).as_posix()
            if "/migrations/" in relative or relative in ROLE_NAMES_ALLOWED_IN:
                continue
            for number, line in enumerate(source.read_text(encoding="utf-8").splitlines(), start=1):
                if ROLE_NAME_CHECK.search(line.split("#", 1)[0]):
                    offending.append(f"{relative}:{number}: {line.strip()}")
    assert offending == []


def test_the_role_name_check_sees_what_it_refuses():
    for line in ('if person.role == Role.ADMIN:', 'if viewer.role in ("admin", "hr"):',
                 'Person.objects.filter(role__in=[...])', 'queryset.filter(role="manager")'):
        assert ROLE_NAME_CHECK.search(line), line
    assert not ROLE_NAME_CHECK.search('if viewer.has_perm("persons.view_hr_data_all"):')
