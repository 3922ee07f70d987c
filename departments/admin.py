from django.contrib import admin
from django.db.models import Count, Q
from django.utils.html import format_html
from unfold.contrib.filters.admin import (
    BooleanRadioFilter,
    ChoicesDropdownFilter,
    RelatedDropdownFilter,
)

from audit.admin import AuditHistoryAdmin
from config.admin import RosterModelAdmin, RosterTabularInline, save_links_through_services
from departments import services
from departments.models import (
    Department,
    HardwareItem,
    HardwareItemDepartmentLink,
    Organisation,
    SalaryScale,
    Software,
    SoftwareDepartmentLink,
    Studio,
    Team,
    WorkShift,
)


def catalog_keys(view: str, change: str) -> dict[str, str]:
    return {"view": view, "add": change, "change": change, "delete": change}


class CatalogAdmin(AuditHistoryAdmin, RosterModelAdmin):
    """Saves and deletes go through departments.services, like the API's, which audit them: the History page
    is the record's audit trail."""

    @property
    def audit_target_type(self) -> str:
        return services.catalog_audit_name(self.model)

    def save_model(self, request, obj, form, change):
        services.catalog_save(acting_user=request.user, instance=obj)

    def delete_model(self, request, obj):
        services.catalog_delete(acting_user=request.user, instance=obj)


class SoftwareLinkInline(RosterTabularInline):
    permission_keys = catalog_keys("departments.view", "departments.manage_equipment")
    model = SoftwareDepartmentLink
    extra = 0
    autocomplete_fields = ["software"]
    hide_title = True  # a link row reads as two ids; the select already names the software


class HardwareLinkInline(RosterTabularInline):
    permission_keys = catalog_keys("departments.view", "departments.manage_equipment")
    model = HardwareItemDepartmentLink
    extra = 0
    autocomplete_fields = ["hardware_item"]
    hide_title = True


@admin.register(Department)
class DepartmentAdmin(CatalogAdmin):
    permission_keys = catalog_keys("departments.view", "departments.change")
    sidebar_icon = "workspaces"
    list_display = ["name", "color_swatch", "member_count", "archived"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(
            active_members=Count("memberships", filter=Q(memberships__person__active=True,
                                                         memberships__person__is_bot=False)))

    @admin.display(description="colour", ordering="color")
    def color_swatch(self, department):
        if not department.color:
            return "-"
        # The model validates the colour as #RRGGBB; format_html escapes it all the same.
        return format_html('<span title="{0}" style="display:inline-block;width:1.25rem;height:1.25rem;'
                           'border-radius:0.25rem;background:{0}"></span>', department.color)

    @admin.display(description="active members", ordering="active_members")
    def member_count(self, department):
        return department.active_members
    list_filter = [("archived", BooleanRadioFilter)]
    search_fields = ["name"]
    inlines = [SoftwareLinkInline, HardwareLinkInline]

    def save_formset(self, request, form, formset, change):
        # The same link services as the API's /data/departments/<id>/software-licenses and hardware-items.
        department_id = form.instance.pk
        if formset.model is SoftwareDepartmentLink:
            save_links_through_services(
                formset, other="software",
                link=lambda software_id: services.department_link_software(
                    acting_user=request.user, department_id=department_id, software_id=software_id),
                unlink=lambda software_id: services.department_unlink_software(
                    acting_user=request.user, department_id=department_id, software_id=software_id),
            )
        elif formset.model is HardwareItemDepartmentLink:
            save_links_through_services(
                formset, other="hardware_item",
                link=lambda item_id: services.department_link_hardware_item(
                    acting_user=request.user, department_id=department_id, hardware_item_id=item_id),
                unlink=lambda item_id: services.department_unlink_hardware_item(
                    acting_user=request.user, department_id=department_id, hardware_item_id=item_id),
            )
        else:
            super().save_formset(request, form, formset, change)


@admin.register(Studio)
class StudioAdmin(CatalogAdmin):
    permission_keys = catalog_keys("studios.view", "studios.change")
    sidebar_icon = "apartment"
    list_display = ["name", "color", "archived"]
    list_filter = [("archived", BooleanRadioFilter)]
    search_fields = ["name"]


@admin.register(WorkShift)
class WorkShiftAdmin(CatalogAdmin):
    permission_keys = catalog_keys("work_shifts.view", "work_shifts.change")
    sidebar_icon = "schedule"
    list_display = ["name", "start_time", "end_time", "working_days"]
    search_fields = ["name"]


@admin.register(Team)
class TeamAdmin(CatalogAdmin):
    permission_keys = catalog_keys("teams.view", "teams.change")
    sidebar_icon = "groups"
    list_display = ["name", "description", "archived"]
    list_filter = [("archived", BooleanRadioFilter)]
    search_fields = ["name", "description"]


@admin.register(Software)
class SoftwareAdmin(CatalogAdmin):
    permission_keys = catalog_keys("softwares.view", "softwares.change")
    sidebar_icon = "terminal"
    list_display = ["name", "short_name", "version", "file_extension", "monthly_cost", "inventory_amount",
                    "archived"]
    list_filter = [("archived", BooleanRadioFilter)]
    search_fields = ["name", "short_name"]


@admin.register(HardwareItem)
class HardwareItemAdmin(CatalogAdmin):
    permission_keys = catalog_keys("hardware_items.view", "hardware_items.change")
    sidebar_icon = "memory"
    list_display = ["name", "short_name", "monthly_cost", "inventory_amount", "archived"]
    list_filter = [("archived", BooleanRadioFilter)]
    search_fields = ["name", "short_name"]


@admin.register(SalaryScale)
class SalaryScaleAdmin(CatalogAdmin):
    permission_keys = catalog_keys("salary_scales.view", "salary_scales.change")
    sidebar_icon = "payments"
    list_display = ["department", "position", "seniority", "salary"]
    list_filter = [("department", RelatedDropdownFilter), ("position", ChoicesDropdownFilter),
                   ("seniority", ChoicesDropdownFilter)]
    list_editable = ["salary"]
    list_select_related = ["department"]

    def has_add_permission(self, request):
        return False  # every department x position x seniority cell already exists


@admin.register(Organisation)
class OrganisationAdmin(CatalogAdmin):
    # The form shows the chat integration secrets.
    permission_keys = catalog_keys("organisations.view_secrets", "organisations.change")
    sidebar_icon = "corporate_fare"
    list_display = ["name", "hours_by_day", "timesheets_locked"]
