"""Twenty parallel password changes with the same old password: one succeeds, one email goes out."""

from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

import pytest
from django.db import connections

from config.errors import ApplicationError
from notifications.models import OutboxEmail
from people.models import Person
from people.services.passwords import person_change_own_password
from tests.conftest import PASSWORD

CALLS = 20


@pytest.mark.django_db(transaction=True)
def test_parallel_changes_with_one_old_password_make_one_change(user):
    start = Barrier(CALLS)

    def change(index: int) -> str:
        start.wait()  # all threads ask at once, each on its own database connection
        try:
            person_change_own_password(person=Person.objects.get(pk=user.pk), old_password=PASSWORD,
                                       password=f"N3w-password-{index}", password_2=f"N3w-password-{index}")
            return "changed"
        except ApplicationError as refused:
            return refused.message
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=CALLS) as pool:
        outcomes = list(pool.map(change, range(CALLS)))

    assert outcomes.count("changed") == 1
    assert set(outcomes) - {"changed"} <= {"Old password is wrong.", "Too many failed login attempts."}
    assert OutboxEmail.objects.filter(to=user.email, kind="password_changed").count() == 1
    winner = outcomes.index("changed")
    assert Person.objects.get(pk=user.pk).check_password(f"N3w-password-{winner}")
