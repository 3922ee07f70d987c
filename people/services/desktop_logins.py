"""Desktop login logs: each one records a sign-in from a studio machine and moves `last_presence` on."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from people.models import DesktopLoginLog, Person


@transaction.atomic
def desktop_login_log_create(*, acting_user: Person, person: Person, date: dt.datetime | None) -> DesktopLoginLog:
    date = date or timezone.now().replace(microsecond=0)
    log = DesktopLoginLog.objects.create(person=person, date=date)
    day = timezone.localtime(date, dt.UTC).date()
    Person.objects.filter(pk=person.pk).exclude(last_presence__gte=day).update(last_presence=day)
    return log
