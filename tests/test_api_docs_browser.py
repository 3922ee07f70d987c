"""Swagger UI and ReDoc render the API in headless Chromium with nothing but this server: every script,
stylesheet and the schema come from the live server (the browser cannot resolve any other host)."""

import os

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
WAIT_SECONDS = 20  # ReDoc parses the whole schema before it draws anything


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
                 # Only the live server's loopback names resolve: a CDN asset would fail to load.
                 "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.implicitly_wait(0)
    try:
        yield driver
    finally:
        driver.quit()


def wait_for_all(driver, css: str, at_least: int):
    return WebDriverWait(driver, WAIT_SECONDS).until(
        lambda d: (found := d.find_elements(By.CSS_SELECTOR, css)) and len(found) >= at_least and found)


def requested_elsewhere(driver, server_url: str) -> set[str]:
    """Every URL the page requested (loaded or not) from another host than the server."""
    urls = driver.execute_script(
        "return [location.href, ...performance.getEntriesByType('resource').map(entry => entry.name)]")
    return {url for url in urls if not url.startswith(f"{server_url}/")}


def test_swagger_ui_renders_the_operations(live_server, browser):
    browser.get(f"{live_server.url}/api/docs/")
    operations = wait_for_all(browser, ".opblock", at_least=20)
    rendered = {(op.find_element(By.CSS_SELECTOR, ".opblock-summary-method").text,
                 op.find_element(By.CSS_SELECTOR, ".opblock-summary-path").get_attribute("data-path"))
                for op in operations}
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
    # ReDoc's bundle always tries its attribution logo and hides the image when it cannot load (it has no
    # option to drop it); nothing the page needs comes from elsewhere.
    assert requested_elsewhere(browser, live_server.url) == {"https://cdn.redoc.ly/redoc/logo-mini.svg"}
