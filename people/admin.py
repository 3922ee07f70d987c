from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import transaction

from config.errors import ApplicationError
from config.permissions import TablePermissionsAdmin
from people import selectors, services
from people.forms import PersonAdminForm
from people.models import DesktopLoginLog, Person, PersonDepartment

# Columns the admin form turns into a services `data` dict (FKs under their `_id` name).
ADMIN_FORM_FK_FIELDS = {"studio": "studio_id", "manager": "manager_id"}


class PersonDepartmentInline(TablePermissionsAdmin, admin.TabularInline):
    permission_keys = {"view": "persons.list_details", "add": "persons.manage_departments",
                       "change": "persons.manage_departments", "delete": "persons.manage_departments"}
    model = PersonDepartment
    extra = 1
    autocomplete_fields = ["department"]
    verbose_name = "department membership"


@admin.register(Person)
class PersonAdmin(TablePermissionsAdmin, admin.ModelAdmin):
    permission_keys = {"view": "persons.list_details", "add": "persons.create", "change": "persons.change",
                       "delete": "persons.delete"}
    form = PersonAdminForm
    list_display = ["full_name", "email", "role", "status", "contract_type", "is_bot", "last_presence"]
    list_filter = ["role", "status", "departments", "contract_type", "is_bot", "studio"]
    search_fields = ["first_name", "last_name", "email", "desktop_login", "username"]
    ordering = ["first_name", "last_name"]
    inlines = [PersonDepartmentInline]
    autocomplete_fields = ["manager", "studio"]
    readonly_fields = ["id", "created_at", "updated_at", "last_login", "last_presence", "has_avatar",
                       "totp_enabled", "email_otp_enabled", "fido_enabled"]
    fieldsets = [
        ("Identity", {"fields": ["first_name", "last_name", "email", "username", "phone", "country",
                                 "desktop_login", "new_password"]}),
        ("Role and account", {"fields": ["role", "status", "active", "archived", "is_bot", "is_guest",
                                         "expiration_date", "authentication_method"]}),
        ("Employment", {"fields": ["job_title", "manager", "studio", "contract_type", "position", "seniority",
                                   "daily_salary"]}),
        ("Preferences", {"classes": ["collapse"], "fields": [
            "timezone", "locale", "use_12_hour_clock", "display_date_format", "appearance"]}),
        ("Notifications", {"classes": ["collapse"], "fields": [
            "notifications_enabled", "notifications_slack_enabled", "notifications_slack_userid",
            "notifications_mattermost_enabled", "notifications_mattermost_userid",
            "notifications_discord_enabled", "notifications_discord_userid"]}),
        ("Sign-in", {"classes": ["collapse"], "fields": [
            "totp_enabled", "email_otp_enabled", "fido_enabled", "preferred_two_factor_authentication",
            "is_generated_from_ldap", "ldap_uid", "shotgun_id", "last_login"]}),
        ("Record", {"classes": ["collapse"], "fields": ["id", "created_at", "updated_at", "last_presence",
                                                        "has_avatar", "data"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("studio")

    def changelist_view(self, request, extra_context=None):
        charts = selectors.headcount_charts()
        extra_context = {**(extra_context or {}), "headcount_charts": [
            ("department", charts["department"]), ("role", charts["role"]), ("account status", charts["status"]),
        ]}
        return super().changelist_view(request, extra_context)

    def _service_data(self, form, *, change: bool) -> dict:
        data = {}
        for name in form.changed_data if change else form.cleaned_data:
            if name in ("new_password",) or name not in form.cleaned_data:
                continue
            value = form.cleaned_data[name]
            if name in ADMIN_FORM_FK_FIELDS:
                data[ADMIN_FORM_FK_FIELDS[name]] = value.pk if value else None
            else:
                data[name] = value
        # The form shows both; `status` is the one HR means, `active` follows it.
        if "status" in data:
            data.pop("active", None)
        return data

    def save_model(self, request, obj, form, change):
        """Saves go through people.services: same validation, user limit and protected-account rules."""
        data = self._service_data(form, change=change)
        password = form.cleaned_data.get("new_password") or None
        try:
            with transaction.atomic():
                if change:
                    original = Person.objects.get(pk=obj.pk)
                    result = services.person_update(acting_user=request.user, person=original, data=data)
                    if password:
                        services.person_set_password(acting_user=request.user, person=result.person,
                                                     password=password, password_2=password)
                else:
                    data["password"] = password
                    result = services.person_create(acting_user=request.user, data=data)
        except ApplicationError as exc:
            raise ValidationError(exc.message) from exc
        form.instance = result.person
        obj.pk = result.person.pk
        obj.refresh_from_db()
        if result.access_token:
            messages.warning(request, f"The bot's API token (shown once): {result.access_token}")

    def save_formset(self, request, form, formset, change):
        if formset.model is not PersonDepartment:
            return super().save_formset(request, form, formset, change)
        # Memberships change through the same services as the API's departments/add and remove.
        person = form.instance
        try:
            for inline in formset.forms:
                cleaned = getattr(inline, "cleaned_data", None)
                if not cleaned or not inline.has_changed():
                    continue
                before = inline.instance.department_id if inline.instance.pk else None
                after = cleaned.get("department")
                if before and (cleaned.get("DELETE") or (after and after.pk != before)):
                    services.person_remove_department(acting_user=request.user, person=person,
                                                      department_id=before)
                if after and not cleaned.get("DELETE"):
                    services.person_add_department(acting_user=request.user, person=person,
                                                   department_id=after.pk)
        except ApplicationError as exc:
            raise ValidationError(exc.message) from exc
        # The admin's change message reads these; the rows themselves were written by the services.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            from django.http import HttpResponseRedirect

            return HttpResponseRedirect(request.get_full_path())

    def delete_model(self, request, obj):
        self.delete_queryset(request, [obj])

    def delete_queryset(self, request, queryset):
        for person in queryset:
            try:
                services.person_delete(acting_user=request.user, person=person, force=False)
            except ApplicationError as exc:
                messages.error(request, f"{person}: {exc.message}")


@admin.register(DesktopLoginLog)
class DesktopLoginLogAdmin(TablePermissionsAdmin, admin.ModelAdmin):
    # A log of what happened: recorded, never edited.
    permission_keys = {"view": "persons.view_desktop_logins", "add": "persons.add_desktop_login"}
    list_display = ["person", "date"]
    list_filter = ["date"]
    search_fields = ["person__first_name", "person__last_name", "person__email"]
    date_hierarchy = "date"
    list_select_related = ["person"]
    autocomplete_fields = ["person"]
