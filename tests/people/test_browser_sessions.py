"""Zou checklist 8: a browser login sets token cookies that authenticate later requests."""

from rest_framework.test import APIClient

from tests.conftest import PASSWORD

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Safari/537.36"


def test_browser_login_sets_cookies_that_authenticate(user):
    browser = APIClient(HTTP_USER_AGENT=BROWSER)
    response = browser.post("/api/auth/login", {"email": user.email, "password": PASSWORD}, format="json")
    assert response.status_code == 200
    access = response.cookies["access_token_cookie"]
    refresh = response.cookies["refresh_token_cookie"]
    assert access.value == response.json()["access_token"]
    assert access["httponly"] and access["samesite"] == "Lax" and access["path"] == "/"
    assert refresh["path"] == "/api/auth/refresh-token"

    me = browser.get("/api/auth/authenticated")
    assert me.status_code == 200 and me.json()["user"]["id"] == str(user.pk)

    refreshed = browser.get("/api/auth/refresh-token")
    assert refreshed.status_code == 200 and refreshed.json() == {"refresh": True}
    assert refreshed.cookies["access_token_cookie"].value != access.value
    assert browser.get("/api/data/persons").status_code == 200

    logout = browser.get("/api/auth/logout")
    assert logout.status_code == 200
    assert logout.cookies["access_token_cookie"].value == ""
    stale = APIClient(HTTP_USER_AGENT=BROWSER)
    stale.cookies["access_token_cookie"] = refreshed.cookies["access_token_cookie"].value
    assert stale.get("/api/auth/authenticated").status_code == 401


def test_scripts_get_no_cookies(user):
    script = APIClient(HTTP_USER_AGENT="CGWire Gazu 1.1.12")
    response = script.post("/api/auth/login", {"email": user.email, "password": PASSWORD}, format="json")
    assert response.status_code == 200
    assert "access_token_cookie" not in response.cookies
    refresh = APIClient(HTTP_USER_AGENT="CGWire Gazu 1.1.12",
                        HTTP_AUTHORIZATION=f"Bearer {response.json()['refresh_token']}")
    assert set(refresh.get("/api/auth/refresh-token").json()) == {"access_token"}


def test_cookie_ignored_on_requests_started_by_other_sites(user):
    browser = APIClient(HTTP_USER_AGENT=BROWSER)
    browser.post("/api/auth/login", {"email": user.email, "password": PASSWORD}, format="json")
    assert browser.get("/api/auth/authenticated", HTTP_SEC_FETCH_SITE="same-origin").status_code == 200
    assert browser.get("/api/auth/authenticated", HTTP_SEC_FETCH_SITE="cross-site").status_code == 401
    assert browser.get("/api/auth/logout", HTTP_SEC_FETCH_SITE="same-site").status_code == 401
    assert browser.get("/api/auth/authenticated").status_code == 200  # the session survived


def test_stale_cookie_does_not_block_public_pages(user):
    browser = APIClient(HTTP_USER_AGENT=BROWSER)
    browser.cookies["access_token_cookie"] = "x" * 43
    assert browser.get("/api/docs/").status_code == 200
    assert browser.get("/api/").status_code == 200
    assert browser.get("/api/data/persons").status_code == 401
