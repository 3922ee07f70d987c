"""The HR-data routes of one person (issue 7, items 2 and 8): the audit trail, and the admin's 360 profile and
summary (seed 003). Anyone signed in may ask; people.visibility decides whose data they get, and a person
they may not see is a 404, as one who does not exist."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response

from audit.api.serializers import AuditEntrySerializer
from audit.api.views import LIMIT as AUDIT_LIMIT
from audit.selectors import audit_entries_for, parse_audit_limit
from config.api import ERROR_RESPONSE
from config.permissions import ANY_PERSON
from people import hr_profile, selectors
from people.api.hr_serializers import AdminProfileOutputSerializer, AdminSummarySerializer
from people.api.person_rows import person_row, with_relation_ids
from people.api.serializers import DesktopLoginLogSerializer
from people.api.views import PersonActionViewSet
from people.visibility import READS_WHOLE_AUDIT_LOG, person_for_audit_trail, person_for_hr_data

READ_ERRORS = {400: ERROR_RESPONSE, 401: ERROR_RESPONSE, 404: ERROR_RESPONSE}
HIDDEN = "A person whose HR data the caller may not see is a 404, like an unknown one."

WINDOW = [
    OpenApiParameter("start", str, description="First day (YYYY-MM-DD) of the lists and sections; open if absent."),
    OpenApiParameter("end", str, description="Last day (YYYY-MM-DD), included; open if absent."),
    OpenApiParameter("limit", int, description="Rows per list, newest first: 1 to 500 (default 50)."),
]


def audit_context(request) -> dict:
    """Client addresses and request ids in audit rows: for those who read the whole audit log only."""
    return {"network_details": request.user.has_perm(READS_WHOLE_AUDIT_LOG)}


class PersonHrDataViewSet(PersonActionViewSet):
    """The person actions, plus the HR-data reads. `PATCH .../admin-profile` (an edit, admins only) shares
    its URL with the 360 profile's GET, hence the subclass: one URL is one view."""

    required_permissions = {
        **PersonActionViewSet.required_permissions,
        # Every caller may be someone's line manager, and everyone sees their own: the loaders decide.
        "audit_logs": ANY_PERSON,
        "admin_profile": ANY_PERSON,
        "admin_summary": ANY_PERSON,
    }

    @extend_schema(summary="A person's audit trail, newest first", description=HIDDEN, parameters=[AUDIT_LIMIT],
                   responses={200: AuditEntrySerializer(many=True), **READ_ERRORS})
    def audit_logs(self, request, person_id):
        person = person_for_audit_trail(viewer=request.user, person_id=person_id)
        limit = parse_audit_limit(request.query_params)
        entries = audit_entries_for(target_type="person", target_id=person.pk)[:limit]
        return Response(AuditEntrySerializer(entries, many=True, context=audit_context(request)).data)

    @extend_schema(summary="A person's 360 profile: record, placement, recent history and time (seed 003)",
                   description=HIDDEN, parameters=WINDOW,
                   responses={200: AdminProfileOutputSerializer, **READ_ERRORS})
    def admin_profile(self, request, person_id):
        person = person_for_hr_data(viewer=request.user, person_id=person_id,
                                    queryset=with_relation_ids(hr_profile.admin_profile_persons()))
        window = hr_profile.parse_profile_window(request.query_params)
        profile = hr_profile.person_admin_profile(person=person, window=window)
        return Response({
            "profile": person_row(person, view=selectors.PersonView.SAFE, relations=True),
            "reports_to": profile.reports_to,
            "direct_reports_count": profile.direct_reports_count,
            "departments": profile.departments,
            "teams": profile.teams,
            "audit_events": AuditEntrySerializer(profile.audit_events, many=True,
                                                 context=audit_context(request)).data,
            "desktop_login_logs": DesktopLoginLogSerializer(profile.desktop_login_logs, many=True).data,
            "sections": profile.sections,
            "window": {"start": window.start, "end": window.end, "limit": window.limit},
        })

    @extend_schema(summary="A person's activity summary: counts and last activity (seed 003)",
                   description=HIDDEN, responses={200: AdminSummarySerializer, **READ_ERRORS})
    def admin_summary(self, request, person_id):
        person = person_for_hr_data(viewer=request.user, person_id=person_id,
                                    queryset=hr_profile.admin_summary_persons())
        return Response(AdminSummarySerializer(hr_profile.person_admin_summary(person=person)).data)
