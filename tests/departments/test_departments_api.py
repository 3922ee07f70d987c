"""Departments and the studio catalogs behind `/api/data/...` (zou-api.md section 6, checklist 45-47)."""

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from departments.models import (
    Department,
    HardwareItem,
    HardwareItemDepartmentLink,
    Organisation,
    SalaryScale,
    Software,
    SoftwareDepartmentLink,
    Studio,
)
from people.models import PersonDepartment
from tests.conftest import assert_field_error

UNKNOWN_ID = "5f1b3c9e-0000-4000-8000-000000000000"


@pytest.fixture
def modeling(db):
    return Department.objects.create(name="Modeling", color="#FF0000")


@pytest.fixture
def animation(db):
    return Department.objects.create(name="Animation", color="#00FF00")


@pytest.fixture
def blender(db):
    return Software.objects.create(name="Blender", short_name="bl", file_extension=".blend")


@pytest.fixture
def maya(db):
    return Software.objects.create(name="Maya", short_name="ma", file_extension=".ma")


@pytest.fixture
def tablet(db):
    return HardwareItem.objects.create(name="Tablet", short_name="tab")


def error_fields(response) -> list[str]:
    return [e["field"] for e in (response.json().get("data") or {}).get("errors", [])]


# 45. Departments CRUD -------------------------------------------------------------------------------

def test_department_list_is_a_plain_array_of_departments(admin_api, modeling, animation):
    response = admin_api.get("/api/data/departments")
    assert response.status_code == 200
    body = response.json()
    assert [d["name"] for d in body] == ["Animation", "Modeling"]
    assert {d["type"] for d in body} == {"Department"}
    assert set(body[0]) == {"id", "type", "created_at", "updated_at", "name", "color", "archived"}


def test_department_get_one_unknown_and_malformed(admin_api, modeling):
    response = admin_api.get(f"/api/data/departments/{modeling.pk}")
    assert response.status_code == 200
    assert response.json()["name"] == "Modeling"
    assert response.json()["color"] == "#FF0000"
    assert response.json()["id"] == str(modeling.pk)

    response = admin_api.get(f"/api/data/departments/{UNKNOWN_ID}")
    assert response.status_code == 404
    assert response.json()["error"] is True

    response = admin_api.get("/api/data/departments/not-a-uuid")
    assert response.status_code == 400
    assert response.json() == {"error": True, "message": "Malformed ID.", "data": None}


def test_department_create_update_delete(admin_api):
    response = admin_api.post("/api/data/departments", {"name": "Lighting", "color": "#123ABC"}, format="json")
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["name"] == "Lighting"
    assert created["color"] == "#123ABC"
    assert created["archived"] is False
    assert created["type"] == "Department"
    department_id = created["id"]

    response = admin_api.put(f"/api/data/departments/{department_id}", {"color": "#654321"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["color"] == "#654321"
    assert response.json()["name"] == "Lighting"
    assert Department.objects.get(pk=department_id).color == "#654321"

    response = admin_api.delete(f"/api/data/departments/{department_id}")
    assert response.status_code == 204
    assert response.content == b""
    assert not Department.objects.filter(pk=department_id).exists()
    assert admin_api.get(f"/api/data/departments/{department_id}").status_code == 404
    assert admin_api.delete(f"/api/data/departments/{department_id}").status_code == 404


def test_department_put_ignores_unknown_keys_like_gazu_whole_dicts(admin_api, modeling):
    whole = admin_api.get(f"/api/data/departments/{modeling.pk}").json()
    whole["color"] = "#0000FF"
    whole["full_name"] = "ignored"
    response = admin_api.put(f"/api/data/departments/{modeling.pk}", whole, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["color"] == "#0000FF"


def test_department_fields_trims_rows(admin_api, modeling, animation):
    response = admin_api.get("/api/data/departments?fields=name,nonsense")
    assert response.status_code == 200
    assert response.json() == [
        {"id": str(animation.pk), "type": "Department", "name": "Animation"},
        {"id": str(modeling.pk), "type": "Department", "name": "Modeling"},
    ]


def test_department_fields_trims_paginated_rows(admin_api, modeling, animation):
    response = admin_api.get("/api/data/departments?fields=name&page=1")
    assert response.status_code == 200
    body = response.json()
    assert body["total"] == 2
    assert body["page"] == 1
    assert body["limit"] == 100
    assert body["nb_pages"] == 1
    assert body["offset"] == 0
    assert sorted(body["data"], key=lambda d: d["name"]) == [
        {"id": str(animation.pk), "type": "Department", "name": "Animation"},
        {"id": str(modeling.pk), "type": "Department", "name": "Modeling"},
    ]


@pytest.mark.parametrize(("query", "expected"), [
    ("anim", []),
    ("animation", ["Animation"]),
    ("ANIMATION", ["Animation"]),
    ("Anim%", ["Animation"]),
    ("%o%", ["Animation", "Modeling"]),
])
def test_department_name_filter_is_ilike(admin_api, modeling, animation, query, expected):
    response = admin_api.get("/api/data/departments", {"name": query})
    assert response.status_code == 200
    assert [d["name"] for d in response.json()] == expected


def test_department_duplicate_name_is_400(admin_api, modeling):
    response = admin_api.post("/api/data/departments", {"name": "Modeling", "color": "#000000"}, format="json")
    assert response.status_code == 400
    assert response.json()["error"] is True
    assert Department.objects.filter(name="Modeling").count() == 1

    other = Department.objects.create(name="Rigging")
    response = admin_api.put(f"/api/data/departments/{other.pk}", {"name": "Modeling"}, format="json")
    assert response.status_code == 400
    assert response.json()["error"] is True
    assert Department.objects.get(pk=other.pk).name == "Rigging"


@pytest.mark.parametrize("color", ["red", "#12345G", "#1234567", "123456"])
def test_department_invalid_color_is_400_naming_color(admin_api, color):
    response = admin_api.post("/api/data/departments", {"name": "FX", "color": color}, format="json")
    assert response.status_code == 400, response.content
    assert response.json()["error"] is True
    # "#1234567" breaks two rules (length and pattern), each reported on `color`.
    assert set(error_fields(response)) == {"color"}
    assert not Department.objects.filter(name="FX").exists()


def test_department_invalid_color_on_update_is_400(admin_api, modeling):
    response = admin_api.put(f"/api/data/departments/{modeling.pk}", {"color": "red"}, format="json")
    assert response.status_code == 400
    assert error_fields(response) == ["color"]
    assert Department.objects.get(pk=modeling.pk).color == "#FF0000"


def test_department_empty_color_accepted(admin_api):
    response = admin_api.post("/api/data/departments", {"name": "FX", "color": ""}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["color"] == ""


def test_department_missing_name_is_400(admin_api):
    response = admin_api.post("/api/data/departments", {"color": "#000000"}, format="json")
    assert response.status_code == 400
    assert error_fields(response) == ["name"]


def test_department_unknown_key_on_create_is_400(admin_api):
    response = admin_api.post("/api/data/departments", {"name": "FX", "colour": "#000000"}, format="json")
    assert response.status_code == 400
    assert not Department.objects.filter(name="FX").exists()


def test_delete_department_with_persons_is_400(admin_api, user, modeling):
    PersonDepartment.objects.create(person=user, department=modeling)
    response = admin_api.delete(f"/api/data/departments/{modeling.pk}")
    assert response.status_code == 400
    assert response.json()["error"] is True
    assert Department.objects.filter(pk=modeling.pk).exists()


def test_non_admin_reads_but_cannot_write_departments(user_api, manager_api, modeling):
    for api in (user_api, manager_api):
        response = api.get("/api/data/departments")
        assert response.status_code == 200
        assert [d["name"] for d in response.json()] == ["Modeling"]
        assert api.get(f"/api/data/departments/{modeling.pk}").status_code == 200

        response = api.post("/api/data/departments", {"name": "FX", "color": ""}, format="json")
        assert response.status_code == 403
        assert response.json()["error"] is True
        assert api.put(f"/api/data/departments/{modeling.pk}", {"color": "#000000"},
                       format="json").status_code == 403
        assert api.delete(f"/api/data/departments/{modeling.pk}").status_code == 403
    assert not Department.objects.filter(name="FX").exists()
    assert Department.objects.get(pk=modeling.pk).color == "#FF0000"


def test_anonymous_cannot_list_departments(anon_api, modeling):
    response = anon_api.get("/api/data/departments")
    assert response.status_code == 401
    assert response.json()["error"] is True


# 46. Department links ------------------------------------------------------------------------------

def test_software_licenses_link_list_unlink(admin_api, modeling, animation, blender):
    response = admin_api.get("/api/data/departments/software-licenses")
    assert response.status_code == 200
    assert response.json() == {}

    url = f"/api/data/departments/{modeling.pk}/software-licenses"
    response = admin_api.post(url, {"software_id": str(blender.pk)}, format="json")
    assert response.status_code == 201, response.content
    link = response.json()
    assert link["type"] == "SoftwareDepartmentLink"
    assert link["department_id"] == str(modeling.pk)
    assert link["software_id"] == str(blender.pk)
    assert set(link) == {"id", "type", "created_at", "updated_at", "department_id", "software_id"}

    response = admin_api.post(url, {"software_id": str(blender.pk)}, format="json")
    assert response.status_code == 201
    assert response.json()["id"] == link["id"]
    assert SoftwareDepartmentLink.objects.filter(department=modeling, software=blender).count() == 1

    grouped = admin_api.get("/api/data/departments/software-licenses").json()
    assert list(grouped) == [str(modeling.pk)]
    assert len(grouped[str(modeling.pk)]) == 1
    assert grouped[str(modeling.pk)][0]["id"] == str(blender.pk)
    assert grouped[str(modeling.pk)][0]["type"] == "Software"

    response = admin_api.get(url)
    assert response.status_code == 200
    assert [s["name"] for s in response.json()] == ["Blender"]
    assert admin_api.get(f"/api/data/departments/{animation.pk}/software-licenses").json() == []

    response = admin_api.delete(f"{url}/{blender.pk}")
    assert response.status_code == 204
    assert not SoftwareDepartmentLink.objects.exists()
    assert admin_api.get("/api/data/departments/software-licenses").json() == {}

    response = admin_api.delete(f"{url}/{blender.pk}")
    assert response.status_code == 204


def test_software_license_unknown_sides_are_404(admin_api, modeling, blender):
    response = admin_api.post(f"/api/data/departments/{UNKNOWN_ID}/software-licenses",
                              {"software_id": str(blender.pk)}, format="json")
    assert response.status_code == 404
    assert response.json()["error"] is True

    response = admin_api.post(f"/api/data/departments/{modeling.pk}/software-licenses",
                              {"software_id": UNKNOWN_ID}, format="json")
    assert response.status_code == 404
    assert response.json()["error"] is True
    assert not SoftwareDepartmentLink.objects.exists()

    assert admin_api.get(f"/api/data/departments/{UNKNOWN_ID}/software-licenses").status_code == 404
    assert admin_api.delete(
        f"/api/data/departments/{UNKNOWN_ID}/software-licenses/{blender.pk}"
    ).status_code == 404


def test_software_license_missing_or_bad_software_id_is_400(admin_api, modeling):
    url = f"/api/data/departments/{modeling.pk}/software-licenses"
    response = admin_api.post(url, {"software_id": "nope"}, format="json")
    assert response.status_code == 400
    assert error_fields(response) == ["software_id"]
    response = admin_api.post(url, {"other": 1}, format="json")
    assert response.status_code == 400
    assert error_fields(response) == ["software_id"]


def test_hardware_items_link_list_unlink(admin_api, modeling, animation, tablet):
    response = admin_api.get("/api/data/departments/hardware-items")
    assert response.status_code == 200
    assert response.json() == {}

    url = f"/api/data/departments/{animation.pk}/hardware-items"
    response = admin_api.post(url, {"hardware_item_id": str(tablet.pk)}, format="json")
    assert response.status_code == 201, response.content
    link = response.json()
    assert link["type"] == "HardwareItemDepartmentLink"
    assert link["department_id"] == str(animation.pk)
    assert link["hardware_item_id"] == str(tablet.pk)

    assert admin_api.post(url, {"hardware_item_id": str(tablet.pk)}, format="json").status_code == 201
    assert HardwareItemDepartmentLink.objects.count() == 1

    grouped = admin_api.get("/api/data/departments/hardware-items").json()
    assert list(grouped) == [str(animation.pk)]
    assert [h["name"] for h in grouped[str(animation.pk)]] == ["Tablet"]
    assert grouped[str(animation.pk)][0]["type"] == "HardwareItem"

    assert [h["name"] for h in admin_api.get(url).json()] == ["Tablet"]
    assert admin_api.get(f"/api/data/departments/{modeling.pk}/hardware-items").json() == []

    assert admin_api.delete(f"{url}/{tablet.pk}").status_code == 204
    assert not HardwareItemDepartmentLink.objects.exists()
    assert admin_api.delete(f"{url}/{tablet.pk}").status_code == 204
    assert admin_api.get("/api/data/departments/hardware-items").json() == {}


def test_hardware_item_link_unknown_sides_are_404(admin_api, modeling, tablet):
    response = admin_api.post(f"/api/data/departments/{UNKNOWN_ID}/hardware-items",
                              {"hardware_item_id": str(tablet.pk)}, format="json")
    assert response.status_code == 404
    response = admin_api.post(f"/api/data/departments/{modeling.pk}/hardware-items",
                              {"hardware_item_id": UNKNOWN_ID}, format="json")
    assert response.status_code == 404
    assert response.json()["error"] is True
    assert not HardwareItemDepartmentLink.objects.exists()


def test_delete_department_cascades_links_and_salary_scales(admin_api, modeling, animation, blender, tablet):
    SoftwareDepartmentLink.objects.create(department=modeling, software=blender)
    HardwareItemDepartmentLink.objects.create(department=modeling, hardware_item=tablet)
    assert admin_api.get("/api/data/salary-scales").status_code == 200
    assert SalaryScale.objects.filter(department=modeling).count() == 9

    assert admin_api.delete(f"/api/data/departments/{modeling.pk}").status_code == 204
    assert not SalaryScale.objects.filter(department_id=modeling.pk).exists()
    assert SalaryScale.objects.filter(department=animation).count() == 9
    assert not SoftwareDepartmentLink.objects.exists()
    assert not HardwareItemDepartmentLink.objects.exists()
    assert Software.objects.filter(pk=blender.pk).exists()


def test_non_admin_cannot_touch_department_links(user_api, manager_api, modeling, blender, tablet):
    SoftwareDepartmentLink.objects.create(department=modeling, software=blender)
    HardwareItemDepartmentLink.objects.create(department=modeling, hardware_item=tablet)
    base = f"/api/data/departments/{modeling.pk}"
    for api in (user_api, manager_api):
        calls = [
            api.get("/api/data/departments/software-licenses"),
            api.get("/api/data/departments/hardware-items"),
            api.get(f"{base}/software-licenses"),
            api.get(f"{base}/hardware-items"),
            api.post(f"{base}/software-licenses", {"software_id": str(blender.pk)}, format="json"),
            api.post(f"{base}/hardware-items", {"hardware_item_id": str(tablet.pk)}, format="json"),
            api.delete(f"{base}/software-licenses/{blender.pk}"),
            api.delete(f"{base}/hardware-items/{tablet.pk}"),
        ]
        assert [r.status_code for r in calls] == [403] * len(calls)
        assert all(r.json()["error"] is True for r in calls)
    assert SoftwareDepartmentLink.objects.count() == 1
    assert HardwareItemDepartmentLink.objects.count() == 1


def _grouped_software_queries(api, count: int) -> int:
    first = Software.objects.create(name=f"SoftA{count}", short_name="a", file_extension=".a")
    second = Software.objects.create(name=f"SoftB{count}", short_name="b", file_extension=".b")
    for index in range(count):
        department = Department.objects.create(name=f"Dep {count}-{index}")
        SoftwareDepartmentLink.objects.create(department=department, software=first)
        SoftwareDepartmentLink.objects.create(department=department, software=second)
    with CaptureQueriesContext(connection) as queries:
        response = api.get("/api/data/departments/software-licenses")
    assert response.status_code == 200
    body = response.json()
    assert len(body) == count
    assert {len(software) for software in body.values()} == {2}
    return len(queries)


def test_grouped_software_licenses_query_count_is_constant(admin_api):
    small = _grouped_software_queries(admin_api, 3)
    SoftwareDepartmentLink.objects.all().delete()
    large = _grouped_software_queries(admin_api, 20)
    assert small == large


def test_grouped_hardware_items_query_count_is_constant(admin_api):
    counts = []
    for count in (3, 20):
        item = HardwareItem.objects.create(name=f"Item{count}", short_name="i")
        for index in range(count):
            department = Department.objects.create(name=f"HW {count}-{index}")
            HardwareItemDepartmentLink.objects.create(department=department, hardware_item=item)
        with CaptureQueriesContext(connection) as queries:
            assert admin_api.get("/api/data/departments/hardware-items").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


# 47. Software, hardware items, studios, salary scales, organisations ----------------------------------

def test_software_crud(admin_api):
    body = {"name": "Houdini", "short_name": "hou", "file_extension": ".hip", "version": "20.0",
            "secondary_extensions": [".hipnc"], "monthly_cost": 100}
    response = admin_api.post("/api/data/softwares", body, format="json")
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["type"] == "Software"
    assert created["secondary_extensions"] == [".hipnc"]
    assert created["inventory_amount"] == 0
    software_id = created["id"]

    assert [s["name"] for s in admin_api.get("/api/data/softwares").json()] == ["Houdini"]
    assert admin_api.get(f"/api/data/softwares/{software_id}").json()["file_extension"] == ".hip"
    response = admin_api.put(f"/api/data/softwares/{software_id}", {"inventory_amount": 3}, format="json")
    assert response.status_code == 200
    assert response.json()["inventory_amount"] == 3
    assert admin_api.delete(f"/api/data/softwares/{software_id}").status_code == 204
    assert admin_api.get(f"/api/data/softwares/{software_id}").status_code == 404


@pytest.mark.parametrize("missing", ["name", "short_name", "file_extension"])
def test_software_required_fields(admin_api, missing):
    body = {"name": "Houdini", "short_name": "hou", "file_extension": ".hip"}
    del body[missing]
    response = admin_api.post("/api/data/softwares", body, format="json")
    assert response.status_code == 400
    assert response.json()["error"] is True
    assert error_fields(response) == [missing]
    assert not Software.objects.exists()


def test_software_negative_cost_is_400(admin_api):
    body = {"name": "Houdini", "short_name": "hou", "file_extension": ".hip", "monthly_cost": -1}
    response = admin_api.post("/api/data/softwares", body, format="json")
    assert response.status_code == 400
    assert error_fields(response) == ["monthly_cost"]


# JSON's "\ud800" escape decodes to a lone surrogate, and "\u0000" to NUL: jsonb stores neither, and the
# database's refusal came back as a 400 that named no field.
UNSTORABLE_JSON = ['{"a": "\\ud800"}', '["\\udfff"]', '{"\\ud800": 1}', '"\\u0000"', '{"a": ["x\\u0000"]}']


@pytest.mark.parametrize("raw", UNSTORABLE_JSON)
def test_software_extensions_with_unstorable_text_name_the_field(admin_api, raw):
    body = '{"name": "Maya", "short_name": "ma", "file_extension": "ma", "secondary_extensions": ' + raw + "}"
    response = admin_api.post("/api/data/softwares", body, content_type="application/json")
    assert_field_error(response, "secondary_extensions")
    assert not Software.objects.filter(name="Maya").exists()


def test_software_read_by_anyone_written_by_admin(user_api, blender):
    assert [s["name"] for s in user_api.get("/api/data/softwares").json()] == ["Blender"]
    assert user_api.get(f"/api/data/softwares/{blender.pk}").status_code == 200
    body = {"name": "Houdini", "short_name": "hou", "file_extension": ".hip"}
    assert user_api.post("/api/data/softwares", body, format="json").status_code == 403
    assert user_api.put(f"/api/data/softwares/{blender.pk}", {"version": "4"}, format="json").status_code == 403
    assert user_api.delete(f"/api/data/softwares/{blender.pk}").status_code == 403


def test_studio_crud_and_permissions(admin_api, user_api):
    response = admin_api.post("/api/data/studios", {"name": "Paris", "color": "#ABCDEF"}, format="json")
    assert response.status_code == 201, response.content
    studio_id = response.json()["id"]
    assert response.json()["type"] == "Studio"

    assert [s["name"] for s in user_api.get("/api/data/studios").json()] == ["Paris"]
    assert user_api.get(f"/api/data/studios/{studio_id}").json()["color"] == "#ABCDEF"
    assert user_api.post("/api/data/studios", {"name": "Lyon"}, format="json").status_code == 403
    assert user_api.put(f"/api/data/studios/{studio_id}", {"archived": True}, format="json").status_code == 403
    assert user_api.delete(f"/api/data/studios/{studio_id}").status_code == 403

    response = admin_api.put(f"/api/data/studios/{studio_id}", {"archived": True}, format="json")
    assert response.status_code == 200
    assert response.json()["archived"] is True
    assert admin_api.post("/api/data/studios", {"name": "Paris"}, format="json").status_code == 400
    assert admin_api.delete(f"/api/data/studios/{studio_id}").status_code == 204
    assert not Studio.objects.exists()


def test_hardware_items_admin_only(admin_api, user_api, manager_api, tablet):
    for api in (user_api, manager_api):
        assert api.get("/api/data/hardware-items").status_code == 403
        assert api.get(f"/api/data/hardware-items/{tablet.pk}").status_code == 403
        assert api.post("/api/data/hardware-items", {"name": "Mouse", "short_name": "m"},
                        format="json").status_code == 403
        assert api.put(f"/api/data/hardware-items/{tablet.pk}", {"short_name": "t"},
                       format="json").status_code == 403
        assert api.delete(f"/api/data/hardware-items/{tablet.pk}").status_code == 403

    response = admin_api.post("/api/data/hardware-items", {"name": "Mouse", "short_name": "m"}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["type"] == "HardwareItem"
    item_id = response.json()["id"]
    assert [h["name"] for h in admin_api.get("/api/data/hardware-items").json()] == ["Mouse", "Tablet"]
    response = admin_api.put(f"/api/data/hardware-items/{item_id}", {"monthly_cost": 5}, format="json")
    assert response.json()["monthly_cost"] == 5
    assert admin_api.delete(f"/api/data/hardware-items/{item_id}").status_code == 204
    assert list(HardwareItem.objects.values_list("name", flat=True)) == ["Tablet"]


def test_salary_scales_list_creates_missing_rows(admin_api, modeling, animation):
    response = admin_api.get("/api/data/salary-scales")
    assert response.status_code == 200
    rows = response.json()
    assert len(rows) == 18
    assert {r["type"] for r in rows} == {"SalaryScale"}
    assert {r["salary"] for r in rows} == {0}
    cells = {(r["department_id"], r["position"], r["seniority"]) for r in rows}
    assert len(cells) == 18
    assert {r["position"] for r in rows} == {"supervisor", "lead", "artist"}
    assert {r["seniority"] for r in rows} == {"senior", "mid", "junior"}

    assert len(admin_api.get("/api/data/salary-scales").json()) == 18
    assert SalaryScale.objects.count() == 18
    Department.objects.create(name="Rigging")
    assert len(admin_api.get("/api/data/salary-scales").json()) == 27


def test_salary_scale_create_refused_update_works(admin_api, user_api, modeling):
    response = admin_api.post("/api/data/salary-scales", {"position": "lead", "seniority": "mid", "salary": 3},
                              format="json")
    assert response.status_code == 400
    assert response.json()["message"] == "Salary scales cannot be created"

    admin_api.get("/api/data/salary-scales")
    scale = SalaryScale.objects.get(department=modeling, position="lead", seniority="senior")
    response = admin_api.put(f"/api/data/salary-scales/{scale.pk}", {"salary": 450}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["salary"] == 450
    assert response.json()["department_id"] == str(modeling.pk)
    scale.refresh_from_db()
    assert scale.salary == 450

    assert user_api.get("/api/data/salary-scales").status_code == 403
    assert user_api.put(f"/api/data/salary-scales/{scale.pk}", {"salary": 1}, format="json").status_code == 403


def test_salary_scale_negative_salary_is_400(admin_api, modeling):
    admin_api.get("/api/data/salary-scales")
    scale = SalaryScale.objects.filter(department=modeling).first()
    response = admin_api.put(f"/api/data/salary-scales/{scale.pk}", {"salary": -5}, format="json")
    assert response.status_code == 400
    assert error_fields(response) == ["salary"]


def test_organisation_created_as_kitsu_and_secrets_for_admins_only(admin_api, user_api):
    # The migration creates it; a deleted row is recreated on first read.
    assert list(Organisation.objects.values_list("name", flat=True)) == ["Kitsu"]
    Organisation.objects.all().delete()
    response = user_api.get("/api/data/organisations")
    assert response.status_code == 200
    rows = response.json()
    assert len(rows) == 1
    assert rows[0]["name"] == "Kitsu"
    assert rows[0]["type"] == "Organisation"
    assert "chat_token_slack" not in rows[0]
    assert "chat_webhook_mattermost" not in rows[0]
    assert "chat_token_discord" not in rows[0]
    assert Organisation.objects.count() == 1

    organisation_id = rows[0]["id"]
    response = admin_api.put(f"/api/data/organisations/{organisation_id}",
                             {"chat_token_slack": "xoxb-secret", "hours_by_day": 7.5}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["chat_token_slack"] == "xoxb-secret"
    assert response.json()["hours_by_day"] == 7.5

    admin_rows = admin_api.get("/api/data/organisations").json()
    assert len(admin_rows) == 1
    assert admin_rows[0]["chat_token_slack"] == "xoxb-secret"
    assert admin_rows[0]["chat_token_discord"] == ""

    user_one = user_api.get(f"/api/data/organisations/{organisation_id}").json()
    assert user_one["hours_by_day"] == 7.5
    assert "chat_token_slack" not in user_one

    response = user_api.put(f"/api/data/organisations/{organisation_id}", {"name": "Mine"}, format="json")
    assert response.status_code == 403
    assert Organisation.objects.get().name == "Kitsu"


def test_catalog_routes_reject_malformed_and_unknown_ids(admin_api):
    for collection in ("softwares", "studios", "hardware-items", "salary-scales", "organisations"):
        assert admin_api.get(f"/api/data/{collection}/xyz").status_code == 400
        assert admin_api.get(f"/api/data/{collection}/{uuid.uuid4()}").status_code == 404
