import pytest

from config.errors import ApplicationError
from tests.factories import AdminFactory, PersonFactory


def refused_field(excinfo: pytest.ExceptionInfo[ApplicationError]) -> str:
    """The field a field_error names."""
    return excinfo.value.data["errors"][0]["field"]


@pytest.fixture
def hr(db):
    return AdminFactory(first_name="Hilda")


@pytest.fixture
def artist(db):
    return PersonFactory(first_name="Arturo", desktop_login="arturo")
