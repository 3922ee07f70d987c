"""Headless Debian Chromium for the browser tests: only the live server's loopback names resolve, so nothing a
page loads can leave 127.0.0.0/8, and every request it makes is logged for the tests to read."""

import os

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"


def chromium(monkeypatch, tmp_path):
    """A started driver; scripts/ensure-services.sh installs the browser, a machine without it fails here."""
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
    # Every request the pages make, blocked or not, for the tests that check where requests went.
    # The console too: Chromium reports every Content-Security-Policy violation there (csp_violations()).
    options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.implicitly_wait(0)
    return driver


def csp_violations(driver) -> list[str]:
    """Console messages about a Content-Security-Policy violation since the last call (reading drains the log)."""
    return [entry["message"] for entry in driver.get_log("browser") if "Content Security Policy" in entry["message"]]
