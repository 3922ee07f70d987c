from django.apps import AppConfig


class TimetrackingConfig(AppConfig):
    name = "timetracking"
    verbose_name = "Time tracking"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from people.signals import person_force_deleting
        from timetracking.permissions import declare_timetracking_permissions
        from timetracking.profile_sections import register_timetracking_profile_sections
        from timetracking.receivers import remove_time_data_of_deleted_person

        declare_timetracking_permissions()
        register_timetracking_profile_sections()  # time and day-offs in a person's 360 profile and summary
        person_force_deleting.connect(remove_time_data_of_deleted_person, dispatch_uid="timetracking.person_delete")
