"""The HR back office's monthly sheets, each a page in the sidebar (a proxy model's change list, as the quota
report does): a department's timesheet (hours per person and day, shaded, with row, column and grand totals)
and everyone's presence (desktop logins per person and day, the presence CSV's data, with the CSV to download).
Read-only; drawn in HTML and CSS with unfold's classes, no script, so nothing for the CSP to refuse."""

import datetime as dt
from urllib.parse import urlencode
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseBadRequest
from django.template.response import TemplateResponse
from django.urls import re_path, reverse

from config.admin import RosterModelAdmin
from config.errors import ApplicationError
from departments.models import Department
from timetracking import presence, reports
from timetracking.models import MonthlyPresence, MonthlyTimesheet


def viewer_today(request) -> dt.date:
    try:
        zone = ZoneInfo(request.user.timezone)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        zone = dt.UTC
    return dt.datetime.now(zone).date()


class MonthlyPageAdmin(RosterModelAdmin):
    """A page, not a list: nothing to add, change or delete."""

    template: str

    def chosen_month(self, request) -> reports.Month:
        raw = request.GET.get("month")
        return reports.Month.parse(raw) if raw else reports.Month.of(viewer_today(request))

    def page(self, request, context: dict) -> TemplateResponse:
        context = {**self.admin_site.each_context(request), "opts": self.model._meta, **context}
        return TemplateResponse(request, self.template, context)

    @staticmethod
    def month_links(url: str, month: reports.Month | None, **params) -> dict:
        def link(to):
            return f"{url}?{urlencode({**params, 'month': to.key})}" if to else None

        if month is None:
            return {}
        return {"previous_url": link(month.previous), "next_url": link(month.next)}

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(MonthlyTimesheet)
class MonthlyTimesheetAdmin(MonthlyPageAdmin):
    """Choose a department and a month: its members' hours, day by day (timetracking.reports)."""

    permission_keys = {"view": "time_spents.view"}
    sidebar_icon = "calendar_month"
    template = "admin/timetracking/timesheet.html"

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        departments = list(Department.objects.order_by("name").only("pk", "name", "archived"))
        wanted = request.GET.get("department")
        department = next((d for d in departments if str(d.pk) == wanted), None) if wanted else (
            departments[0] if departments else None)
        context = {"title": "Monthly timesheet", "departments": departments, "department": department}
        try:
            month = self.chosen_month(request)
        except ApplicationError as exc:
            month, context["error"] = None, exc.message
        context["month"] = month
        if department is None:
            context.setdefault("error", "Choose a department." if departments else "There is no department yet.")
        elif month is not None:
            context["timesheet"] = reports.department_timesheet(department_id=department.pk, month=month)
        url = reverse("admin:timetracking_monthlytimesheet_changelist")
        context.update(self.month_links(url, month, **({"department": department.pk} if department else {})))
        return self.page(request, {**context, **(extra_context or {})})


@admin.register(MonthlyPresence)
class MonthlyPresenceAdmin(MonthlyPageAdmin):
    """Choose a month: who logged in on a desktop which day (timetracking.presence), and its CSV."""

    permission_keys = {"view": "presence_logs.view"}
    sidebar_icon = "how_to_reg"
    template = "admin/timetracking/presence.html"

    def get_urls(self):
        return [re_path(r"^csv/(?P<month>[^/]+)/$", self.admin_site.admin_view(self.csv_view),
                        name="timetracking_monthlypresence_csv"),
                *super().get_urls()]

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        context = {"title": "Monthly presence"}
        try:
            month = self.chosen_month(request)
        except ApplicationError as exc:
            month, context["error"] = None, exc.message
        context["month"] = month
        if month is not None:
            context["sheet"] = reports.presence_sheet(month=month)
            context["csv_url"] = reverse("admin:timetracking_monthlypresence_csv", args=[month.key])
        context.update(self.month_links(reverse("admin:timetracking_monthlypresence_changelist"), month))
        return self.page(request, {**context, **(extra_context or {})})

    def csv_view(self, request, month):
        """The bytes of `GET /api/data/persons/presence-logs/<YYYY-MM>`, for a signed-in admin (the API route
        wants a bearer token, which a browser session does not carry)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        try:
            year, month_number = presence.parse_month(month)
        except ApplicationError as exc:
            return HttpResponseBadRequest(exc.message, content_type="text/plain")
        response = HttpResponse(presence.presence_csv_bytes(year=year, month=month_number),
                                content_type=presence.CONTENT_TYPE)
        response["Content-Disposition"] = f"attachment; filename=presence-{year:04d}-{month_number:02d}.csv"
        return response
