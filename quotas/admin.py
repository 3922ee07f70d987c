"""The HR back office's quota screens: the targets (with last week's attainment in the list) and the quota
report, a page per project and task type with the frames each person delivered in a chosen month, drawn as
HTML bars (templates/admin/roster/bar_chart.html's approach: no script, so nothing for the CSP to refuse).
Saves and deletes go through quotas.services."""

import datetime as dt
import threading

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from unfold.contrib.filters.admin import ChoicesDropdownFilter, RelatedDropdownFilter

from audit.admin import AuditHistoryAdmin
from config.admin import RosterModelAdmin
from config.errors import ApplicationError
from people.models import Person
from quotas import periods, selectors, services
from quotas.models import QuotaReport, QuotaTarget, QuotaUnit
from timetracking.models import Project, TaskType

BAR_COLOR = "#417690"
# The request being answered, for the list's attainment column (list_display methods receive the row only;
# a ModelAdmin is shared by every thread).
_current = threading.local()


def last_week(tz: dt.tzinfo) -> periods.Period:
    """The last complete ISO week, in the viewer's timezone."""
    today = dt.datetime.now(tz).date()
    monday = today - dt.timedelta(days=today.weekday() + 7)
    return periods.Period(monday, monday + dt.timedelta(days=7))


def attainment_text(attainment: selectors.Attainment | None, unit: str) -> str:
    if attainment is None or attainment.percent is None:
        return "no artist in the department"
    return f"{attainment.percent} % ({attainment.delivered:g} of {attainment.expected:g} {unit})"


@admin.register(QuotaTarget)
class QuotaTargetAdmin(AuditHistoryAdmin, RosterModelAdmin):
    audit_target_type = "quota_target"
    permission_keys = {"view": "quota_targets.view", "add": "quota_targets.change",
                       "change": "quota_targets.change", "delete": "quota_targets.change"}
    sidebar_icon = "target"
    list_display = ["department", "task_type", "unit", "per_week", "last_week_attainment"]
    list_filter = [("department", RelatedDropdownFilter), ("task_type", RelatedDropdownFilter),
                   ("unit", ChoicesDropdownFilter)]
    list_select_related = ["department", "task_type"]
    fields = ["department", "task_type", "unit", "per_week", "last_week_attainment"]
    readonly_fields = ["last_week_attainment"]

    def _attainments(self, request) -> dict:
        """Every target's attainment, worked out once per request (two queries, whatever the page size)."""
        cached = getattr(request, "_quota_attainments", None)
        if cached is None:
            tz = periods.zone(request.user.timezone)
            cached = request._quota_attainments = selectors.targets_attainment(
                list(QuotaTarget.objects.all()), period=last_week(tz), tz=tz)
        return cached

    @admin.display(description="Attainment last week")
    def last_week_attainment(self, obj):
        if obj.pk is None:
            return "-"
        return attainment_text(self._attainments(_current.request).get(obj.pk), obj.unit)

    def get_queryset(self, request):
        _current.request = request
        return super().get_queryset(request)

    def save_model(self, request, obj, form, change):
        services.quota_target_save(acting_user=request.user, target=obj)

    def delete_model(self, request, obj):
        services.quota_target_delete(acting_user=request.user, target=obj)


@admin.register(QuotaReport)
class QuotaReportAdmin(RosterModelAdmin):
    """Its list is the report page: choose a project, a task type, a month and a count mode."""

    permission_keys = {"view": "quotas.report"}
    sidebar_icon = "bar_chart"

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        tz = periods.zone(request.user.timezone)
        projects = list(Project.objects.order_by("name").only("pk", "name", "fps"))
        task_types = list(TaskType.objects.filter(for_entity="Shot").order_by("name").only("pk", "name"))
        today = dt.datetime.now(tz).date()
        chosen = {"project": request.GET.get("project") or (str(projects[0].pk) if projects else ""),
                  "task_type": request.GET.get("task_type") or (str(task_types[0].pk) if task_types else ""),
                  "month": request.GET.get("month") or today.strftime("%Y-%m"),
                  "count_mode": request.GET.get("count_mode") or "weighted"}
        context = {**self.admin_site.each_context(request), "title": "Quota report", "opts": self.model._meta,
                   "projects": projects, "task_types": task_types, "chosen": chosen,
                   "count_modes": list(selectors.COUNT_MODES), **(extra_context or {})}
        try:
            context.update(self.report(chosen, tz=tz, projects=projects, task_types=task_types))
        except ApplicationError as exc:
            context["error"] = exc.message
        return TemplateResponse(request, "admin/quotas/report.html", context)

    @staticmethod
    def report(chosen: dict, *, tz, projects, task_types) -> dict:
        project = next((p for p in projects if str(p.pk) == chosen["project"]), None)
        task_type = next((t for t in task_types if str(t.pk) == chosen["task_type"]), None)
        if project is None or task_type is None:
            return {"bars": None}
        year, _, month = chosen["month"].partition("-")
        period = periods.month_period(year, month)
        mode = selectors.count_mode_from(chosen["count_mode"])
        totals = selectors.period_totals(mode=mode, tz=tz, period=period, project_id=project.pk,
                                         task_type_ids=[task_type.pk])
        people = {person.pk: person for person in Person.objects.filter(pk__in={p for p, _ in totals})}
        targets = QuotaTarget.objects.filter(task_type=task_type, unit=QuotaUnit.FRAMES)
        per_week = {target.department_id: target.per_week for target in targets}
        departments = people_departments(people, set(per_week))
        weeks = selectors.weeks_in(period)
        rows = sorted(((people[person_id], total) for (person_id, _), total in totals.items()),
                      key=lambda row: (-row[1]["frames"], row[0].full_name))
        peak = max((total["frames"] for _, total in rows), default=0) or 1
        bars = []
        for person, total in rows:
            targets_of = [per_week[d] for d in departments.get(person.pk, ()) if d in per_week]
            expected = max(targets_of) * weeks if targets_of else None
            bars.append({"label": person.full_name or person.email or str(person.pk), "count": total["frames"],
                         "shots": round(total["count"], 2), "percent": round(100 * total["frames"] / peak),
                         "color": BAR_COLOR,
                         "attainment": round(100 * total["frames"] / expected) if expected else None})
        return {"bars": bars, "project": project, "task_type": task_type, "period": period,
                "total_frames": sum(total["frames"] for _, total in rows)}

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def people_departments(people: dict, departments: set) -> dict:
    """person pk -> the departments among `departments` they belong to (one query)."""
    from people.models import PersonDepartment

    found: dict = {}
    if not people or not departments:
        return found
    for person_id, department_id in PersonDepartment.objects.filter(
            person_id__in=list(people), department_id__in=list(departments)).values_list("person_id", "department_id"):
        found.setdefault(person_id, []).append(department_id)
    return found
