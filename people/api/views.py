from django.core.files.storage import default_storage
from django.db import transaction
from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import serializers, status, viewsets
from rest_framework.response import Response

from config.api import (
    ERROR_RESPONSE,
    THROTTLED_RESPONSE,
    ZouCrudViewSet,
    parse_uuid,
    request_dict,
    zou_crud_schema,
)
from config.errors import NotFound, field_error
from config.permissions import ANY_PERSON
from config.renderers import FastJSONRenderer
from people import selectors
from people.api import serializers as s
from people.api.person_rows import person_row, person_rows, with_relation_ids
from people.filters import PersonFilterSet
from people.models import Person
from people.services import avatars, desktop_logins, lifecycle, passwords, persons, teams, two_factor
from people.throttles import InvitePersonThrottle

SUCCESS = inline_serializer("Success", {"success": serializers.BooleanField()})
ERRORS = {400: ERROR_RESPONSE, 401: ERROR_RESPONSE, 403: ERROR_RESPONSE, 404: ERROR_RESPONSE}


def safe_person_with_departments(person: Person) -> dict:
    """The safe form with department ids, as PersonSafeSerializer gives it, without building its ~60 fields."""
    return person_row(person, view=selectors.PersonView.SAFE, relations=True)


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
        queryset = selectors.person_qs_visible_to(viewer=self.request.user)
        if self.action == "retrieve":
            return with_relation_ids(queryset)
        if self.action == "update":
            return queryset.select_for_update()
        return queryset

    def get_object(self):
        person = super().get_object()
        # Loaded locked inside update()'s transaction: the service takes this row instead of reading it again.
        person.row_locked = self.action == "update"
        return person

    def update(self, request, *args, **kwargs):
        with transaction.atomic():
            return super().update(request, *args, **kwargs)

    def get_list_queryset(self, *, relations):
        view = selectors.person_list_view_for(viewer=self.request.user)
        return selectors.person_list_qs(viewer=self.request.user, view=view)

    def allowed_filters(self):
        return selectors.person_filter_fields_for(
            viewer=self.request.user, all_fields=frozenset(self.filterset_class.base_filters)
        )

    def get_renderers(self):
        if self.action in ("list", "retrieve"):
            return [FastJSONRenderer()]  # exact for person rows (see config.renderers)
        return super().get_renderers()

    def serialize(self, instances, *, many, relations):
        viewer = self.request.user
        if self.action == "list":
            return person_rows(instances, view=selectors.person_list_view_for(viewer=viewer), relations=relations)
        if self.action == "retrieve":
            return person_row(instances, view=selectors.person_detail_view_for(viewer=viewer), relations=relations)
        # Writes answer in the safe form, with a bot's new token once.
        context = {"relations": relations, "access_token": getattr(self, "_issued_access_token", None)}
        return s.PersonSafeWithTokenSerializer(instances, many=many, context=context).data

    def perform_create(self, data):
        result = persons.person_create(acting_user=self.request.user, data=data)
        self._issued_access_token = result.access_token
        return result.person

    def perform_update(self, instance, data):
        result = persons.person_update(acting_user=self.request.user, person=instance, data=data)
        self._issued_access_token = result.access_token
        return result.person

    def perform_destroy(self, instance, *, force):
        persons.person_delete(acting_user=self.request.user, person=instance, force=force)


class PersonActionViewSet(viewsets.GenericViewSet):
    """`/api/actions/persons/<id>/...` and the person sub-resources; routes are listed in people.api.urls.
    Every action acting on a person loads it with `get_object()`, which applies the object permissions."""

    serializer_class = s.PersonSafeSerializer
    lookup_url_kwarg = "person_id"

    def get_queryset(self):
        return selectors.person_qs_visible_to(viewer=self.request.user)

    def get_throttles(self):
        # Each invitation mails the person: a few an hour per invited person, however many admins send them.
        return [InvitePersonThrottle()] if self.action == "invite" else []

    def get_object(self) -> Person:
        """The target person, once per request: malformed or unknown ids are a 404, like Zou's lookup."""
        cached = self.__dict__.get("_target")
        if cached is not None:
            return cached
        pk = parse_uuid(self.kwargs[self.lookup_url_kwarg], status_code=404, message="Person not found.")
        person = self.get_queryset().filter(pk=pk).first()
        if person is None:
            raise NotFound("Person not found.")
        self.check_object_permissions(self.request, person)
        self._target = person
        return person
    required_permissions = {
        "add_department": "persons.manage_departments",
        "lock": "persons.manage_state",
        "unlock": "persons.manage_state",
        "suspend": "persons.manage_state",
        "activate": "persons.manage_state",
        "set_status": "persons.manage_state",
        "set_reporting": "persons.manage_placement",
        "set_role": "persons.manage_roles",
        "set_department": "persons.manage_placement",
        "set_department_details": "persons.manage_placement",
        "set_admin_profile": "persons.manage_profile",
        "force_password_reset": "persons.manage_state",
        "join_team": "persons.manage_teams",
        "leave_team": "persons.manage_teams",
        "join_all_teams": "persons.manage_teams",
        "leave_all_teams": "persons.manage_teams",
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
        "my_desktop_login_logs": ANY_PERSON,
        "add_my_desktop_login_log": ANY_PERSON,
    }

    @extend_schema(summary="Add a person to a department", request=s.DepartmentIdSerializer,
                   responses={201: s.PersonSafeSerializer, **ERRORS})
    def add_department(self, request, person_id):
        person = self.get_object()
        body = s.DepartmentIdSerializer(data=request_dict(request))
        body.is_valid(raise_exception=True)
        persons.person_add_department(
            acting_user=request.user, person=person, department_id=body.validated_data["department_id"]
        )
        person.refresh_from_db()
        return Response(safe_person_with_departments(person), status=status.HTTP_201_CREATED)

    @extend_schema(summary="Remove a person from a department", responses={204: None, **ERRORS})
    def remove_department(self, request, person_id, department_id):
        person = self.get_object()
        persons.person_remove_department(acting_user=request.user, person=person, department_id=department_id)
        return Response(status=status.HTTP_204_NO_CONTENT)

    def _state_change(self, request, change, *, status_code=status.HTTP_200_OK, **fields):
        person = change(acting_user=request.user, person=self.get_object(),
                        reason=request_dict(request, required=False).get("reason"), **fields)
        return Response(safe_person_with_departments(person), status=status_code)

    @extend_schema(summary="Lock an account (Zealot): no sign-in, every session ends",
                   request=s.StateChangeSerializer, responses={202: s.PersonSafeSerializer, **ERRORS})
    def lock(self, request, person_id):
        return self._state_change(request, lifecycle.person_lock, status_code=status.HTTP_202_ACCEPTED)

    @extend_schema(summary="Unlock a locked account (Zealot)", request=None,
                   responses={202: s.PersonSafeSerializer, **ERRORS})
    def unlock(self, request, person_id):
        return self._state_change(request, lifecycle.person_unlock, status_code=status.HTTP_202_ACCEPTED)

    @extend_schema(summary="Suspend an account, with an optional reason kept in the audit log",
                   request=s.StateChangeSerializer, responses={200: s.PersonSafeSerializer, **ERRORS})
    def suspend(self, request, person_id):
        return self._state_change(request, lifecycle.person_suspend)

    @extend_schema(summary="Activate an inactive, suspended or locked account (takes a seat)",
                   request=s.StateChangeSerializer, responses={200: s.PersonSafeSerializer, **ERRORS})
    def activate(self, request, person_id):
        return self._state_change(request, lifecycle.person_activate)

    @extend_schema(summary="Set an account's status", request=s.StatusChangeSerializer,
                   responses={200: s.PersonSafeSerializer, **ERRORS})
    def set_status(self, request, person_id):
        body = request_dict(request, required=False)
        if "status" not in body:
            raise field_error("status", "Status is required.")
        return self._state_change(request, lifecycle.person_set_status, status=body["status"])

    @extend_schema(summary="Set a person's reporting line: line manager, work shift and designation (seed 003)",
                   request=s.ReportingSerializer, responses={200: s.PersonSafeSerializer, **ERRORS})
    def set_reporting(self, request, person_id):
        return self._placement(request, persons.person_set_reporting)

    def _placement(self, request, change):
        result = change(acting_user=request.user, person=self.get_object(), body=request_dict(request))
        return Response(safe_person_with_departments(result.person))

    @extend_schema(summary="Change a person's role (seed 003)", request=s.RoleChangeSerializer,
                   responses={200: s.PersonSafeSerializer, **ERRORS})
    def set_role(self, request, person_id):
        return self._placement(request, persons.person_set_role)

    @extend_schema(summary="Set a person's department (their only one) and designation, or remove them from it",
                   request=s.DepartmentChangeSerializer, responses={200: s.PersonSafeSerializer, **ERRORS})
    def set_department(self, request, person_id):
        return self._placement(request, persons.person_set_department)

    @extend_schema(summary="Set a person's department, work shift, line manager and designation in one call",
                   request=s.DepartmentDetailsSerializer, responses={200: s.PersonSafeSerializer, **ERRORS})
    def set_department_details(self, request, person_id):
        return self._placement(request, persons.person_set_department_details)

    @extend_schema(summary="Edit a person's names, work email, phone and designation from the admin panel",
                   request=s.AdminProfileSerializer, responses={200: s.PersonSafeSerializer, **ERRORS})
    def set_admin_profile(self, request, person_id):
        return self._placement(request, persons.person_set_admin_profile)

    @extend_schema(summary="Make the person choose a new password at their next sign-in",
                   request=s.StateChangeSerializer, responses={200: s.ForcedPasswordResetSerializer, **ERRORS})
    def force_password_reset(self, request, person_id):
        notified = lifecycle.person_force_password_reset(
            acting_user=request.user, person=self.get_object(),
            reason=request_dict(request, required=False).get("reason"))
        return Response({"message": "The person must choose a new password at their next sign-in.",
                         "email_sent": notified})

    @extend_schema(summary="Add a person to a team", request=None,
                   responses={201: s.PersonSafeSerializer, **ERRORS})
    def join_team(self, request, person_id, team_id):
        person = self.get_object()
        teams.person_join_team(acting_user=request.user, person=person, team_id=team_id)
        person.refresh_from_db()
        return Response(safe_person_with_departments(person), status=status.HTTP_201_CREATED)

    @extend_schema(summary="Remove a person from a team", responses={204: None, **ERRORS})
    def leave_team(self, request, person_id, team_id):
        teams.person_leave_team(acting_user=request.user, person=self.get_object(), team_id=team_id)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(summary="Add a person to every team that is not archived", request=None,
                   responses={201: s.PersonSafeSerializer, **ERRORS})
    def join_all_teams(self, request, person_id):
        person = self.get_object()
        teams.person_join_all_teams(acting_user=request.user, person=person)
        person.refresh_from_db()
        return Response(safe_person_with_departments(person), status=status.HTTP_201_CREATED)

    @extend_schema(summary="Remove a person from every team", responses={204: None, **ERRORS})
    def leave_all_teams(self, request, person_id):
        teams.person_leave_all_teams(acting_user=request.user, person=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(summary="Set another person's password", request=s.SetPasswordSerializer,
                   responses={200: SUCCESS, **ERRORS})
    def set_password(self, request, person_id):
        person = self.get_object()
        body = s.SetPasswordSerializer(data=request_dict(request))
        body.is_valid(raise_exception=True)
        passwords.person_set_password(
            acting_user=request.user, person=person,
            password=body.validated_data["password"], password_2=body.validated_data["password_2"],
        )
        return Response({"success": True})

    @extend_schema(summary="Email a person an invitation to choose a password",
                   responses={200: inline_serializer("InvitationSent", {
                       "success": serializers.BooleanField(), "message": serializers.CharField()}), **ERRORS,
                       429: THROTTLED_RESPONSE})
    def invite(self, request, person_id):
        person = self.get_object()
        passwords.person_invite(acting_user=request.user, person=person)
        return Response({"success": True, "message": "Email sent"})

    @extend_schema(summary="A password reset link to hand to the person (the same while it is pending)",
                   request=None,
                   responses={200: inline_serializer("ResetPasswordLink", {
                       "reset_password_link": serializers.CharField()}), **ERRORS})
    def reset_password_link(self, request, person_id):
        person = self.get_object()
        link = passwords.person_reset_password_link(acting_user=request.user, person=person)
        return Response({"reset_password_link": link})

    @extend_schema(summary="Turn off every two-factor method of a person", responses={200: SUCCESS, **ERRORS})
    def disable_two_factor(self, request, person_id):
        person = self.get_object()
        two_factor.person_disable_two_factor(acting_user=request.user, person=person)
        return Response({"success": True})

    @extend_schema(summary="Remove a person's avatar", responses={204: None, **ERRORS})
    def clear_avatar(self, request, person_id):
        person = self.get_object()
        avatars.person_clear_avatar(acting_user=request.user, person=person)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary="Upload a person's avatar (JPEG, PNG or WebP; stored as a 400x400 PNG)",
        request={"multipart/form-data": s.AvatarUploadSerializer},
        responses={201: inline_serializer("ThumbnailPath", {"thumbnail_path": serializers.CharField()}),
                   **ERRORS},
    )
    def upload_avatar(self, request, person_id):
        person = self.get_object()
        path = avatars.person_set_avatar(
            acting_user=request.user, person=person, upload=request.FILES.get("file")
        )
        return Response({"thumbnail_path": path}, status=status.HTTP_201_CREATED)

    @extend_schema(summary="Download a person's avatar",
                   responses={(200, "image/png"): OpenApiTypes.BINARY, 401: ERROR_RESPONSE, 404: ERROR_RESPONSE})
    def download_avatar(self, request, person_id):
        person = self.get_object()
        path = avatars.avatar_path(person.pk)
        if not person.has_avatar or not default_storage.exists(path):
            raise NotFound("This person has no avatar.")
        return FileResponse(default_storage.open(path, "rb"), content_type="image/png")

    @extend_schema(summary="A person's desktop logins, newest first",
                   responses={200: s.DesktopLoginLogSerializer(many=True), **ERRORS})
    def desktop_login_logs(self, request, person_id):
        person = self.get_object()
        logs = selectors.desktop_login_logs_of(person=person)
        return Response(s.DesktopLoginLogSerializer(logs, many=True).data)

    @extend_schema(summary="Record a desktop login", request=s.DesktopLoginLogInputSerializer,
                   responses={201: s.DesktopLoginLogSerializer, **ERRORS})
    def add_desktop_login_log(self, request, person_id):
        person = self.get_object()
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
        log = desktop_logins.desktop_login_log_create(
            acting_user=request.user, person=person, date=body.validated_data.get("date")
        )
        return Response(s.DesktopLoginLogSerializer(log).data, status=status.HTTP_201_CREATED)
