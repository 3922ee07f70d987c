"""`seed_demo --persons N --time-spents M` (timetracking.seeding): exactly M rows, shaped like a studio's
history (a few tasks per person and working day, none on day-offs or weekends), with every derived value
recomputed; the plain `seed_demo` stays the small demo."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count

from people.models import DesktopLoginLog, Person
from timetracking import totals
from timetracking.models import DayOff, Task, TimeSpent
from timetracking.seeding import EMAIL_DOMAIN, POOL

pytestmark = pytest.mark.django_db


def test_seed_demo_with_volumes_generates_a_consistent_history():
    out, err = io.StringIO(), io.StringIO()
    call_command("seed_demo", persons=30, time_spents=2000, stdout=out, stderr=err)
    assert "History seeded" in out.getvalue() and "time spents" in err.getvalue()
    assert Person.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}").count() == 30
    assert TimeSpent.objects.count() == 2000
    assert all(row.date.weekday() < 5 for row in TimeSpent.objects.all())
    per_day = TimeSpent.objects.values("person", "date").annotate(n=Count("id")).values_list("n", flat=True)
    assert max(per_day) <= POOL
    for day_off in DayOff.objects.all():
        assert not TimeSpent.objects.filter(person=day_off.person_id, date__gte=day_off.date,
                                            date__lte=day_off.end_date).exists()
    assert DesktopLoginLog.objects.exists()
    # Each person logs on the tasks of one department's task type, assigned to them.
    assert all(task.assignees.exists() for task in Task.objects.all()[:50])
    assert totals.verify() == []
    sample = Task.objects.filter(time_spents__isnull=False).first()
    assert sample.duration == sum(row.duration for row in sample.time_spents.all())
    with pytest.raises(CommandError, match="seeded already"):
        call_command("seed_history", persons=5, time_spents=10, stdout=io.StringIO(), stderr=io.StringIO())


def test_plain_seed_demo_makes_no_history():
    call_command("seed_demo", stdout=io.StringIO())
    assert not TimeSpent.objects.exists()
    assert Person.objects.count() == 8  # one person of each of the seven roles, and a second artist


def test_make_run_seeds_the_demo_history_once(db):
    """`make run` calls `seed_history --if-empty` every time: the second call keeps the first history."""
    from io import StringIO

    from django.core.management import call_command

    from timetracking.models import TimeSpent

    call_command("seed_history", persons=3, time_spents=40, if_empty=True, stdout=StringIO(), stderr=StringIO())
    rows = TimeSpent.objects.count()
    assert rows == 40
    out = StringIO()
    call_command("seed_history", persons=3, time_spents=40, if_empty=True, stdout=out, stderr=StringIO())
    assert "kept as it is" in out.getvalue() and TimeSpent.objects.count() == rows
