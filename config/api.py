"""API plumbing shared by every app: Zou's error envelope, list pagination and field trimming, and the
generic `/data/<collection>` viewset that the people and departments apps specialize."""

import logging
import math
import uuid
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DataError, IntegrityError
from django.http import Http404, JsonResponse
from django.urls import re_path
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import exceptions as drf_exceptions
from rest_framework import serializers, status, viewsets
from rest_framework.pagination import BasePagination
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from config.errors import ApplicationError, NotFound, field_error

logger = logging.getLogger(__name__)

DEFAULT_PAGE_LIMIT = 100
MAX_PAGE_LIMIT = 2**63 - 1  # SQL LIMIT is a bigint


def api_path(route: str, view, name: str | None = None):
    """A route with Zou's optional trailing slash (`strict_slashes = False`)."""
    return re_path(rf"^{route}/?$", view, name=name)


def error_body(message: str, data: Any = None, **extra) -> dict:
    body = {"error": True, "message": message, "data": data}
    body.update(extra)
    return body


def _validation_errors(detail) -> list[dict]:
    errors = []
    if isinstance(detail, dict):
        for field, messages in detail.items():
            if isinstance(messages, dict):
                for sub in _validation_errors(messages):
                    errors.append({"field": f"{field}.{sub['field']}", "message": sub["message"]})
                continue
            if not isinstance(messages, list):
                messages = [messages]
            for message in messages:
                if isinstance(message, dict):
                    for sub in _validation_errors(message):
                        errors.append({"field": f"{field}.{sub['field']}", "message": sub["message"]})
                else:
                    name = "body" if field == "non_field_errors" else field
                    errors.append({"field": name, "message": str(message)})
    elif isinstance(detail, list):
        errors.extend({"field": "body", "message": str(message)} for message in detail)
    else:
        errors.append({"field": "body", "message": str(detail)})
    return errors


def validation_error_response(detail) -> Response:
    errors = _validation_errors(detail)
    message = f"{errors[0]['field']}: {errors[0]['message']}" if len(errors) == 1 else "Validation error."
    return Response(error_body(message, {"errors": errors}), status=status.HTTP_400_BAD_REQUEST)


def throttled_response(wait: float | None) -> Response:
    """429 in the error envelope, with `Retry-After` (whole seconds) in the header and in `data`."""
    retry_after = max(1, math.ceil(wait)) if wait is not None else None
    message = "Too many requests." if retry_after is None else f"Too many requests: try again in {retry_after} s."
    response = Response(error_body(message, {"retry_after": retry_after}),
                        status=status.HTTP_429_TOO_MANY_REQUESTS)
    if retry_after is not None:
        response["Retry-After"] = str(retry_after)
    return response


def zou_exception_handler(exc, context):
    """Every error leaves as `{"error": true, "message": ..., "data": ...}` with Zou's status codes."""
    if isinstance(exc, ApplicationError):
        return Response(error_body(exc.message, exc.data, **exc.extra), status=exc.status)
    if isinstance(exc, drf_exceptions.ValidationError):
        return validation_error_response(exc.detail)
    if isinstance(exc, drf_exceptions.UnsupportedMediaType):
        return Response(error_body(f"Data are empty or malformed: {exc.detail}"), status=400)
    if isinstance(exc, drf_exceptions.ParseError):
        return Response(error_body(f"Data are empty or malformed: {exc.detail}"), status=400)
    if isinstance(exc, (Http404, drf_exceptions.NotFound)):
        return Response(error_body("Not found."), status=404)
    if isinstance(exc, (PermissionDenied, drf_exceptions.PermissionDenied)):
        return Response(error_body("You are not allowed to do this."), status=403)
    if isinstance(exc, ValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"body": exc.messages}
        return validation_error_response(detail)
    if isinstance(exc, IntegrityError):
        return Response(error_body("A record with the same unique values already exists."), status=400)
    if isinstance(exc, DataError):
        # The database refused a value the input layer let through (an int past the column's range, ...).
        return Response(error_body("A value is out of range or malformed."), status=400)
    if isinstance(exc, drf_exceptions.Throttled):
        return throttled_response(exc.wait)
    if isinstance(exc, drf_exceptions.APIException):
        response = Response(error_body(str(exc.detail)), status=exc.status_code)
        if isinstance(exc, drf_exceptions.NotAuthenticated | drf_exceptions.AuthenticationFailed):
            response.status_code = 401
            response["WWW-Authenticate"] = 'Bearer realm="api"'
        if exc.status_code == 422:
            response.data["msg"] = str(exc.detail)
        return response
    return None


def json_400(request, exception=None):
    return JsonResponse(error_body("Bad request."), status=400)


def json_403(request, exception=None):
    return JsonResponse(error_body("You are not allowed to do this."), status=403)


def json_404(request, exception=None):
    return JsonResponse(error_body("Not found."), status=404)


def json_500(request):
    return JsonResponse(error_body("Internal server error."), status=500)


def query_flag(params, name: str, default: bool = False) -> bool:
    """`relations`, `force` and `with_pass_hash` are true only when spelled true (any case), as in Zou."""
    value = params.get(name)
    if value is None:
        return default
    return str(value).strip().lower() == "true"


def parse_uuid(raw, *, status_code: int = 400, message: str = "Malformed ID.") -> uuid.UUID:
    try:
        return uuid.UUID(str(raw))
    except (ValueError, TypeError, AttributeError):
        raise ApplicationError(message, status=status_code) from None


def request_dict(request, *, required: bool = True, query_string_fallback: bool = False) -> dict:
    """The body as a dict: JSON or form fields. `query_string_fallback` is Zou's login quirk (credentials in
    the query string of a POST); no other route reads its body from the query string."""
    data = request.data
    if hasattr(data, "dict"):
        data = data.dict()
    if isinstance(data, dict) and data:
        return dict(data)
    if query_string_fallback and isinstance(data, dict) and request.query_params:
        return request.query_params.dict()
    if isinstance(data, dict) and not required:
        return {}
    if not isinstance(data, dict) or not data:
        raise ApplicationError("Data are empty. Please send a JSON object.")
    return dict(data)


def trim_fields(rows: list[dict], fields_param: str | None) -> list[dict]:
    if not fields_param:
        return rows
    wanted = {name.strip() for name in fields_param.split(",") if name.strip()} | {"id", "type"}
    return [{k: v for k, v in row.items() if k in wanted} for row in rows]


def parse_positive_int(params, name: str, default: int) -> int:
    raw = params.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise field_error(name, f"{name} must be an integer.") from None
    if value < 1:
        raise field_error(name, f"{name} must be a positive integer.")
    return value


class ZouPagination(BasePagination):
    """Zou's paging: without `page` a list is a bare array (no pagination); with it, the envelope
    `{data, total, nb_pages, limit, offset, page}`, rows ordered by the view's `paginated_ordering`."""

    default_limit = DEFAULT_PAGE_LIMIT

    def paginate_queryset(self, queryset, request, view=None):
        params = request.query_params
        if "page" not in params:
            return None
        self.page = parse_positive_int(params, "page", 1)
        self.limit = parse_positive_int(params, "limit", self.default_limit)
        if self.limit > MAX_PAGE_LIMIT:
            raise field_error("limit", "limit is too large.")
        self.total = queryset.count()
        self.offset = (self.page - 1) * self.limit
        if self.offset >= self.total:
            return queryset.none()
        ordering = getattr(view, "paginated_ordering", None)
        if ordering:
            queryset = queryset.order_by(*ordering)
        return queryset[self.offset:self.offset + self.limit]

    def get_paginated_response(self, data):
        return Response({
            "data": data,
            "total": self.total,
            "nb_pages": math.ceil(self.total / self.limit),
            "limit": self.limit,
            "offset": self.offset,
            "page": self.page,
        })


class ZouFilterBackend(DjangoFilterBackend):
    """django-filter with Zou's rules: a column the viewer may not filter on is a 400 naming it (the view's
    `allowed_filters()`), and an invalid value is a 400 naming its column instead of being dropped."""

    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is None:
            return queryset
        filterset_class.check_keys(request.query_params, allowed=view.allowed_filters())
        filterset = filterset_class(data=request.query_params, queryset=queryset, request=request)
        if not filterset.is_valid():
            field, messages = next(iter(filterset.errors.items()))
            raise field_error(field, f"Invalid value for {field}: {messages[0]}")
        return filterset.qs


def crud_permissions(view: str, change: str, *, create: str | None = None, delete: str | None = None) -> dict:
    """The `required_permissions` of a Zou collection: one key to read it, one to change it (`create` and
    `delete` when those differ)."""
    return {"list": view, "retrieve": view, "create": create or change, "update": change,
            "destroy": delete or change}


class ZouCrudViewSet(viewsets.GenericViewSet):
    """Zou's generic `/data/<collection>[/<id>]` behaviour (zou-api.md section 0) on DRF's machinery:
    `ZouPagination`, `ZouFilterBackend` with the subclass's `filterset_class`, and `get_object` with object
    permissions. What is Zou's own stays here: the `fields` trimming, the ordering of bare and paged lists,
    unknown keys refused on create.

    Subclasses provide: `filterset_class`, `output_serializer_class`, `input_serializer_class`,
    `required_permissions`, `list_ordering`, and the service calls `perform_create/update/destroy`.
    """

    lookup_value_regex = "[^/]+"
    list_ordering: tuple[str, ...] = ("name",)
    paginated_ordering = ("-updated_at", "-created_at", "id")
    filterset_class = None
    output_serializer_class = None
    input_serializer_class = None
    filter_backends = [ZouFilterBackend]
    pagination_class = ZouPagination

    def get_serializer_class(self):
        if self.action in ("create", "update") and self.input_serializer_class is not None:
            return self.input_serializer_class
        return self.output_serializer_class

    # Hooks -------------------------------------------------------------------------------------------
    def get_list_queryset(self, *, relations: bool):
        return self.get_queryset()

    def allowed_filters(self) -> frozenset[str]:
        return frozenset(self.filterset_class.base_filters)

    def serialize(self, instances, *, many: bool, relations: bool) -> Any:
        serializer = self.output_serializer_class(
            instances, many=many, context={"request": self.request, "relations": relations}
        )
        return serializer.data

    def perform_create(self, data: dict):
        raise NotImplementedError

    def perform_update(self, instance, data: dict):
        raise NotImplementedError

    def perform_destroy(self, instance, *, force: bool) -> None:
        raise NotImplementedError

    # DRF's machinery, with Zou's answers ---------------------------------------------------------------
    def filter_queryset(self, queryset):
        # Zou filters lists only; a detail route ignores its query string.
        return super().filter_queryset(queryset) if self.action == "list" else queryset

    def get_object(self):
        """The target row, loaded once per request, then checked against the object permissions."""
        cached = self.__dict__.get("_target")
        if cached is not None:
            return cached
        pk = parse_uuid(self.kwargs[self.lookup_url_kwarg or self.lookup_field])
        instance = self.get_queryset().filter(pk=pk).first()
        if instance is None:
            raise NotFound(f"{self.output_serializer_class.zou_type} not found.")
        self.check_object_permissions(self.request, instance)
        self._target = instance
        return instance

    def validated_input(self, *, partial: bool, instance=None) -> dict:
        body = request_dict(self.request)
        serializer_class = self.input_serializer_class
        known = set(serializer_class().fields)
        if partial:
            body = {k: v for k, v in body.items() if k in known}
        else:
            unknown = sorted(set(body) - known)
            if unknown:
                raise field_error(unknown[0], f"Unknown field: {unknown[0]}.")
        serializer = serializer_class(instance=instance, data=body, partial=partial,
                                      context={"request": self.request})
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def rows(self, instances, *, relations: bool) -> list[dict]:
        rows = self.serialize(instances, many=True, relations=relations)
        return trim_fields(rows, self.request.query_params.get("fields"))

    # Actions -----------------------------------------------------------------------------------------
    def list(self, request, *args, **kwargs):
        relations = query_flag(request.query_params, "relations")
        queryset = self.filter_queryset(self.get_list_queryset(relations=relations))
        page = self.paginate_queryset(queryset)
        if page is None:
            return Response(self.rows(queryset.order_by(*self.list_ordering), relations=relations))
        return self.get_paginated_response(self.rows(page, relations=relations))

    def retrieve(self, request, *args, **kwargs):
        relations = query_flag(request.query_params, "relations", default=True)
        return Response(self.serialize(self.get_object(), many=False, relations=relations))

    def create(self, request, *args, **kwargs):
        instance = self.perform_create(self.validated_input(partial=False))
        return Response(self.serialize(instance, many=False, relations=True), status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        instance = self.get_object()
        instance = self.perform_update(instance, self.validated_input(partial=True, instance=instance))
        return Response(self.serialize(instance, many=False, relations=True))

    def destroy(self, request, *args, **kwargs):
        instance = self.get_object()
        self.perform_destroy(instance, force=query_flag(request.query_params, "force"))
        return Response(status=status.HTTP_204_NO_CONTENT)


ZOU_LIST_PARAMETERS = [
    OpenApiParameter("page", OpenApiTypes.INT, description="Switches to the paginated envelope."),
    OpenApiParameter("limit", OpenApiTypes.INT, description="Rows per page (default 100)."),
    OpenApiParameter("relations", OpenApiTypes.STR, description="'true' adds relation id lists."),
    OpenApiParameter("fields", OpenApiTypes.STR, description="Comma-separated keys to keep (id, type kept)."),
]

ERROR_RESPONSE = inline_serializer(
    "ZouError",
    {"error": serializers.BooleanField(), "message": serializers.CharField(),
     "data": serializers.JSONField(allow_null=True)},
)
THROTTLED_RESPONSE = OpenApiResponse(
    ERROR_RESPONSE,
    description="Too many requests: `Retry-After` (and `data.retry_after`) says how many seconds to wait.",
)


def zou_crud_schema(output, input_serializer, *, name: str, read_output=None, read_output_many=None):
    """`extend_schema` for the five generic actions of one collection. `read_output` documents list and
    retrieve when they answer in another shape than the writes (persons: safe or minimal by role)."""
    errors = {400: ERROR_RESPONSE, 401: ERROR_RESPONSE, 403: ERROR_RESPONSE, 404: ERROR_RESPONSE}
    read_output = read_output or output
    return {
        "list": extend_schema(
            summary=f"List {name}", parameters=ZOU_LIST_PARAMETERS,
            responses={200: OpenApiResponse(
                read_output_many or read_output(many=True),
                description="A bare array; with `page`, the envelope {data, total, nb_pages, limit, offset, page}."),
                **errors},
        ),
        "retrieve": extend_schema(summary=f"Get one of {name}", responses={200: read_output, **errors}),
        "create": extend_schema(summary=f"Create one of {name}", request=input_serializer,
                                responses={201: output, **errors}),
        "update": extend_schema(summary=f"Update one of {name}", request=input_serializer,
                                responses={200: output, **errors}),
        "destroy": extend_schema(
            summary=f"Delete one of {name}",
            parameters=[OpenApiParameter("force", OpenApiTypes.STR)],
            responses={204: None, **errors},
        ),
    }


class ZouRouter(SimpleRouter):
    """Routes that match with or without the trailing slash, as Zou's `strict_slashes = False`."""

    def __init__(self):
        super().__init__()
        self.trailing_slash = "/?"
