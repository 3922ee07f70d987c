"""Bodies come from the body: the query-string fallback is Zou's login quirk and nothing else's."""

import pytest

from people.models import Person
from tests.conftest import PASSWORD


@pytest.mark.django_db
def test_a_query_string_is_not_a_body_for_creating_a_person(admin_api):
    response = admin_api.post("/api/data/persons?first_name=Query&last_name=String")
    assert response.status_code == 400
    assert response.json()["message"] == "Data are empty. Please send a JSON object."
    assert not Person.objects.filter(first_name="Query").exists()


@pytest.mark.django_db
def test_a_query_string_is_not_a_body_for_person_actions(admin_api, user):
    response = admin_api.post(f"/api/actions/persons/{user.pk}/change-password"
                              "?password=An0ther-Str0ng-secret&password_2=An0ther-Str0ng-secret")
    assert response.status_code == 400
    assert not Person.objects.get(pk=user.pk).check_password("An0ther-Str0ng-secret")


@pytest.mark.django_db
def test_login_still_reads_the_query_string(anon_api, user):
    response = anon_api.post(f"/api/auth/login?email={user.email}&password={PASSWORD}")
    assert response.status_code == 200
    assert response.json()["login"] is True

