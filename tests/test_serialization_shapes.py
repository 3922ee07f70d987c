"""The fast output path of ZouModelSerializer gives exactly what DRF's generic walk gives."""

import datetime as dt

import pytest
from rest_framework import serializers

from departments.api.serializers import DepartmentSerializer, SoftwareSerializer
from departments.models import Department, Software
from people.api.serializers import DesktopLoginLogSerializer, PersonMinimalSerializer, PersonSafeSerializer
from people.models import DesktopLoginLog


def drf_generic(serializer) -> dict:
    return serializers.Serializer.to_representation(serializer, serializer.instance)


@pytest.mark.django_db
def test_fast_representation_matches_drf(user):
    department = Department.objects.create(name="Layout", color="#ABCDEF")
    user.departments.add(department)
    user.country = "FR"
    user.expiration_date = dt.date(2031, 1, 2)
    user.data = {"nested": [1, 2]}
    user.save()
    software = Software.objects.create(name="Nuke", short_name="nk", file_extension="nk",
                                       secondary_extensions=["nknc"], version=None)
    log = DesktopLoginLog.objects.create(person=user, date=dt.datetime(2024, 6, 4, 10, 0, 5, 123, tzinfo=dt.UTC))
    cases = [
        PersonSafeSerializer(user, context={"relations": True}),
        PersonMinimalSerializer(user, context={"relations": True}),
        DepartmentSerializer(department),
        SoftwareSerializer(software),
        DesktopLoginLogSerializer(log),
    ]
    for serializer in cases:
        assert dict(serializer.data) == dict(drf_generic(serializer)), type(serializer).__name__
    assert DesktopLoginLogSerializer(log).data["date"] == "2024-06-04T10:00:05"
    assert PersonSafeSerializer(user, context={"relations": True}).data["expiration_date"] == "2031-01-02"
