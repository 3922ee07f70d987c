"""The HR admin driven in headless Chromium (Debian's chromium + chromium-driver) against a live server.

scripts/ensure-services.sh installs both; a machine without them fails here rather than skipping.
"""

import os
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.common.exceptions import (
    NoSuchElementException,
    StaleElementReferenceException,
    WebDriverException,
)
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from departments.models import Department
from people.models import Person, Role
from tests.conftest import PASSWORD, make_person

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
WAIT_SECONDS = 10


@pytest.fixture
def browser(monkeypatch, tmp_path):
    missing = [path for path in (CHROMIUM, CHROMEDRIVER) if not os.access(path, os.X_OK)]
    if missing:
        pytest.fail(f"The browser test needs Debian's chromium and chromium-driver: {', '.join(missing)} "
                    "missing. Run scripts/ensure-services.sh as root (or apt-get install chromium chromium-driver).",
                    pytrace=False)
    monkeypatch.setenv("SE_OFFLINE", "true")  # Selenium Manager must never download a browser or driver
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
                 "--no-first-run", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-proxy-server", "--window-size=1400,1000",
                 f"--user-data-dir={tmp_path / 'chromium-profile'}",
                 # Only the live server's loopback names resolve: nothing can leave 127.0.0.0/8.
                 "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.implicitly_wait(0)
    try:
        yield driver
    finally:
        driver.quit()


def page_replaced(old_page):
    """Like `staleness_of`, but chromedriver may also say the node "does not belong to the document"."""
    def replaced(_driver):
        try:
            old_page.is_enabled()
            return False
        except (StaleElementReferenceException, NoSuchElementException):
            return True
        except WebDriverException as exc:
            if "does not belong to the document" in str(exc):
                return True
            raise
    return replaced


def wait_for(driver, css: str):
    return WebDriverWait(driver, WAIT_SECONDS).until(ec.presence_of_element_located((By.CSS_SELECTOR, css)))


def click_and_load(driver, element, then: str):
    """Click something that navigates, wait for the next page to replace this one, then for `then` on it."""
    page = driver.find_element(By.TAG_NAME, "html")
    element.click()
    WebDriverWait(driver, WAIT_SECONDS).until(page_replaced(page))
    return wait_for(driver, then)


def result_names(driver) -> list[str]:
    return [cell.text for cell in driver.find_elements(By.CSS_SELECTOR, "#result_list tbody th.field-full_name")]


def test_hr_admin_in_a_browser(live_server, browser, tmp_path):
    admin = make_person(role=Role.ADMIN, email="hr.admin@example.com", first_name="Hanna", last_name="Reyes",
                        password=PASSWORD)
    animation = Department.objects.create(name="Animation", color="#E64A19")
    lighting = Department.objects.create(name="Lighting", color="#1976D2")
    make_person(email="ada.kowalski@example.com", first_name="Ada", last_name="Kowalski",
                departments=[str(animation.pk)])
    make_person(email="bo.lindqvist@example.com", first_name="Bo", last_name="Lindqvist",
                departments=[str(animation.pk)])
    make_person(role=Role.SUPERVISOR, email="cy.okafor@example.com", first_name="Cy", last_name="Okafor",
                departments=[str(animation.pk), str(lighting.pk)])
    make_person(role=Role.MANAGER, email="di.moreau@example.com", first_name="Di", last_name="Moreau",
                departments=[str(lighting.pk)])

    # Sign in through the admin's own login form.
    browser.get(f"{live_server.url}/admin/login/")
    wait_for(browser, "#id_username").send_keys(admin.email)
    browser.find_element(By.ID, "id_password").send_keys(PASSWORD)
    click_and_load(browser, browser.find_element(By.CSS_SELECTOR, "#login-form [type=submit]"), "#content-main")
    assert browser.current_url == f"{live_server.url}/admin/"
    assert browser.find_element(By.CSS_SELECTOR, "#content h1").text == "Site administration"

    # The Person changelist and its three headcount charts.
    persons_link = browser.find_element(By.CSS_SELECTOR, "#content-main a[href='/admin/people/person/']")
    click_and_load(browser, persons_link, "#result_list")
    assert len(result_names(browser)) == 5
    screenshot = tmp_path / "person-changelist.png"
    assert browser.save_screenshot(str(screenshot))
    png = Path(screenshot).read_bytes()
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 10_000
    charts = {figure.get_attribute("aria-label"): figure
              for figure in browser.find_elements(By.CSS_SELECTOR, "figure[aria-label^='Headcount by ']")}
    assert set(charts) == {"Headcount by department", "Headcount by role", "Headcount by account status"}
    widths = {}
    for row in charts["Headcount by department"].find_elements(By.CSS_SELECTOR, "div"):
        label, _track, count = row.find_elements(By.CSS_SELECTOR, ":scope > span")
        widths[label.text] = (int(count.text), row.find_element(By.CSS_SELECTOR, ".roster-bar").size["width"])
    assert {label: count for label, (count, _) in widths.items()} == {"Animation": 3, "Lighting": 2}
    assert all(width > 0 for _, width in widths.values())
    assert widths["Animation"][1] > widths["Lighting"][1]  # 3 people draw a longer bar than 2
    for title in ("Headcount by role", "Headcount by account status"):
        bars = charts[title].find_elements(By.CSS_SELECTOR, ".roster-bar")
        assert bars and all(bar.size["width"] > 0 for bar in bars)
    role_bars = {row.find_element(By.CSS_SELECTOR, "span").text: row.find_element(By.CSS_SELECTOR, ".roster-bar")
                 for row in charts["Headcount by role"].find_elements(By.CSS_SELECTOR, "div")}
    assert role_bars["Artist"].size["width"] > role_bars["Studio manager"].size["width"]  # 2 artists, 1 studio manager

    # Search by last name: exactly that row.
    search = browser.find_element(By.ID, "searchbar")
    search.send_keys("Lindqvist")
    page = browser.find_element(By.TAG_NAME, "html")
    search.send_keys(Keys.ENTER)
    WebDriverWait(browser, WAIT_SECONDS).until(page_replaced(page))
    wait_for(browser, "#result_list")
    assert result_names(browser) == ["Bo Lindqvist"]

    # Role filter (from the unfiltered list): only the production managers.
    browser.get(f"{live_server.url}/admin/people/person/")
    manager_filter = wait_for(browser, "#changelist-filter a[href='?role__exact=manager']")
    click_and_load(browser, manager_filter, "#result_list")
    assert result_names(browser) == ["Di Moreau"]

    # Change a person's phone through the change form.
    person = Person.objects.get(email="di.moreau@example.com")
    link = browser.find_element(By.CSS_SELECTOR, "#result_list tbody th.field-full_name a")
    phone = click_and_load(browser, link, "#id_phone")
    assert f"/admin/people/person/{person.pk}/change/" in browser.current_url
    phone.clear()
    phone.send_keys("+33 6 12 34 56 78")
    click_and_load(browser, browser.find_element(By.NAME, "_save"), "#result_list")
    success = browser.find_element(By.CSS_SELECTOR, ".messagelist .success").text
    assert "Di Moreau" in success and "was changed successfully" in success
    person.refresh_from_db()
    assert person.phone == "+33 6 12 34 56 78"

    # Adding a person with an unknown country: the form comes back with the error on the field.
    browser.get(f"{live_server.url}/admin/people/person/add/")
    wait_for(browser, "#id_first_name").send_keys("Eve")
    browser.find_element(By.ID, "id_last_name").send_keys("Tanaka")
    browser.find_element(By.ID, "id_email").send_keys("eve.tanaka@example.com")
    browser.find_element(By.ID, "id_country").send_keys("zz")
    click_and_load(browser, browser.find_element(By.NAME, "_save"), ".errornote")
    errors = browser.find_elements(By.CSS_SELECTOR, ".errorlist li")
    assert [error.text for error in errors] == ["Invalid country code: 'zz'."]
    field_error = browser.find_element(By.CSS_SELECTOR, ".form-row.field-country .errorlist")
    assert field_error.text == "Invalid country code: 'zz'."
    assert browser.find_element(By.ID, "id_country").get_attribute("value") == "zz"
    assert not Person.objects.filter(email="eve.tanaka@example.com").exists()
