"""Every write of the quotas app: quota targets, each change in one transaction with its audit row."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from audit.services import audit_record
from config.errors import ApplicationError
from quotas.models import QuotaTarget

FIELDS = ("department_id", "task_type_id", "unit", "per_week")


def _values(target: QuotaTarget) -> dict[str, Any]:
    return {name: getattr(target, name) for name in FIELDS}


def _save(target: QuotaTarget) -> None:
    try:
        target.full_clean(validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise ApplicationError(f"{field}: {messages[0]}") from None
    try:
        with transaction.atomic():
            target.save()
    except IntegrityError:
        raise ApplicationError("This department already has a target of that unit for that task type.") from None


@transaction.atomic
def quota_target_save(*, acting_user, target: QuotaTarget) -> QuotaTarget:
    """Create or change a target (the admin form's instance); the audit row lists what changed."""
    before = {}
    if target.pk and not target._state.adding:
        stored = QuotaTarget.objects.filter(pk=target.pk).first()
        before = _values(stored) if stored is not None else {}
    created = not before
    _save(target)
    after = _values(target)
    changes = {name: [before.get(name), value] for name, value in after.items() if before.get(name) != value}
    if changes:
        audit_record(actor=acting_user, action="quota_target.created" if created else "quota_target.updated",
                     target=target, target_type="quota_target", changes=changes)
    return target


@transaction.atomic
def quota_target_create(*, acting_user, data: dict[str, Any]) -> QuotaTarget:
    return quota_target_save(acting_user=acting_user, target=QuotaTarget(**data))


@transaction.atomic
def quota_target_delete(*, acting_user, target: QuotaTarget) -> None:
    audit_record(actor=acting_user, action="quota_target.deleted", target=target, target_type="quota_target",
                 changes={name: [value, None] for name, value in _values(target).items()})
    target.delete()
