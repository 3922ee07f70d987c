from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import viewsets
from rest_framework.response import Response

from audit.api.serializers import AuditEntrySerializer
from audit.filters import AuditEntryFilterSet
from audit.selectors import audit_entries_newest_first, parse_audit_limit
from config.api import ZouFilterBackend, ZouPagination

LIMIT = OpenApiParameter("limit", int, description="Rows returned, 1 to 500 (default 100), newest first.")


class AuditEntryViewSet(viewsets.GenericViewSet):
    """The audit log, read only: nothing edits or deletes it (its table's trigger refuses it too)."""

    filter_backends = [ZouFilterBackend]
    filterset_class = AuditEntryFilterSet
    pagination_class = ZouPagination
    paginated_ordering = ("-at", "-id")
    required_permissions = {"list": "audit.view"}

    def get_queryset(self):
        return audit_entries_newest_first()

    def allowed_filters(self) -> frozenset[str]:
        return self.filterset_class.column_names()

    @extend_schema(summary="List the audit log", parameters=[
        LIMIT, OpenApiParameter("page", int, description="Page number: answers Zou's paging envelope."),
        OpenApiParameter("actor_id", str), OpenApiParameter("target_id", str),
        OpenApiParameter("target_type", str), OpenApiParameter("action", str),
        OpenApiParameter("start", str, description="ISO date-time, included."),
        OpenApiParameter("end", str, description="ISO date-time, included."),
    ], responses={200: AuditEntrySerializer(many=True)})
    def list(self, request):
        entries = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(entries)
        if page is not None:
            return self.get_paginated_response(AuditEntrySerializer(page, many=True).data)
        limit = parse_audit_limit(request.query_params)
        return Response(AuditEntrySerializer(entries[:limit], many=True).data)
