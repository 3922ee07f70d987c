"""What every Roster admin screen shares: the base ModelAdmin, and the sidebar and tabs built from it.

A new screen (audit log, timesheets, quotas, LDAP runs, ...) follows this pattern:

    from config.admin import RosterModelAdmin

    @admin.register(Timesheet)
    class TimesheetAdmin(RosterModelAdmin):
        # Each right is a key of the permission table; a right without a key is refused.
        permission_keys = {"view": "timetracking.view_team", "change": "timetracking.edit"}
        sidebar_icon = "schedule"  # a Material Symbols name: the sidebar lists every registered admin
        changelist_tabs = [("All", {}), ("Locked", {"locked__exact": "1"})]
        list_filter = [("date", RangeDateFilter)]  # unfold.contrib.filters.admin

        def save_model(self, request, obj, form, change):
            services.timesheet_save(acting_user=request.user, ...)

        def delete_model(self, request, obj):
            services.timesheet_delete(acting_user=request.user, timesheet=obj)

Writes go through the app's services, never straight to the model: the base class refuses to save, delete or
save an inline unless the subclass says which service does it (a read-only screen turns writes off with the
has_*_permission methods instead). An ApplicationError a service raises undoes the whole request and comes
back as an error message on the page the user was on, never as a 500.
"""

from collections.abc import Callable
from functools import partial

from django.contrib import admin, messages
from django.contrib.admin.utils import quote
from django.core.exceptions import ImproperlyConfigured
from django.db import router, transaction
from django.http import HttpResponseRedirect
from django.urls import reverse, reverse_lazy
from django.utils.http import urlencode
from unfold.admin import ModelAdmin, StackedInline, TabularInline

from config.errors import ApplicationError
from config.permissions import TablePermissionsAdmin


class RosterModelAdmin(TablePermissionsAdmin, ModelAdmin):
    """Base of every Roster ModelAdmin: unfold's look, rights from the permission table (`permission_keys`,
    see config.permissions.TablePermissionsAdmin), and writes that go through services."""

    sidebar_icon = "table_rows"
    # Shortcuts above the change list: (title, query parameters), e.g. ("Invited", {"status__exact": "invited"}).
    changelist_tabs: list[tuple[str, dict[str, str]]] = []
    # Dropdown and range filters are forms: one "Apply" for all of them rather than a reload per change.
    list_filter_submit = True
    warn_unsaved_form = True

    def save_model(self, request, obj, form, change):
        raise ImproperlyConfigured(f"{type(self).__name__}.save_model must save through a service.")

    def delete_model(self, request, obj):
        raise ImproperlyConfigured(f"{type(self).__name__}.delete_model must delete through a service.")

    def save_formset(self, request, form, formset, change):
        raise ImproperlyConfigured(
            f"{type(self).__name__}.save_formset must save {formset.model.__name__} rows through a service."
        )

    def delete_queryset(self, request, queryset):
        """The delete action, one service call per row; all or nothing, so its success message is true."""
        with transaction.atomic(using=router.db_for_write(self.model)):
            for obj in queryset:
                try:
                    self.delete_model(request, obj)
                except ApplicationError as exc:
                    raise ApplicationError(f"Nothing was deleted. {obj}: {exc.message}") from exc

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ApplicationError as exc:
            return self._refused(request, exc, request.get_full_path())

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except ApplicationError as exc:
            opts = self.opts
            change_url = reverse(f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_change",
                                 args=[quote(object_id)])
            return self._refused(request, exc, change_url)

    def changelist_view(self, request, extra_context=None):
        # Actions and list_editable saves run from here.
        try:
            return super().changelist_view(request, extra_context)
        except ApplicationError as exc:
            return self._refused(request, exc, request.get_full_path())

    def response_action(self, request, queryset):
        # Django writes the action's log entries before it calls delete_queryset: a refusal takes both back.
        with transaction.atomic(using=router.db_for_write(self.model)):
            return super().response_action(request, queryset)

    def _refused(self, request, exc: ApplicationError, redirect_to: str):
        self.message_user(request, exc.message, messages.ERROR)
        return HttpResponseRedirect(redirect_to)


class RosterTabularInline(TablePermissionsAdmin, TabularInline):
    """An inline whose rights come from the permission table (`permission_keys`)."""


class RosterStackedInline(TablePermissionsAdmin, StackedInline):
    """An inline whose rights come from the permission table (`permission_keys`)."""


def save_links_through_services(formset, *, other: str, link: Callable, unlink: Callable) -> None:
    """Save an inline of link rows (the edited object x `other`) with the app's link and unlink services.

    `link(other_pk)` and `unlink(other_pk)` are called for each added, removed or re-pointed row; the rows
    themselves are written by the services, so the formset saves nothing on its own.
    """
    for row in formset.forms:
        cleaned = getattr(row, "cleaned_data", None)
        if not cleaned or not row.has_changed():
            continue
        before = getattr(row.instance, f"{other}_id") if row.instance.pk else None
        after = cleaned.get(other)
        deleting = cleaned.get("DELETE")
        if before and (deleting or (after and after.pk != before)):
            unlink(before)
        if after and not deleting:
            link(after.pk)
    # The admin's change message reads these lists; the services already did the writing.
    formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []


# HR's own screens come first in the sidebar; every other app follows in alphabetical order.
SIDEBAR_FIRST_APPS = ("people",)


def sidebar_navigation(request) -> list[dict]:
    """The dashboard, then one group per app with the screens this user may open, each with its admin's icon."""
    groups = [{"title": "Overview", "items": [
        {"title": "Dashboard", "icon": "space_dashboard", "link": reverse_lazy("admin:index")},
    ]}]
    apps = sorted(admin.site.get_app_list(request), key=lambda app: app["app_label"] not in SIDEBAR_FIRST_APPS)
    for app in apps:
        groups.append({"title": app["name"], "separator": True, "items": [
            {"title": model["name"], "link": model["admin_url"],
             "icon": getattr(admin.site.get_model_admin(model["model"]), "sidebar_icon", "table_rows")}
            for model in app["models"] if model.get("admin_url")
        ]})
    return groups


def changelist_tabs(request) -> list[dict]:
    """unfold's TABS, from each registered admin's `changelist_tabs`."""
    tabs = []
    for model, model_admin in admin.site._registry.items():
        declared = getattr(model_admin, "changelist_tabs", None)
        if not declared or not model_admin.has_view_permission(request):
            continue
        opts = model._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        keys = {key for _, params in declared for key in params}
        tabs.append({"models": [str(opts)], "items": [
            {"title": title, "link": f"{url}?{urlencode(params)}" if params else url,
             "active": partial(_tab_is_active, keys=keys, params=params)}
            for title, params in declared
        ]})
    return tabs


def _tab_is_active(request, *, keys: set[str], params: dict[str, str]) -> bool:
    # Other filters, the search and the ordering may be on too; the tab is what its own parameters are set to.
    return {key: request.GET[key] for key in keys if key in request.GET} == params
