"""The fast person rows (config.rows + orjson) write the very bytes of the DRF serializers and renderer."""

import datetime as dt

import pytest
from django.utils import timezone
from rest_framework.renderers import JSONRenderer

from config.renderers import FastJSONRenderer
from departments.models import Department, Studio
from people import selectors
from people.api import serializers as s
from people.api.person_rows import person_row, person_row_plan, person_rows
from people.models import Person
from people.selectors import PersonView
from tests.conftest import client_for, make_person

SERIALIZERS = {PersonView.SAFE: s.PersonSafeSerializer, PersonView.MINIMAL: s.PersonMinimalSerializer}
ODD_DATA = {"float": 1e16, "small": 1e-7, "tenth": 0.1, "big": 2**70, "nested": [{"é": "\u2028"}, None, True],
            "text": "tab\tquote\"slash\\ctrl\x01"}


@pytest.fixture
def odd_persons(db):
    studio = Studio.objects.create(name="Paris", color="#0000FF")
    lighting = Department.objects.create(name="Lighting", color="#FFAA00")
    modeling = Department.objects.create(name="Modeling", color="#00FF00")
    boss = make_person(role="admin", email="boss@example.com", first_name="  Zoé ", last_name="Ünïcode 😀")
    odd = make_person(email="odd@example.com", first_name="Line\u2028Sep", last_name="", data=ODD_DATA,
                      studio_id=studio.pk, manager_id=boss.pk, last_presence=dt.date(2024, 2, 29),
                      expiration_date=timezone.localdate() + dt.timedelta(days=3), desktop_login="odd")
    plain = make_person(email=None, first_name="Plain", last_name="Person", data=None)
    odd.departments.add(modeling)
    odd.departments.add(lighting)
    plain.departments.add(lighting)
    # Timestamps with microseconds and an hour past midnight UTC in another zone.
    Person.objects.filter(pk=odd.pk).update(created_at=dt.datetime(2024, 6, 4, 23, 59, 59, 999999, tzinfo=dt.UTC))
    return [boss, odd, plain]


def drf_bytes(queryset, view, relations, many=True):
    if many:
        instances = selectors.person_attach_relation_ids(queryset) if relations else list(queryset)
    else:
        instances = queryset
    data = SERIALIZERS[view](instances, many=many, context={"relations": relations}).data
    return JSONRenderer().render(data)


@pytest.mark.parametrize("view", list(PersonView))
@pytest.mark.parametrize("relations", [True, False])
def test_rows_write_drf_bytes(odd_persons, view, relations):
    queryset = Person.objects.order_by("first_name", "last_name", "id")
    fast = FastJSONRenderer().render(person_rows(queryset, view=view, relations=relations))
    assert fast == drf_bytes(queryset, view, relations)


@pytest.mark.parametrize("view", list(PersonView))
@pytest.mark.parametrize("relations", [True, False])
def test_one_row_writes_drf_bytes(odd_persons, view, relations):
    for person in Person.objects.all():
        fast = FastJSONRenderer().render(person_row(person, view=view, relations=relations))
        assert fast == drf_bytes(person, view, relations, many=False)


def test_sql_and_python_plans_agree(odd_persons):
    queryset = Person.objects.order_by("id")
    for view in PersonView:
        in_sql = person_row_plan(view, relations=False, in_sql=True)
        in_python = person_row_plan(view, relations=False, in_sql=False)
        rows_sql = [in_sql.build(row) for row in in_sql.fetch(queryset)]
        rows_python = [in_python.build(in_python.row_of(person)) for person in queryset]
        assert FastJSONRenderer().render(rows_sql) == FastJSONRenderer().render(rows_python)


def test_an_empty_page_reads_nothing(odd_persons):
    assert person_rows(Person.objects.none(), view=PersonView.SAFE, relations=True) == []
    assert person_rows(Person.objects.none(), view=PersonView.MINIMAL, relations=False) == []


def test_the_routes_answer_drf_bytes(odd_persons, admin):
    api = client_for(admin)
    queryset = Person.objects.order_by("first_name", "last_name", "id")
    assert api.get("/api/data/persons?relations=true").content == drf_bytes(queryset, PersonView.SAFE, True)
    odd = Person.objects.get(pk=odd_persons[1].pk)
    assert api.get(f"/api/data/persons/{odd.pk}").content == drf_bytes(odd, PersonView.SAFE, True, many=False)
    user_api = client_for(odd_persons[2])
    assert user_api.get("/api/data/persons").content == drf_bytes(queryset, PersonView.MINIMAL, False)


def test_pretty_json_asked_for_is_served(odd_persons, admin):
    response = client_for(admin).get("/api/data/persons", HTTP_ACCEPT="application/json; indent=2")
    assert response.content.startswith(b"[\n  {")


def test_what_orjson_refuses_goes_through_drf():
    from config.rows import RenderedJSON

    data = {"huge": 2**70, "pre": RenderedJSON('{"x":1e+16}'), "sep": "\u2028"}
    expected = JSONRenderer().render({"huge": 2**70, "pre": {"x": 1e16}, "sep": "\u2028"})
    assert FastJSONRenderer().render(data) == expected


def test_a_put_reads_the_person_row_once(odd_persons, admin):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    odd = odd_persons[1]
    with CaptureQueriesContext(connection) as captured:
        response = client_for(admin).put(f"/api/data/persons/{odd.pk}", {"phone": "+33 1 00"}, format="json")
    assert response.status_code == 200
    reads = [q["sql"] for q in captured if q["sql"].startswith("SELECT") and 'FROM "people_person"' in q["sql"]
             and '"people_person"."id" = ' in q["sql"] and '"people_person"."first_name"' in q["sql"]]
    assert len(reads) == 1 and "FOR UPDATE" in reads[0], reads


def test_sign_in_answers_carry_the_serializer_form(odd_persons):
    """Login and /auth/authenticated build the user from a row too: the same dict, JSON columns included."""
    odd = Person.objects.get(pk=odd_persons[1].pk)
    expected = dict(s.PersonSafeSerializer(odd, context={"relations": True}).data)
    response = client_for(odd).get("/api/auth/authenticated")
    user = response.json()["user"]
    assert user.pop("fido_devices") == []
    assert user == expected
    assert b'"small":1e-07' in response.content  # the stdlib's spelling, as DRF's renderer writes it


def test_a_page_with_relations_writes_drf_bytes(odd_persons, admin):
    import json

    ordered = Person.objects.order_by("-updated_at", "-created_at", "id")
    for page in (1, 2):
        response = client_for(admin).get(f"/api/data/persons?page={page}&limit=2&relations=true")
        window = ordered[(page - 1) * 2:page * 2]
        assert response.json()["data"] == json.loads(drf_bytes(window, PersonView.SAFE, True))
        assert response.json()["total"] == 4


def test_a_person_deleted_between_the_two_reads_of_a_page_is_left_out(odd_persons, monkeypatch):
    from people.api import person_rows as module

    queryset = Person.objects.order_by("-updated_at", "-created_at", "id")[0:3]
    ids = list(queryset.values_list("pk", flat=True))
    real_sql = module._page_rows_sql(PersonView.SAFE)
    # The rows statement runs after the ids were read: make it miss the second person, as a delete would.
    monkeypatch.setattr(module, "_page_rows_sql",
                        lambda view: real_sql.replace('= ANY(%s)', f"= ANY(%s) AND \"people_person\".\"id\" <> '{ids[1]}'"))
    rows = person_rows(queryset, view=PersonView.SAFE, relations=True)
    assert [row["id"] for row in rows] == [str(ids[0]), str(ids[2])]
