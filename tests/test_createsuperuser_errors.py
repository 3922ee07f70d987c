"""`createsuperuser --noinput` with an email already in use: one clear line and a failing exit status."""

import pytest
from django.core.management import ManagementUtility, call_command
from django.core.management.base import CommandError

from people.models import Person, Role
from tests.conftest import make_person


@pytest.fixture
def superuser_env(monkeypatch):
    for name, value in {"EMAIL": "Boss@Studio.io", "PASSWORD": "Sup3r-secret-pw", "FIRST_NAME": "Big",
                        "LAST_NAME": "Boss"}.items():
        monkeypatch.setenv(f"DJANGO_SUPERUSER_{name}", value)


def test_createsuperuser_with_a_taken_email_says_so(db, superuser_env):
    make_person(role=Role.USER, email="boss@studio.io")
    with pytest.raises(CommandError, match=r"^Email already in use\.$"):
        call_command("createsuperuser", "--noinput", verbosity=0)
    assert Person.objects.filter(email__iexact="boss@studio.io").count() == 1


def test_createsuperuser_from_the_shell_prints_one_line_and_fails(db, superuser_env, capsys):
    make_person(role=Role.USER, email="boss@studio.io")
    with pytest.raises(SystemExit) as exit_info:
        ManagementUtility(["manage.py", "createsuperuser", "--noinput"]).execute()
    assert exit_info.value.code == 1
    captured = capsys.readouterr()
    assert captured.err == "CommandError: Email already in use.\n"
    assert captured.out == ""
