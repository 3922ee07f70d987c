"""`GET /data/persons/presence-logs/<YYYY-MM>`: the monthly presence CSV (zou-api.md section 7), admins only."""

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.views import APIView

from config.api import ERROR_RESPONSE
from timetracking import presence


class PresenceLogsView(APIView):
    required_permissions = {"get": "presence_logs.view"}

    @extend_schema(
        summary="The month's presence as CSV: one row per active person, X on the days with a desktop login",
        parameters=[OpenApiParameter("month", OpenApiTypes.STR, OpenApiParameter.PATH,
                                     description="The month, YYYY-MM.")],
        responses={(200, presence.CONTENT_TYPE): OpenApiTypes.STR, 400: ERROR_RESPONSE, 401: ERROR_RESPONSE,
                   403: ERROR_RESPONSE},
    )
    def get(self, request, month):
        year, month_number = presence.parse_month(month)
        # A plain HttpResponse: DRF's renderers would re-encode the text; Zou sends exactly `text/csv`.
        response = HttpResponse(presence.presence_csv_bytes(year=year, month=month_number),
                                content_type=presence.CONTENT_TYPE)
        response["Content-Disposition"] = presence.CONTENT_DISPOSITION
        return response
