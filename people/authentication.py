from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import APIException

from people.models import TokenKind
from people.tokens import TokenRejected, token_resolve


class TokenError(APIException):
    def __init__(self, rejection: TokenRejected):
        super().__init__(rejection.message)
        self.status_code = rejection.status


class BearerTokenAuthentication(BaseAuthentication):
    """`Authorization: Bearer <token>`, as gazu sends it. Refresh tokens only work where a view asks."""

    keyword = b"bearer"

    def authenticate(self, request):
        header = get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword:
            return None
        if len(header) != 2:
            raise TokenError(TokenRejected("Bad Authorization header. Expected 'Bearer <JWT>'", status=422))
        raw = header[1].decode("latin-1")
        view = request.parser_context.get("view") if request.parser_context else None
        kind = getattr(view, "token_kind", TokenKind.ACCESS)
        try:
            token = token_resolve(raw, kind=kind)
        except TokenRejected as rejection:
            raise TokenError(rejection) from None
        return token.person, token

    def authenticate_header(self, request):
        return 'Bearer realm="api"'


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "people.authentication.BearerTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "description": "Access token from POST /api/auth/login"}
