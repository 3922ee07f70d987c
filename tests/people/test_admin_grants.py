"""Issue 7 item 1 in the back office: holders of `persons.manage_permissions` (admin, HR) set a person's grants
and denials from the person page; the page is saved by the same service as PATCH .../permissions, so its
refusals (escalation, an admin's record, a past expiry) show on the form and save nothing."""

import datetime as dt
import os
from pathlib import Path

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.utils import timezone

from audit.models import AuditEntry
from people.models import PersonPermissionRule
from people.services.permission_rules import person_set_permission_rules
from tests.factories import AdminFactory

pytestmark = pytest.mark.django_db

AUDIT_ACTION = "person.permissions_changed"


def signed_in(person, **client_options) -> Client:
    client = Client(**client_options)
    client.force_login(person)
    return client


def page_of(person) -> str:
    return f"/admin/people/person/{person.pk}/permissions/"


def form(reason="Covering the audit while Ana is away", **rules) -> dict:
    """`rules`: key -> "grant"/"deny" or (effect, last day); keys are written with "__" for "."."""
    data = {"reason": reason}
    for name, rule in rules.items():
        effect, day = rule if isinstance(rule, tuple) else (rule, "")
        key = name.replace("__", ".")
        data[f"effect:{key}"], data[f"until:{key}"] = effect, day
    return data


def stored(person) -> dict:
    return {rule.key: (rule.effect, rule.expires_at, rule.created_by_id, rule.reason)
            for rule in PersonPermissionRule.objects.filter(person=person)}


def audit_rows(person):
    return list(AuditEntry.objects.filter(target_id=str(person.pk), action=AUDIT_ACTION))


def test_hr_sets_a_grant_with_a_last_day_and_a_denial(hr, user):
    client = signed_in(hr)
    assert client.get(page_of(user)).status_code == 200
    last_day = timezone.localdate() + dt.timedelta(days=30)
    response = client.post(page_of(user), form(audit__view=("grant", last_day.isoformat()),
                                               persons__view="deny"))
    assert response.status_code == 302 and response.url == f"/admin/people/person/{user.pk}/change/"
    assert any("grants and denials saved" in str(m) for m in get_messages(response.wsgi_request))

    through_that_day = timezone.make_aware(dt.datetime.combine(last_day + dt.timedelta(days=1), dt.time.min))
    reason = "Covering the audit while Ana is away"
    assert stored(user) == {"audit.view": ("grant", through_that_day, hr.pk, reason),
                            "persons.view": ("deny", None, hr.pk, reason)}
    user.refresh_from_db()
    assert user.has_perm("audit.view") and not user.has_perm("persons.view")
    [entry] = audit_rows(user)
    assert (entry.actor_id, entry.reason) == (hr.pk, reason)
    assert set(entry.changes) == {"granted", "denied"}


def test_the_page_shows_the_rules_in_force_and_an_untouched_rule_keeps_who_set_it(admin, hr, user):
    person_set_permission_rules(acting_user=admin, person=user, body={
        "granted": [{"key": "audit.view", "expires_at": "2999-01-01T10:30:00+00:00"}], "reason": "first"})
    before = stored(user)["audit.view"]
    client = signed_in(hr)
    shown = client.get(page_of(user)).context["form"]
    assert (shown["effect:audit.view"].value(), str(shown["until:audit.view"].value())) == ("grant", "2999-01-01")
    # The grant is sent back as it was (its last day unchanged) next to a new denial.
    response = client.post(page_of(user), form(reason="second", audit__view=("grant", "2999-01-01"),
                                               persons__view="deny"))
    assert response.status_code == 302
    rules = stored(user)
    assert rules["audit.view"] == before  # still the admin's, at 10:30, with its reason
    assert rules["persons.view"][::2] == ("deny", hr.pk)
    [_, entry] = sorted(audit_rows(user), key=lambda row: row.at)
    assert set(entry.changes) == {"denied"}


def test_clearing_every_rule_removes_them(admin, hr, user):
    person_set_permission_rules(acting_user=admin, person=user, body={"denied": ["persons.view"]})
    assert signed_in(hr).post(page_of(user), form(reason="back to the role")).status_code == 302
    assert stored(user) == {}
    user.refresh_from_db()
    assert user.permission_overrides == {} and user.has_perm("persons.view")


def test_escalation_is_refused_on_the_form_and_saves_nothing(hr, user):
    response = signed_in(hr).post(page_of(user), form(organisations__change="grant", persons__view="deny"))
    assert response.status_code == 200
    errors = response.context["form"].non_field_errors()
    assert errors == ["You can't give permissions you do not hold: organisations.change."]
    assert "organisations.change" in response.content.decode()
    assert stored(user) == {} and audit_rows(user) == []


def test_hr_is_told_on_opening_an_admins_page_and_refused_on_saving(hr):
    chief = AdminFactory(first_name="Chief", last_name="Admin", email="chief@example.com")
    client = signed_in(hr)
    opened = client.get(page_of(chief)).content.decode()
    assert 'id="permission-rules-refusal"' in opened and "holds permissions you do not" in opened
    response = client.post(page_of(chief), form(persons__view="deny"))
    assert response.status_code == 200
    assert "holds permissions you do not" in response.context["form"].non_field_errors()[0]
    assert stored(chief) == {} and audit_rows(chief) == []


def test_a_reason_is_required_and_a_past_last_day_is_the_services_error(hr, user):
    client = signed_in(hr)
    no_reason = client.post(page_of(user), form(reason="", persons__view="deny"))
    assert no_reason.status_code == 200 and no_reason.context["form"].errors["reason"]
    past = client.post(page_of(user), form(persons__view=("deny", "2020-01-01")))
    assert past.status_code == 200
    assert past.context["form"].non_field_errors() == ["expires_at '2020-01-01' is not in the future."]
    assert stored(user) == {} and audit_rows(user) == []


def test_a_bot_is_refused_a_key_for_people_only(admin, bot):
    from config.permissions import declared_permissions

    humans_only = sorted(key for key, permission in declared_permissions().items() if permission.humans_only)
    response = signed_in(admin).post(page_of(bot), form(**{humans_only[0].replace(".", "__"): "grant"}))
    assert response.status_code == 200
    assert "for people only" in response.context["form"].non_field_errors()[0]
    assert stored(bot) == {}


def test_without_the_key_the_page_is_403_and_the_link_is_not_shown(admin, hr, user):
    holder_page = signed_in(hr).get(f"/admin/people/person/{user.pk}/change/").content.decode()
    assert f'href="{page_of(user)}" id="change-permission-rules"' in holder_page

    person_set_permission_rules(acting_user=admin, person=hr, body={"denied": ["persons.manage_permissions"]})
    client = signed_in(hr)
    page = client.get(f"/admin/people/person/{user.pk}/change/")
    assert page.status_code == 200  # HR still opens the person...
    assert 'id="change-permission-rules"' not in page.content.decode()  # ...but not the rules page
    assert 'id="person-permissions"' in page.content.decode()  # the Permissions tab is still read
    assert client.get(page_of(user)).status_code == 403
    assert client.post(page_of(user), form(persons__view="deny")).status_code == 403
    assert stored(user) == {}


def test_someone_outside_the_back_office_is_sent_to_sign_in(manager, user):
    response = signed_in(manager).get(page_of(user))
    assert response.status_code == 302 and response.url.startswith("/admin/login/")


def test_an_unknown_person_is_a_404(hr):
    assert signed_in(hr).get("/admin/people/person/00000000-0000-0000-0000-000000000000/permissions/"
                             ).status_code == 404


def test_the_form_is_csrf_protected(hr, user):
    client = signed_in(hr, enforce_csrf_checks=True)
    assert client.post(page_of(user), form(persons__view="deny")).status_code == 403
    assert stored(user) == {}


def test_the_page_runs_the_same_queries_whatever_the_number_of_rules(admin, hr, user):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = signed_in(hr)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(page_of(user)).status_code == 200
        return len(captured)

    without_rules = queries()
    person_set_permission_rules(acting_user=admin, person=user, body={
        "granted": ["audit.view"], "denied": ["persons.view", "persons.search"]})
    assert queries() == without_rules


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_hr_sets_a_denial_in_a_browser(live_server, browser, tmp_path):
    """From the Permissions tab's link to the saved rule, in Chromium, keeping to the Content-Security-Policy
    (the `browser` fixture fails the test on any violation)."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    from tests.conftest import make_person
    from tests.factories import HrFactory
    from tests.test_admin_browser import click_and_load, save_screenshot, sign_in, wait_for

    hr = HrFactory(first_name="Hana", last_name="Hr", email="hana.hr@example.com")
    artist = make_person(email="artist@example.com", first_name="Ada", last_name="Artist")
    sign_in(browser, live_server, hr)
    browser.get(f"{live_server.url}/admin/people/person/{artist.pk}/change/")
    wait_for(browser, "#change-permission-rules")
    tab = browser.find_element(By.CSS_SELECTOR, "a[x-on\\:click=\"activeFieldsetTab = 'permissions'\"]")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", tab)  # clear of the sticky save bar
    tab.click()
    link = browser.find_element(By.ID, "change-permission-rules")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", link)
    click_and_load(browser, link, "#permission-rules-form")
    Select(browser.find_element(By.ID, "id_effect:persons.view")).select_by_value("deny")
    browser.find_element(By.ID, "id_reason").send_keys("Leaving at the end of the week")
    save_screenshot(browser, Path(os.environ.get("ROSTER_ADMIN_SCREENSHOTS") or tmp_path), "permission-rules")
    save = browser.find_element(By.ID, "permission-rules-save")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", save)
    click_and_load(browser, save, "#person_form")
    assert stored(artist) == {"persons.view": ("deny", None, hr.pk, "Leaving at the end of the week")}
