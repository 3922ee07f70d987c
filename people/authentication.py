from django.conf import settings
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import APIException

from people.models import TokenKind
from people.services.presence import person_note_activity
from people.tokens import TokenRejected, token_resolve


class TokenError(APIException):
    def __init__(self, rejection: TokenRejected):
        super().__init__(rejection.message)
        self.status_code = rejection.status


ACCESS_COOKIE = "access_token_cookie"
REFRESH_COOKIE = "refresh_token_cookie"
REFRESH_COOKIE_PATH = "/api/auth/refresh-token"
COOKIE_FOR_KIND = {TokenKind.ACCESS: ACCESS_COOKIE, TokenKind.REFRESH: REFRESH_COOKIE}


def is_browser(request) -> bool:
    """Kitsu's web app signs in from a browser and keeps its tokens in cookies; scripts (gazu) do not."""
    agent = request.headers.get("User-Agent", "")
    return agent.startswith("Mozilla/") and "Gazu" not in agent


def set_token_cookies(response, *, access_token: str | None = None, refresh_token: str | None = None):
    # SameSite keeps other sites' forms from riding on the cookie; HttpOnly keeps scripts from reading it.
    options = {"httponly": True, "samesite": "Lax", "secure": not settings.DEBUG}
    if access_token:
        response.set_cookie(ACCESS_COOKIE, access_token, path="/", **options,
                            max_age=settings.ROSTER_ACCESS_TOKEN_DAYS * 86400)
    if refresh_token:
        response.set_cookie(REFRESH_COOKIE, refresh_token, path=REFRESH_COOKIE_PATH, **options,
                            max_age=settings.ROSTER_REFRESH_TOKEN_DAYS * 86400)


def clear_token_cookies(response):
    response.delete_cookie(ACCESS_COOKIE, path="/", samesite="Lax")
    response.delete_cookie(REFRESH_COOKIE, path=REFRESH_COOKIE_PATH, samesite="Lax")


class BearerTokenAuthentication(BaseAuthentication):
    """`Authorization: Bearer <token>`, as gazu sends it, or the browser's token cookie.
    Refresh tokens only work where a view asks for them (`token_kind`)."""

    keyword = b"bearer"

    def authenticate(self, request):
        view = request.parser_context.get("view") if request.parser_context else None
        kind = getattr(view, "token_kind", TokenKind.ACCESS)
        header = get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword:
            return self._authenticate_cookie(request, kind)
        if len(header) != 2:
            raise TokenError(TokenRejected("Bad Authorization header. Expected 'Bearer <JWT>'", status=422))
        return self._resolve(header[1].decode("latin-1"), kind)

    def _authenticate_cookie(self, request, kind: str):
        raw = request.COOKIES.get(COOKIE_FOR_KIND[kind])
        if not raw:
            return None
        # A cookie rides along on requests other sites start (links, forms): only the app's own pages,
        # or the user typing an address, may use it.
        if request.headers.get("Sec-Fetch-Site", "same-origin") not in ("same-origin", "none"):
            return None
        try:
            return self._resolve(raw, kind)
        except TokenError:
            # A stale cookie is no sign-in at all: public pages still answer, private ones say 401.
            return None

    def _resolve(self, raw: str, kind: str):
        try:
            token = token_resolve(raw, kind=kind)
        except TokenRejected as rejection:
            raise TokenError(rejection) from None
        person_note_activity(person=token.person)  # `last_seen`, at most once a minute, never failing
        return token.person, token

    def authenticate_header(self, request):
        return 'Bearer realm="api"'


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "people.authentication.BearerTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "description": "Access token from POST /api/auth/login"}
