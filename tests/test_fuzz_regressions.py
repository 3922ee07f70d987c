"""500s found by fuzzing the running API with schemathesis (and by hand around what it found): each must now
be a 4xx in Zou's JSON envelope that names the field, and write nothing."""

import io
import struct
import zlib

import pytest
from PIL import Image

from departments.models import Software
from people.models import Person
from tests.conftest import ApiClient


def client_for_token(token: str) -> ApiClient:
    return ApiClient(token=token)


def assert_field_error(response, field: str, status: int = 400):
    assert response.status_code == status, response.content
    body = response.json()
    assert body["error"] is True and body["message"]
    assert body["data"]["errors"][0]["field"] == field


# List filters -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("path, key", [("/api/data/departments", "name"), ("/api/data/persons", "first_name"),
                                       ("/api/data/persons", "id")])
def test_filter_json_list_nested_too_deeply_is_a_400(admin_api, path, key):
    # `?name=[[[[...` went to json.loads, whose RecursionError escaped as a 500.
    response = admin_api.get(path, {key: "[" * 5000})
    assert_field_error(response, key)


# Avatars ----------------------------------------------------------------------------------------------

def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _png_with_bad_idat_checksum() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (10, 10), "red").save(buffer, format="PNG")
    data = bytearray(buffer.getvalue())
    data[data.find(b"IDAT") + 6] ^= 0xFF  # Pillow's verify() raises SyntaxError("broken PNG file")
    return bytes(data)


def _png_without_image_data() -> bytes:
    # A valid header and nothing else: verify() raises IndexError.
    header = struct.pack(">IIBBBBB", 600, 600, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header) + _png_chunk(b"IEND", b"")


@pytest.mark.parametrize("content", [_png_with_bad_idat_checksum(), _png_without_image_data()],
                         ids=["bad-idat-checksum", "no-idat"])
def test_corrupt_png_avatar_is_a_400(admin_api, user, content):
    upload = io.BytesIO(content)
    upload.name = "avatar.png"
    response = admin_api.post(f"/api/pictures/thumbnails/persons/{user.pk}", {"file": upload}, format="multipart")
    assert_field_error(response, "file")
    assert Person.objects.get(pk=user.pk).has_avatar is False


# Bot tokens -------------------------------------------------------------------------------------------

def test_bot_expiring_on_the_last_representable_day(admin_api, bot):
    # The token's expiry was "the day after expiration_date", which overflows for 9999-12-31.
    response = admin_api.post("/api/data/persons", {"first_name": "Render farm", "last_name": "", "is_bot": True,
                                                    "expiration_date": "9999-12-31"}, format="json")
    assert response.status_code == 201, response.content
    token = response.json()["access_token"]
    response = admin_api.put(f"/api/data/persons/{bot.pk}", {"expiration_date": "9999-12-31"}, format="json")
    assert response.status_code == 200, response.content
    assert client_for_token(token).get("/api/auth/authenticated").status_code == 200


# JSON columns -----------------------------------------------------------------------------------------

# JSON's "\ud800" escape decodes to a lone surrogate, and "\u0000" to NUL: jsonb stores neither, and the
# database's refusal came back as a 400 that named no field.
UNSTORABLE_JSON = ['{"a": "\\ud800"}', '["\\udfff"]', '{"\\ud800": 1}', '"\\u0000"', '{"a": ["x\\u0000"]}']


@pytest.mark.parametrize("raw", UNSTORABLE_JSON)
def test_person_data_with_unstorable_text_names_the_field(admin_api, user, raw):
    body = '{"first_name": "Jane", "last_name": "Roe", "data": ' + raw + "}"
    assert_field_error(admin_api.post("/api/data/persons", body, content_type="application/json"), "data")
    assert not Person.objects.filter(first_name="Jane").exists()
    response = admin_api.put(f"/api/data/persons/{user.pk}", '{"data": ' + raw + "}", content_type="application/json")
    assert_field_error(response, "data")


@pytest.mark.parametrize("raw", UNSTORABLE_JSON)
def test_software_extensions_with_unstorable_text_name_the_field(admin_api, raw):
    body = '{"name": "Maya", "short_name": "ma", "file_extension": "ma", "secondary_extensions": ' + raw + "}"
    response = admin_api.post("/api/data/softwares", body, content_type="application/json")
    assert_field_error(response, "secondary_extensions")
    assert not Software.objects.filter(name="Maya").exists()


# Pagination -------------------------------------------------------------------------------------------

def test_limit_past_sql_bigint_names_the_field(admin_api):
    # The database refused LIMIT 10**30 and the answer named no field.
    response = admin_api.get("/api/data/departments", {"page": 1, "limit": 10**30})
    assert_field_error(response, "limit")
    response = admin_api.get("/api/data/departments", {"page": 1, "limit": 2**63 - 1})
    assert response.status_code == 200


# Schema (schemathesis' response_schema_conformance and status_code_conformance) ------------------------

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
