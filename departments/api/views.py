from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from config.api import ERROR_RESPONSE, ZouCrudViewSet, crud_permissions, request_dict, zou_crud_schema
from departments import selectors, services
from departments.api import serializers as s
from departments.filters import (
    DepartmentFilterSet,
    HardwareItemFilterSet,
    OrganisationFilterSet,
    SalaryScaleFilterSet,
    SoftwareFilterSet,
    StudioFilterSet,
    TeamFilterSet,
    WorkShiftFilterSet,
)
from departments.models import (
    Department,
    HardwareItem,
    Organisation,
    SalaryScale,
    Software,
    Studio,
    Team,
    WorkShift,
)


class CatalogViewSet(ZouCrudViewSet):
    """A studio catalog collection whose writes all go through `departments.services.catalog_*`."""

    model = None

    def get_queryset(self):
        return self.model.objects.all()

    def perform_create(self, data):
        return services.catalog_create(acting_user=self.request.user, model=self.model, data=data)

    def perform_update(self, instance, data):
        return services.catalog_update(acting_user=self.request.user, instance=instance, data=data)

    def perform_destroy(self, instance, *, force):
        services.catalog_delete(acting_user=self.request.user, instance=instance)


def grouped_by_department(component: str) -> dict:
    """`{"<department_id>": [<component>, ...], ...}`: the keys are ids, not a property literally so named."""
    return {"type": "object", "description": "Keyed by department id.",
            "additionalProperties": {"type": "array", "items": {"$ref": f"#/components/schemas/{component}"}}}


ERRORS = {400: ERROR_RESPONSE, 401: ERROR_RESPONSE, 403: ERROR_RESPONSE, 404: ERROR_RESPONSE}
GROUPED_SOFTWARE = grouped_by_department("Software")
GROUPED_HARDWARE = grouped_by_department("HardwareItem")


@extend_schema_view(**zou_crud_schema(s.DepartmentSerializer, s.DepartmentInputSerializer, name="departments"))
class DepartmentViewSet(CatalogViewSet):
    model = Department
    filterset_class = DepartmentFilterSet
    output_serializer_class = s.DepartmentSerializer
    input_serializer_class = s.DepartmentInputSerializer
    required_permissions = {
        **crud_permissions("departments.view", "departments.change"),
        "all_software_licenses": "departments.manage_equipment",
        "all_hardware_items": "departments.manage_equipment",
        "software_licenses": "departments.manage_equipment",
        "hardware_items": "departments.manage_equipment",
        "remove_software_license": "departments.manage_equipment",
        "remove_hardware_item": "departments.manage_equipment",
    }

    @extend_schema(summary="Software of every department, grouped by department id",
                   responses={200: GROUPED_SOFTWARE, **ERRORS})
    @action(detail=False, methods=["get"], url_path="software-licenses")
    def all_software_licenses(self, request):
        grouped = selectors.software_by_department()
        return Response({k: s.SoftwareSerializer(v, many=True).data for k, v in grouped.items()})

    @extend_schema(summary="Hardware items of every department, grouped by department id",
                   responses={200: GROUPED_HARDWARE, **ERRORS})
    @action(detail=False, methods=["get"], url_path="hardware-items")
    def all_hardware_items(self, request):
        grouped = selectors.hardware_items_by_department()
        return Response({k: s.HardwareItemSerializer(v, many=True).data for k, v in grouped.items()})

    @extend_schema(methods=["GET"], summary="Software licensed to one department",
                   responses={200: s.SoftwareSerializer(many=True), **ERRORS})
    @extend_schema(methods=["POST"], summary="License a software to a department (idempotent)",
                   request=s.SoftwareLinkInputSerializer,
                   responses={201: s.SoftwareDepartmentLinkSerializer, **ERRORS})
    @action(detail=True, methods=["get", "post"], url_path="software-licenses")
    def software_licenses(self, request, pk=None):
        department = self.get_object()
        if request.method == "GET":
            software = selectors.software_of_department(department=department)
            return Response(s.SoftwareSerializer(software, many=True).data)
        body = s.SoftwareLinkInputSerializer(data=request_dict(request))
        body.is_valid(raise_exception=True)
        link = services.department_link_software(
            acting_user=request.user, department_id=department.pk, software_id=body.validated_data["software_id"]
        )
        return Response(s.SoftwareDepartmentLinkSerializer(link).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="Stop licensing a software to a department", responses={204: None, **ERRORS})
    @action(detail=True, methods=["delete"], url_path=r"software-licenses/(?P<software_id>[^/]+)")
    def remove_software_license(self, request, pk=None, software_id=None):
        department = self.get_object()
        services.department_unlink_software(
            acting_user=request.user, department_id=department.pk, software_id=software_id
        )
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(methods=["GET"], summary="Hardware items of one department",
                   responses={200: s.HardwareItemSerializer(many=True), **ERRORS})
    @extend_schema(methods=["POST"], summary="Assign a hardware item to a department (idempotent)",
                   request=s.HardwareItemLinkInputSerializer,
                   responses={201: s.HardwareItemDepartmentLinkSerializer, **ERRORS})
    @action(detail=True, methods=["get", "post"], url_path="hardware-items")
    def hardware_items(self, request, pk=None):
        department = self.get_object()
        if request.method == "GET":
            items = selectors.hardware_items_of_department(department=department)
            return Response(s.HardwareItemSerializer(items, many=True).data)
        body = s.HardwareItemLinkInputSerializer(data=request_dict(request))
        body.is_valid(raise_exception=True)
        link = services.department_link_hardware_item(
            acting_user=request.user, department_id=department.pk,
            hardware_item_id=body.validated_data["hardware_item_id"],
        )
        return Response(s.HardwareItemDepartmentLinkSerializer(link).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="Take a hardware item away from a department", responses={204: None, **ERRORS})
    @action(detail=True, methods=["delete"], url_path=r"hardware-items/(?P<hardware_item_id>[^/]+)")
    def remove_hardware_item(self, request, pk=None, hardware_item_id=None):
        department = self.get_object()
        services.department_unlink_hardware_item(
            acting_user=request.user, department_id=department.pk, hardware_item_id=hardware_item_id
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema_view(**zou_crud_schema(s.StudioSerializer, s.StudioInputSerializer, name="studios"))
class StudioViewSet(CatalogViewSet):
    model = Studio
    filterset_class = StudioFilterSet
    output_serializer_class = s.StudioSerializer
    input_serializer_class = s.StudioInputSerializer
    required_permissions = crud_permissions("studios.view", "studios.change")


@extend_schema_view(**zou_crud_schema(s.WorkShiftSerializer, s.WorkShiftInputSerializer, name="work shifts"))
class WorkShiftViewSet(CatalogViewSet):
    model = WorkShift
    filterset_class = WorkShiftFilterSet
    output_serializer_class = s.WorkShiftSerializer
    input_serializer_class = s.WorkShiftInputSerializer
    required_permissions = crud_permissions("work_shifts.view", "work_shifts.change")


@extend_schema_view(**zou_crud_schema(s.TeamSerializer, s.TeamInputSerializer, name="teams"))
class TeamViewSet(CatalogViewSet):
    model = Team
    filterset_class = TeamFilterSet
    output_serializer_class = s.TeamSerializer
    input_serializer_class = s.TeamInputSerializer
    required_permissions = crud_permissions("teams.view", "teams.change")


@extend_schema_view(**zou_crud_schema(s.SoftwareSerializer, s.SoftwareInputSerializer, name="software"))
class SoftwareViewSet(CatalogViewSet):
    model = Software
    filterset_class = SoftwareFilterSet
    output_serializer_class = s.SoftwareSerializer
    input_serializer_class = s.SoftwareInputSerializer
    required_permissions = crud_permissions("softwares.view", "softwares.change")


@extend_schema_view(**zou_crud_schema(s.HardwareItemSerializer, s.HardwareItemInputSerializer,
                                      name="hardware items"))
class HardwareItemViewSet(CatalogViewSet):
    model = HardwareItem
    filterset_class = HardwareItemFilterSet
    output_serializer_class = s.HardwareItemSerializer
    input_serializer_class = s.HardwareItemInputSerializer
    required_permissions = crud_permissions("hardware_items.view", "hardware_items.change")


@extend_schema_view(**zou_crud_schema(s.SalaryScaleSerializer, s.SalaryScaleInputSerializer,
                                      name="salary scales"))
class SalaryScaleViewSet(CatalogViewSet):
    model = SalaryScale
    filterset_class = SalaryScaleFilterSet
    output_serializer_class = s.SalaryScaleSerializer
    input_serializer_class = s.SalaryScaleInputSerializer
    list_ordering = ("department__name", "position", "seniority")
    required_permissions = crud_permissions("salary_scales.view", "salary_scales.change")

    def list(self, request, *args, **kwargs):
        services.salary_scales_fill_missing()
        return super().list(request, *args, **kwargs)


@extend_schema_view(**zou_crud_schema(s.OrganisationSerializer, s.OrganisationInputSerializer,
                                      name="organisations"))
class OrganisationViewSet(CatalogViewSet):
    model = Organisation
    filterset_class = OrganisationFilterSet
    output_serializer_class = s.OrganisationSerializer
    input_serializer_class = s.OrganisationInputSerializer
    list_ordering = ("created_at",)
    required_permissions = crud_permissions("organisations.view", "organisations.change")

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator: no writes
            return Organisation.objects.none()
        services.organisation_get_or_create()
        return super().get_queryset()

    def serialize(self, instances, *, many, relations):
        show_secrets = self.request.user.has_perm("organisations.view_secrets")
        return s.OrganisationSerializer(instances, many=many, context={"show_secrets": show_secrets}).data
