"""people.services.desktop_logins called directly: each log moves `last_presence` forward, never back."""

import datetime as dt

from django.utils import timezone

from people.models import DesktopLoginLog, Person
from people.services.desktop_logins import desktop_login_log_create


def last_presence(person: Person) -> dt.date | None:
    return Person.objects.get(pk=person.pk).last_presence


def test_a_log_sets_last_presence_to_its_utc_day(artist):
    # 01:30 in Paris on 5 June is 23:30 UTC on 4 June: Zou stores UTC days.
    paris = dt.timezone(dt.timedelta(hours=2))
    log = desktop_login_log_create(acting_user=artist, person=artist,
                                   date=dt.datetime(2024, 6, 5, 1, 30, tzinfo=paris))
    assert log.date == dt.datetime(2024, 6, 4, 23, 30, tzinfo=dt.UTC)
    assert last_presence(artist) == dt.date(2024, 6, 4)


def test_an_older_log_does_not_move_last_presence_back(artist, hr):
    desktop_login_log_create(acting_user=hr, person=artist, date=dt.datetime(2024, 6, 10, 9, 0, tzinfo=dt.UTC))
    desktop_login_log_create(acting_user=hr, person=artist, date=dt.datetime(2024, 6, 3, 9, 0, tzinfo=dt.UTC))
    assert last_presence(artist) == dt.date(2024, 6, 10)
    desktop_login_log_create(acting_user=hr, person=artist, date=dt.datetime(2024, 6, 11, 0, 0, tzinfo=dt.UTC))
    assert last_presence(artist) == dt.date(2024, 6, 11)
    assert DesktopLoginLog.objects.filter(person=artist).count() == 3


def test_without_a_date_the_log_is_now_to_the_second(artist, hr):
    before = timezone.now().replace(microsecond=0)
    log = desktop_login_log_create(acting_user=artist, person=artist, date=None)
    assert log.date.microsecond == 0
    assert before <= log.date <= timezone.now()
    assert last_presence(artist) == log.date.astimezone(dt.UTC).date()
    assert last_presence(hr) is None  # only the person logged in moves
