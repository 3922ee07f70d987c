"""Person actions and sub-resources: departments, password, avatar, desktop logins (zou-api.md 5, 5.1, 5.2;
checklist 26, 28, 35, 37, 39)."""

import io
import struct
import uuid
import zlib

import pytest
from PIL import Image

from departments.models import Department
from people.models import Person
from tests.conftest import PASSWORD, assert_field_error, client_for
from tests.factories import AdminFactory

NEW_PASSWORD = "An0ther-Str0ng-pass"


def actions_url(person_or_id, suffix: str) -> str:
    return f"/api/actions/persons/{getattr(person_or_id, 'pk', person_or_id)}/{suffix}"


def avatar_upload_url(person_or_id) -> str:
    return f"/api/pictures/thumbnails/persons/{getattr(person_or_id, 'pk', person_or_id)}"


def logs_url(person_or_id) -> str:
    return f"/api/data/persons/{getattr(person_or_id, 'pk', person_or_id)}/desktop-login-logs"


def login(email: str, password: str):
    return client_for(None).post("/api/auth/login", {"email": email, "password": password}, format="json")


def image_file(fmt: str, name: str, size=(800, 600)) -> io.BytesIO:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format=fmt)
    buffer.seek(0)
    buffer.name = name
    return buffer


def download(api, person) -> bytes:
    response = api.get(f"{avatar_upload_url(person)}.png")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    return b"".join(response.streaming_content)


@pytest.fixture
def departments(db):
    return [Department.objects.create(name="Modeling", color="#FF0000"),
            Department.objects.create(name="Animation", color="#00FF00")]


# 28. Departments ---------------------------------------------------------------------------------------


def test_add_and_remove_department(user, admin_api, departments):
    modeling = departments[0]
    response = admin_api.post(actions_url(user, "departments/add"), {"department_id": str(modeling.pk)},
                              format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["id"] == str(user.pk)
    assert data["type"] == "Person"
    assert data["email"] == "john.doe@gmail.com"
    assert data["departments"] == [str(modeling.pk)]
    assert not set(data) & Person.SENSITIVE_FIELDS

    # Adding twice keeps one membership.
    response = admin_api.post(actions_url(user, "departments/add/"), {"department_id": str(modeling.pk)},
                              format="json")
    assert response.status_code == 201
    assert response.json()["departments"] == [str(modeling.pk)]

    response = admin_api.delete(actions_url(user, f"departments/{modeling.pk}"))
    assert response.status_code == 204
    assert response.content == b""
    assert admin_api.get(f"/api/data/persons/{user.pk}").json()["departments"] == []
    # Removing a membership that is gone is not an error.
    assert admin_api.delete(actions_url(user, f"departments/{modeling.pk}/")).status_code == 204


def test_department_errors(user, admin_api, departments):
    for department_id in (str(uuid.uuid4()),):
        response = admin_api.post(actions_url(user, "departments/add"), {"department_id": department_id},
                                  format="json")
        assert response.status_code == 400
        assert response.json()["message"] == "Department ID matches no department"
        response = admin_api.delete(actions_url(user, f"departments/{department_id}"))
        assert response.status_code == 400
    for body in ({}, {"department_id": "nope"}, {"department_id": 12}, {"department_id": None}, [1]):
        response = admin_api.post(actions_url(user, "departments/add"), body, format="json")
        assert response.status_code == 400, body
    assert admin_api.delete(actions_url(user, "departments/nope")).status_code == 400

    for person_id in (uuid.uuid4(), "nope"):
        response = admin_api.post(actions_url(person_id, "departments/add"),
                                  {"department_id": str(departments[0].pk)}, format="json")
        assert response.status_code == 404
        response = admin_api.delete(actions_url(person_id, f"departments/{departments[0].pk}"))
        assert response.status_code == 404
    assert not user.departments.exists()


def test_department_actions_are_admin_only(user, manager, departments):
    for api in (client_for(manager), client_for(user)):
        response = api.post(actions_url(user, "departments/add"), {"department_id": str(departments[0].pk)},
                            format="json")
        assert response.status_code == 403
        assert api.delete(actions_url(user, f"departments/{departments[0].pk}")).status_code == 403
    assert not user.departments.exists()


# 35. Change password --------------------------------------------------------------------------------------


def test_admin_changes_a_person_password(user, admin_api, user_api):
    response = admin_api.post(actions_url(user, "change-password"),
                              {"password": NEW_PASSWORD, "password_2": NEW_PASSWORD}, format="json")
    assert response.status_code == 200, response.content
    assert response.json() == {"success": True}
    assert login("john.doe@gmail.com", NEW_PASSWORD).status_code == 200
    assert login("john.doe@gmail.com", PASSWORD).status_code == 400
    # The person's open sessions end with the old secret.
    assert user_api.get("/api/data/persons").status_code == 401


def test_admin_sets_password_of_admin_without_one(admin, admin_api):
    newcomer = AdminFactory(email="new.admin@example.com", password=None)
    response = admin_api.post(actions_url(newcomer, "change-password/"),
                              {"password": NEW_PASSWORD, "password_2": NEW_PASSWORD}, format="json")
    assert response.status_code == 200, response.content
    assert response.json() == {"success": True}
    assert login("new.admin@example.com", NEW_PASSWORD).status_code == 200


def test_admin_cannot_change_another_admin_password(admin, admin_api):
    other = AdminFactory(email="other.admin@example.com")
    response = admin_api.post(actions_url(other, "change-password"),
                              {"password": NEW_PASSWORD, "password_2": NEW_PASSWORD}, format="json")
    assert response.status_code == 400
    assert response.json()["message"] == "An admin can't change another admin's password."
    assert login("other.admin@example.com", PASSWORD).status_code == 200


@pytest.mark.parametrize(("body", "message"), [
    ({"password": NEW_PASSWORD, "password_2": NEW_PASSWORD + "x"}, None),
    ({"password": "short", "password_2": "short"}, "Password is too short."),
    ({"password": NEW_PASSWORD}, None),
    ({}, None),
    ({"password": [NEW_PASSWORD], "password_2": [NEW_PASSWORD]}, None),
    ({"password": None, "password_2": None}, None),
])
def test_change_password_bad_bodies(user, admin_api, body, message):
    response = admin_api.post(actions_url(user, "change-password"), body, format="json")
    assert response.status_code == 400
    assert response.json()["error"] is True
    if message:
        assert response.json()["message"] == message
    assert login("john.doe@gmail.com", PASSWORD).status_code == 200


def test_change_password_of_inactive_person(user, admin_api):
    admin_api.put(f"/api/data/persons/{user.pk}", {"active": False}, format="json")
    response = admin_api.post(actions_url(user, "change-password"),
                              {"password": NEW_PASSWORD, "password_2": NEW_PASSWORD}, format="json")
    assert response.status_code == 400
    assert response.json()["message"] == "User is unactive."


def test_change_password_permissions(user, manager, bot, admin_api):
    body = {"password": NEW_PASSWORD, "password_2": NEW_PASSWORD}
    assert admin_api.post(actions_url(bot, "change-password"), body, format="json").status_code == 403
    for caller in (manager, user):
        response = client_for(caller).post(actions_url(user, "change-password"), body, format="json")
        assert response.status_code == 403
    for person_id in (uuid.uuid4(), "nope"):
        assert admin_api.post(actions_url(person_id, "change-password"), body, format="json").status_code == 404
    assert login("john.doe@gmail.com", PASSWORD).status_code == 200


# 39. Avatar upload ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("fmt", "name"), [("PNG", "me.png"), ("JPEG", "me.jpg"), ("WEBP", "me.webp")])
def test_avatar_upload_and_download(user, admin_api, fmt, name):
    response = admin_api.post(avatar_upload_url(user), {"file": image_file(fmt, name)}, format="multipart")
    assert response.status_code == 201, response.content
    assert response.json() == {"thumbnail_path": f"pictures/thumbnails/persons/{user.pk}.png"}
    assert Person.objects.get(pk=user.pk).has_avatar is True
    with Image.open(io.BytesIO(download(admin_api, user))) as picture:
        assert picture.format == "PNG"
        assert picture.size == (400, 400)
    # Every role may download it.
    assert len(download(client_for(user), user)) > 0


def test_avatar_upload_without_file(user, admin_api):
    response = admin_api.post(avatar_upload_url(user), {}, format="multipart")
    assert response.status_code == 400
    assert response.json()["message"] == "File not provided."
    response = admin_api.post(avatar_upload_url(user), {"other": image_file("PNG", "me.png")}, format="multipart")
    assert response.status_code == 400
    assert Person.objects.get(pk=user.pk).has_avatar is False
    assert admin_api.get(f"{avatar_upload_url(user)}.png").status_code == 404


def test_avatar_upload_rejects_other_files(user, admin_api):
    gif = image_file("GIF", "me.gif")
    fake = io.BytesIO(b"this is plain text, not a picture")
    fake.name = "me.png"
    truncated = io.BytesIO(image_file("PNG", "x.png").getvalue()[:100])
    truncated.name = "me.png"
    for upload in (gif, fake, truncated):
        response = admin_api.post(avatar_upload_url(user), {"file": upload}, format="multipart")
        assert response.status_code == 400, response.content
        assert response.json()["data"]["errors"][0]["field"] == "file"
    response = admin_api.post(avatar_upload_url(user), {"file": "not a file"}, format="multipart")
    assert response.status_code == 400
    response = admin_api.post(avatar_upload_url(user), {"file": "x"}, format="json")
    assert response.status_code == 400
    assert Person.objects.get(pk=user.pk).has_avatar is False


def test_avatar_upload_permissions(user, manager, admin, user_api):
    response = user_api.post(avatar_upload_url(user), {"file": image_file("PNG", "me.png")}, format="multipart")
    assert response.status_code == 201
    for target, api in ((admin, user_api), (user, client_for(manager))):
        response = api.post(avatar_upload_url(target), {"file": image_file("PNG", "me.png")},
                            format="multipart")
        assert response.status_code == 403
    assert Person.objects.get(pk=admin.pk).has_avatar is False
    for person_id in (uuid.uuid4(), "nope"):
        response = user_api.post(avatar_upload_url(person_id), {"file": image_file("PNG", "me.png")},
                                 format="multipart")
        assert response.status_code == 404
        assert user_api.get(f"{avatar_upload_url(person_id)}.png").status_code == 404


def test_avatar_replaced_by_new_upload(user, admin_api):
    admin_api.post(avatar_upload_url(user), {"file": image_file("PNG", "a.png")}, format="multipart")
    blue = io.BytesIO()
    Image.new("RGB", (100, 300), (0, 0, 255)).save(blue, format="PNG")
    blue.seek(0)
    blue.name = "b.png"
    response = admin_api.post(f"{avatar_upload_url(user)}/", {"file": blue}, format="multipart")
    assert response.status_code == 201
    with Image.open(io.BytesIO(download(admin_api, user))) as picture:
        assert picture.size == (400, 400)
        assert picture.convert("RGB").getpixel((200, 200)) == (0, 0, 255)


def test_avatar_too_many_pixels_is_refused_before_decoding(admin_api, user):
    buffer = io.BytesIO()
    Image.new("1", (8000, 6000)).save(buffer, format="PNG")  # 48 Mpx, a few KB compressed
    buffer.seek(0)
    buffer.name = "huge.png"
    response = admin_api.post(f"/api/pictures/thumbnails/persons/{user.pk}", {"file": buffer}, format="multipart")
    assert_field_error(response, "file")
    assert response.json()["message"] == "The image is too large (at most 16 megapixels)."
    user.refresh_from_db()
    assert user.has_avatar is False


def test_phone_camera_mpo_jpeg_is_accepted(admin_api, user):
    buffer = io.BytesIO()
    frames = [Image.new("RGB", (640, 480), "blue"), Image.new("RGB", (640, 480), "green")]
    frames[0].save(buffer, format="MPO", save_all=True, append_images=frames[1:])
    buffer.seek(0)
    buffer.name = "IMG_0001.jpg"
    assert Image.open(io.BytesIO(buffer.getvalue())).format == "MPO"
    response = admin_api.post(f"/api/pictures/thumbnails/persons/{user.pk}", {"file": buffer}, format="multipart")
    assert response.status_code == 201, response.content


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


# 37. Clear avatar ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/api/actions/persons/{id}/clear-avatar", "/api/data/persons/{id}/avatar",
                                  "/api/data/persons/{id}/avatar/"])
def test_clear_avatar(user, admin_api, path):
    admin_api.post(avatar_upload_url(user), {"file": image_file("PNG", "me.png")}, format="multipart")
    assert Person.objects.get(pk=user.pk).has_avatar is True
    response = admin_api.delete(path.format(id=user.pk))
    assert response.status_code == 204
    assert response.content == b""
    assert admin_api.get(f"/api/data/persons/{user.pk}").json()["has_avatar"] is False
    assert admin_api.get(f"{avatar_upload_url(user)}.png").status_code == 404


def test_clear_avatar_permissions(user, manager, admin_api):
    admin_api.post(avatar_upload_url(user), {"file": image_file("PNG", "me.png")}, format="multipart")
    assert client_for(manager).delete(actions_url(user, "clear-avatar")).status_code == 403
    assert Person.objects.get(pk=user.pk).has_avatar is True
    assert admin_api.delete(actions_url(uuid.uuid4(), "clear-avatar")).status_code == 404
    assert admin_api.delete(actions_url("nope", "clear-avatar")).status_code == 404


# 26. Desktop login logs ------------------------------------------------------------------------------------


def test_desktop_login_logs(user, admin_api):
    assert admin_api.get(logs_url(user)).json() == []
    assert Person.objects.get(pk=user.pk).last_presence is None
    first = admin_api.post(logs_url(user), {"date": "2024-06-04T10:00:00"}, format="json")
    assert first.status_code == 201, first.content
    assert first.json()["type"] == "DesktopLoginLog"
    assert first.json()["person_id"] == str(user.pk)
    assert first.json()["date"] == "2024-06-04T10:00:00"
    second = admin_api.post(f"{logs_url(user)}/", {"date": "2024-06-05"}, format="json")
    assert second.status_code == 201

    rows = admin_api.get(f"{logs_url(user)}/").json()
    assert [(row["id"], row["person_id"], row["date"]) for row in rows] == [
        (second.json()["id"], str(user.pk), "2024-06-05T00:00:00"),
        (first.json()["id"], str(user.pk), "2024-06-04T10:00:00"),
    ]
    assert admin_api.get(f"/api/data/persons/{user.pk}").json()["last_presence"] == "2024-06-05"

    # An older login does not move last_presence back.
    admin_api.post(logs_url(user), {"date": "2024-01-01T08:00:00"}, format="json")
    assert Person.objects.get(pk=user.pk).last_presence.isoformat() == "2024-06-05"
    assert len(admin_api.get(logs_url(user)).json()) == 3


def test_desktop_login_log_defaults_to_now(user, user_api):
    response = user_api.post(logs_url(user), {}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["date"] == response.json()["created_at"]
    assert Person.objects.get(pk=user.pk).last_presence is not None


@pytest.mark.parametrize("date", ["2024-06-04T10:00:00.123456", "yesterday", "2024-13-01", "2024-06-04T25:00:00",
                                  12, ["2024-06-04"], {"d": 1}])
def test_desktop_login_log_bad_dates(user, admin_api, date):
    response = admin_api.post(logs_url(user), {"date": date}, format="json")
    assert response.status_code == 400
    assert response.json()["data"]["errors"][0]["field"] == "date"
    assert admin_api.get(logs_url(user)).json() == []


def test_desktop_login_log_permissions(user, manager, supervisor, admin_api, user_api):
    assert user_api.get(logs_url(user)).status_code == 200
    assert user_api.post(logs_url(user), {"date": "2024-06-04"}, format="json").status_code == 201
    assert user_api.get(logs_url(manager)).status_code == 403
    assert user_api.post(logs_url(manager), {"date": "2024-06-04"}, format="json").status_code == 403
    manager_api = client_for(manager)
    assert len(manager_api.get(logs_url(user)).json()) == 1
    assert manager_api.post(logs_url(user), {"date": "2024-06-04"}, format="json").status_code == 403
    assert client_for(supervisor).get(logs_url(user)).status_code == 403
    for person_id in (uuid.uuid4(), "nope"):
        assert admin_api.get(logs_url(person_id)).status_code == 404
        assert admin_api.post(logs_url(person_id), {"date": "2024-06-04"}, format="json").status_code == 404


def test_my_desktop_login_logs(user, admin, user_api):
    url = "/api/data/user/desktop-login-logs"
    assert user_api.get(url).json() == []
    first = user_api.post(url, {"date": "2024-06-04T10:00:00"}, format="json")
    assert first.status_code == 201, first.content
    second = user_api.post(f"{url}/", {"date": "2024-06-05T09:30:00"}, format="json")
    assert second.status_code == 201
    rows = user_api.get(f"{url}/").json()
    assert [(row["id"], row["person_id"], row["date"]) for row in rows] == [
        (second.json()["id"], str(user.pk), "2024-06-05T09:30:00"),
        (first.json()["id"], str(user.pk), "2024-06-04T10:00:00"),
    ]
    assert client_for(admin).get(url).json() == []
    assert Person.objects.get(pk=user.pk).last_presence.isoformat() == "2024-06-05"


def test_my_desktop_login_log_accepts_gazu_isoformat(user, user_api):
    # gazu.user.log_desktop_session_log_in sends datetime.now().isoformat(), microseconds included.
    response = user_api.post("/api/data/user/desktop-login-logs", {"date": "2024-06-04T10:00:00.123456"},
                             format="json")
    assert response.status_code == 201, response.content
    assert response.json()["date"] == "2024-06-04T10:00:00"
    response = user_api.post("/api/data/user/desktop-login-logs", {"date": "not a date"}, format="json")
    assert response.status_code == 400


def test_action_routes_need_authentication(user, anon_api, departments):
    assert anon_api.get(logs_url(user)).status_code == 401
    assert anon_api.get("/api/data/user/desktop-login-logs").status_code == 401
    assert anon_api.post(actions_url(user, "departments/add"), {"department_id": str(departments[0].pk)},
                         format="json").status_code == 401
    assert anon_api.post(actions_url(user, "change-password"), {}, format="json").status_code == 401
    assert anon_api.delete(actions_url(user, "clear-avatar")).status_code == 401
    response = anon_api.post(avatar_upload_url(user), {"file": image_file("PNG", "me.png")}, format="multipart")
    assert response.status_code == 401

