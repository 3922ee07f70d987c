"""`GET /api/`: the API's name and version, which gazu's `host_is_valid` and `get_api_version` read."""

from django.conf import settings
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from config.permissions import PUBLIC


class ApiRootView(APIView):
    authentication_classes: list = []
    required_permissions = {"get": PUBLIC}

    @extend_schema(summary="API name and version",
                   responses={200: inline_serializer("ApiVersion", {
                       "api": serializers.CharField(), "version": serializers.CharField()})},
                   auth=[])
    def get(self, request):
        return Response({"api": "Roster", "version": settings.ROSTER_API_VERSION})


class BareApiRootView(ApiRootView):
    """`GET /api` without the slash, the same answer; documented once under `/api/`."""

    schema = None
