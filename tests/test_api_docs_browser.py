"""Swagger UI and ReDoc render the API in headless Chromium with nothing but this server: every script,
stylesheet and the schema come from the live server (the browser cannot resolve any other host)."""

import time

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from tests.browser import csp_violations

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WAIT_SECONDS = 20  # ReDoc parses the whole schema before it draws anything


def wait_for_all(driver, css: str, at_least: int):
    return WebDriverWait(driver, WAIT_SECONDS).until(
        lambda d: (found := d.find_elements(By.CSS_SELECTOR, css)) and len(found) >= at_least and found)


def requested_elsewhere(driver, server_url: str) -> set[str]:
    """Every URL the page requested (loaded or not) from another host than the server."""
    urls = driver.execute_script(
        "return [location.href, ...performance.getEntriesByType('resource').map(entry => entry.name)]")
    return {url for url in urls if not url.startswith(f"{server_url}/")}


OPERATIONS_ON_SCREEN = """
    return Array.from(document.querySelectorAll('.opblock')).map(op => [
        op.querySelector('.opblock-summary-method').textContent,
        op.querySelector('.opblock-summary-path').getAttribute('data-path')]);"""


def rendered_operations(driver) -> set[tuple[str, str]]:
    """(method, path) of every operation Swagger UI draws, scrolling down the page: it draws only the tag
    sections near the viewport."""
    seen = {tuple(pair) for pair in driver.execute_script(OPERATIONS_ON_SCREEN)}
    at_bottom = False
    while not at_bottom:
        at_bottom = driver.execute_script(
            "window.scrollBy(0, window.innerHeight * 0.8);"
            "return window.scrollY + window.innerHeight >= document.body.scrollHeight - 2;")
        # The sections that came into view are drawn over the next frames: read until two reads agree.
        previous, current = None, driver.execute_script(OPERATIONS_ON_SCREEN)
        deadline = time.monotonic() + 5
        while current != previous and time.monotonic() < deadline:
            time.sleep(0.2)
            previous, current = current, driver.execute_script(OPERATIONS_ON_SCREEN)
        seen.update(tuple(pair) for pair in current)
    return seen


def test_swagger_ui_renders_the_operations(live_server, browser):
    browser.get(f"{live_server.url}/api/docs/")
    wait_for_all(browser, ".opblock", at_least=5)
    rendered = rendered_operations(browser)
    assert len(rendered) >= 20
    assert {("GET", "/api/data/persons/"), ("POST", "/api/auth/login/"),
            ("GET", "/api/data/departments/")} <= rendered
    assert browser.find_element(By.CSS_SELECTOR, ".info .title").text.startswith("Roster API")
    assert requested_elsewhere(browser, live_server.url) == set()


def test_redoc_renders_the_operations(live_server, browser):
    browser.get(f"{live_server.url}/api/redoc/")
    operations = wait_for_all(browser, "[data-section-id^='operation/']", at_least=20)
    titles = {op.find_element(By.CSS_SELECTOR, "h2").text for op in operations}
    assert "List persons" in titles
    assert browser.find_element(By.CSS_SELECTOR, "h1").text.startswith("Roster API")
    # ReDoc's bundle always tries its attribution logo from its CDN (it has no option to drop it): the page's
    # Content-Security-Policy refuses it, and the image hides itself. That is the only refusal on the page.
    assert [message.split(" violates ")[0].split(" - ", 1)[-1] for message in csp_violations(browser)] == [
        "Loading the image 'https://cdn.redoc.ly/redoc/logo-mini.svg'"]
    assert requested_elsewhere(browser, live_server.url) <= {"https://cdn.redoc.ly/redoc/logo-mini.svg"}
