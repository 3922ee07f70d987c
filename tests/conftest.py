import pytest
from rest_framework.test import APIClient

from people.models import Person, Role
from people.services.persons import person_create
from people.tokens import tokens_issue_login_pair, tokens_rotate_api_token

PASSWORD = "mypassword-Str0ng"


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def make_person(*, role=Role.USER, email=None, password=PASSWORD, **fields) -> Person:
    data = {"first_name": fields.pop("first_name", "John"), "last_name": fields.pop("last_name", role.title()),
            "email": email, "role": role, "password": password, **fields}
    return person_create(acting_user=None, data=data).person


class ApiClient(APIClient):
    """A DRF test client signed in as one person with a real bearer token."""

    def __init__(self, person: Person | None = None, token: str | None = None):
        super().__init__()
        self.person = person
        if token:
            self.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")


def client_for(person: Person | None) -> ApiClient:
    if person is None:
        return ApiClient()
    token = tokens_rotate_api_token(person=person) if person.is_bot else (
        tokens_issue_login_pair(person=person).access_token
    )
    return ApiClient(person, token)


@pytest.fixture
def admin(db):
    return make_person(role=Role.ADMIN, email="john.did@gmail.com", first_name="John", last_name="Did")


@pytest.fixture
def manager(db):
    return make_person(role=Role.MANAGER, email="john.did2@gmail.com", first_name="John", last_name="Did2")


@pytest.fixture
def user(db):
    return make_person(role=Role.USER, email="john.doe@gmail.com", first_name="John", last_name="Doe",
                       desktop_login="john.doe")


@pytest.fixture
def supervisor(db):
    return make_person(role=Role.SUPERVISOR, email="john.did6@gmail.com", first_name="John", last_name="Did6")


@pytest.fixture
def client_person(db):
    return make_person(role=Role.CLIENT, email="john.did4@gmail.com", first_name="John", last_name="Did4")


@pytest.fixture
def vendor(db):
    return make_person(role=Role.VENDOR, email="john.did5@gmail.com", first_name="John", last_name="Did5")


@pytest.fixture
def bot(db):
    return make_person(role=Role.USER, email="bot@gmail.com", first_name="Bot", last_name="", is_bot=True,
                       password=None)


@pytest.fixture
def admin_api(admin):
    return client_for(admin)


@pytest.fixture
def user_api(user):
    return client_for(user)


@pytest.fixture
def manager_api(manager):
    return client_for(manager)


@pytest.fixture
def anon_api():
    return ApiClient()
