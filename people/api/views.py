from django.core.files.storage import default_storage
from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import serializers, status, viewsets
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api import ERROR_RESPONSE, ZouCrudViewSet, parse_uuid, request_dict, zou_crud_schema
from config.errors import NotFound
from config.parsers import SafeJSONParser
from departments.api.serializers import OrganisationSerializer
from departments.services import organisation_get_or_create
from people import selectors, services
from people.api import serializers as s
from people.authentication import clear_token_cookies, is_browser, set_token_cookies
from people.filters import PersonFilterSet
from people.models import Person, TokenKind
from people.permissions import ensure_person_may
from people.tokens import tokens_issue_access_from_refresh, tokens_revoke_session

SUCCESS = inline_serializer("Success", {"success": serializers.BooleanField()})
ERRORS = {400: ERROR_RESPONSE, 401: ERROR_RESPONSE, 403: ERROR_RESPONSE, 404: ERROR_RESPONSE}


def load_person(person_id, *, viewer: Person) -> Person:
    """A person sub-route's target: malformed or unknown ids are a 404, like Zou's person lookup."""
    pk = parse_uuid(person_id, status_code=404, message="Person not found.")
    person = selectors.person_qs_visible_to(viewer=viewer).filter(pk=pk).first()
    if person is None:
        raise NotFound("Person not found.")
    return person


def safe_person_with_departments(person: Person) -> dict:
    return s.PersonSafeSerializer(person, context={"relations": True}).data


def person_read_forms(*, many: bool) -> PolymorphicProxySerializer:
    """Admins (and managers on one person) read the safe form, everyone else the minimal one."""
    return PolymorphicProxySerializer(
        component_name="PersonSafeOrMinimal",
        serializers=[s.PersonSafeSerializer, s.PersonMinimalSerializer],
        resource_type_field_name=None,
        many=many,
    )


@extend_schema_view(**zou_crud_schema(s.PersonSafeWithTokenSerializer, s.PersonInputSerializer, name="persons",
                                      read_output=person_read_forms(many=False),
                                      read_output_many=person_read_forms(many=True)))
class PersonViewSet(ZouCrudViewSet):
    filterset_class = PersonFilterSet
    output_serializer_class = s.PersonSafeSerializer
    input_serializer_class = s.PersonInputSerializer
    list_ordering = ("first_name", "last_name", "id")
    required_permissions = {
        "list": "persons.view", "retrieve": "persons.view", "create": "persons.create",
        "update": "persons.change", "destroy": "persons.delete",
    }

    def get_queryset(self):
        return selectors.person_qs_visible_to(viewer=self.request.user)

    def get_list_queryset(self, *, relations):
        view = selectors.person_list_view_for(viewer=self.request.user)
        return selectors.person_list_qs(viewer=self.request.user, view=view)

    def allowed_filters(self):
        return selectors.person_filter_fields_for(
            viewer=self.request.user, all_fields=frozenset(self.filterset_class.base_filters)
        )

    def serialize(self, instances, *, many, relations):
        viewer = self.request.user
        if self.action == "list":
            level = selectors.person_list_view_for(viewer=viewer)
        elif self.action == "retrieve":
            level = selectors.person_detail_view_for(viewer=viewer)
        else:
            level = selectors.PersonView.SAFE
        serializer_class = (
            s.PersonSafeWithTokenSerializer if level is selectors.PersonView.SAFE else s.PersonMinimalSerializer
        )
        if many and relations:
            instances = selectors.person_attach_department_ids(instances)
        context = {"relations": relations, "access_token": getattr(self, "_issued_access_token", None)}
        return serializer_class(instances, many=many, context=context).data

    def perform_create(self, data):
        result = services.person_create(acting_user=self.request.user, data=data)
        self._issued_access_token = result.access_token
        return result.person

    def update(self, request, *args, **kwargs):
        ensure_person_may(request.user, "persons.change", target=self.get_object())
        return super().update(request, *args, **kwargs)

    def perform_update(self, instance, data):
        result = services.person_update(acting_user=self.request.user, person=instance, data=data)
        self._issued_access_token = result.access_token
        return result.person

    def perform_destroy(self, instance, *, force):
        services.person_delete(acting_user=self.request.user, person=instance, force=force)


class PersonActionViewSet(viewsets.GenericViewSet):
    """`/api/actions/persons/<id>/...` and the person sub-resources; routes are listed in people.api.urls."""

    serializer_class = s.PersonSafeSerializer
    required_permissions = {
        "add_department": "persons.manage_departments",
        "remove_department": "persons.manage_departments",
        "set_password": "persons.set_password",
        "invite": "persons.invite",
        "reset_password_link": "persons.set_password",
        "disable_two_factor": "persons.disable_two_factor",
        "clear_avatar": "persons.change_avatar",
        "upload_avatar": "persons.change_avatar",
        "download_avatar": "persons.view",
        "desktop_login_logs": "persons.view_desktop_logins",
        "add_desktop_login_log": "persons.add_desktop_login",
        "my_desktop_login_logs": "persons.view",
        "add_my_desktop_login_log": "persons.view",
    }

    @extend_schema(summary="Add a person to a department", request=s.DepartmentIdSerializer,
                   responses={201: s.PersonSafeSerializer, **ERRORS})
    def add_department(self, request, person_id):
        person = load_person(person_id, viewer=request.user)
        body = s.DepartmentIdSerializer(data=request_dict(request))
        body.is_valid(raise_exception=True)
        services.person_add_department(
            acting_user=request.user, person=person, department_id=body.validated_data["department_id"]
        )
        person.refresh_from_db()
        return Response(safe_person_with_departments(person), status=status.HTTP_201_CREATED)

    @extend_schema(summary="Remove a person from a department", responses={204: None, **ERRORS})
    def remove_department(self, request, person_id, department_id):
        person = load_person(person_id, viewer=request.user)
        services.person_remove_department(acting_user=request.user, person=person, department_id=department_id)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(summary="Set another person's password", request=s.SetPasswordSerializer,
                   responses={200: SUCCESS, **ERRORS})
    def set_password(self, request, person_id):
        person = load_person(person_id, viewer=request.user)
        body = s.SetPasswordSerializer(data=request_dict(request))
        body.is_valid(raise_exception=True)
        services.person_set_password(
            acting_user=request.user, person=person,
            password=body.validated_data["password"], password_2=body.validated_data["password_2"],
        )
        return Response({"success": True})

    @extend_schema(summary="Email a person an invitation to choose a password",
                   responses={200: inline_serializer("InvitationSent", {
                       "success": serializers.BooleanField(), "message": serializers.CharField()}), **ERRORS})
    def invite(self, request, person_id):
        person = load_person(person_id, viewer=request.user)
        services.person_invite(acting_user=request.user, person=person)
        return Response({"success": True, "message": "Email sent"})

    @extend_schema(summary="A password reset link to hand to the person (the same while it is pending)",
                   request=None,
                   responses={200: inline_serializer("ResetPasswordLink", {
                       "reset_password_link": serializers.CharField()}), **ERRORS})
    def reset_password_link(self, request, person_id):
        person = load_person(person_id, viewer=request.user)
        link = services.person_reset_password_link(acting_user=request.user, person=person)
        return Response({"reset_password_link": link})

    @extend_schema(summary="Turn off every two-factor method of a person", responses={200: SUCCESS, **ERRORS})
    def disable_two_factor(self, request, person_id):
        person = load_person(person_id, viewer=request.user)
        services.person_disable_two_factor(acting_user=request.user, person=person)
        return Response({"success": True})

    @extend_schema(summary="Remove a person's avatar", responses={204: None, **ERRORS})
    def clear_avatar(self, request, person_id):
        person = load_person(person_id, viewer=request.user)
        ensure_person_may(request.user, "persons.change_avatar", target=person)
        services.person_clear_avatar(acting_user=request.user, person=person)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary="Upload a person's avatar (JPEG, PNG or WebP; stored as a 400x400 PNG)",
        request={"multipart/form-data": s.AvatarUploadSerializer},
        responses={201: inline_serializer("ThumbnailPath", {"thumbnail_path": serializers.CharField()}),
                   **ERRORS},
    )
    def upload_avatar(self, request, person_id):
        person = load_person(person_id, viewer=request.user)
        ensure_person_may(request.user, "persons.change_avatar", target=person)
        path = services.person_set_avatar(
            acting_user=request.user, person=person, upload=request.FILES.get("file")
        )
        return Response({"thumbnail_path": path}, status=status.HTTP_201_CREATED)

    @extend_schema(summary="Download a person's avatar",
                   responses={(200, "image/png"): OpenApiTypes.BINARY, 401: ERROR_RESPONSE, 404: ERROR_RESPONSE})
    def download_avatar(self, request, person_id):
        person = load_person(person_id, viewer=request.user)
        path = services.avatar_path(person.pk)
        if not person.has_avatar or not default_storage.exists(path):
            raise NotFound("This person has no avatar.")
        return FileResponse(default_storage.open(path, "rb"), content_type="image/png")

    @extend_schema(summary="A person's desktop logins, newest first",
                   responses={200: s.DesktopLoginLogSerializer(many=True), **ERRORS})
    def desktop_login_logs(self, request, person_id):
        person = load_person(person_id, viewer=request.user)
        ensure_person_may(request.user, "persons.view_desktop_logins", target=person)
        logs = selectors.desktop_login_logs_of(person=person)
        return Response(s.DesktopLoginLogSerializer(logs, many=True).data)

    @extend_schema(summary="Record a desktop login", request=s.DesktopLoginLogInputSerializer,
                   responses={201: s.DesktopLoginLogSerializer, **ERRORS})
    def add_desktop_login_log(self, request, person_id):
        person = load_person(person_id, viewer=request.user)
        ensure_person_may(request.user, "persons.add_desktop_login", target=person)
        return self._create_desktop_login(request, person)

    @extend_schema(summary="My desktop logins, newest first",
                   responses={200: s.DesktopLoginLogSerializer(many=True), 401: ERROR_RESPONSE})
    def my_desktop_login_logs(self, request):
        logs = selectors.desktop_login_logs_of(person=request.user)
        return Response(s.DesktopLoginLogSerializer(logs, many=True).data)

    @extend_schema(summary="Record one of my desktop logins", request=s.MyDesktopLoginLogInputSerializer,
                   responses={201: s.DesktopLoginLogSerializer, 400: ERROR_RESPONSE, 401: ERROR_RESPONSE})
    def add_my_desktop_login_log(self, request):
        return self._create_desktop_login(request, request.user, input_class=s.MyDesktopLoginLogInputSerializer)

    def _create_desktop_login(self, request, person, input_class=s.DesktopLoginLogInputSerializer):
        body = input_class(data=request_dict(request, required=False))
        body.is_valid(raise_exception=True)
        log = services.desktop_login_log_create(
            acting_user=request.user, person=person, date=body.validated_data.get("date")
        )
        return Response(s.DesktopLoginLogSerializer(log).data, status=status.HTTP_201_CREATED)


# Auth ---------------------------------------------------------------------------------------------------

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
    show_secrets = person.can("organisations.view_secrets")
    return OrganisationSerializer(organisation, context={"show_secrets": show_secrets}).data


class LoginView(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]
    parser_classes = [SafeJSONParser, FormParser, MultiPartParser]

    @extend_schema(
        summary="Sign in with email (or desktop login) and password",
        request=s.LoginSerializer,
        responses={200: LOGIN_RESPONSE, 400: LOGIN_BAD_REQUEST, 401: LOGIN_REFUSED},
        auth=[],
    )
    def post(self, request):
        body = s.LoginSerializer(data=request_dict(request, required=False))
        body.is_valid(raise_exception=True)
        try:
            person, pair = services.auth_sign_in(
                identifier=body.validated_data["email"], password=body.validated_data["password"]
            )
        except services.LoginRefused as refused:
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
        tokens_revoke_session(token=request.auth)
        response = Response({"logout": True})
        clear_token_cookies(response)
        return response


class RefreshTokenView(APIView):
    token_kind = TokenKind.REFRESH

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

    @extend_schema(summary="Change my password", request=s.ChangeOwnPasswordSerializer,
                   responses={200: SUCCESS, **ERRORS})
    def post(self, request):
        body = s.ChangeOwnPasswordSerializer(data=request_dict(request))
        body.is_valid(raise_exception=True)
        services.person_change_own_password(person=request.user, keep_token=request.auth, **body.validated_data)
        return Response({"success": True})


class ResetPasswordView(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(summary="Email a reset link (the same answer whether the address exists or not)",
                   request=s.ResetPasswordRequestSerializer,
                   responses={200: inline_serializer("ResetSent", {"success": serializers.CharField()}),
                              400: ERROR_RESPONSE},
                   auth=[])
    def post(self, request):
        body = s.ResetPasswordRequestSerializer(data=request_dict(request))
        body.is_valid(raise_exception=True)
        services.password_reset_request(email=body.validated_data["email"])
        return Response({"success": "Reset token sent"})

    @extend_schema(summary="Set a new password with a reset token", request=s.ResetPasswordSerializer,
                   responses={200: SUCCESS, 400: ERROR_RESPONSE}, auth=[])
    def put(self, request):
        body = s.ResetPasswordSerializer(data=request_dict(request))
        body.is_valid(raise_exception=True)
        services.password_reset_complete(**body.validated_data)
        return Response({"success": True})


class ApiRootView(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(summary="API name and version",
                   responses={200: inline_serializer("ApiVersion", {
                       "api": serializers.CharField(), "version": serializers.CharField()})},
                   auth=[])
    def get(self, request):
        from django.conf import settings

        return Response({"api": "Roster", "version": settings.ROSTER_API_VERSION})

