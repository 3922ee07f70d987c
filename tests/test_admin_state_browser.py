"""Issue 7 item 9 in headless Chromium (Debian's chromium + chromium-driver, tests/browser.py): an HR admin
locks, suspends (the confirmation page asks for a reason) and activates a person from the person list, each after
its confirmation page, then finds the three changes in the person page's "Audit trail" tab and on its History
page. Every page must keep to the Content-Security-Policy (the `browser` fixture fails the test otherwise)."""

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import Select, WebDriverWait

from audit.models import AuditEntry
from people.models import Person, PersonStatus, Role
from tests.conftest import PASSWORD, make_person
from tests.test_admin_browser import (
    WAIT_SECONDS,
    assert_only_the_server_was_asked,
    click_and_load,
    sign_in,
    wait_for,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

REASON = "Contract paused until the next show"


@pytest.fixture
def people(db):
    hr = make_person(role=Role.ADMIN, email="hr.admin@example.com", first_name="Hanna", last_name="Reyes",
                     password=PASSWORD)
    ada = make_person(email="ada.kowalski@example.com", first_name="Ada", last_name="Kowalski")
    make_person(email="bo.lindqvist@example.com", first_name="Bo", last_name="Lindqvist")
    return hr, ada


def run_action(driver, live_server, person, action: str):
    """On the person list, tick `person`, choose `action` in unfold's action bar and run it: the confirmation
    page comes back."""
    driver.get(f"{live_server.url}/admin/people/person/")
    wait_for(driver, "#result_list")
    driver.find_element(By.CSS_SELECTOR, f"#result_list input.action-select[value='{person.pk}']").click()
    bar = WebDriverWait(driver, WAIT_SECONDS).until(ec.visibility_of_element_located(
        (By.CSS_SELECTOR, "#changelist-actions select[name=action]")))
    Select(bar).select_by_value(action)
    run = WebDriverWait(driver, WAIT_SECONDS).until(ec.element_to_be_clickable(
        (By.CSS_SELECTOR, "#changelist-actions button[name=index]")))
    return click_and_load(driver, run, "#confirm-state-change")


def confirm(driver, expect_message: str):
    click_and_load(driver, driver.find_element(By.ID, "confirm-yes"), "#result_list")
    messages = [item.text for item in driver.find_elements(By.CSS_SELECTOR, "#main li, .messagelist li")]
    assert any(expect_message in text for text in messages), messages


def test_lock_suspend_activate_then_the_audit_trail(live_server, browser, people):
    hr, ada = people
    sign_in(browser, live_server, hr)

    page = run_action(browser, live_server, ada, "lock_accounts")
    assert "Ada Kowalski" in page.text and "Lock 1 account" in page.text
    assert Person.objects.get(pk=ada.pk).status == PersonStatus.ACTIVE  # nothing happens before "Yes"
    confirm(browser, "Lock: 1 account(s) done.")
    assert Person.objects.get(pk=ada.pk).status == PersonStatus.LOCKED

    page = run_action(browser, live_server, ada, "suspend_accounts")
    assert "Reason (required)" in page.text
    reason = page.find_element(By.NAME, "reason")
    # The browser itself will not send the form without one.
    assert browser.execute_script("return arguments[0].validity.valueMissing", reason) is True
    reason.send_keys(REASON)
    confirm(browser, "Suspend: 1 account(s) done.")
    assert Person.objects.get(pk=ada.pk).status == PersonStatus.SUSPENDED

    page = run_action(browser, live_server, ada, "activate_accounts")
    assert "Reason (optional)" in page.text
    confirm(browser, "Activate: 1 account(s) done.")
    ada.refresh_from_db()
    assert (ada.status, ada.active) == (PersonStatus.ACTIVE, True)

    changes = list(AuditEntry.objects.filter(target_type="person", target_id=str(ada.pk))
                   .exclude(action="person.created").order_by("-at", "-id"))
    assert [(entry.action, entry.actor_id, entry.reason, entry.changes["status"]) for entry in changes] == [
        ("person.activated", hr.pk, "", ["suspended", "active"]),
        ("person.suspended", hr.pk, REASON, ["locked", "suspended"]),
        ("person.locked", hr.pk, "", ["active", "locked"]),
    ]
    assert all(entry.ip_address == "127.0.0.1" and entry.request_id for entry in changes)

    # The person page, "Audit trail" tab: the three, newest first, the suspension with its reason.
    browser.get(f"{live_server.url}/admin/people/person/{ada.pk}/change/")
    wait_for(browser, "#id_first_name")
    trail = browser.find_element(By.ID, "person-audit-trail")
    assert not trail.is_displayed()  # in a tab not yet opened
    tab = browser.find_element(By.XPATH, "//nav//a[normalize-space()='Audit trail']")
    # Out from under the form's sticky save bar, where a click would land on the bar.
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", tab)
    tab.click()
    WebDriverWait(browser, WAIT_SECONDS).until(ec.visibility_of(trail))
    rows = [[cell.text for cell in row.find_elements(By.TAG_NAME, "td")]
            for row in trail.find_elements(By.TAG_NAME, "tr")]
    assert [row[1:3] for row in rows] == [
        ["person.activated", "Hanna Reyes"], ["person.suspended", "Hanna Reyes"], ["person.locked", "Hanna Reyes"],
        ["person.created", "system"]]
    assert rows[1][3] == REASON

    # Its History: the same rows with their values before and after.
    history = browser.find_element(By.CSS_SELECTOR, f"a[href='/admin/people/person/{ada.pk}/history/']")
    table = click_and_load(browser, history, "#audit-history")
    lines = [row.text for row in table.find_elements(By.CSS_SELECTOR, "tr.roster-audit-row")]
    assert len(lines) == 4
    assert "person.suspended" in lines[1] and REASON in lines[1] and "status: locked → suspended" in lines[1]
    assert "status: active → locked" in lines[2] and "Hanna Reyes" in lines[2]

    assert_only_the_server_was_asked(browser, live_server)
