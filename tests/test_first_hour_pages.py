"""What someone sees in their first hour: the home page, JSON 404s under /api/ whatever DEBUG is, and API docs
that need no internet."""

import re

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

NOT_FOUND = {"error": True, "message": "Not found.", "data": None}


# Home page ------------------------------------------------------------------------------------------

def test_home_page_links_to_admin_docs_and_health(db):
    response = Client().get("/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert "<title>Roster</title>" in page
    links = re.findall(r'<a href="([^"]+)"', page)
    assert links == ["/admin/", "/api/docs", "/api/redoc", "/api/schema", "/health"]
    statuses = {link: Client().get(link).status_code for link in links}
    assert statuses == {"/admin/": 302, "/api/docs": 200, "/api/redoc": 200, "/api/schema": 200, "/health": 200}
    assert Client().get("/admin/").url == "/admin/login/?next=/admin/"


# JSON 404 under /api/ -------------------------------------------------------------------------------

@pytest.mark.parametrize("debug", [True, False], ids=["DEBUG=1", "DEBUG=0"])
@pytest.mark.parametrize("method", ["get", "post", "put", "delete"])
@pytest.mark.parametrize("path", ["/api/no-such-route", "/api/data/nothing/", "/api/data/persons/x/y/z",
                                  "/api/docs/extra"])
def test_unknown_api_route_is_the_json_envelope_whatever_debug(settings, debug, method, path):
    settings.DEBUG = debug
    response = getattr(Client(), method)(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == NOT_FOUND


def test_a_views_own_404_keeps_its_message_under_debug(settings, admin_api):
    settings.DEBUG = True
    response = admin_api.get("/api/data/persons/5f1b3c9e-0000-4000-8000-000000000000")
    assert response.status_code == 404
    assert response.json()["message"] == "Person not found."


def test_unknown_page_outside_api_keeps_djangos_debug_page(settings):
    settings.DEBUG = True
    response = Client().get("/no-such-page")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


# API docs without internet --------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/api/docs/", "/api/redoc/"])
def test_api_docs_load_every_asset_from_this_server(path):
    response = Client().get(path)
    assert response.status_code == 200
    page = response.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert assets, page
    assert [asset for asset in assets if not asset.startswith("/")] == []
    static = [asset.removeprefix("/static/") for asset in assets if asset.startswith("/static/")]
    assert static and all(finders.find(name) for name in static), static
    assert "cdn." not in page and "https://" not in page


def test_redoc_is_served_like_the_docs(anon_api):
    response = anon_api.get("/api/redoc")
    assert response.status_code == 200
    assert '<redoc spec-url="/api/schema">' in response.content.decode()
