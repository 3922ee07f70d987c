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


def audit_record(*, actor, action: str, target, target_type: str, changes: dict[str, Any] | None = None,
                 reason: str = "", target_id: str | None = None, target_label: str | None = None) -> AuditEntry:
    """One row: `actor` and `target` are model instances (or None for the system), kept by id and label. A
    target that is no record (an identifier nobody has) is named by `target_id` and `target_label`."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit rows are written inside the transaction of the change they record")
    origin = current_origin()
    return AuditEntry.objects.create(
        action=action,
        actor_id=getattr(actor, "pk", None),
        actor_label=_label(actor) if actor is not None else origin.system_actor_label[:300],
        target_type=target_type,
        target_id=str(target.pk) if target is not None else str(target_id or "")[:64],
        target_label=_label(target) if target is not None else str(target_label or "")[:300],
        changes=_redacted(changes or {}), reason=reason or "",
        ip_address=origin.ip_address, request_id=origin.request_id,
    )
