from django.contrib import admin

from departments.models import (
    Department,
    HardwareItem,
    HardwareItemDepartmentLink,
    Organisation,
    SalaryScale,
    Software,
    SoftwareDepartmentLink,
    Studio,
)


class SoftwareLinkInline(admin.TabularInline):
    model = SoftwareDepartmentLink
    extra = 0
    autocomplete_fields = ["software"]


class HardwareLinkInline(admin.TabularInline):
    model = HardwareItemDepartmentLink
    extra = 0
    autocomplete_fields = ["hardware_item"]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "color", "archived"]
    list_filter = ["archived"]
    search_fields = ["name"]
    inlines = [SoftwareLinkInline, HardwareLinkInline]


@admin.register(Studio)
class StudioAdmin(admin.ModelAdmin):
    list_display = ["name", "color", "archived"]
    list_filter = ["archived"]
    search_fields = ["name"]


@admin.register(Software)
class SoftwareAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "version", "file_extension", "monthly_cost", "inventory_amount",
                    "archived"]
    list_filter = ["archived"]
    search_fields = ["name", "short_name"]


@admin.register(HardwareItem)
class HardwareItemAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "monthly_cost", "inventory_amount", "archived"]
    list_filter = ["archived"]
    search_fields = ["name", "short_name"]


@admin.register(SalaryScale)
class SalaryScaleAdmin(admin.ModelAdmin):
    list_display = ["department", "position", "seniority", "salary"]
    list_filter = ["department", "position", "seniority"]
    list_editable = ["salary"]
    list_select_related = ["department"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "hours_by_day", "timesheets_locked"]
