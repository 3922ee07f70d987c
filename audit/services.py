"""Writing audit rows. Services call `audit_record` inside their own transaction, so a change and its row
commit together or not at all (Zulip's pattern); nothing here is driven by model signals."""

import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction

from audit.context import current_origin
from audit.models import AuditEntry

REDACTED = "[redacted]"
# Never stored, whatever the action: the values of these fields are secrets.
SECRET_FIELDS = frozenset({"password", "token", "access_token", "refresh_token", "otp_secret", "totp_secret",
                           "secret", "reset_token", "api_token"})


def _label(obj) -> str:
    return str(obj)[:300] if obj is not None else ""


def _redacted(changes: dict[str, Any]) -> dict[str, Any]:
    """Secrets out, and every value in its JSON form (dates as ISO strings, ids and decimals as strings)."""
    plain = json.loads(json.dumps(changes, cls=DjangoJSONEncoder))
    return {field: [REDACTED if before is not None else None, REDACTED] if field in SECRET_FIELDS
            else values for field, values in plain.items() for before in [values[0]]}


def _entry(*, actor, action: str, target, target_type: str, changes: dict[str, Any] | None, reason: str,
           target_id: str | None = None, target_label: str | None = None) -> AuditEntry:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit rows are written inside the transaction of the change they record")
    origin = current_origin()
    return AuditEntry(
        action=action,
        actor_id=getattr(actor, "pk", None),
        actor_label=_label(actor) if actor is not None else origin.system_actor_label[:300],
        target_type=target_type,
        target_id=str(target.pk) if target is not None else str(target_id or "")[:64],
        target_label=_label(target) if target is not None else str(target_label or "")[:300],
        changes=_redacted(changes or {}), reason=reason or "",
        ip_address=origin.ip_address, request_id=origin.request_id,
    )


def audit_record(*, actor, action: str, target, target_type: str, changes: dict[str, Any] | None = None,
                 reason: str = "", target_id: str | None = None, target_label: str | None = None) -> AuditEntry:
    """One row: `actor` and `target` are model instances (or None for the system), kept by id and label. A
    target that is no record (an identifier nobody has) is named by `target_id` and `target_label`."""
    entry = _entry(actor=actor, action=action, target=target, target_type=target_type, changes=changes,
                   reason=reason, target_id=target_id, target_label=target_label)
    entry.save()
    return entry


def audit_record_each(*, actor, action: str, target_type: str, changes_by_target: dict, reason: str = ""
                      ) -> list[AuditEntry]:
    """One row per target (`{target: changes}`), all in one INSERT: for a service that writes many records at
    once (a bulk fill), where a row each through audit_record would be a query each."""
    return AuditEntry.objects.bulk_create([
        _entry(actor=actor, action=action, target=target, target_type=target_type, changes=changes, reason=reason)
        for target, changes in changes_by_target.items()
    ])


# The columns every row has and no audit row repeats: the id is the row's target_id, and the times are the
# audit row's own `at`.
UNAUDITED_COLUMNS = frozenset({"created_at", "updated_at"})


def model_values(instance) -> dict[str, Any]:
    """A record's stored values as an audit row compares them: every column but the primary key and the
    created/updated times, a foreign key by its id (`department_id`)."""
    return {field.attname: getattr(instance, field.attname) for field in instance._meta.concrete_fields
            if not field.primary_key and field.attname not in UNAUDITED_COLUMNS}


def _masked(value):
    return REDACTED if value not in (None, "") else value


def changed_fields(before: dict[str, Any], after: dict[str, Any], *, secret_fields=()) -> dict[str, list]:
    """`{field: [before, after]}` for each field whose value differs, in `before`'s order then `after`'s: an
    update's diff; a creation's initial values against `{}`, a deletion's last values to `{}` (a field missing
    on one side is None there). `secret_fields` only show whether they were set; SECRET_FIELDS are redacted by
    audit_record whatever the caller passes."""
    changes = {}
    for field in {**before, **after}:
        old, new = before.get(field), after.get(field)
        if old != new:
            changes[field] = [_masked(old), _masked(new)] if field in secret_fields else [old, new]
    return changes
