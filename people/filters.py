import django_filters
from django.db.models import Value
from django.db.models.functions import Concat, Trim

from config.filters import ZouFilterSet
from people.models import Person


class PersonFilterSet(ZouFilterSet):
    """Every non-secret column of Person; which of them a viewer may use is decided by people.selectors."""

    full_name = django_filters.CharFilter(method="filter_full_name")
    extra_columns = ("full_name",)

    class Meta:
        model = Person
        fields = [
            "id", "created_at", "updated_at", "first_name", "last_name", "email", "username", "phone",
            "country", "contract_type", "job_title", "active", "status", "archived", "last_presence",
            "desktop_login", "totp_enabled", "email_otp_enabled", "fido_enabled",
            "preferred_two_factor_authentication", "shotgun_id", "timezone", "locale", "use_12_hour_clock",
            "display_date_format", "appearance", "role", "position", "seniority", "daily_salary", "has_avatar",
            "notifications_enabled", "notifications_slack_enabled", "notifications_slack_userid",
            "notifications_mattermost_enabled", "notifications_mattermost_userid",
            "notifications_discord_enabled", "notifications_discord_userid", "is_bot", "is_guest",
            "expiration_date", "authentication_method", "is_generated_from_ldap", "ldap_uid", "studio",
            "manager", "departments",
        ]

    def filter_full_name(self, queryset, name, value):
        full_name = Trim(Concat(Trim("first_name"), Value(" "), Trim("last_name")))
        return queryset.annotate(computed_full_name=full_name).filter(computed_full_name=value.strip())
