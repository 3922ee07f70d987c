"""`/api/data/persons/<id>/permissions` (issue 7, seed 003): a person's role keys, grants, denials and
effective keys; admins and HR set the grants and denials, everyone reads their own."""

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, viewsets
from rest_framework.response import Response

from config.api import ERROR_RESPONSE, parse_uuid, request_dict
from config.errors import NotFound, field_error
from people import selectors, visibility
from people.models import Person, Role
from people.services import permission_rules

ERRORS = {400: ERROR_RESPONSE, 401: ERROR_RESPONSE, 403: ERROR_RESPONSE, 404: ERROR_RESPONSE}

RULE_INPUT_SCHEMA = {"oneOf": [
    {"type": "string", "description": "A permission key, with no expiry."},
    {"type": "object", "required": ["key"], "additionalProperties": False, "properties": {
        "key": {"type": "string"},
        "expires_at": {"type": "string", "nullable": True, "description": (
            "ISO 8601 date-time, or a date meaning through that day; in the future.")},
    }},
]}


@extend_schema_field({"type": "array", "items": RULE_INPUT_SCHEMA})
class RuleListField(serializers.ListField):
    """Documents the body; the permission_rules service reads and checks it."""


class PermissionsInputSerializer(serializers.Serializer):
    granted = RuleListField(required=False, help_text="Replaces the grants when given.")
    denied = RuleListField(required=False, help_text="Replaces the denials when given; a denial wins.")
    reason = serializers.CharField(required=False, max_length=1000, help_text="Kept with the rules and audited.")


class PermissionRuleSerializer(serializers.Serializer):
    key = serializers.CharField()
    effect = serializers.ChoiceField(choices=["grant", "deny"])
    expires_at = serializers.DateTimeField(allow_null=True)
    active = serializers.BooleanField(help_text="False once expires_at has passed: the rule counts for nothing.")
    set_by_id = serializers.UUIDField(allow_null=True)
    set_by = serializers.CharField(allow_null=True)
    set_at = serializers.DateTimeField()
    reason = serializers.CharField(allow_blank=True)


class ExplainedKeySerializer(serializers.Serializer):
    rule = serializers.CharField(help_text='What produced the key: "role:<role>" or "grant"; "deny" for a denied key.')
    overrides = serializers.CharField(allow_null=True, help_text=(
        'For a denial: the rule it overrides ("role:<role>"), or null when the role does not hold the key.'))
    stored_rule = PermissionRuleSerializer(allow_null=True, help_text="The grant or denial behind the key, if any.")


class PermissionsSerializer(serializers.Serializer):
    person_id = serializers.UUIDField()
    role = serializers.ChoiceField(choices=Role.choices)
    role_permissions = serializers.ListField(child=serializers.CharField())
    granted = serializers.ListField(child=serializers.CharField(), help_text="Grants in force.")
    denied = serializers.ListField(child=serializers.CharField(), help_text="Denials in force.")
    effective = serializers.ListField(child=serializers.CharField())
    rules = PermissionRuleSerializer(many=True, help_text="Every stored rule, expired ones included.")
    explain = serializers.DictField(child=ExplainedKeySerializer(), required=False,
                                    help_text="With ?explain=1: the rule behind each effective or denied key.")


EXPLAIN = OpenApiParameter("explain", bool, description="1 or true: say which rule produced each key.")
TRUE, FALSE = frozenset({"1", "true"}), frozenset({"", "0", "false"})


def _explain(params) -> bool:
    raw = params.get("explain", "").strip().lower()
    if raw not in TRUE | FALSE:
        raise field_error("explain", "explain must be 1, true, 0 or false.")
    return raw in TRUE


class PersonPermissionsViewSet(viewsets.GenericViewSet):
    """One person's grants and denials. `persons.view_permissions` has a `.self` variant: everyone reads
    their own, which the object permission settles on the person `get_object()` loads."""

    serializer_class = PermissionsSerializer
    lookup_url_kwarg = "person_id"
    required_permissions = {"retrieve_permissions": "persons.view_permissions",
                            "update_permissions": "persons.manage_permissions"}

    def get_queryset(self):
        # Permissions are HR data: a person whose HR data the caller may not open is a 404 (people.visibility).
        return visibility.person_hr_visible_qs(viewer=self.request.user,
                                               queryset=selectors.person_qs_visible_to(viewer=self.request.user))

    def get_object(self) -> Person:
        pk = parse_uuid(self.kwargs[self.lookup_url_kwarg], status_code=404, message="Person not found.")
        person = self.get_queryset().filter(pk=pk).first()
        if person is None:
            raise NotFound("Person not found.")
        self.check_object_permissions(self.request, person)
        return person

    @extend_schema(summary="A person's permissions: role keys, grants, denials, effective keys (seed 003)",
                   parameters=[EXPLAIN], responses={200: PermissionsSerializer, **ERRORS})
    def retrieve_permissions(self, request, person_id):
        explain = _explain(request.query_params)
        person = self.get_object()
        return Response(PermissionsSerializer(
            selectors.person_permission_breakdown(person=person, explain=explain)).data)

    @extend_schema(summary="Set a person's grants and denials (each list given replaces its set)",
                   parameters=[EXPLAIN], request=PermissionsInputSerializer,
                   responses={200: PermissionsSerializer, **ERRORS})
    def update_permissions(self, request, person_id):
        explain = _explain(request.query_params)
        person = permission_rules.person_set_permission_rules(
            acting_user=request.user, person=self.get_object(), body=request_dict(request))
        return Response(PermissionsSerializer(
            selectors.person_permission_breakdown(person=person, explain=explain)).data)
