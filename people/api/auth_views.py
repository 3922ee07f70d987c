"""Zou's `/api/auth/...` routes: sign-in, session, token refresh, password change and reset."""

from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api import ERROR_RESPONSE, THROTTLED_RESPONSE, request_dict
from config.parsers import SafeJSONParser
from config.permissions import ANY_PERSON, PUBLIC
from departments.api.serializers import OrganisationSerializer
from departments.services import organisation_get_or_create
from people.api import serializers as s
from people.api.views import ERRORS, SUCCESS, safe_person_with_departments
from people.authentication import clear_token_cookies, is_browser, set_token_cookies
from people.models import Person, TokenKind
from people.services import passwords, sign_in
from people.throttles import (
    ChangePasswordPersonThrottle,
    LoginAddressThrottle,
    LoginIdentifierThrottle,
    ResetPasswordAddressThrottle,
    ResetPasswordEmailThrottle,
)
from people.tokens import tokens_issue_access_from_refresh

LOGIN_RESPONSE = inline_serializer("LoginResponse", {
    "login": serializers.BooleanField(),
    "user": s.PersonSafeSerializer(),
    "organisation": OrganisationSerializer(),
    "access_token": serializers.CharField(),
    "refresh_token": serializers.CharField(),
})
LOGIN_REFUSED = inline_serializer("LoginRefused", {
    "login": serializers.BooleanField(),
    "error": serializers.BooleanField(required=False),
    "message": serializers.CharField(required=False),
    "unactive": serializers.BooleanField(required=False),
    "default_password": serializers.BooleanField(required=False),
    "token": serializers.CharField(required=False),
    "too_many_failed_login_attemps": serializers.BooleanField(required=False),
})
# A 400 is either a refusal (wrong password, lockout, ...) or malformed input in the usual error envelope.
LOGIN_BAD_REQUEST = PolymorphicProxySerializer(
    component_name="LoginBadRequest", serializers=[LOGIN_REFUSED, ERROR_RESPONSE], resource_type_field_name=None
)


def organisation_for(person: Person) -> dict:
    organisation = organisation_get_or_create()
    show_secrets = person.has_perm("organisations.view_secrets")
    return OrganisationSerializer(organisation, context={"show_secrets": show_secrets}).data


class LoginView(APIView):
    authentication_classes: list = []  # a token sent along is ignored, as in Zou
    required_permissions = {"post": PUBLIC}
    parser_classes = [SafeJSONParser, FormParser, MultiPartParser]
    throttle_classes = [LoginAddressThrottle, LoginIdentifierThrottle]

    @extend_schema(
        summary="Sign in with email (or desktop login) and password",
        request=s.LoginSerializer,
        responses={200: LOGIN_RESPONSE, 400: LOGIN_BAD_REQUEST, 401: LOGIN_REFUSED, 429: THROTTLED_RESPONSE},
        auth=[],
    )
    def post(self, request):
        body = s.LoginSerializer(data=request_dict(request, required=False, query_string_fallback=True))
        body.is_valid(raise_exception=True)
        try:
            person, pair = sign_in.auth_sign_in(
                identifier=body.validated_data["email"], password=body.validated_data["password"]
            )
        except sign_in.LoginRefused as refused:
            return Response(refused.body, status=refused.status)
        response = Response({
            "user": safe_person_with_departments(person),
            "organisation": organisation_for(person),
            "login": True,
            "access_token": pair.access_token,
            "refresh_token": pair.refresh_token,
        })
        if is_browser(request):
            set_token_cookies(response, access_token=pair.access_token, refresh_token=pair.refresh_token)
        return response


class AuthenticatedView(APIView):
    required_permissions = {"get": ANY_PERSON}
    @extend_schema(
        summary="Who the token belongs to",
        responses={200: inline_serializer("Authenticated", {
            "authenticated": serializers.BooleanField(), "user": s.PersonSafeSerializer(),
            "organisation": OrganisationSerializer(),
        }), 401: ERROR_RESPONSE},
    )
    def get(self, request):
        user = safe_person_with_departments(request.user)
        user["fido_devices"] = []
        return Response({"authenticated": True, "user": user, "organisation": organisation_for(request.user)})


class LogoutView(APIView):
    required_permissions = {"get": "auth.session"}

    @extend_schema(summary="Revoke this access token and its refresh token",
                   responses={200: inline_serializer("Logout", {"logout": serializers.BooleanField()}),
                              401: ERROR_RESPONSE, 403: ERROR_RESPONSE})
    def get(self, request):
        sign_in.auth_sign_out(person=request.user, token=request.auth)
        response = Response({"logout": True})
        clear_token_cookies(response)
        return response


class RefreshTokenView(APIView):
    token_kind = TokenKind.REFRESH
    required_permissions = {"get": ANY_PERSON}

    @extend_schema(summary="A new access token, from the refresh token given as Bearer (or its cookie)",
                   responses={200: inline_serializer("Refreshed", {
                       "access_token": serializers.CharField(required=False),
                       "refresh": serializers.BooleanField(required=False)}),
                       401: ERROR_RESPONSE, 422: ERROR_RESPONSE})
    def get(self, request):
        access_token = tokens_issue_access_from_refresh(refresh=request.auth)
        if is_browser(request):
            response = Response({"refresh": True})
            set_token_cookies(response, access_token=access_token)
            return response
        return Response({"access_token": access_token})


class ChangePasswordView(APIView):
    required_permissions = {"post": "auth.session"}
    throttle_classes = [ChangePasswordPersonThrottle]

    @extend_schema(summary="Change my password", request=s.ChangeOwnPasswordSerializer,
                   responses={200: SUCCESS, **ERRORS, 429: THROTTLED_RESPONSE})
    def post(self, request):
        body = s.ChangeOwnPasswordSerializer(data=request_dict(request))
        body.is_valid(raise_exception=True)
        passwords.person_change_own_password(person=request.user, keep_token=request.auth, **body.validated_data)
        return Response({"success": True})


class ResetPasswordView(APIView):
    authentication_classes: list = []
    required_permissions = {"post": PUBLIC, "put": PUBLIC}

    def get_throttles(self):
        if self.request.method == "POST":  # each one may mail a link: counted per address asked for too
            return [ResetPasswordAddressThrottle(), ResetPasswordEmailThrottle()]
        return [ResetPasswordAddressThrottle()]

    @extend_schema(summary="Email a reset link (the same answer whether the address exists or not)",
                   request=s.ResetPasswordRequestSerializer,
                   responses={200: inline_serializer("ResetSent", {"success": serializers.CharField()}),
                              400: ERROR_RESPONSE, 429: THROTTLED_RESPONSE},
                   auth=[])
    def post(self, request):
        body = s.ResetPasswordRequestSerializer(data=request_dict(request))
        body.is_valid(raise_exception=True)
        passwords.password_reset_request_record(email=body.validated_data["email"])
        return Response({"success": "Reset token sent"})

    @extend_schema(summary="Set a new password with a reset token", request=s.ResetPasswordSerializer,
                   responses={200: SUCCESS, 400: ERROR_RESPONSE, 429: THROTTLED_RESPONSE}, auth=[])
    def put(self, request):
        body = s.ResetPasswordSerializer(data=request_dict(request))
        body.is_valid(raise_exception=True)
        passwords.password_reset_complete(**body.validated_data)
        return Response({"success": True})


