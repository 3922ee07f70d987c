"""Writes to the studio structure: departments, studios, software, hardware, salary scales, organisation."""

import uuid
from typing import Any

from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import ProtectedError
from django.utils.text import capfirst

from audit.services import audit_record, audit_record_each, changed_fields, model_values
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
    Studio,
    Team,
    WorkShift,
)

# Each catalog's name in the audit log: the `target_type` of its rows and the first word of their actions
# ("department.updated"). A table rather than literal arguments: the admin's History screens read it too.
CATALOG_AUDIT_NAMES: dict[type[models.Model], str] = {
    Department: "department",
    Studio: "studio",
    Team: "team",
    WorkShift: "work_shift",
    Software: "software",
    HardwareItem: "hardware_item",
    SalaryScale: "salary_scale",
    Organisation: "organisation",
}
# Values an audit row shows only as set or empty.
CATALOG_SECRET_FIELDS: dict[type[models.Model], tuple[str, ...]] = {Organisation: Organisation.CHAT_SECRET_FIELDS}


def catalog_audit_name(model: type[models.Model]) -> str:
    try:
        return CATALOG_AUDIT_NAMES[model]
    except KeyError:
        raise ImproperlyConfigured(f"{model.__name__} is no catalog of the departments app.") from None


def _audit(*, acting_user, verb: str, instance: models.Model, before: dict, after: dict) -> None:
    name = catalog_audit_name(type(instance))
    audit_record(actor=acting_user, action=f"{name}.{verb}", target=instance, target_type=name,
                 changes=changed_fields(before, after, secret_fields=CATALOG_SECRET_FIELDS.get(type(instance), ())))


def _validate(instance: models.Model) -> None:
    try:
        instance.full_clean(validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise field_error(field if field != "__all__" else "body", messages[0]) from None


def _save(instance: models.Model) -> None:
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError as exc:
        text = str(exc).lower()
        if "unique" in text or "duplicate" in text:
            raise ApplicationError("A record with the same unique values already exists.") from None
        raise ApplicationError("A required field is missing.") from None


def _create(*, acting_user, instance: models.Model) -> models.Model:
    if isinstance(instance, SalaryScale):
        raise ApplicationError("Salary scales cannot be created")
    _validate(instance)
    _save(instance)
    _audit(acting_user=acting_user, verb="created", instance=instance, before={}, after=model_values(instance))
    return instance


def _stored_values(instance: models.Model) -> dict[str, Any]:
    """The row as stored, locked until the transaction ends, so the diff's "before" is what this write replaces."""
    stored = type(instance).objects.select_for_update().filter(pk=instance.pk).first()
    if stored is None:
        raise NotFound(f"{capfirst(instance._meta.verbose_name)} not found.")
    return model_values(stored)


def _update(*, acting_user, instance: models.Model, before: dict[str, Any]) -> models.Model:
    _validate(instance)  # also turns the values into their stored types, so "5" and 5 compare equal
    after = model_values(instance)
    # gazu PUTs whole records back, the admin saves unchanged forms: a write that changes nothing writes
    # nothing, neither a row nor updated_at.
    if changed_fields(before, after):
        _save(instance)
        _audit(acting_user=acting_user, verb="updated", instance=instance, before=before, after=after)
    return instance


@transaction.atomic
def catalog_create(*, acting_user, model: type[models.Model], data: dict[str, Any]) -> models.Model:
    """Create a row of a plain studio catalog (department, studio, software, hardware item, ...)."""
    return _create(acting_user=acting_user, instance=model(**data))


@transaction.atomic
def catalog_save(*, acting_user, instance: models.Model) -> models.Model:
    """Save a catalog row already filled in (the admin's forms): same validation and audit as the API."""
    if instance._state.adding:
        return _create(acting_user=acting_user, instance=instance)
    return _update(acting_user=acting_user, instance=instance, before=_stored_values(instance))


@transaction.atomic
def catalog_update(*, acting_user, instance: models.Model, data: dict[str, Any]) -> models.Model:
    before = _stored_values(instance)
    for field, value in data.items():
        setattr(instance, field, value)
    return _update(acting_user=acting_user, instance=instance, before=before)


@transaction.atomic
def catalog_delete(*, acting_user, instance: models.Model) -> None:
    # Written first, while the instance still has its id; a refused delete takes the row back with it.
    _audit(acting_user=acting_user, verb="deleted", instance=instance, before=model_values(instance), after={})
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
    link, created = SoftwareDepartmentLink.objects.get_or_create(department=department, software=software)
    if created:
        _audit_link(acting_user=acting_user, department=department, verb="software_linked",
                    field="software_id", before=None, after=software.pk)
    return link


@transaction.atomic
def department_unlink_software(*, acting_user, department_id, software_id) -> None:
    department = _get(Department, department_id, "Department")
    software_id = _safe_uuid(software_id)
    removed, _ = SoftwareDepartmentLink.objects.filter(department=department, software_id=software_id).delete()
    if removed:
        _audit_link(acting_user=acting_user, department=department, verb="software_unlinked",
                    field="software_id", before=software_id, after=None)


@transaction.atomic
def department_link_hardware_item(*, acting_user, department_id, hardware_item_id) -> HardwareItemDepartmentLink:
    department = _get(Department, department_id, "Department")
    item = _get(HardwareItem, hardware_item_id, "Hardware item")
    link, created = HardwareItemDepartmentLink.objects.get_or_create(department=department, hardware_item=item)
    if created:
        _audit_link(acting_user=acting_user, department=department, verb="hardware_item_linked",
                    field="hardware_item_id", before=None, after=item.pk)
    return link


@transaction.atomic
def department_unlink_hardware_item(*, acting_user, department_id, hardware_item_id) -> None:
    department = _get(Department, department_id, "Department")
    hardware_item_id = _safe_uuid(hardware_item_id)
    removed, _ = HardwareItemDepartmentLink.objects.filter(
        department=department, hardware_item_id=hardware_item_id
    ).delete()
    if removed:
        _audit_link(acting_user=acting_user, department=department, verb="hardware_item_unlinked",
                    field="hardware_item_id", before=hardware_item_id, after=None)


def _audit_link(*, acting_user, department: Department, verb: str, field: str, before, after) -> None:
    """A link belongs to the department's trail (Zou lists them under the department): the other side by id,
    like every other reference the audit log keeps."""
    audit_record(actor=acting_user, action=f"department.{verb}", target=department, target_type="department",
                 changes={field: [before, after]})


def _safe_uuid(raw):
    try:
        return uuid.UUID(str(raw))
    except (ValueError, TypeError, AttributeError):
        raise NotFound("Not found.") from None


FILLED_BY_THE_LIST = "A missing cell of the department x position x seniority grid, filled in by the list (Zou)."


def salary_scales_fill_missing() -> int:
    """Zou's list creates the missing department x position x seniority cells; so do we, each with its audit
    row. Nothing missing (the usual read) costs two queries and no transaction."""
    existing = set(SalaryScale.objects.values_list("department_id", "position", "seniority"))
    missing = [
        SalaryScale(department=department, position=position, seniority=seniority)
        for department in Department.objects.only("pk", "name")
        for position in Position.values
        for seniority in Seniority.values
        if (department.pk, position, seniority) not in existing
    ]
    if not missing:
        return 0
    with transaction.atomic():
        SalaryScale.objects.bulk_create(missing, ignore_conflicts=True)
        # A concurrent list may have filled some of the same cells first: only ours are in the audit log.
        ours = set(SalaryScale.objects.filter(pk__in=[cell.pk for cell in missing]).values_list("pk", flat=True))
        audit_record_each(actor=None, action="salary_scale.created", target_type="salary_scale",
                          reason=FILLED_BY_THE_LIST, changes_by_target={
                              cell: changed_fields({}, model_values(cell)) for cell in missing if cell.pk in ours})
    return len(ours)


def organisation_get_or_create() -> Organisation:
    organisation = Organisation.objects.order_by("created_at").first()
    if organisation is None:
        with transaction.atomic():
            organisation = Organisation.objects.create(name="Kitsu")
            audit_record(actor=None, action="organisation.created", target=organisation,
                         target_type="organisation", reason="First use: Zou's default organisation.",
                         changes=changed_fields({}, model_values(organisation)))
    return organisation
