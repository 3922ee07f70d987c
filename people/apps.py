from django.apps import AppConfig
from django.core import checks


class PeopleConfig(AppConfig):
    name = "people"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from people.checks import check_ldap_transport, check_permission_table
        from people.permissions import declare_people_permissions

        declare_people_permissions()
        checks.register(check_permission_table, checks.Tags.security)
        checks.register(check_ldap_transport, checks.Tags.security)
