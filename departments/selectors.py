"""Reads of the studio structure, with the relations each listing needs loaded in bounded queries."""

from collections import defaultdict

from django.db.models import QuerySet

from departments.models import HardwareItemDepartmentLink, SoftwareDepartmentLink


def software_by_department() -> dict[str, list]:
    """`{department_id: [Software, ...]}` for departments with at least one link (one query)."""
    grouped = defaultdict(list)
    for link in SoftwareDepartmentLink.objects.select_related("software").order_by("software__name"):
        grouped[str(link.department_id)].append(link.software)
    return dict(grouped)


def hardware_items_by_department() -> dict[str, list]:
    grouped = defaultdict(list)
    for link in HardwareItemDepartmentLink.objects.select_related("hardware_item").order_by(
        "hardware_item__name"
    ):
        grouped[str(link.department_id)].append(link.hardware_item)
    return dict(grouped)


def software_of_department(*, department) -> QuerySet:
    return department.softwares.order_by("name")


def hardware_items_of_department(*, department) -> QuerySet:
    return department.hardware_items.order_by("name")
