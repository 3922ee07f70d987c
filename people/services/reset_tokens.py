"""Password reset and invitation tokens. The link carries HMAC(nonce); the table keeps only the nonce,
useless without SECRET_KEY. Sign-in (the `default` password answer) and the password services both issue
them, so they live apart from either."""

import datetime as dt
import hashlib
import hmac
import secrets
import string
from urllib.parse import urlencode

from django.conf import settings
from django.utils import timezone

from people.models import PasswordResetToken, Person

RESET_TOKEN_ALPHABET = string.ascii_uppercase + string.digits


def _reset_token_from_nonce(nonce: str) -> str:
    digest = hmac.new(settings.SECRET_KEY.encode(), f"reset:{nonce}".encode(), hashlib.sha512).digest()
    return "".join(RESET_TOKEN_ALPHABET[b % len(RESET_TOKEN_ALPHABET)] for b in digest[:64])


def password_reset_token_issue(*, person: Person, hours: int | None = None, purpose: str = "reset") -> str:
    """A token for PUT /auth/reset-password; a pending one is reused so the same link comes back."""
    now = timezone.now()
    pending = PasswordResetToken.objects.filter(
        person=person, used_at__isnull=True, expires_at__gt=now, purpose=purpose
    ).order_by("-created_at").first()
    if pending is None:
        pending = PasswordResetToken.objects.create(
            person=person,
            nonce=secrets.token_hex(32),
            purpose=purpose,
            expires_at=now + dt.timedelta(hours=hours or settings.ROSTER_RESET_TOKEN_HOURS),
        )
    return _reset_token_from_nonce(pending.nonce)


def password_reset_token_match(*, person: Person | None, token) -> PasswordResetToken | None:
    """The person's unused, unexpired token that `token` was made from, locked until the transaction ends
    (call it inside one), or None."""
    candidates = PasswordResetToken.objects.select_for_update().filter(
        person=person, used_at__isnull=True, expires_at__gt=timezone.now()
    ) if person else []
    return next(
        (c for c in candidates if hmac.compare_digest(_reset_token_from_nonce(c.nonce), str(token or ""))), None
    )


def password_reset_tokens_void(*, person: Person) -> int:
    """Every pending reset or invitation link of the person stops working (its address changed: a link mailed
    to the old one must not open the account)."""
    return PasswordResetToken.objects.filter(person=person, used_at__isnull=True).update(used_at=timezone.now())


def reset_link(*, person: Person, token: str, invitation: bool = False) -> str:
    query = {"email": person.email, "token": token}
    if invitation:
        query["type"] = "new"
    return f"{settings.ROSTER_SITE_URL}/reset-change-password?{urlencode(query)}"
