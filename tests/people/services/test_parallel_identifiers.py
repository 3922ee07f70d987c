"""An email and a desktop login equal to each other, saved at the same time by two requests: one is refused.

Each column is unique on its own; only the lock taken by the services keeps the two apart. Both requests are
held after their checks until the other arrives (or two seconds pass), so without the lock both pass their
check before either writes."""

from concurrent.futures import ThreadPoolExecutor
from threading import Barrier, BrokenBarrierError

import pytest
from django.db import connections

from config.errors import ApplicationError
from people.models import Person
from people.services import persons
from tests.conftest import assert_field_error

IDENTIFIER = "sam.vale@example.com"


@pytest.fixture
def both_checks_before_either_write(monkeypatch):
    both_checked = Barrier(2, timeout=2)
    save = persons._save_with_departments

    def save_once_both_checked(person, data):
        try:
            both_checked.wait()
        except BrokenBarrierError:  # the other request is waiting for the lock this one holds
            pass
        return save(person, data)

    monkeypatch.setattr(persons, "_save_with_departments", save_once_both_checked)


def run_in_parallel(*writes):
    def run(write):
        try:
            write()
            return "saved"
        except ApplicationError as refused:
            return refused.message
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=len(writes)) as pool:
        return sorted(pool.map(run, writes))


@pytest.mark.django_db(transaction=True)
def test_parallel_creations_with_one_string_as_email_and_as_desktop_login(admin, both_checks_before_either_write):
    # Guests: an active person's creation also waits on the user limit's lock, which would hide the race.
    outcomes = run_in_parallel(
        lambda: persons.person_create(acting_user=admin, data={"first_name": "Sam", "email": IDENTIFIER,
                                                               "is_guest": True}),
        lambda: persons.person_create(acting_user=admin, data={"first_name": "Kim", "email": "kim@example.com",
                                                               "desktop_login": IDENTIFIER.upper(),
                                                               "is_guest": True}),
    )
    assert outcomes[1] == "saved" and outcomes[0] in {"Email already in use.", "Desktop login already in use."}
    assert Person.objects.filter(email__iexact=IDENTIFIER).count() + Person.objects.filter(
        desktop_login=IDENTIFIER.upper()).count() == 1


@pytest.mark.django_db(transaction=True)
def test_parallel_updates_moving_one_string_into_both_columns(admin, user, manager,
                                                              both_checks_before_either_write):
    outcomes = run_in_parallel(
        lambda: persons.person_update(acting_user=admin, person=Person.objects.get(pk=user.pk),
                                      data={"email": IDENTIFIER}),
        lambda: persons.person_update(acting_user=admin, person=Person.objects.get(pk=manager.pk),
                                      data={"desktop_login": IDENTIFIER}),
    )
    assert outcomes[1] == "saved" and outcomes[0] in {"Email already in use.", "Desktop login already in use."}
    holders = set(Person.objects.filter(email__iexact=IDENTIFIER).values_list("pk", flat=True)) | set(
        Person.objects.filter(desktop_login=IDENTIFIER).values_list("pk", flat=True))
    assert len(holders) == 1


@pytest.mark.django_db
def test_an_email_clashes_with_a_desktop_login_equal_in_another_case(admin_api, user, manager):
    """Typed at sign-in, the desktop login `SAM.VALE@EXAMPLE.COM` also matches the email `sam.vale@example.com`."""
    assert admin_api.put(f"/api/data/persons/{manager.pk}", {"desktop_login": IDENTIFIER.upper()},
                         format="json").status_code == 200
    response = admin_api.put(f"/api/data/persons/{user.pk}", {"email": IDENTIFIER}, format="json")
    assert_field_error(response, "email")
    assert response.json()["message"] == "Email already in use."
