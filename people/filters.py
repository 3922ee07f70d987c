import django_filters
from django.db.models import Value
from django.db.models.functions import Concat, Trim

from config.filters import ZouFilterSet
from people.columns import FILTER_FIELDS
from people.models import Person


class PersonFilterSet(ZouFilterSet):
    """Every non-secret column of Person; which of them a viewer may use is decided by people.selectors."""

    full_name = django_filters.CharFilter(method="filter_full_name")
    extra_columns = ("full_name",)

    class Meta:
        model = Person
        fields = FILTER_FIELDS

    def filter_full_name(self, queryset, name, value):
        full_name = Trim(Concat(Trim("first_name"), Value(" "), Trim("last_name")))
        return queryset.annotate(computed_full_name=full_name).filter(computed_full_name=value.strip())
