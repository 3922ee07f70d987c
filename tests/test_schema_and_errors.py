"""The OpenAPI schema builds cleanly and documents the statuses the API answers, the API root answers, and
every error leaves as Zou's JSON envelope: unreadable bodies are 400s and no route answers 500 to garbage input
(the cases schemathesis found are pinned here or next to their endpoint's tests)."""

import json

import pytest
from django.conf import settings
from django.core.management import call_command

from departments.models import Department, HardwareItem, Software
from tests.conftest import assert_field_error

UNKNOWN_ID = "5f1b3c9e-0000-4000-8000-000000000000"


# Schema and root ------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_spectacular_validates_without_warnings(tmp_path):
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    text = target.read_text()
    assert "/api/data/departments/software-licenses" in text
    assert "/api/data/persons" in text


def test_schema_endpoint(admin_api):
    response = admin_api.get("/api/schema/")
    assert response.status_code == 200
    assert b"openapi" in response.content


def test_docs_endpoint(admin_api):
    response = admin_api.get("/api/docs/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.parametrize("path", ["/api", "/api/"])
def test_api_root(anon_api, path):
    response = anon_api.get(path)
    assert response.status_code == 200
    assert response.json() == {"api": "Roster", "version": settings.ROSTER_API_VERSION}


def test_schema_and_docs_without_trailing_slash(anon_api):
    assert anon_api.get("/api/schema").status_code == 200
    assert anon_api.get("/api/docs").status_code == 200


@pytest.fixture
def openapi(admin_api) -> dict:
    return admin_api.get("/api/schema/", {"format": "json"}).json()


@pytest.mark.parametrize("path, component", [("/api/data/departments/software-licenses/", "Software"),
                                             ("/api/data/departments/hardware-items/", "HardwareItem")])
def test_grouped_equipment_is_keyed_by_department_id(openapi, path, component):
    # It was documented as an object with one required property literally named "<department_id>".
    schema = openapi["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert "properties" not in schema and "required" not in schema
    assert schema["additionalProperties"]["items"] == {"$ref": f"#/components/schemas/{component}"}


@pytest.mark.parametrize("path, method, status", [
    ("/api/data/departments/{id}/software-licenses/", "get", "400"),
    ("/api/data/departments/{id}/software-licenses/{software_id}/", "delete", "401"),
    ("/api/data/departments/{id}/hardware-items/", "post", "401"),
    ("/api/data/departments/hardware-items/", "get", "401"),
    ("/api/auth/refresh-token/", "get", "422"),
    ("/api/auth/reset-password/", "post", "400"),
    ("/api/pictures/thumbnails/persons/{person_id}.png/", "get", "401"),
])
def test_statuses_the_api_answers_are_documented(openapi, path, method, status):
    assert status in openapi["paths"][path][method]["responses"]


def test_login_400_documents_both_refusals_and_malformed_input(openapi, anon_api):
    # A missing email answers the usual error envelope, which the documented 400 (`{"login": false}`) forbade.
    responses = openapi["paths"]["/api/auth/login/"]["post"]["responses"]
    schema = responses["400"]["content"]["application/json"]["schema"]
    variants = openapi["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]["oneOf"]
    assert {"$ref": "#/components/schemas/ZouError"} in variants
    response = anon_api.post("/api/auth/login", {"password": "x"}, format="json")
    assert_field_error(response, "email")


# Error envelope -------------------------------------------------------------------------------------

@pytest.mark.parametrize(("method", "path"), [
    ("get", "/api/no-such-route"), ("get", "/api/data/nothing/"), ("get", "/api/data/persons/x/y/z"),
    ("post", f"/api/data/departments/{UNKNOWN_ID}/nothing"),
])
def test_unknown_route_is_json_404(admin_api, method, path):
    response = getattr(admin_api, method)(path)
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {"error": True, "message": "Not found.", "data": None}


def test_wrong_method_is_405_envelope(admin_api):
    response = admin_api.patch("/api/auth/login", {}, format="json")
    assert response.status_code == 405
    body = response.json()
    assert body["error"] is True
    assert body["message"] == 'Method "PATCH" not allowed.'


def test_missing_token_is_401_envelope(anon_api):
    response = anon_api.get("/api/data/persons")
    assert response.status_code == 401
    assert response.json() == {"error": True, "message": "Authentication credentials were not provided.",
                               "data": None}


def test_malformed_token_is_422_envelope(anon_api):
    # flask-jwt-extended's answer to a token that is not a JWT, which Zou passes on (zou-api.md 0); gazu
    # treats a 422 that is not "Signature has expired" as a validation error rather than trying a refresh.
    anon_api.credentials(HTTP_AUTHORIZATION="Bearer not-a-real-token")
    response = anon_api.get("/api/data/departments")
    assert response.status_code == 422
    body = response.json()
    assert body["error"] is True
    assert body["message"] == body["msg"] == "Not enough segments"


# Unreadable bodies ----------------------------------------------------------------------------------

def test_deeply_nested_json_is_a_400(anon_api, admin_api, user):
    body = "[" * 100_000
    response = anon_api.post("/api/auth/login", body, content_type="application/json")
    assert response.status_code == 400 and response.json()["error"] is True
    nested = '{"data": ' + "[" * 5000 + "]" * 5000 + "}"
    response = admin_api.put(f"/api/data/persons/{user.pk}", nested, content_type="application/json")
    assert response.status_code == 400


def test_unsupported_body_type_is_a_400(admin_api):
    response = admin_api.post("/api/data/departments", "name=x", content_type="text/plain")
    assert response.status_code == 400 and response.json()["error"] is True


def test_too_many_form_fields_is_a_json_400(anon_api):
    body = "&".join(f"f{i}=1" for i in range(1500))
    response = anon_api.post("/api/auth/login", body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert response.json()["error"] is True


# No 500s --------------------------------------------------------------------------------------------

HUGE = "x" * 100_000

PERSON_FIELDS = [
    "first_name", "last_name", "email", "username", "password", "phone", "country", "contract_type",
    "job_title", "active", "status", "archived", "last_presence", "desktop_login", "timezone", "locale",
    "use_12_hour_clock", "display_date_format", "appearance", "data", "role", "position", "seniority",
    "daily_salary", "notifications_enabled", "notifications_slack_userid", "is_bot", "is_guest",
    "expiration_date", "authentication_method", "ldap_uid", "studio_id", "manager_id", "shotgun_id",
    "preferred_two_factor_authentication", "departments",
]
DEPARTMENT_FIELDS = ["name", "color", "archived"]
SOFTWARE_FIELDS = ["name", "short_name", "version", "file_extension", "secondary_extensions", "monthly_cost",
                   "inventory_amount", "archived"]
WRONG_VALUES = [None, 12, -1, 1.5, True, "", "not-a-value", [], ["a"], {"a": 1}, HUGE, "[1,2", "0000-00-00",
                2**70]


# Each case is a group of requests checked in one test, so a failure names the group and lists the requests.

def _body_cases(collection: str, fields: list[str], base: dict) -> list:
    return [
        pytest.param([("post", f"/api/data/{collection}", {**base, field: value}) for value in WRONG_VALUES],
                     id=f"post-{collection}-{field}")
        for field in fields
    ]


def _raw_cases() -> list:
    bodies = [("not json", "text"), ("[1, 2]", "array"), ('"string"', "string"), ("null", "null"),
              ("{", "truncated"), ("", "empty"), ("123", "number"), (json.dumps({"a": HUGE}), "huge"),
              ("\x00\xff", "binary")]
    urls = ["/api/data/persons", "/api/data/departments", "/api/data/softwares", "/api/data/studios",
            "/api/data/hardware-items", "/api/data/salary-scales", "/api/auth/login",
            "/api/auth/change-password", "/api/auth/reset-password",
            "/api/data/departments/{department}/software-licenses",
            "/api/data/departments/{department}/hardware-items",
            "/api/actions/persons/{person}/departments/add",
            "/api/actions/persons/{person}/change-password",
            "/api/data/persons/{person}/desktop-login-logs", "/api/data/user/desktop-login-logs"]
    put_urls = ["/api/data/persons/{person}", "/api/data/departments/{department}",
                "/api/data/organisations/{organisation}", "/api/auth/reset-password"]
    return [
        pytest.param([("post", url, body) for body, _ in bodies], id=f"raw-post-{url}") for url in urls
    ] + [
        pytest.param([("put", url, body) for body, _ in bodies], id=f"raw-put-{url}") for url in put_urls
    ]


def _query_cases() -> list:
    queries = ["page=-1", "page=0", "page=abc", "limit=0", "limit=-5", "limit=abc", "page=1&limit=0",
               "page=99999999999999999999", "limit=99999999999999999999", "page=1&limit=1e3",
               "active=maybe", "archived=maybe", "departments=[1,2", "departments=notauuid",
               'departments=["notauuid"]', "departments=[]", "departments={}", "id=notauuid",
               "id=[1,2", 'id=["x"]', "id=[null]", "id=[[1]]", 'id=[{"a":1}]', "created_at=yesterday",
               "updated_at=2024-13-45", "created_at=[1,2]", "name=%", "name=%25%25", "name=\\",
               "name=[1,2]", "name=" + "a" * 5000, "fields=", "fields=,,,", "relations=maybe",
               "daily_salary=abc", "daily_salary=1e999", "shotgun_id=99999999999999999999",
               "studio_id=abc", "studio=abc", "manager_id=[1]", "last_presence=notadate",
               "expiration_date=2024-02-30", "role=nope", "email=%00", "full_name=%00",
               "first_name=a%00b", "color=[", "salary=abc", "department_id=abc", "department=abc",
               "monthly_cost=abc", "secondary_extensions=x", "locale=x", "data=x", "display_date_format=x",
               "force=maybe"]
    collections = ["persons", "departments", "softwares", "studios", "hardware-items", "salary-scales",
                   "organisations"]
    return [pytest.param([("get", f"/api/data/{collection}?{query}", None) for query in queries],
                         id=f"get-{collection}") for collection in collections]


def _path_cases() -> list:
    paths = [
        ("get", "/api/data/persons/notauuid"), ("put", "/api/data/persons/notauuid"),
        ("delete", "/api/data/persons/notauuid"), ("get", "/api/data/persons/" + "a" * 3000),
        ("get", "/api/data/departments/notauuid"), ("put", "/api/data/departments/notauuid"),
        ("delete", "/api/data/departments/notauuid"), ("get", "/api/data/departments/1"),
        ("get", "/api/data/departments/notauuid/software-licenses"),
        ("post", "/api/data/departments/notauuid/software-licenses"),
        ("delete", "/api/data/departments/{department}/software-licenses/notauuid"),
        ("delete", "/api/data/departments/notauuid/software-licenses/notauuid"),
        ("get", "/api/data/departments/notauuid/hardware-items"),
        ("delete", "/api/data/departments/{department}/hardware-items/notauuid"),
        ("get", "/api/data/softwares/notauuid"), ("get", "/api/data/studios/%00"),
        ("get", "/api/data/salary-scales/notauuid"), ("put", "/api/data/salary-scales/notauuid"),
        ("get", "/api/data/organisations/notauuid"),
        ("post", "/api/actions/persons/notauuid/departments/add"),
        ("delete", "/api/actions/persons/notauuid/departments/notauuid"),
        ("delete", "/api/actions/persons/{person}/departments/notauuid"),
        ("post", "/api/actions/persons/notauuid/change-password"),
        ("delete", "/api/actions/persons/notauuid/clear-avatar"),
        ("get", "/api/pictures/thumbnails/persons/notauuid.png"),
        ("post", "/api/pictures/thumbnails/persons/notauuid"),
        ("get", "/api/data/persons/notauuid/desktop-login-logs"),
        ("post", "/api/data/persons/notauuid/desktop-login-logs"),
    ]
    return [pytest.param([(method, path, None) for method, path in paths], id="malformed-paths")]


def _json_body_cases() -> list:
    cases = [
        *_body_cases("persons", PERSON_FIELDS, {"first_name": "Garbage", "last_name": "Case",
                                                "email": "garbage@example.com"}),
        *_body_cases("departments", DEPARTMENT_FIELDS, {"name": "Garbage", "color": ""}),
        *_body_cases("softwares", SOFTWARE_FIELDS, {"name": "G", "short_name": "g", "file_extension": ".g"}),
    ]
    odd = [
        ("put", "/api/data/persons/{person}", {"departments": ["notauuid"]}),
        ("put", "/api/data/persons/{person}", {"departments": [{"a": 1}]}),
        ("put", "/api/data/persons/{person}", {"departments": "notalist"}),
        ("put", "/api/data/persons/{person}", {"departments": [UNKNOWN_ID]}),
        ("put", "/api/data/persons/{person}", {"studio_id": UNKNOWN_ID}),
        ("put", "/api/data/persons/{person}", {"email": HUGE}),
        ("put", "/api/data/persons/{person}", {"expiration_date": "yesterday"}),
        ("put", "/api/data/departments/{department}", {"name": None}),
        ("put", "/api/data/departments/{department}", {"name": HUGE}),
        ("put", "/api/data/departments/{department}", {"color": 12}),
        ("put", "/api/data/departments/{department}", {"archived": "maybe"}),
        ("put", "/api/data/organisations/{organisation}", {"hours_by_day": "abc"}),
        ("put", "/api/data/organisations/{organisation}", {"hours_by_day": -1}),
        ("put", "/api/data/organisations/{organisation}", {"chat_token_slack": HUGE}),
        ("post", "/api/data/departments/{department}/software-licenses", {"software_id": None}),
        ("post", "/api/data/departments/{department}/software-licenses", {"software_id": [UNKNOWN_ID]}),
        ("post", "/api/data/departments/{department}/hardware-items", {"hardware_item_id": 12}),
        ("post", "/api/actions/persons/{person}/departments/add", {"department_id": "nope"}),
        ("post", "/api/actions/persons/{person}/departments/add", {"department_id": UNKNOWN_ID}),
        ("post", "/api/actions/persons/{person}/change-password", {"password": 1, "password_2": 1}),
        ("post", "/api/auth/login", {"email": ["a"], "password": {"x": 1}}),
        ("post", "/api/auth/login", {"email": HUGE, "password": HUGE}),
        ("post", "/api/data/persons/{person}/desktop-login-logs", {"date": "yesterday"}),
        ("post", "/api/data/persons/{person}/desktop-login-logs", {"date": 12}),
        ("post", "/api/data/salary-scales", {"salary": "x"}),
        ("put", "/api/data/salary-scales/{salary_scale}", {"salary": "x"}),
        ("put", "/api/data/salary-scales/{salary_scale}", {"salary": 2**70}),
        ("put", "/api/data/salary-scales/{salary_scale}", {"position": "boss"}),
        ("post", "/api/data/hardware-items", {"name": "H", "short_name": "h", "monthly_cost": 2**40}),
    ]
    cases.append(pytest.param(odd, id="odd-bodies"))
    return cases


@pytest.fixture
def garbage_targets(admin, user):
    from departments.models import Organisation, SalaryScale
    from departments.services import organisation_get_or_create, salary_scales_fill_missing

    department = Department.objects.create(name="Target", color="#000000")
    Software.objects.create(name="Target soft", short_name="t", file_extension=".t")
    HardwareItem.objects.create(name="Target item", short_name="t")
    salary_scales_fill_missing()
    organisation = organisation_get_or_create()
    assert Organisation.objects.count() == 1
    return {"person": user.pk, "department": department.pk, "organisation": organisation.pk,
            "salary_scale": SalaryScale.objects.first().pk}


def _fill(url: str, targets: dict) -> str:
    for key, value in targets.items():
        url = url.replace(f"{{{key}}}", str(value))
    return url


def _send(api, method: str, url: str, body):
    if body is None:
        return getattr(api, method)(url)
    if isinstance(body, str):
        return getattr(api, method)(url, data=body, content_type="application/json")
    return getattr(api, method)(url, body, format="json")


def _problem(response, url: str) -> str | None:
    """What is wrong with one answer to garbage, or None when it is a clean < 500 answer."""
    if response.status_code >= 500:
        return f"status {response.status_code}: {response.content[:300]!r}"
    if response.status_code < 400:
        return None
    if not response["Content-Type"].startswith("application/json"):
        return f"status {response.status_code} is not JSON: {response.content[:200]!r}"
    payload = response.json()
    if url.startswith("/api/auth/login") and payload == {"login": False}:
        return None  # Zou's refused login is deliberately `{"login": false}`, no envelope (zou-api.md 1.2).
    if not isinstance(payload, dict) or payload.get("error") is not True or not isinstance(
        payload.get("message"), str
    ):
        return f"status {response.status_code} without the error envelope: {payload!r:.300}"
    return None


@pytest.mark.parametrize("requests", [*_raw_cases(), *_query_cases(), *_path_cases(), *_json_body_cases()])
def test_garbage_never_gives_500(admin_api, garbage_targets, requests):
    problems = []
    for method, url, body in requests:
        response = _send(admin_api, method, _fill(url, garbage_targets), body)
        problem = _problem(response, url)
        if problem:
            problems.append(f"{method.upper()} {url[:120]} body={str(body)[:80]!r}: {problem}")
    assert problems == []


def test_name_filter_with_trailing_backslash_matches_literally(admin_api):
    Department.objects.create(name="Back\\")
    Department.objects.create(name="Back")
    for collection in ("departments", "softwares", "studios", "organisations"):
        response = admin_api.get(f"/api/data/{collection}", {"name": "\\"})
        assert response.status_code == 200, response.content
        assert response.json() == []
    response = admin_api.get("/api/data/departments", {"name": "Back\\"})
    assert response.status_code == 200
    assert [d["name"] for d in response.json()] == ["Back\\"]


@pytest.mark.parametrize("path, key", [("/api/data/departments", "name"), ("/api/data/persons", "first_name"),
                                       ("/api/data/persons", "id")])
def test_filter_json_list_nested_too_deeply_is_a_400(admin_api, path, key):
    # `?name=[[[[...` went to json.loads, whose RecursionError escaped as a 500.
    response = admin_api.get(path, {key: "[" * 5000})
    assert_field_error(response, key)


def test_out_of_range_integer_is_400(admin_api):
    body = {"first_name": "Big", "last_name": "Salary", "email": "big@example.com", "daily_salary": 2**70}
    response = admin_api.post("/api/data/persons", body, format="json")
    assert response.status_code == 400
    assert response.json()["error"] is True


def test_limit_past_sql_bigint_names_the_field(admin_api):
    # The database refused LIMIT 10**30 and the answer named no field.
    response = admin_api.get("/api/data/departments", {"page": 1, "limit": 10**30})
    assert_field_error(response, "limit")
    response = admin_api.get("/api/data/departments", {"page": 1, "limit": 2**63 - 1})
    assert response.status_code == 200
