"""Issue 7 item 6: a person's settings (seed 004), search by email (seed 002), the current user, their profile
and presence (seed 003), and the directory of people one may contact. Routes in people.api.urls."""

from django.core.exceptions import ValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import viewsets
from rest_framework.response import Response

from config.api import ERROR_RESPONSE, ZouPagination, request_dict
from config.errors import field_error
from config.permissions import ANY_PERSON
from config.renderers import FastJSONRenderer
from config.rows import zou_datetime_text
from people import selectors, validators, visibility
from people.api import user_serializers as us
from people.api.person_rows import person_row, person_rows
from people.api.serializers import PersonSafeSerializer
from people.api.views import ERRORS, PersonActionViewSet
from people.models import Person, PersonDepartment
from people.services import presence, profile
from people.services import settings as person_settings

UNAUTHORIZED = {401: ERROR_RESPONSE}


class PersonSettingsViewSet(PersonActionViewSet):
    """`/data/persons/<id>/settings`: the target is loaded (and its object permission checked) as for the other
    person sub-resources, so a person reaches their own settings through the `.self` keys."""

    required_permissions = {"view_settings": "persons.view_settings",
                            "replace_settings": "persons.change_settings"}

    def get_queryset(self):
        # Settings are HR data: a person whose HR data the caller may not open is a 404, not a 403 that would
        # confirm they exist; among those visible, the keys above decide (self or admin).
        return visibility.person_hr_visible_qs(viewer=self.request.user, queryset=super().get_queryset())

    @extend_schema(summary="A person's settings: every declared key, with its default where none was chosen",
                   responses={200: us.PersonSettingsSerializer, **ERRORS})
    def view_settings(self, request, person_id):
        return Response(person_settings.person_settings_values(self.get_object()))

    @extend_schema(
        summary="Replace a person's settings (keys left out go back to their defaults)",
        description="A JSON object of declared keys (seed 004's `{\"settings\": {...}}` is accepted too). An "
                    "unknown key or a value of the wrong type is a 400 naming the key. One audit row when "
                    "anything changes; nothing is written otherwise.",
        request=us.PersonSettingsSerializer, responses={200: us.PersonSettingsSerializer, **ERRORS})
    def replace_settings(self, request, person_id):
        values = person_settings.person_settings_replace(
            acting_user=request.user, person=self.get_object(), body=request_dict(request, required=False))
        return Response(values)


def current_user_row(person: Person) -> dict:
    """The caller's own safe form with department and team ids (as /auth/authenticated gives it), and their
    presence."""
    row = person_row(person, view=selectors.PersonView.SAFE, relations=True)
    online = selectors.person_is_online(person, since=selectors.online_since())
    row.update(us.presence_fields(person, online=online))
    return row


class CurrentUserViewSet(viewsets.GenericViewSet):
    """`/data/user/me`, `/data/user/profile` and `/data/user/presence`: the caller's own record. Bots read
    theirs (as /auth/authenticated answers them), may change their names as they may through PUT, and have no
    presence to set."""

    serializer_class = us.CurrentUserSerializer
    required_permissions = {"me": ANY_PERSON, "update_profile": "persons.change_own_profile",
                            "set_presence": "persons.set_own_presence"}

    @extend_schema(summary="The current user's own record, with their presence",
                   responses={200: us.CurrentUserSerializer, **UNAUTHORIZED})
    def me(self, request):
        return Response(current_user_row(request.user))

    @extend_schema(summary="Change one's own names and phone (any other key is a 400 naming it)",
                   request=us.ProfileInputSerializer, responses={200: us.CurrentUserSerializer, **ERRORS})
    def update_profile(self, request):
        result = profile.person_update_own_profile(acting_user=request.user, body=request_dict(request))
        return Response(current_user_row(result.person))

    @extend_schema(summary="Set one's own presence, active or away",
                   request=us.PresenceInputSerializer, responses={200: us.PresenceSerializer, **ERRORS})
    def set_presence(self, request):
        person = presence.person_set_presence(acting_user=request.user, body=request_dict(request))
        online = selectors.person_is_online(person, since=selectors.online_since())
        return Response(us.presence_fields(person, online=online))


EMAIL_PARAMETER = OpenApiParameter("email", OpenApiTypes.STR, required=True,
                                   description="Compared as sign-in compares it: trimmed, in any case.")
DIRECTORY_PARAMETERS = [
    OpenApiParameter("q", OpenApiTypes.STR, description="Keeps the persons whose name contains it (any case)."),
    OpenApiParameter("page", OpenApiTypes.INT, description="Switches to the paginated envelope."),
    OpenApiParameter("limit", OpenApiTypes.INT, description="Rows per page (default 100)."),
]


class PersonLookupViewSet(viewsets.GenericViewSet):
    """`/data/persons/search` and `/data/persons/directory`."""

    serializer_class = PersonSafeSerializer
    pagination_class = ZouPagination
    paginated_ordering = ("first_name", "last_name", "id")
    required_permissions = {"search": "persons.search", "directory": "persons.view_directory"}

    def get_renderers(self):
        if self.action == "search":
            return [FastJSONRenderer()]  # person rows, as the persons list renders them
        return super().get_renderers()

    @extend_schema(summary="Find a person by email (seed 002): a list of at most one, in the safe form",
                   parameters=[EMAIL_PARAMETER],
                   responses={200: PersonSafeSerializer(many=True), 400: ERROR_RESPONSE, 401: ERROR_RESPONSE,
                              403: ERROR_RESPONSE})
    def search(self, request):
        email = request.query_params.get("email")
        if email is None or not email.strip():
            raise field_error("email", "email is required.")
        try:
            email = validators.normalize_email(email)  # as every stored address was normalised
        except ValidationError as exc:
            raise field_error("email", f"email is not a valid address: {exc.messages[0]}") from None
        found = selectors.person_search_by_email(viewer=request.user, email=email)
        return Response(person_rows(found, view=selectors.PersonView.SAFE, relations=True))

    @extend_schema(
        summary="The people the caller may contact, with their presence and whether they are online",
        parameters=DIRECTORY_PARAMETERS,
        responses={200: OpenApiResponse(
            us.DirectoryEntrySerializer(many=True),
            description="A bare array; with `page`, the envelope {data, total, nb_pages, limit, offset, page}."),
            **UNAUTHORIZED, 400: ERROR_RESPONSE, 403: ERROR_RESPONSE})
    def directory(self, request):
        queryset = selectors.person_directory_qs(viewer=request.user, name=request.query_params.get("q"))
        page = self.paginate_queryset(queryset)
        rows = directory_rows(queryset if page is None else page,
                              with_email=request.user.has_perm("persons.view_details"))
        return Response(rows) if page is None else self.get_paginated_response(rows)


def directory_rows(persons, *, with_email: bool) -> list[dict]:
    """Two queries whatever the number: the persons, then their department ids. Emails only for callers who
    read them in Zou's person form anyway (`persons.view_details`): Zou's minimal form hides them from the
    other roles, and a client or vendor must not collect the studio's address list here."""
    persons = list(persons)
    departments: dict = {person.pk: [] for person in persons}
    if persons:
        memberships = PersonDepartment.objects.filter(person_id__in=list(departments)).order_by("created_at", "id")
        for person_id, department_id in memberships.values_list("person_id", "department_id"):
            departments[person_id].append(str(department_id))
    since = selectors.online_since()
    return [{"id": str(person.pk), "first_name": person.first_name, "last_name": person.last_name,
             "full_name": person.full_name, "email": person.email if with_email else None, "has_avatar": person.has_avatar,
             "departments": departments[person.pk], "presence": person.presence,
             "last_seen": zou_datetime_text(person.last_seen),
             "online": selectors.person_is_online(person, since=since)} for person in persons]
