from django.contrib import admin, messages
from django.core.exceptions import ValidationError

from config.errors import ApplicationError
from config.permissions import TablePermissionsAdmin
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
)


def catalog_keys(view: str, change: str) -> dict[str, str]:
    return {"view": view, "add": change, "change": change, "delete": change}


class CatalogAdmin(TablePermissionsAdmin, admin.ModelAdmin):
    """Saves and deletes go through departments.services, like the API's."""

    def save_model(self, request, obj, form, change):
        try:
            services.catalog_save(acting_user=request.user, instance=obj)
        except ApplicationError as exc:
            raise ValidationError(exc.message) from exc

    def delete_model(self, request, obj):
        self.delete_queryset(request, [obj])

    def delete_queryset(self, request, queryset):
        for instance in queryset:
            try:
                services.catalog_delete(acting_user=request.user, instance=instance)
            except ApplicationError as exc:
                messages.error(request, f"{instance}: {exc.message}")


class SoftwareLinkInline(TablePermissionsAdmin, admin.TabularInline):
    permission_keys = catalog_keys("departments.view", "departments.manage_equipment")
    model = SoftwareDepartmentLink
    extra = 0
    autocomplete_fields = ["software"]


class HardwareLinkInline(TablePermissionsAdmin, admin.TabularInline):
    permission_keys = catalog_keys("departments.view", "departments.manage_equipment")
    model = HardwareItemDepartmentLink
    extra = 0
    autocomplete_fields = ["hardware_item"]


@admin.register(Department)
class DepartmentAdmin(CatalogAdmin):
    permission_keys = catalog_keys("departments.view", "departments.change")
    list_display = ["name", "color", "archived"]
    list_filter = ["archived"]
    search_fields = ["name"]
    inlines = [SoftwareLinkInline, HardwareLinkInline]


@admin.register(Studio)
class StudioAdmin(CatalogAdmin):
    permission_keys = catalog_keys("studios.view", "studios.change")
    list_display = ["name", "color", "archived"]
    list_filter = ["archived"]
    search_fields = ["name"]


@admin.register(Software)
class SoftwareAdmin(CatalogAdmin):
    permission_keys = catalog_keys("softwares.view", "softwares.change")
    list_display = ["name", "short_name", "version", "file_extension", "monthly_cost", "inventory_amount",
                    "archived"]
    list_filter = ["archived"]
    search_fields = ["name", "short_name"]


@admin.register(HardwareItem)
class HardwareItemAdmin(CatalogAdmin):
    permission_keys = catalog_keys("hardware_items.view", "hardware_items.change")
    list_display = ["name", "short_name", "monthly_cost", "inventory_amount", "archived"]
    list_filter = ["archived"]
    search_fields = ["name", "short_name"]


@admin.register(SalaryScale)
class SalaryScaleAdmin(CatalogAdmin):
    permission_keys = catalog_keys("salary_scales.view", "salary_scales.change")
    list_display = ["department", "position", "seniority", "salary"]
    list_filter = ["department", "position", "seniority"]
    list_editable = ["salary"]
    list_select_related = ["department"]

    def has_add_permission(self, request):
        return False  # every department x position x seniority cell already exists


@admin.register(Organisation)
class OrganisationAdmin(CatalogAdmin):
    # The admin form shows the chat integration secrets.
    permission_keys = catalog_keys("organisations.view_secrets", "organisations.change")
    list_display = ["name", "hours_by_day", "timesheets_locked"]
