"""people.services.sign_in called directly: who signs in with what, Zou's refusal bodies, the cost of a refusal,
and the lockout (also under parallel guesses)."""

import datetime as dt
import threading

import pytest
from django.contrib.auth.hashers import check_password, make_password
from django.db import connection
from django.utils import timezone

from people.models import AuthToken, IdentityType, Person, PersonStatus
from people.services import sign_in
from people.services.reset_tokens import password_reset_token_issue
from people.services.sign_in import LoginRefused, auth_login, auth_sign_in, person_find_for_login
from tests.conftest import PASSWORD
from tests.factories import BotFactory, PersonFactory

LOCKED = {"error": True, "login": False, "too_many_failed_login_attemps": True}


def refusal(identifier: str, password: str) -> tuple[int, dict]:
    with pytest.raises(LoginRefused) as refused:
        auth_login(identifier=identifier, password=password)
    return refused.value.status, refused.value.body


def failures_of(person: Person) -> int:
    return Person.objects.get(pk=person.pk).login_failed_attemps


def test_an_email_in_any_case_or_a_desktop_login_signs_in(artist):
    assert auth_login(identifier="  ARTURO@Studio.io ", password=PASSWORD) == artist
    assert auth_login(identifier="arturo", password=PASSWORD) == artist
    assert person_find_for_login("") is None


def test_a_bot_never_signs_in_with_a_password(db):
    robot = BotFactory(desktop_login="render")
    Person.objects.filter(pk=robot.pk).update(password=make_password(PASSWORD))
    assert refusal("render", PASSWORD) == (400, {"login": False})


def test_signing_in_clears_failures_and_ends_an_invitation(artist):
    Person.objects.filter(pk=artist.pk).update(login_failed_attemps=3, status=PersonStatus.INVITED,
                                               last_login=None)
    before = timezone.now()
    person = auth_login(identifier="arturo@studio.io", password=PASSWORD)
    stored = Person.objects.get(pk=artist.pk)
    for signed_in in (person, stored):
        assert (signed_in.login_failed_attemps, signed_in.status) == (0, PersonStatus.ACTIVE)
        assert signed_in.last_login >= before


def test_wrong_password_and_unknown_identifier_answer_alike(artist):
    assert refusal("arturo@studio.io", "not-it") == (400, {"login": False})
    assert refusal("nobody@studio.io", "not-it") == (400, {"login": False})
    assert failures_of(artist) == 1


@pytest.mark.parametrize("identifier", ["nobody@studio.io", "ivy@studio.io", "arturo@studio.io"],
                         ids=["unknown", "no_password", "wrong_password"])
def test_every_refused_login_costs_one_password_hash(artist, monkeypatch, identifier):
    # The same work whatever the reason, so the time an answer takes does not tell which addresses exist.
    PersonFactory(first_name="Ivy", password=None)
    calls = []

    def counting_check(*args, **kwargs):
        calls.append(args[0])
        return check_password(*args, **kwargs)

    monkeypatch.setattr(sign_in, "check_password", counting_check)
    assert refusal(identifier, "some-guess") == (400, {"login": False})
    assert len(calls) == 1


def test_an_account_without_a_password_cannot_be_claimed(db):
    invited = PersonFactory(first_name="Ivy", password=None)
    assert refusal("ivy@studio.io", "default") == (400, {"login": False})
    assert refusal("ivy@studio.io", "") == (400, {"login": False})
    assert failures_of(invited) == 2


def test_an_inactive_person_is_told_so_only_with_the_right_password(db):
    PersonFactory(first_name="Gone", active=False)
    assert refusal("gone@studio.io", "not-it") == (400, {"login": False})
    assert refusal("gone@studio.io", PASSWORD) == (
        401, {"error": True, "login": False, "unactive": True, "message": "User is unactive, he cannot log in."}
    )


def test_the_default_password_answers_with_a_reset_token_and_no_session(db):
    imported = PersonFactory(first_name="Imported")
    Person.objects.filter(pk=imported.pk).update(password=make_password("default"))
    status, body = refusal("imported@studio.io", "default")
    assert status == 400
    assert body == {"login": False, "default_password": True,
                    "token": password_reset_token_issue(person=imported)}  # the pending token, reused
    assert AuthToken.objects.filter(person=imported).count() == 0


def test_five_failures_lock_the_account_for_the_window_even_with_the_right_password(artist, settings):
    settings.ROSTER_LOGIN_MAX_FAILURES, settings.ROSTER_LOGIN_LOCKOUT_SECONDS = 5, 60
    for _ in range(5):
        assert refusal("arturo", "not-it") == (400, {"login": False})
    assert refusal("arturo", PASSWORD) == (400, LOCKED)
    assert refusal("arturo", "not-it") == (400, LOCKED)
    assert failures_of(artist) == 5  # refused before the password check: no more counted

    Person.objects.filter(pk=artist.pk).update(last_login_failed=timezone.now() - dt.timedelta(seconds=61))
    assert auth_login(identifier="arturo", password=PASSWORD) == artist
    assert failures_of(artist) == 0


def test_after_the_window_a_fresh_burst_is_needed_to_lock_again(artist):
    Person.objects.filter(pk=artist.pk).update(
        login_failed_attemps=5, last_login_failed=timezone.now() - dt.timedelta(seconds=61))
    assert refusal("arturo", "not-it") == (400, {"login": False})
    assert failures_of(artist) == 1


@pytest.mark.django_db(transaction=True)
def test_parallel_wrong_passwords_cannot_outrun_the_lockout():
    person = PersonFactory(first_name="Target")
    results = []

    def guess():
        try:
            auth_login(identifier="target@studio.io", password="wrong-guess")
        except LoginRefused as refused:
            results.append(refused.body)
        finally:
            connection.close()

    threads = [threading.Thread(target=guess) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    person.refresh_from_db()
    assert person.login_failed_attemps == 5  # every later guess was refused before its password check
    assert sum(1 for body in results if body.get("too_many_failed_login_attemps")) == 7


def test_an_api_sign_in_issues_a_refresh_and_an_access_token(artist):
    person, pair = auth_sign_in(identifier="arturo", password=PASSWORD)
    assert person == artist
    assert pair.access_token != pair.refresh_token
    tokens = AuthToken.objects.filter(person=artist, revoked_at__isnull=True)
    assert sorted(tokens.values_list("kind", "identity_type")) == [
        ("access", IdentityType.PERSON), ("refresh", IdentityType.PERSON)]


# Issue 6, item 6: an identifier that belongs to no one is refused, locked out and timed like a known one


@pytest.mark.parametrize("identifier", ["nobody@studio.io", "arturo@studio.io"], ids=["unknown", "known"])
def test_a_locked_out_answer_costs_one_password_hash_too(artist, monkeypatch, identifier):
    # It cost none for a known account (an answer in 12 ms) while an unknown identifier spent one (300 ms).
    for _ in range(5):
        refusal(identifier, "not-it")
    calls = []

    def counting_check(*args, **kwargs):
        calls.append(args[0])
        return check_password(*args, **kwargs)

    monkeypatch.setattr(sign_in, "check_password", counting_check)
    assert refusal(identifier, PASSWORD) == (400, LOCKED)
    assert len(calls) == 1


@pytest.mark.parametrize("identifier", ["arturo@studio.io", "arturo", "nobody@studio.io", "nobody"])
def test_finding_who_signs_in_is_one_query_whoever_it_is(artist, django_assert_num_queries, identifier):
    # An unknown identifier was looked up twice (email, then desktop login), a known email once.
    with django_assert_num_queries(1):
        person_find_for_login(identifier)


@pytest.mark.django_db(transaction=True)
def test_parallel_guesses_on_an_unknown_identifier_meet_the_lockout_as_on_a_known_one():
    PersonFactory(first_name="Target")
    outcomes = {}

    def guess(identifier):
        try:
            auth_login(identifier=identifier, password="wrong-guess")
        except LoginRefused as refused:
            outcomes.setdefault(identifier, []).append(refused.body)
        finally:
            connection.close()

    threads = [threading.Thread(target=guess, args=(identifier,))
               for identifier in ("target@studio.io", "nobody@studio.io") for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for identifier, bodies in outcomes.items():
        assert sorted(bodies, key=len) == [{"login": False}] * 5 + [LOCKED] * 7, identifier


def test_failures_are_forgotten_after_a_day_without_one(artist, settings):
    Person.objects.filter(pk=artist.pk).update(
        login_failed_attemps=4, last_login_failed=timezone.now() - dt.timedelta(days=1, seconds=1))
    assert refusal("arturo", "not-it") == (400, {"login": False})
    assert failures_of(artist) == 1  # a fresh count, not a fifth failure
