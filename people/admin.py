from django.contrib import admin, messages
from django.contrib.admin.forms import AdminPasswordChangeForm
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.utils import unquote
from django.contrib.auth.models import Group
from django.contrib.auth.views import PasswordChangeView
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from unfold.contrib.filters.admin import (
    BooleanRadioFilter,
    ChoicesDropdownFilter,
    RangeDateFilter,
    RangeDateTimeFilter,
    RelatedDropdownFilter,
)
from unfold.decorators import display

from audit.admin import AuditHistoryAdmin
from audit.selectors import audit_entries_for
from config.admin import RosterModelAdmin, RosterTabularInline, save_links_through_services
from config.errors import ApplicationError
from config.permissions import declared_permissions
from notifications import selectors as outbox_selectors
from notifications.models import DeliveryStatus, OutboxEmail
from people import selectors
from people.forms import PermissionRulesForm, PersonAdminForm
from people.models import DesktopLoginLog, Person, PersonDepartment, PersonStatus
from people.permissions import role_permissions
from people.services import desktop_logins, escalation, lifecycle, passwords, permission_rules, persons

# Roster's rights are its own permission table (people.permissions) and Person has no groups: Django's
# Group screen would edit something nothing reads.
admin.site.unregister(Group)

# Columns the admin form turns into a services `data` dict (FKs under their `_id` name).
ADMIN_FORM_FK_FIELDS = {"studio": "studio_id", "manager": "manager_id"}

AUDIT_TRAIL_ROWS = 50

# unfold's label colours for a person's status, in the list and on the dashboard.
STATUS_LABELS = {
    PersonStatus.INVITED.label: "info",
    PersonStatus.ACTIVE.label: "success",
    PersonStatus.INACTIVE.label: "",
    PersonStatus.SUSPENDED.label: "warning",
    PersonStatus.LOCKED.label: "danger",
}


class PersonDepartmentInline(RosterTabularInline):
    permission_keys = {"view": "persons.list_details", "add": "persons.manage_departments",
                       "change": "persons.manage_departments", "delete": "persons.manage_departments"}
    model = PersonDepartment
    extra = 1
    autocomplete_fields = ["department"]
    verbose_name = "department membership"
    hide_title = True  # a membership row reads as two ids; the select already names the department


# Account states from the person list: each action shows a confirmation page first (suspending asks for a
# reason), then goes through people.services.lifecycle like the API's routes; a refusal (one's own account, a
# protected one, the user limit) is reported per person and changes nothing for that person.
STATE_ACTIONS = {
    # name: (verb, service, reason required)
    "lock_accounts": ("Lock", lifecycle.person_lock, False),
    "unlock_accounts": ("Unlock", lifecycle.person_unlock, False),
    "suspend_accounts": ("Suspend", lifecycle.person_suspend, True),
    "activate_accounts": ("Activate", lifecycle.person_activate, False),
}


def _state_action(name: str):
    verb, change, reason_required = STATE_ACTIONS[name]

    @admin.action(description=f"{verb} the selected accounts", permissions=["manage_state"])
    def action(modeladmin, request, queryset):
        return modeladmin.confirm_then(request, queryset, name=name, verb=verb, reason_required=reason_required,
                                       change=lambda person, reason: change(acting_user=request.user,
                                                                            person=person, reason=reason))
    action.__name__ = name
    return action


@admin.register(Person)
class PersonAdmin(AuditHistoryAdmin, RosterModelAdmin):
    audit_target_type = "person"  # History: the person's audit trail, the API's changes included
    permission_keys = {"view": "persons.list_details", "add": "persons.create", "change": "persons.change",
                       "delete": "persons.delete"}
    form = PersonAdminForm
    sidebar_icon = "badge"
    changelist_tabs = [("All", {})] + [(label, {"status__exact": value}) for value, label in PersonStatus.choices]
    list_display = ["full_name", "email", "role", "status_label", "contract_type", "is_bot", "last_presence"]
    list_filter = [
        ("role", ChoicesDropdownFilter),
        ("departments", RelatedDropdownFilter),
        ("studio", RelatedDropdownFilter),
        ("contract_type", ChoicesDropdownFilter),
        ("is_bot", BooleanRadioFilter),
        ("last_presence", RangeDateFilter),
    ]
    list_before_template = "admin/people/person/headcount_charts.html"
    search_fields = ["first_name", "last_name", "email", "desktop_login", "username"]
    ordering = ["first_name", "last_name"]
    inlines = [PersonDepartmentInline]
    autocomplete_fields = ["manager", "studio"]
    readonly_fields = ["id", "created_at", "updated_at", "last_login", "last_presence", "has_avatar",
                       "totp_enabled", "email_otp_enabled", "fido_enabled", "audit_trail",
                       "effective_permissions", "grants_and_denials", "change_permission_rules_link"]
    # The first three are what HR edits; the rest sit in tabs below them.
    fieldsets = [
        ("Identity", {"fields": ["first_name", "last_name", "email", "username", "phone", "country",
                                 "desktop_login", "new_password"]}),
        ("Role and account", {"fields": ["role", "status", "archived", "is_bot", "is_guest",
                                         "expiration_date", "authentication_method"]}),
        ("Employment", {"fields": ["job_title", "manager", "studio", "contract_type", "position", "seniority",
                                   "daily_salary"]}),
        ("Preferences", {"classes": ["tab"], "fields": [
            "timezone", "locale", "use_12_hour_clock", "display_date_format", "appearance"]}),
        ("Notifications", {"classes": ["tab"], "fields": [
            "notifications_enabled", "notifications_slack_enabled", "notifications_slack_userid",
            "notifications_mattermost_enabled", "notifications_mattermost_userid",
            "notifications_discord_enabled", "notifications_discord_userid"]}),
        ("Sign-in", {"classes": ["tab"], "fields": [
            "totp_enabled", "email_otp_enabled", "fido_enabled", "preferred_two_factor_authentication",
            "is_generated_from_ldap", "ldap_uid", "shotgun_id", "last_login"]}),
        ("Record", {"classes": ["tab"], "fields": ["id", "created_at", "updated_at", "last_presence",
                                                  "has_avatar", "data"]}),
        ("Audit trail", {"classes": ["tab"], "fields": ["audit_trail"]}),
        ("Permissions", {"classes": ["tab"], "fields": ["grants_and_denials", "effective_permissions"]}),
    ]

    actions = [*(_state_action(name) for name in STATE_ACTIONS), "invite_persons"]

    @display(description="status", ordering="status", label=STATUS_LABELS)
    def status_label(self, person):
        return person.get_status_display()

    def has_manage_state_permission(self, request) -> bool:
        return request.user.has_perm("persons.manage_state")

    def has_invite_permission(self, request) -> bool:
        return request.user.has_perm("persons.invite")

    @admin.action(description="Invite the selected persons (email a link)", permissions=["invite"])
    def invite_persons(self, request, queryset):
        return self.confirm_then(request, queryset, name="invite_persons", verb="Invite", reason_required=False,
                                 change=lambda person, reason: passwords.person_invite(acting_user=request.user,
                                                                                       person=person))

    def confirm_then(self, request, queryset, *, name, verb, reason_required, change):
        """First a confirmation page naming everyone the action touches (and asking for a reason where one is
        required); on its "Yes", the change for each, through the services."""
        reason = (request.POST.get("reason") or "").strip()
        if request.POST.get("confirm") != "yes" or (reason_required and not reason):
            return TemplateResponse(request, "admin/people/person/confirm_state_change.html", {
                **self.admin_site.each_context(request), "title": f"{verb} accounts", "opts": self.model._meta,
                "persons": list(queryset), "action": name, "verb": verb, "reason_required": reason_required,
                "missing_reason": request.POST.get("confirm") == "yes" and reason_required and not reason,
                "reason": reason, "action_checkbox_name": ACTION_CHECKBOX_NAME,
            })
        done = 0
        for person in queryset:
            try:
                change(person, reason or None)
                done += 1
            except ApplicationError as refused:
                self.message_user(request, f"{person}: {refused.message}", messages.ERROR)
        if done:
            self.message_user(request, f"{verb}: {done} account(s) done.", messages.SUCCESS)
        return None

    @admin.display(description="audit trail (newest first)")
    def audit_trail(self, person):
        entries = audit_entries_for(target_type="person", target_id=person.pk)[:AUDIT_TRAIL_ROWS]
        rows = format_html_join("", "<tr><td class=\"pr-4\">{}</td><td class=\"pr-4\">{}</td>"
                                    "<td class=\"pr-4\">{}</td><td>{}</td></tr>",
                                ((f"{entry.at:%Y-%m-%d %H:%M}", entry.action, entry.actor_label or "system",
                                  entry.reason or ", ".join(sorted(entry.changes))) for entry in entries))
        return format_html('<table class="text-sm" id="person-audit-trail">{}</table>', rows) if rows else "-"

    @admin.display(description="effective permissions")
    def effective_permissions(self, person):
        keys = sorted(person.get_all_permissions())
        return format_html('<ul id="person-permissions">{}</ul>',
                           format_html_join("", "<li>{}</li>", ((key,) for key in keys))) if keys else "-"

    @admin.display(description="grants and denials")
    def grants_and_denials(self, person):
        """Read-only here; set on the page `permission_rules_view` serves, or through PATCH
        /api/data/persons/<id>/permissions, both by people.services.permission_rules."""
        rules = selectors.person_permission_breakdown(person=person)["rules"]

        def until(rule) -> str:
            return f"until {timezone.localtime(rule['expires_at']):%Y-%m-%d %H:%M}" if rule["expires_at"] else "no expiry"

        def origin(rule) -> str:
            state = "" if rule["active"] else "expired, ignored; "
            return f"{state}set by {rule['set_by'] or 'system'} on {rule['set_at']:%Y-%m-%d}"

        rows = format_html_join("", "<tr><td class=\"pr-4\">{}</td><td class=\"pr-4\">{}</td>"
                                    "<td class=\"pr-4\">{}</td><td class=\"pr-4\">{}</td><td>{}</td></tr>",
                                ((rule["effect"], rule["key"], until(rule), origin(rule), rule["reason"])
                                 for rule in rules))
        return format_html('<table class="text-sm" id="person-permission-rules">{}</table>', rows) if rows else "-"

    # Grants and denials, set from the person page ------------------------------------------------------
    # The Permissions tab links holders of `persons.manage_permissions` to a page whose form is saved by
    # people.services.permission_rules, the service behind PATCH /api/data/persons/<id>/permissions: the same
    # checks (declared keys, nobody gives a key they lack, HR does not change an admin), one audit row.

    @admin.display(description="")
    def change_permission_rules_link(self, person):
        return format_html('<a href="{}" id="change-permission-rules" class="text-primary-600 '
                           'dark:text-primary-500 font-semibold">Change grants and denials</a>',
                           reverse("admin:people_person_permissions", args=[person.pk]))

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or not request.user.has_perm("persons.manage_permissions"):
            return fieldsets
        return [(name, {**options, "fields": ["change_permission_rules_link", *options["fields"]]})
                if name == "Permissions" else (name, options) for name, options in fieldsets]

    def get_urls(self):
        return [path("<path:object_id>/permissions/", self.admin_site.admin_view(self.permission_rules_view),
                     name="people_person_permissions"),
                *super().get_urls()]

    def permission_rules_view(self, request, object_id):
        if not request.user.has_perm("persons.manage_permissions"):
            raise PermissionDenied
        person = self.get_object(request, unquote(object_id))
        if person is None:
            raise Http404("Person not found.")
        declared = declared_permissions()
        keys = sorted(declared, key=lambda key: (declared[key].app_label, key))
        rules = {rule.key: rule for rule in person.permission_rules.all()}
        form = PermissionRulesForm(request.POST or None, keys=keys, rules=rules)
        if request.method == "POST" and form.is_valid():
            try:
                permission_rules.person_set_permission_rules(acting_user=request.user, person=person,
                                                             body=form.service_body())
            except ApplicationError as refused:
                form.add_service_error(refused)
            else:
                self.message_user(request, f"{person}: grants and denials saved.", messages.SUCCESS)
                return HttpResponseRedirect(reverse("admin:people_person_change", args=[person.pk]))
        refusal = None
        if request.method != "POST":  # said before HR fills the form in, not only after
            try:
                escalation.ensure_may_manage(acting_user=request.user, person=person)
            except ApplicationError as refused:
                refusal = refused.message
        from_role = role_permissions(role=person.role, is_bot=person.is_bot)
        now = timezone.now()
        return TemplateResponse(request, "admin/people/person/permission_rules.html", {
            **self.admin_site.each_context(request), "title": f"Grants and denials: {person}",
            "opts": self.model._meta, "original": person, "form": form, "refusal": refusal,
            "rows": [(key, field, until, key in from_role) for key, field, until in form.rows()],
            "expired": sorted(key for key, rule in rules.items() if not rule.is_active(now)),
            "undeclared": sorted(key for key in rules if key not in declared),
            "change_url": reverse("admin:people_person_change", args=[person.pk]),
        })

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
        return data

    def save_model(self, request, obj, form, change):
        """Saves go through people.services: same validation, user limit and protected-account rules."""
        data = self._service_data(form, change=change)
        password = form.cleaned_data.get("new_password") or None
        with transaction.atomic():
            if change:
                original = Person.objects.get(pk=obj.pk)
                result = persons.person_update(acting_user=request.user, person=original, data=data)
                if password:
                    passwords.person_set_password(acting_user=request.user, person=result.person,
                                                 password=password, password_2=password)
            else:
                data["password"] = password
                result = persons.person_create(acting_user=request.user, data=data)
        form.instance = result.person
        obj.pk = result.person.pk
        obj.refresh_from_db()
        if result.access_token:
            messages.warning(request, f"The bot's API token (shown once): {result.access_token}")

    def save_formset(self, request, form, formset, change):
        # Memberships change through the same services as the API's departments/add and remove.
        person = form.instance
        save_links_through_services(
            formset, other="department",
            link=lambda department_id: persons.person_add_department(
                acting_user=request.user, person=person, department_id=department_id),
            unlink=lambda department_id: persons.person_remove_department(
                acting_user=request.user, person=person, department_id=department_id),
        )

    def delete_model(self, request, obj):
        persons.person_delete(acting_user=request.user, person=obj, force=False)


@admin.register(DesktopLoginLog)
class DesktopLoginLogAdmin(RosterModelAdmin):
    """A log: entries are added (through the service that also moves `last_presence`), never edited."""

    permission_keys = {"view": "persons.view_desktop_logins", "add": "persons.add_desktop_login"}
    sidebar_icon = "desktop_windows"
    list_display = ["person", "date"]
    list_filter = [("date", RangeDateTimeFilter)]
    search_fields = ["person__first_name", "person__last_name", "person__email"]
    list_select_related = ["person"]
    autocomplete_fields = ["person"]

    def save_model(self, request, obj, form, change):
        log = desktop_logins.desktop_login_log_create(acting_user=request.user, person=obj.person, date=obj.date)
        obj.pk = log.pk


# The admin index ---------------------------------------------------------------------------------------

DASHBOARD_ROWS = 10


def hr_dashboard(request, context: dict) -> dict:
    """unfold's DASHBOARD_CALLBACK: the page HR opens first. Each panel shows only to whoever may open the
    list it links to; every figure is counted by the database in a bounded number of queries."""
    context["title"] = "Dashboard"
    if admin.site.get_model_admin(Person).has_view_permission(request):
        persons_url = reverse("admin:people_person_changelist")
        headcount = selectors.headcount_dashboard()
        for bars in headcount.values():
            for bar in bars:
                bar["href"] = f"{persons_url}?{urlencode(bar['filters'])}"
        invitations = selectors.invitations_pending(limit=DASHBOARD_ROWS)
        for person in invitations["persons"]:
            person.admin_url = reverse("admin:people_person_change", args=[person.pk])
        context.update(
            headcount=headcount,
            active_people=next(bar for bar in headcount["status"]
                               if bar["filters"]["status__exact"] == PersonStatus.ACTIVE),
            invitations=invitations,
            invited_url=f"{persons_url}?{urlencode({'status__exact': PersonStatus.INVITED.value})}",
        )
    if admin.site.get_model_admin(OutboxEmail).has_view_permission(request):
        failed = outbox_selectors.outbox_failed(limit=DASHBOARD_ROWS)
        for email in failed["emails"]:
            email.admin_url = reverse("admin:notifications_outboxemail_change", args=[email.pk])
        context.update(
            failed_emails=failed,
            failed_emails_url=(f"{reverse('admin:notifications_outboxemail_changelist')}?"
                               f"{urlencode({'status__exact': DeliveryStatus.FAILED.value})}"),
        )
    return context


# The admin's own "Change password" page ---------------------------------------------------------------


class PasswordChangeThroughService(AdminPasswordChangeForm):
    """Django's admin form, saved by the passwords service as the API's change-password is: the old password
    counts toward the lockout, the other sessions end, the person is told by email."""

    def clean_old_password(self):
        return self.cleaned_data["old_password"]  # checked by the service, which counts failures

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        try:
            passwords.person_change_own_password(
                person=self.user, old_password=cleaned.get("old_password"),
                password=cleaned.get("new_password1"), password_2=cleaned.get("new_password2"),
            )
        except ApplicationError as exc:
            field = (exc.data or {}).get("errors", [{}])[0].get("field")
            self.add_error({"password_2": "new_password2", "password": "new_password1"}.get(field, field)
                           if field in ("old_password", "password", "password_2") else None, exc.message)
        return cleaned

    def save(self, commit=True):
        # The service saved it; the session's auth hash must follow the new password.
        self.user.refresh_from_db(fields=["password"])
        return self.user


def admin_password_change(request, extra_context=None):
    url = reverse("admin:password_change_done", current_app=admin.site.name)
    request.current_app = admin.site.name
    return PasswordChangeView.as_view(
        form_class=PasswordChangeThroughService, success_url=url,
        extra_context={**admin.site.each_context(request), **(extra_context or {})},
        template_name=admin.site.password_change_template or "registration/password_change_form.html",
    )(request)


# The LDAP sync runs' screens (people/ldap/admin.py) register with this app's.
import people.ldap.admin  # noqa: E402,F401
