"""The HR admin driven in headless Chromium (Debian's chromium + chromium-driver) against a live server.

scripts/ensure-services.sh installs both; a machine without them fails here rather than skipping.
Screenshots go to $ROSTER_ADMIN_SCREENSHOTS when set (to look at them), else to the test's tmp_path.
"""

import json
import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from selenium.common.exceptions import (
    NoSuchElementException,
    StaleElementReferenceException,
    WebDriverException,
)
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from departments.models import Department
from notifications.models import DeliveryStatus, OutboxEmail
from people.models import Person, PersonStatus, Role
from people.services.passwords import person_invite
from tests.conftest import PASSWORD, make_person

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WAIT_SECONDS = 10


@pytest.fixture
def screenshot_dir(tmp_path) -> Path:
    directory = Path(os.environ.get("ROSTER_ADMIN_SCREENSHOTS") or tmp_path)
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def save_screenshot(driver, directory: Path, name: str) -> Path:
    path = directory / f"{name}.png"
    assert driver.save_screenshot(str(path))
    png = path.read_bytes()
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 10_000
    return path


def requested_urls(driver) -> list[str]:
    """URLs the browser asked for since the last call (the performance log is drained on reading)."""
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


def assert_only_the_server_was_asked(driver, live_server):
    server = urlsplit(live_server.url).netloc
    urls = requested_urls(driver)
    assert any(url.endswith(".woff2") for url in urls), "the bundled fonts were loaded"
    # chrome:// pages (the new-tab page at start-up) and data: URIs never touch the network.
    outside = [url for url in urls
               if urlsplit(url).scheme in ("http", "https", "ws", "wss") and urlsplit(url).netloc != server]
    assert outside == []


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


def sign_in(driver, live_server, person):
    driver.get(f"{live_server.url}/admin/login/")
    wait_for(driver, "#id_username").send_keys(person.email)
    driver.find_element(By.ID, "id_password").send_keys(PASSWORD)
    click_and_load(driver, driver.find_element(By.CSS_SELECTOR, "#login-form [type=submit]"), "#main")


def use_theme(driver, theme: str):
    """unfold keeps the light/dark choice in localStorage (Alpine's $persist), as its theme switch does."""
    driver.execute_script("localStorage.setItem('adminTheme', JSON.stringify(arguments[0]))", theme)
    driver.refresh()
    WebDriverWait(driver, WAIT_SECONDS).until(
        lambda d: ("dark" in d.find_element(By.TAG_NAME, "html").get_attribute("class").split()) == (theme == "dark"))


def background_lightness(driver) -> float:
    """0 (black) to 255 (white): the page behind the dashboard's cards."""
    # unfold's colours are oklch(); a canvas pixel turns whatever the browser computed into RGB.
    rgb = driver.execute_script("""
        const context = document.createElement('canvas').getContext('2d');
        context.fillStyle = getComputedStyle(document.getElementById('main')).backgroundColor;
        context.fillRect(0, 0, 1, 1);
        return Array.from(context.getImageData(0, 0, 1, 1).data.slice(0, 3));""")
    return sum(rgb) / 3


def bar_rows(figure) -> dict[str, tuple[int, int, str | None]]:
    """label -> (count, drawn bar width in px, link of the label or None)."""
    rows = {}
    for row in figure.find_elements(By.CSS_SELECTOR, "div"):
        label, _track, count = row.find_elements(By.CSS_SELECTOR, ":scope > span")
        links = label.find_elements(By.TAG_NAME, "a")
        rows[label.text] = (int(count.text), row.find_element(By.CSS_SELECTOR, ".roster-bar").size["width"],
                            links[0].get_attribute("href") if links else None)
    return rows


@pytest.fixture
def studio(db):
    """Five people in two departments."""
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
    return admin


def test_hr_admin_in_a_browser(live_server, browser, studio, screenshot_dir):
    sign_in(browser, live_server, studio)
    assert browser.current_url == f"{live_server.url}/admin/"
    assert browser.title == "Dashboard | Roster"

    # The Person changelist, from the sidebar, and its three headcount charts.
    persons_link = browser.find_element(By.CSS_SELECTOR, "#nav-sidebar-inner a[href='/admin/people/person/']")
    click_and_load(browser, persons_link, "#result_list")
    assert len(result_names(browser)) == 5
    save_screenshot(browser, screenshot_dir, "person-changelist")
    charts = {figure.get_attribute("aria-label"): figure
              for figure in browser.find_elements(By.CSS_SELECTOR, "figure[aria-label^='Headcount by ']")}
    assert set(charts) == {"Headcount by department", "Headcount by role", "Headcount by account status"}
    widths = bar_rows(charts["Headcount by department"])
    # The HR admin herself is in no department.
    assert {label: count for label, (count, _, _) in widths.items()} == {"Animation": 3, "Lighting": 2,
                                                                        "No department": 1}
    assert all(width > 0 for _, width, _ in widths.values())
    assert widths["Animation"][1] > widths["Lighting"][1]  # 3 people draw a longer bar than 2
    for title in ("Headcount by role", "Headcount by account status"):
        bars = charts[title].find_elements(By.CSS_SELECTOR, ".roster-bar")
        assert bars and all(bar.size["width"] > 0 for bar in bars)
    role_bars = bar_rows(charts["Headcount by role"])
    assert role_bars["Artist"][1] > role_bars["Studio manager"][1]  # 2 artists, 1 studio manager

    # Search by last name: exactly that row.
    search = browser.find_element(By.ID, "searchbar")
    search.send_keys("Lindqvist")
    page = browser.find_element(By.TAG_NAME, "html")
    search.send_keys(Keys.ENTER)
    WebDriverWait(browser, WAIT_SECONDS).until(page_replaced(page))
    wait_for(browser, "#result_list")
    assert result_names(browser) == ["Bo Lindqvist"]

    # Role filter (from the unfiltered list), in unfold's filter sheet: only the production managers.
    browser.get(f"{live_server.url}/admin/people/person/")
    wait_for(browser, "#result_list")
    browser.find_element(By.CSS_SELECTOR, "[x-on\\:click='filterOpen = true']").click()
    role = WebDriverWait(browser, WAIT_SECONDS).until(ec.visibility_of_element_located(
        (By.CSS_SELECTOR, "#changelist-filter .field-role__exact .select2-selection, "
                          "#changelist-filter select[name=role__exact] + .select2 .select2-selection")))
    role.click()
    option = WebDriverWait(browser, WAIT_SECONDS).until(ec.element_to_be_clickable(
        (By.XPATH, "//li[contains(@class, 'select2-results__option') and normalize-space()='Production manager']")))
    option.click()
    click_and_load(browser, browser.find_element(By.CSS_SELECTOR, "#filter-form [type=submit]"), "#result_list")
    assert "role__exact=manager" in browser.current_url
    assert result_names(browser) == ["Di Moreau"]

    # Change a person's phone through the change form.
    person = Person.objects.get(email="di.moreau@example.com")
    link = browser.find_element(By.CSS_SELECTOR, "#result_list tbody th.field-full_name a")
    phone = click_and_load(browser, link, "#id_phone")
    assert f"/admin/people/person/{person.pk}/change/" in browser.current_url
    phone.clear()
    phone.send_keys("+33 6 12 34 56 78")
    click_and_load(browser, browser.find_element(By.NAME, "_save"), "#result_list")
    success = browser.find_element(By.XPATH, "//li[contains(., 'was changed successfully')]").text
    assert "Di Moreau" in success
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
    field_error = browser.find_element(By.CSS_SELECTOR, ".field-line.field-country .errorlist")
    assert field_error.text == "Invalid country code: 'zz'."
    assert browser.find_element(By.ID, "id_country").get_attribute("value") == "zz"
    assert not Person.objects.filter(email="eve.tanaka@example.com").exists()

    assert_only_the_server_was_asked(browser, live_server)


def test_hr_dashboard_in_a_browser_light_and_dark(live_server, browser, studio, screenshot_dir):
    invited = make_person(email="ines.invited@example.com", first_name="Ines", last_name="Invited",
                          status=PersonStatus.INVITED)
    person_invite(acting_user=studio, person=invited)
    never_sent = make_person(email="nils.notyet@example.com", first_name="Nils", last_name="Notyet",
                             status=PersonStatus.INVITED)
    bounced = OutboxEmail.objects.create(
        to="gone@example.com", kind="invitation", subject="You are invited to Roster", body="a link",
        sensitive=True, status=DeliveryStatus.FAILED, attempts=6, last_error="SMTPRecipientsRefused: 550 unknown")

    sign_in(browser, live_server, studio)
    use_theme(browser, "light")
    dashboard = wait_for(browser, "#dashboard")

    # Branding: Roster, not Django; "View site" goes to the home page.
    assert browser.title == "Dashboard | Roster"
    sidebar = browser.find_element(By.ID, "nav-sidebar-inner")
    assert "Roster" in sidebar.text and "Django administration" not in browser.page_source
    view_site = browser.find_element(By.XPATH, "//a[normalize-space()='View site']")
    assert view_site.get_attribute("href") == f"{live_server.url}/"

    def kpi(name):
        return dashboard.find_element(By.CSS_SELECTOR, f"[data-kpi='{name}']").text.splitlines()

    assert kpi("active-people")[1] == "5"
    assert kpi("pending-invitations")[1:] == ["2", "1 with a link that still works"]
    assert kpi("failed-emails")[1] == "1"

    departments = bar_rows(dashboard.find_element(By.CSS_SELECTOR, "figure[aria-label='Headcount by department']"))
    assert {label: count for label, (count, _, _) in departments.items()} == {
        "Animation": 3, "Lighting": 2, "No department": 3}  # Hanna and the two invited
    assert departments["Animation"][1] > departments["Lighting"][1] > 0
    statuses = bar_rows(dashboard.find_element(By.CSS_SELECTOR, "figure[aria-label='Headcount by account status']"))
    assert {label: count for label, (count, _, _) in statuses.items()} == {
        "Invited": 2, "Active": 5, "Inactive": 0, "Suspended": 0, "Locked": 0}
    assert statuses["Active"][1] > statuses["Invited"][1] > statuses["Locked"][1] == 0

    invitations = dashboard.find_element(By.ID, "pending-invitations")
    rows = [[cell.text for cell in row.find_elements(By.TAG_NAME, "td")]
            for row in invitations.find_elements(By.CSS_SELECTOR, "tbody tr")]
    # The most recently invited first; the link's state as a label (unfold writes labels in capitals).
    assert [row[0].splitlines()[0] for row in rows] == ["Ines Invited", "Nils Notyet"]
    assert rows[0][2].lower().startswith("valid until ") and rows[1][2].lower() == "never sent"
    failed = dashboard.find_element(By.ID, "failed-emails")
    failed_link = failed.find_element(By.CSS_SELECTOR, "tbody a")
    assert failed_link.text == "gone@example.com"
    assert failed_link.get_attribute("href") == f"{live_server.url}/admin/notifications/outboxemail/{bounced.pk}/change/"
    assert "SMTPRecipientsRefused" in failed.text and "a link" not in failed.text

    light = save_screenshot(browser, screenshot_dir, "dashboard-light")
    assert background_lightness(browser) > 200
    use_theme(browser, "dark")
    wait_for(browser, "#dashboard")
    assert background_lightness(browser) < 60
    dark = save_screenshot(browser, screenshot_dir, "dashboard-dark")
    assert light.read_bytes() != dark.read_bytes()

    # A bar is a link to the people it counts.
    bar_link = browser.find_element(
        By.XPATH, "//figure[@aria-label='Headcount by department']//a[normalize-space()='Lighting']")
    click_and_load(browser, bar_link, "#result_list")
    assert result_names(browser) == ["Cy Okafor", "Di Moreau"]

    # The invitation that was never sent links to that person's form.
    browser.get(f"{live_server.url}/admin/")
    link = wait_for(browser, "#pending-invitations").find_element(By.LINK_TEXT, "Nils Notyet")
    click_and_load(browser, link, "#id_first_name")
    assert browser.current_url == f"{live_server.url}/admin/people/person/{never_sent.pk}/change/"
    save_screenshot(browser, screenshot_dir, "person-change-dark")

    assert_only_the_server_was_asked(browser, live_server)
