"""Free-form JSON is bounded: 32 levels and 64 KB, checked without recursion, a 400 naming the field."""

import json

import pytest

from config.serializers import MAX_JSON_BYTES, MAX_JSON_DEPTH, json_value_problem
from people.models import Person
from people.services.persons import person_update


def nested(levels: int):
    value = []
    for _ in range(levels - 1):
        value = [value]
    return value


def test_depth_and_size_limits():
    assert json_value_problem(nested(MAX_JSON_DEPTH)) is None
    assert json_value_problem(nested(MAX_JSON_DEPTH + 1)) == "Nested deeper than 32 levels."
    assert json_value_problem({"a": {"b": nested(MAX_JSON_DEPTH - 1)}}) == "Nested deeper than 32 levels."
    assert json_value_problem(nested(5000)) == "Nested deeper than 32 levels."  # no RecursionError
    assert json_value_problem({"k": "x" * (MAX_JSON_BYTES - 20)}) is None
    assert json_value_problem({"k": "x" * MAX_JSON_BYTES}) == "Larger than 64 KB once serialized."
    assert json_value_problem({"k\x00": 1}) == json_value_problem(["\ud800"]) is not None


@pytest.mark.django_db
@pytest.mark.parametrize("levels", [33, 316])
def test_deep_data_is_a_400_naming_data(user, user_api, levels):
    body = '{"data": ' + "[" * levels + "]" * levels + "}"
    response = user_api.put(f"/api/data/persons/{user.pk}", body, content_type="application/json")
    assert response.status_code == 400
    assert [error["field"] for error in response.json()["data"]["errors"]] == ["data"]
    assert Person.objects.get(pk=user.pk).data is None


@pytest.mark.django_db
def test_json_too_deep_for_the_parser_is_a_400(user, user_api):
    body = '{"data": ' + "[" * 5000 + "]" * 5000 + "}"
    response = user_api.put(f"/api/data/persons/{user.pk}", body, content_type="application/json")
    assert response.status_code == 400 and response.json()["error"] is True


@pytest.mark.django_db
def test_megabytes_of_data_are_a_400_naming_data(user, user_api):
    response = user_api.put(f"/api/data/persons/{user.pk}", {"data": {"blob": "x" * (1024 * 1024)}},
                            format="json")
    assert response.status_code == 400
    assert response.json()["message"] == "data: Larger than 64 KB once serialized."
    # Past the upload limit (10 MB) Django refuses the body itself, still a 400.
    too_big = user_api.put(f"/api/data/persons/{user.pk}", {"data": {"blob": "x" * (11 * 1024 * 1024)}},
                           format="json")
    assert too_big.status_code == 400


@pytest.mark.django_db
def test_data_within_bounds_is_stored(user, user_api):
    data = {"notes": "ok", "nested": nested(10)}
    response = user_api.put(f"/api/data/persons/{user.pk}", {"data": data}, format="json")
    assert response.status_code == 200 and response.json()["data"] == data


@pytest.mark.django_db
def test_the_service_bounds_data_for_every_writer(admin, user):
    from config.errors import ApplicationError

    with pytest.raises(ApplicationError) as refused:
        person_update(acting_user=admin, person=user, data={"data": nested(40)})
    assert refused.value.data == {"errors": [{"field": "data", "message": "Nested deeper than 32 levels."}]}
    assert json.dumps(Person.objects.get(pk=user.pk).data) == "null"
