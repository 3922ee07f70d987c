"""The HR back office's production screens. Every save and delete goes through timetracking.services, so the
admin keeps the API's rules: status dates, task durations, day-offs that never overlap and clear time spent.

A project's team and a task's assignees (many-to-many through link rows, which Django's admin leaves out) are
edited with an autocomplete of persons and saved by project_update / task_update, as the API saves them."""

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelectMultiple
from unfold.contrib.filters.admin import (
    BooleanRadioFilter,
    ChoicesDropdownFilter,
    RangeDateFilter,
    RelatedDropdownFilter,
)

from audit.admin import AuditHistoryAdmin
from config.admin import RosterModelAdmin
from people.models import Person
from timetracking import services
from timetracking.models import DayOff, Entity, EntityType, Project, Task, TaskStatus, TaskType, TimeSpent


def keys(view: str, change: str, delete: str | None = None) -> dict[str, str]:
    return {"view": view, "add": change, "change": change, "delete": delete or change}


class CatalogAdmin(RosterModelAdmin):
    def save_model(self, request, obj, form, change):
        services.catalog_save(acting_user=request.user, instance=obj)

    def delete_model(self, request, obj):
        services.catalog_delete(acting_user=request.user, instance=obj)


class PersonLinksAdmin(RosterModelAdmin):
    """Edits the persons of one many-to-many relation with link rows (`persons_field`) as a form field of that
    name: an autocomplete (so a form renders only the persons chosen, whatever the size of the studio), filled
    from the links and saved by `save_persons` in the admin's transaction, once the object itself is saved."""

    persons_field = ""
    persons_label = ""
    persons_help = ""

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if self.persons_field in form.base_fields or not self.may_edit_persons(request, obj):
            return form
        model_field = self.model._meta.get_field(self.persons_field)
        form.base_fields[self.persons_field] = forms.ModelMultipleChoiceField(
            queryset=Person.objects.all(), required=False, label=self.persons_label, help_text=self.persons_help,
            widget=AutocompleteSelectMultiple(model_field, self.admin_site))
        return form

    def get_readonly_fields(self, request, obj=None):
        """Who reads but may not change the object reads the persons as text."""
        fields = list(super().get_readonly_fields(request, obj))
        if not self.may_edit_persons(request, obj):
            fields.append("persons_names")
        return fields

    def may_edit_persons(self, request, obj) -> bool:
        return self.has_add_permission(request) if obj is None else self.has_change_permission(request, obj)

    @admin.display(description="Persons")
    def persons_names(self, obj):
        return ", ".join(str(person) for person in getattr(obj, self.persons_field).all()) if obj.pk else ""

    def save_related(self, request, form, formsets, change):
        """The links are the service's to write (not the form's save_m2m); there are no inlines here."""
        if self.persons_field in form.cleaned_data:
            ids = [person.pk for person in form.cleaned_data[self.persons_field]]
            self.save_persons(request, form.instance, ids)

    def save_persons(self, request, obj, person_ids: list) -> None:
        raise NotImplementedError


@admin.register(Project)
class ProjectAdmin(AuditHistoryAdmin, PersonLinksAdmin):
    audit_target_type = "project"  # History: who joined or left the team, and who decided it
    permission_keys = {"view": "projects.view_all", "add": "projects.create", "change": "projects.change",
                       "delete": "projects.delete"}
    sidebar_icon = "movie"
    list_display = ["name", "code", "production_type", "project_status", "start_date", "end_date"]
    list_filter = [("production_type", ChoicesDropdownFilter), ("project_status", RelatedDropdownFilter)]
    list_select_related = ["project_status"]
    search_fields = ["name", "code"]
    exclude = ["asset_types", "task_types", "task_statuses"]
    persons_field = "team"
    persons_label = "Team"
    persons_help = "Who works on the project: they see its tasks and log time on them."

    def save_model(self, request, obj, form, change):
        services.project_save(acting_user=request.user, project=obj)

    def save_persons(self, request, obj, person_ids):
        services.project_update(acting_user=request.user, project=obj, data={"team": person_ids})

    def delete_model(self, request, obj):
        services.project_delete(acting_user=request.user, project=obj)


@admin.register(EntityType)
class EntityTypeAdmin(CatalogAdmin):
    permission_keys = keys("entity_types.view", "entity_types.change")
    sidebar_icon = "category"
    list_display = ["name", "short_name", "archived"]
    list_filter = [("archived", BooleanRadioFilter)]
    search_fields = ["name"]


@admin.register(TaskType)
class TaskTypeAdmin(CatalogAdmin):
    permission_keys = keys("task_types.view", "task_types.change")
    sidebar_icon = "label"
    list_display = ["name", "short_name", "for_entity", "department", "priority", "allow_timelog", "archived"]
    list_filter = [("for_entity", ChoicesDropdownFilter), ("department", RelatedDropdownFilter),
                   ("archived", BooleanRadioFilter)]
    list_select_related = ["department"]
    search_fields = ["name", "short_name"]


@admin.register(TaskStatus)
class TaskStatusAdmin(CatalogAdmin):
    permission_keys = keys("task_statuses.view", "task_statuses.change")
    sidebar_icon = "flag"
    list_display = ["name", "short_name", "is_default", "is_wip", "is_feedback_request", "is_done", "priority"]
    list_filter = [("is_wip", BooleanRadioFilter), ("is_done", BooleanRadioFilter)]
    search_fields = ["name", "short_name"]


@admin.register(Entity)
class EntityAdmin(RosterModelAdmin):
    permission_keys = {"view": "projects.view_all", "add": "entities.change", "change": "entities.change",
                       "delete": "entities.change"}
    sidebar_icon = "movie_edit"
    list_display = ["name", "entity_type", "parent", "project", "nb_frames", "canceled"]
    list_filter = [("project", RelatedDropdownFilter), ("entity_type", RelatedDropdownFilter)]
    list_select_related = ["entity_type", "parent", "project"]
    search_fields = ["name", "code"]
    autocomplete_fields = ["parent"]

    def save_model(self, request, obj, form, change):
        services.entity_save(acting_user=request.user, entity=obj)

    def delete_model(self, request, obj):
        services.entity_delete(acting_user=request.user, entity=obj)


@admin.register(Task)
class TaskAdmin(AuditHistoryAdmin, PersonLinksAdmin):
    audit_target_type = "task"  # History: who was assigned or taken off the task
    permission_keys = {"view": "projects.view_all", "add": "tasks.create", "change": "tasks.change_any_department",
                       "delete": "tasks.delete"}
    sidebar_icon = "task_alt"
    list_display = ["__str__", "project", "task_type", "task_status", "duration", "estimation", "end_date",
                    "done_date"]
    list_filter = [("project", RelatedDropdownFilter), ("task_type", RelatedDropdownFilter),
                   ("task_status", RelatedDropdownFilter), ("done_date", RangeDateFilter)]
    list_select_related = ["project", "task_type", "task_status"]
    search_fields = ["name", "entity__name"]
    autocomplete_fields = ["entity", "assigner"]
    # Set by the services: the sum of the time spent, and the dates of the status changes.
    readonly_fields = ["duration", "real_start_date", "end_date", "done_date"]
    persons_field = "assignees"
    persons_label = "Assignees"
    persons_help = "Who works on the task."

    def save_model(self, request, obj, form, change):
        services.task_save(acting_user=request.user, task=obj)

    def save_persons(self, request, obj, person_ids):
        services.task_update(acting_user=request.user, task=obj, data={"assignees": person_ids})

    def delete_model(self, request, obj):
        services.task_delete(acting_user=request.user, task=obj)


@admin.register(TimeSpent)
class TimeSpentAdmin(RosterModelAdmin):
    permission_keys = keys("time_spents.view", "time_spents.change")
    sidebar_icon = "schedule"
    date_hierarchy = "date"
    list_display = ["date", "person", "task", "duration"]
    list_filter = [("date", RangeDateFilter), ("person", RelatedDropdownFilter),
                   ("task__project", RelatedDropdownFilter)]
    list_select_related = ["person", "task"]
    search_fields = ["person__first_name", "person__last_name", "task__entity__name"]
    autocomplete_fields = ["person", "task"]
    ordering = ["-date"]

    def save_model(self, request, obj, form, change):
        if change:
            original = TimeSpent.objects.get(pk=obj.pk)
            saved = services.time_spent_update(acting_user=request.user, time_spent=original,
                                               data={name: getattr(obj, name) for name in form.changed_data})
        else:
            # Sets the day's minutes (the row of that person, task and day, created when missing).
            saved = services.time_spent_set(acting_user=request.user, task=obj.task, person=obj.person,
                                            date=obj.date, duration=obj.duration)
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        services.time_spent_delete(acting_user=request.user, time_spent=obj)


@admin.register(DayOff)
class DayOffAdmin(RosterModelAdmin):
    permission_keys = keys("day_offs.view", "day_offs.change")
    sidebar_icon = "beach_access"
    date_hierarchy = "date"
    list_display = ["person", "date", "end_date", "description"]
    list_filter = [("date", RangeDateFilter), ("person", RelatedDropdownFilter)]
    list_select_related = ["person"]
    search_fields = ["person__first_name", "person__last_name", "description"]
    autocomplete_fields = ["person"]
    ordering = ["-date"]

    def save_model(self, request, obj, form, change):
        data = {name: getattr(obj, name) for name in ("person", "date", "end_date", "description")}
        if change:
            original = DayOff.objects.get(pk=obj.pk)
            services.day_off_update(acting_user=request.user, day_off=original, data=data)
        else:
            obj.pk = services.day_off_create(acting_user=request.user, data=data).pk

    def delete_model(self, request, obj):
        services.day_off_delete(acting_user=request.user, day_off=obj)


# The monthly timesheet and presence pages register themselves.
from timetracking import admin_pages  # noqa: E402, F401
