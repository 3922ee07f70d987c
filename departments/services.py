"""Writes to the studio structure: departments, studios, software, hardware, salary scales, organisation."""

import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import ProtectedError

from config.errors import ApplicationError, NotFound, field_error
from departments.models import (
    Department,
    HardwareItem,
    HardwareItemDepartmentLink,
    Organisation,
    Position,
    SalaryScale,
    Seniority,
    Software,
    SoftwareDepartmentLink,
)


def _save_validated(instance: models.Model) -> models.Model:
    try:
        instance.full_clean(validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise field_error(field if field != "__all__" else "body", messages[0]) from None
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError as exc:
        text = str(exc).lower()
        if "unique" in text or "duplicate" in text:
            raise ApplicationError("A record with the same unique values already exists.") from None
        raise ApplicationError("A required field is missing.") from None
    return instance


@transaction.atomic
def catalog_create(*, acting_user, model: type[models.Model], data: dict[str, Any]) -> models.Model:
    """Create a row of a plain studio catalog (department, studio, software, hardware item, ...)."""
    if model is SalaryScale:
        raise ApplicationError("Salary scales cannot be created")
    return _save_validated(model(**data))


@transaction.atomic
def catalog_save(*, acting_user, instance: models.Model) -> models.Model:
    """Save a catalog row already filled in (the admin's forms): same validation as the API."""
    if instance._state.adding and isinstance(instance, SalaryScale):
        raise ApplicationError("Salary scales cannot be created")
    return _save_validated(instance)


@transaction.atomic
def catalog_update(*, acting_user, instance: models.Model, data: dict[str, Any]) -> models.Model:
    for field, value in data.items():
        setattr(instance, field, value)
    return _save_validated(instance)


@transaction.atomic
def catalog_delete(*, acting_user, instance: models.Model) -> None:
    try:
        with transaction.atomic():
            instance.delete()
    except (ProtectedError, IntegrityError):
        raise ApplicationError(
            f"This {instance._meta.verbose_name} is still linked to other data and cannot be deleted."
        ) from None


def _get(model, raw_id, label):
    try:
        return model.objects.get(pk=uuid.UUID(str(raw_id)))
    except (ValueError, TypeError, AttributeError, model.DoesNotExist):
        raise NotFound(f"{label} not found.") from None


@transaction.atomic
def department_link_software(*, acting_user, department_id, software_id) -> SoftwareDepartmentLink:
    department = _get(Department, department_id, "Department")
    software = _get(Software, software_id, "Software")
    link, _ = SoftwareDepartmentLink.objects.get_or_create(department=department, software=software)
    return link


@transaction.atomic
def department_unlink_software(*, acting_user, department_id, software_id) -> None:
    department = _get(Department, department_id, "Department")
    SoftwareDepartmentLink.objects.filter(department=department, software_id=_safe_uuid(software_id)).delete()


@transaction.atomic
def department_link_hardware_item(*, acting_user, department_id, hardware_item_id) -> HardwareItemDepartmentLink:
    department = _get(Department, department_id, "Department")
    item = _get(HardwareItem, hardware_item_id, "Hardware item")
    link, _ = HardwareItemDepartmentLink.objects.get_or_create(department=department, hardware_item=item)
    return link


@transaction.atomic
def department_unlink_hardware_item(*, acting_user, department_id, hardware_item_id) -> None:
    department = _get(Department, department_id, "Department")
    HardwareItemDepartmentLink.objects.filter(
        department=department, hardware_item_id=_safe_uuid(hardware_item_id)
    ).delete()


def _safe_uuid(raw):
    try:
        return uuid.UUID(str(raw))
    except (ValueError, TypeError, AttributeError):
        raise NotFound("Not found.") from None


def salary_scales_fill_missing() -> int:
    """Zou's list creates the missing department x position x seniority cells; so do we."""
    existing = set(SalaryScale.objects.values_list("department_id", "position", "seniority"))
    missing = [
        SalaryScale(department_id=department_id, position=position, seniority=seniority)
        for department_id in Department.objects.values_list("pk", flat=True)
        for position in Position.values
        for seniority in Seniority.values
        if (department_id, position, seniority) not in existing
    ]
    SalaryScale.objects.bulk_create(missing, ignore_conflicts=True)
    return len(missing)


def organisation_get_or_create() -> Organisation:
    organisation = Organisation.objects.order_by("created_at").first()
    if organisation is None:
        organisation = Organisation.objects.create(name="Kitsu")
    return organisation
