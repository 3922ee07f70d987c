from django.apps import AppConfig


class DepartmentsConfig(AppConfig):
    name = "departments"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from departments.permissions import declare_departments_permissions

        declare_departments_permissions()
