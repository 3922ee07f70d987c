from django.contrib import admin, messages
from django.core.exceptions import ValidationError

from config.errors import ApplicationError
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


class CatalogAdmin(admin.ModelAdmin):
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


class SoftwareLinkInline(admin.TabularInline):
    model = SoftwareDepartmentLink
    extra = 0
    autocomplete_fields = ["software"]


class HardwareLinkInline(admin.TabularInline):
    model = HardwareItemDepartmentLink
    extra = 0
    autocomplete_fields = ["hardware_item"]


@admin.register(Department)
class DepartmentAdmin(CatalogAdmin):
    list_display = ["name", "color", "archived"]
    list_filter = ["archived"]
    search_fields = ["name"]
    inlines = [SoftwareLinkInline, HardwareLinkInline]


@admin.register(Studio)
class StudioAdmin(CatalogAdmin):
    list_display = ["name", "color", "archived"]
    list_filter = ["archived"]
    search_fields = ["name"]


@admin.register(Software)
class SoftwareAdmin(CatalogAdmin):
    list_display = ["name", "short_name", "version", "file_extension", "monthly_cost", "inventory_amount",
                    "archived"]
    list_filter = ["archived"]
    search_fields = ["name", "short_name"]


@admin.register(HardwareItem)
class HardwareItemAdmin(CatalogAdmin):
    list_display = ["name", "short_name", "monthly_cost", "inventory_amount", "archived"]
    list_filter = ["archived"]
    search_fields = ["name", "short_name"]


@admin.register(SalaryScale)
class SalaryScaleAdmin(CatalogAdmin):
    list_display = ["department", "position", "seniority", "salary"]
    list_filter = ["department", "position", "seniority"]
    list_editable = ["salary"]
    list_select_related = ["department"]

    def has_add_permission(self, request):
        return False  # every department x position x seniority cell already exists


@admin.register(Organisation)
class OrganisationAdmin(CatalogAdmin):
    list_display = ["name", "hours_by_day", "timesheets_locked"]
