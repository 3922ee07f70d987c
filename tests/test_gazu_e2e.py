"""gazu, the real Kitsu client, driven against a live Roster server: scripts written for Zou work unchanged."""

import datetime as dt
import json

import gazu
import gazu.files
import pytest
from django.utils import timezone
from gazu.exception import AuthFailedException, NotAuthenticatedException, RouteNotFoundException
from PIL import Image

from people.models import AuthToken, Person, TokenKind
from tests.conftest import PASSWORD, make_person

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def gazu_host(live_server):
    host = f"{live_server.url}/api"
    gazu.set_host(host)
    yield host
    gazu.client.default_client.tokens = {"access_token": None, "refresh_token": None}


def test_gazu_session_and_people_workflow(gazu_host, tmp_path):
    make_person(role="admin", email="john.did@gmail.com", first_name="John", last_name="Did")

    assert gazu.client.host_is_valid()
    assert gazu.client.get_api_version()
    with pytest.raises(AuthFailedException):
        gazu.log_in("john.did@gmail.com", "wrong-password")
    session = gazu.log_in("john.did@gmail.com", PASSWORD)
    assert session["login"] is True
    refresh_token = session["refresh_token"]  # gazu keeps (and later mutates) this very dict
    assert gazu.client.get_current_user()["email"] == "john.did@gmail.com"

    assert [p["email"] for p in gazu.person.all_persons()] == ["john.did@gmail.com"]
    [trimmed] = gazu.client.fetch_all("persons", fields=["email"])  # id and type always come along
    assert (set(trimmed), trimmed["email"]) == ({"id", "type", "email"}, "john.did@gmail.com")
    organisation = gazu.person.get_organisation()  # read from auth/authenticated
    assert [o["id"] for o in gazu.person.all_organisations()] == [organisation["id"]]

    modeling = gazu.person.new_department("Modeling", color="#00FF00")
    assert gazu.person.new_department("Modeling")["id"] == modeling["id"]  # looked up, not duplicated
    assert gazu.person.get_department_by_name("Modeling")["id"] == modeling["id"]
    assert gazu.person.get_department_by_name("modeling")["id"] == modeling["id"]
    assert [d["name"] for d in gazu.person.all_departments()] == ["Modeling"]

    person = gazu.person.new_person(
        "John", "Doe", "john.doe@gmail.com", desktop_login="john.doe", departments=[modeling]
    )
    assert person["departments"] == [modeling["id"]]
    assert gazu.person.new_person("John", "Doe", "john.doe@gmail.com")["id"] == person["id"]
    assert gazu.person.get_person_by_email("john.doe@gmail.com")["id"] == person["id"]
    assert gazu.person.get_person_by_desktop_login("john.doe")["id"] == person["id"]
    assert gazu.person.get_person_by_full_name("John Doe")["id"] == person["id"]
    assert gazu.person.get_person_by_email("nobody@gmail.com") is None
    assert gazu.person.get_person(person["id"])["id"] == person["id"]

    # gazu PUTs the whole dict back, computed and read-only keys included.
    fetched = gazu.person.get_person(person["id"], relations=True)
    fetched["phone"] = "+33 6 00 00 00 00"
    updated = gazu.person.update_person(fetched)
    assert updated["phone"] == "+33 6 00 00 00 00"
    assert updated["departments"] == [modeling["id"]]

    animation = gazu.person.new_department("Animation")
    with_animation = gazu.person.add_person_to_department(person, animation)
    assert set(with_animation["departments"]) == {modeling["id"], animation["id"]}
    gazu.person.remove_person_from_department(person, modeling)
    assert gazu.person.get_person(person["id"], relations=True)["departments"] == [animation["id"]]

    avatar = tmp_path / "portrait.jpg"
    Image.new("RGB", (1200, 900), "orange").save(avatar, format="JPEG")
    assert gazu.person.set_avatar(person, str(avatar)) == {
        "thumbnail_path": f"pictures/thumbnails/persons/{person['id']}.png"}
    downloaded = tmp_path / "avatar.png"
    gazu.files.download_person_avatar(person, str(downloaded))
    with Image.open(downloaded) as picture:
        assert (picture.format, picture.size) == ("PNG", (400, 400))
    gazu.person.clear_person_avatar(person)
    assert gazu.person.get_person(person["id"])["has_avatar"] is False
    assert gazu.person.invite_person(person) == {"success": True, "message": "Email sent"}
    Person.objects.filter(pk=person["id"]).update(totp_enabled=True, totp_secret="JBSWY3DPEHPK3PXP")
    assert json.loads(gazu.person.disable_two_factor_authentication(person)) == {"success": True}
    assert not Person.objects.get(pk=person["id"]).totp_enabled

    recolored = gazu.person.update_department({**modeling, "color": "#123456"})
    assert recolored["color"] == "#123456"
    scratch = gazu.person.new_department("Scratch")
    assert gazu.person.remove_department(scratch) == ""
    assert gazu.person.get_department_by_name("Scratch") is None

    assert gazu.person.change_password_for_person(person, "An0ther-long-pass") == {"success": True}
    other = gazu.client.create_client(gazu_host)
    gazu.log_in("john.doe@gmail.com", "An0ther-long-pass", client=other)
    assert gazu.client.get_current_user(client=other)["id"] == person["id"]
    # A non-admin gets the minimal form of everyone.
    minimal = gazu.person.all_persons(client=other)
    assert {"email", "phone"}.isdisjoint(minimal[0])

    bot = gazu.person.new_bot("Render farm", "farm@gmail.com")
    assert bot["is_bot"] is True and bot["access_token"]
    bot_client = gazu.client.create_client(gazu_host, access_token=bot["access_token"])
    assert gazu.client.get_current_user(client=bot_client)["id"] == bot["id"]
    assert gazu.person.get_person_by_email("farm@gmail.com", is_bot=True)["id"] == bot["id"]
    assert gazu.person.get_person_by_email("farm@gmail.com") is None  # people only, by default
    renamed = gazu.person.update_bot({**gazu.person.get_person(bot["id"]), "first_name": "Render farm B"})
    assert (renamed["first_name"], renamed["is_bot"]) == ("Render farm B", True)
    gazu.person.remove_bot(bot)
    with pytest.raises(NotAuthenticatedException):
        gazu.client.get_current_user(client=bot_client)

    assert gazu.person.remove_person(person) == ""
    with pytest.raises(RouteNotFoundException):
        gazu.person.get_department("00000000-0000-4000-8000-000000000000")
    assert gazu.person.get_person_by_email("john.doe@gmail.com") is None

    # An expired access token: gazu sees "Signature has expired", refreshes on its own and retries.
    AuthToken.objects.filter(kind=TokenKind.ACCESS, person__email="john.did@gmail.com").update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    gazu.client.default_client.use_refresh_token = True  # gazu's opt-in to refresh on expiry
    assert gazu.client.get_current_user()["email"] == "john.did@gmail.com"
    # The answer carries no new refresh token (Zou's shape), so gazu keeps the one it had.
    assert gazu.client.default_client.refresh_token == refresh_token

    refreshed = gazu.refresh_access_token()
    assert refreshed["access_token"]
    assert gazu.client.get_current_user()["email"] == "john.did@gmail.com"
    access_token = gazu.client.default_client.access_token
    gazu.log_out()
    assert gazu.client.default_client.tokens == {}
    after_logout = gazu.client.create_client(gazu_host, access_token=access_token)
    with pytest.raises(NotAuthenticatedException):
        gazu.client.get_current_user(client=after_logout)
