"""HTML pages send a Content-Security-Policy (django-csp); JSON answers do not need one. The browser tests check
that no page breaks it (tests/conftest.py's `browser` fixture fails a test on any violation)."""

import pytest
from django.test import Client


def policy_of(response) -> dict[str, list[str]]:
    return {directive.split()[0]: directive.split()[1:]
            for directive in response["Content-Security-Policy"].split("; ")}


@pytest.mark.parametrize("path", ["/", "/api/docs/", "/api/redoc/", "/health/"])
def test_html_pages_refuse_scripts_and_frames_from_elsewhere(db, path):
    response = Client().get(path)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    policy = policy_of(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
    assert policy["script-src"][0] == "'self'" and "'unsafe-inline'" not in policy["script-src"]
    assert "'unsafe-eval'" not in policy["script-src"]


def test_the_admin_alone_lets_alpine_evaluate_its_expressions(admin):
    client = Client()
    pages = [client.get("/admin/login/")]
    client.force_login(admin)
    pages.append(client.get("/admin/"))
    for response in pages:
        assert response.status_code == 200
        policy = policy_of(response)
        assert policy["script-src"] == ["'self'", "'unsafe-eval'"]
        assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]


def test_json_answers_carry_no_policy(db, anon_api):
    response = anon_api.post("/api/auth/login", {"email": "nobody@example.com", "password": "x"}, format="json")
    assert response["Content-Type"].startswith("application/json")
    assert "Content-Security-Policy" not in response
    assert "Content-Security-Policy" not in Client().get("/api/schema")
