"""Opaque bearer tokens: random strings handed out once, stored as SHA-256 digests, revocable per person."""

import datetime as dt
import hashlib
import re
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from config.compiled import CompiledLookup
from people.models import AuthToken, IdentityType, Person, TokenKind

TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{43}$")


class TokenRejected(Exception):
    """The presented token cannot authenticate; `status` and `message` are what the client sees."""

    def __init__(self, message: str, status: int = 401):
        super().__init__(message)
        self.message = message
        self.status = status


@dataclass(frozen=True)
class IssuedPair:
    access_token: str
    refresh_token: str


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def _new_raw_token() -> str:
    return secrets.token_urlsafe(32)


def _create(person, *, kind, identity_type, expires_at, refresh_token=None) -> tuple[str, AuthToken]:
    raw = _new_raw_token()
    token = AuthToken.objects.create(
        person=person,
        kind=kind,
        identity_type=identity_type,
        digest=_digest(raw),
        expires_at=expires_at,
        refresh_token=refresh_token,
    )
    return raw, token


def tokens_issue_login_pair(*, person: Person) -> IssuedPair:
    now = timezone.now()
    refresh_raw, refresh = _create(
        person,
        kind=TokenKind.REFRESH,
        identity_type=IdentityType.PERSON,
        expires_at=now + dt.timedelta(days=settings.ROSTER_REFRESH_TOKEN_DAYS),
    )
    access_raw, _ = _create(
        person,
        kind=TokenKind.ACCESS,
        identity_type=IdentityType.PERSON,
        expires_at=now + dt.timedelta(days=settings.ROSTER_ACCESS_TOKEN_DAYS),
        refresh_token=refresh,
    )
    return IssuedPair(access_token=access_raw, refresh_token=refresh_raw)


def tokens_issue_access_from_refresh(*, refresh: AuthToken) -> str:
    """A new access token tied to the same refresh token, so logging out revokes both."""
    expires_at = timezone.now() + dt.timedelta(days=settings.ROSTER_ACCESS_TOKEN_DAYS)
    if refresh.expires_at is not None:
        expires_at = min(expires_at, refresh.expires_at)
    raw, _ = _create(
        refresh.person,
        kind=TokenKind.ACCESS,
        identity_type=refresh.identity_type,
        expires_at=expires_at,
        refresh_token=refresh,
    )
    return raw


def tokens_rotate_api_token(*, person: Person) -> str:
    """Revoke the person's API tokens and issue one that lasts until the end of `expiration_date`."""
    expires_at = None
    if person.expiration_date is not None:
        # 9999-12-31 has no next day in Python: its end is datetime.max.
        end_of_day = (dt.datetime.max if person.expiration_date == dt.date.max else
                      dt.datetime.combine(person.expiration_date + dt.timedelta(days=1), dt.time.min))
        expires_at = timezone.make_aware(end_of_day, dt.UTC)
    identity_type = IdentityType.BOT if person.is_bot else IdentityType.PERSON_API
    with transaction.atomic():
        AuthToken.objects.filter(
            person=person, identity_type=identity_type, revoked_at__isnull=True
        ).update(revoked_at=timezone.now())
        raw, _ = _create(person, kind=TokenKind.ACCESS, identity_type=identity_type, expires_at=expires_at)
    return raw


def tokens_revoke_session(*, token: AuthToken) -> None:
    """Logout: the access token, its refresh token and every access token minted from that refresh."""
    now = timezone.now()
    refresh_id = token.refresh_token_id if token.kind == TokenKind.ACCESS else token.pk
    to_revoke = AuthToken.objects.filter(pk=token.pk)
    if refresh_id is not None:
        to_revoke = AuthToken.objects.filter(pk__in=[token.pk, refresh_id]) | AuthToken.objects.filter(
            refresh_token_id=refresh_id
        )
    to_revoke.filter(revoked_at__isnull=True).update(revoked_at=now)


def tokens_revoke_all(*, person: Person, keep_session_of: AuthToken | None = None) -> int:
    """Revoke every live token of the person, except (optionally) the session `keep_session_of` belongs to."""
    live = AuthToken.objects.filter(person=person, revoked_at__isnull=True)
    if keep_session_of is not None:
        refresh_id = keep_session_of.refresh_token_id or keep_session_of.pk
        live = live.exclude(pk__in=[keep_session_of.pk, refresh_id]).exclude(refresh_token_id=refresh_id)
    return live.update(revoked_at=timezone.now())


# Every authenticated request runs this lookup: its SQL is compiled once per process.
_token_with_person = CompiledLookup(
    lambda digest: AuthToken.objects.select_related("person").filter(digest=digest).order_by()[:1]
)


def token_resolve(raw: str, *, kind: str) -> AuthToken:
    """The live token behind `raw`, with its person loaded, or TokenRejected saying why not."""
    if not TOKEN_PATTERN.match(raw or ""):
        raise TokenRejected("Not enough segments", status=422)
    token = _token_with_person.first(_digest(raw))
    if token is None:
        raise TokenRejected("Invalid token", status=401)
    if token.revoked_at is not None:
        raise TokenRejected("Token has been revoked", status=401)
    if token.expires_at is not None and token.expires_at <= timezone.now():
        raise TokenRejected("Signature has expired", status=401)
    if token.kind != kind:
        message = "Only refresh tokens are allowed" if kind == TokenKind.REFRESH else (
            "Only non-refresh tokens are allowed"
        )
        raise TokenRejected(message, status=422)
    if not token.person.active:
        tokens_revoke_all(person=token.person)
        raise TokenRejected("User is unactive.", status=401)
    return token
