"""Time spent and day-offs over Zou's routes (zou-api.md 5 #4-#20, 5.2, 5.3, 5.4, 5.5): logging time on a task,
a person's time and day-offs by period, the four time tables (read from the stored totals), the current
user's routes, and the generic `/data/time-spents` and `/data/day-offs` collections.

Who may read or write what is the permission table's (timetracking.permissions) and the selectors'; the
writes go through the services."""

import datetime as dt

from django.db.models import Exists, OuterRef
from django.http import JsonResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from config.api import ERROR_RESPONSE, crud_permissions, parse_uuid, request_dict, zou_crud_schema
from config.errors import ApplicationError, Forbidden, NotFound
from config.permissions import ANY_PERSON
from config.renderers import FastJSONRenderer
from people.models import Person
from people.selectors import person_qs_visible_to
from people.visibility import person_hr_visible_qs
from timetracking import selectors, services
from timetracking.api import serializers as s
from timetracking.api.views import TimetrackingCrudViewSet
from timetracking.filters import DayOffFilterSet, TimeSpentFilterSet
from timetracking.models import DayOff, Period, Task, TimeSpent

ERRORS = {400: ERROR_RESPONSE, 401: ERROR_RESPONSE, 403: ERROR_RESPONSE, 404: ERROR_RESPONSE}
TABLE = OpenApiResponse(OpenApiTypes.OBJECT, description=(
    'Minutes by period and person: {"<period number, unpadded>": {"<person id>": 800.0}}.'))
TABLE_FILTERS = [OpenApiParameter(name, OpenApiTypes.UUID, description=text) for name, text in (
    ("project_id", "Only the time on this project."),
    ("department_id", "Only the time on task types of this department."),
    ("studio_id", "Only the persons of this studio."),
)]
TASK_TIME = OpenApiResponse(OpenApiTypes.OBJECT, description=(
    '{"total": minutes, "<person id>": [TimeSpent, ...]}'))
OPTIONAL_DAY_OFF = OpenApiResponse(s.DayOffSerializer, description="The day-off, or {} when there is none.")


def path_parameters(**types) -> list[OpenApiParameter]:
    return [OpenApiParameter(name, kind, OpenApiParameter.PATH) for name, kind in types.items()]


PERSON = path_parameters(person_id=OpenApiTypes.UUID)
TASK = path_parameters(task_id=OpenApiTypes.UUID)
DAY = path_parameters(date=OpenApiTypes.DATE)
YEAR = path_parameters(year=OpenApiTypes.INT)
MONTH = path_parameters(year=OpenApiTypes.INT, month=OpenApiTypes.INT)
WEEK = path_parameters(year=OpenApiTypes.INT, week=OpenApiTypes.INT)


# Dates and periods --------------------------------------------------------------------------------------

def parse_day(raw: str) -> dt.date:
    try:
        return dt.date.fromisoformat(str(raw))
    except ValueError:
        raise ApplicationError(f"Wrong date format for {str(raw)[:40]}, expected YYYY-MM-DD.") from None


def year_range(year) -> tuple[dt.date, dt.date]:
    year = int(year)
    if not 1 <= year <= 9998:
        raise ApplicationError("Year is out of range.")
    return dt.date(year, 1, 1), dt.date(year + 1, 1, 1)


def month_range(year, month) -> tuple[dt.date, dt.date]:
    start, _ = year_range(year)
    month = int(month)
    if not 1 <= month <= 12:
        raise ApplicationError("Invalid month or year.")
    start = start.replace(month=month)
    return start, (start + dt.timedelta(days=32)).replace(day=1)


def week_range(year, week) -> tuple[dt.date, dt.date]:
    year_range(year)
    try:
        monday = dt.date.fromisocalendar(int(year), int(week), 1)
    except ValueError:
        raise ApplicationError("Invalid week or year.") from None
    return monday, monday + dt.timedelta(days=7)


def day_range(year, month, day) -> tuple[dt.date, dt.date]:
    start, _ = month_range(year, month)
    try:
        day = start.replace(day=int(day))
    except ValueError:
        raise ApplicationError("Invalid day.") from None
    return day, day + dt.timedelta(days=1)


def iso_weeks_of(year) -> tuple[dt.date, dt.date]:
    """The Mondays that start ISO year `year` and the next one."""
    year_range(year)
    return dt.date.fromisocalendar(int(year), 1, 1), dt.date.fromisocalendar(int(year) + 1, 1, 1)


def date_bounds(params) -> tuple[dt.date, dt.date] | None:
    """`start_date` and `end_date`, both included; both or neither (one alone is Zou's 400)."""
    start, end = params.get("start_date"), params.get("end_date")
    if start is None and end is None:
        return None
    if start is None or end is None:
        raise ApplicationError("Both start_date and end_date are required.")
    return parse_day(start), parse_day(end)


def time_spent_rows(queryset) -> list[dict]:
    return s.TimeSpentSerializer(queryset.order_by("date", "created_at"), many=True).data


def day_off_rows(queryset) -> list[dict]:
    return s.DayOffSerializer(queryset, many=True).data


# Logging time on a task (5.3) ----------------------------------------------------------------------------

class TaskTimeSpentViewSet(viewsets.GenericViewSet):
    """`/actions/tasks/<task_id>/time-spents/...`: set, add or remove a person's minutes on a day, and the
    task's time spent by person."""

    required_permissions = {"set_time": "time_spents.log", "add_time": "time_spents.log",
                            "remove_time": "time_spents.log", "task_time": "tasks.view",
                            "task_time_of_day": "tasks.view"}

    def get_task(self) -> Task:
        task_id = parse_uuid(self.kwargs["task_id"], status_code=404, message="Task not found.")
        task = selectors.task_qs_visible_to(viewer=self.request.user).filter(pk=task_id).first()
        if task is None:
            raise NotFound("Task not found.")
        return task

    def get_writable(self) -> tuple[Task, Person, dt.date]:
        day = parse_day(self.kwargs["date"])
        task = self.get_task()
        person_id = parse_uuid(self.kwargs["person_id"], status_code=404, message="Person not found.")
        person = Person.objects.filter(pk=person_id).first()
        if person is None:
            raise NotFound("Person not found.")
        if person.is_bot:
            raise Forbidden("Bots do not log time.")
        if not selectors.time_spent_is_writable_by(viewer=self.request.user, task=task, person=person):
            raise Forbidden("You are not allowed to log time for this person on this task.")
        return task, person, day

    def _set(self, request, *, add: bool) -> Response:
        task, person, day = self.get_writable()
        body = s.DurationSerializer(data=request_dict(request))
        body.is_valid(raise_exception=True)
        time_spent = services.time_spent_set(acting_user=request.user, task=task, person=person, date=day,
                                             duration=body.validated_data["duration"], add=add)
        return Response(s.TimeSpentSerializer(time_spent).data, status=status.HTTP_201_CREATED)

    @extend_schema(operation_id="task_set_time", summary="Set the minutes a person spent on a task on a day", request=s.DurationSerializer,
                   parameters=[*TASK, *DAY, *PERSON], responses={201: s.TimeSpentSerializer, **ERRORS})
    def set_time(self, request, task_id, date, person_id):
        return self._set(request, add=False)

    @extend_schema(operation_id="task_add_time", summary="Add minutes to what a person spent on a task on a day", request=s.DurationSerializer,
                   parameters=[*TASK, *DAY, *PERSON], responses={201: s.TimeSpentSerializer, **ERRORS})
    def add_time(self, request, task_id, date, person_id):
        return self._set(request, add=True)

    @extend_schema(operation_id="task_remove_time", summary="Remove a person's time on a task on a day (answers the removed row)",
                   parameters=[*TASK, *DAY, *PERSON], responses={201: s.TimeSpentSerializer, **ERRORS})
    def remove_time(self, request, task_id, date, person_id):
        task, person, day = self.get_writable()
        time_spent = TimeSpent.objects.filter(task=task, person=person, date=day).first()
        if time_spent is None:
            raise NotFound("Time spent not found.")
        data = s.TimeSpentSerializer(time_spent).data
        services.time_spent_delete(acting_user=request.user, time_spent=time_spent)
        return Response(data, status=status.HTTP_201_CREATED)

    def _by_person(self, queryset) -> Response:
        rows = time_spent_rows(queryset)
        result: dict = {"total": float(sum(row["duration"] for row in rows))}
        for row in rows:
            result.setdefault(row["person_id"], []).append(row)
        return Response(result)

    @extend_schema(operation_id="task_task_time", summary="A task's time spent, by person", parameters=TASK,
                   responses={200: TASK_TIME, **ERRORS})
    def task_time(self, request, task_id):
        return self._by_person(selectors.task_time_spents_visible_to(viewer=request.user, task=self.get_task()))

    @extend_schema(operation_id="task_task_time_of_day", summary="A task's time spent on a day, by person", parameters=[*TASK, *DAY],
                   responses={200: TASK_TIME, **ERRORS})
    def task_time_of_day(self, request, task_id, date):
        day = parse_day(date)
        return self._by_person(selectors.task_time_spents_visible_to(viewer=request.user, task=self.get_task()).filter(
            date=day))


# A person's time and day-offs (5 #4-#10, #15, #17-#20) ------------------------------------------------------

class PersonTimeViewSet(viewsets.GenericViewSet):
    """`/data/persons/<person_id>/time-spents...` and `.../day-offs...`. The person is loaded once, 404 when
    unknown or malformed, 403 when a bot (Zou's check_person_is_not_bot), then checked against the action's
    key (`.self` variants: admin or the person)."""

    required_permissions = {
        "time_spents": "time_spents.view",
        "month_all": "time_spents.view_month",
        "time_of_day": "time_spents.view_person",
        "year_entries": "time_spents.view_person",
        "month_entries": "time_spents.view_person",
        "week_entries": "time_spents.view_person",
        "day_entries": "time_spents.view_person",
        "day_offs": "day_offs.view",
        "day_off_of_day": "day_offs.view",
        "week_day_offs": "day_offs.view",
        "month_day_offs": "day_offs.view",
        "year_day_offs": "day_offs.view",
    }

    def get_person(self) -> Person:
        """The person, with `opens_hr_data` (people.visibility: admins and HR, the person's line managers at
        any depth, supervisors of their departments) read in the same query. Whoever opens the person's HR
        data reads all their time and day-offs (issue 7, item 2), beyond Zou's project and department rules;
        anyone else is held to those rules and the action's key."""
        viewer = self.request.user
        person_id = parse_uuid(self.kwargs["person_id"], status_code=404, message="Person not found.")
        person = (person_qs_visible_to(viewer=viewer).filter(pk=person_id)
                  .annotate(opens_hr_data=Exists(person_hr_visible_qs(viewer=viewer).filter(pk=OuterRef("pk"))))
                  .first())
        if person is None:
            raise NotFound("Person not found.")
        if person.is_bot:
            raise Forbidden("This person is a bot.")
        if not person.opens_hr_data:
            self.check_object_permissions(self.request, person)
        return person

    # Time spent
    @extend_schema(operation_id="person_time_spents", summary="A person's time spent between two days (both included)", parameters=[
        *PERSON, OpenApiParameter("start_date", OpenApiTypes.DATE), OpenApiParameter("end_date", OpenApiTypes.DATE)],
        responses={200: s.TimeSpentSerializer(many=True), **ERRORS})
    def time_spents(self, request, person_id):
        person = self.get_person()
        bounds = date_bounds(request.query_params)
        queryset = TimeSpent.objects.filter(person=person)
        if bounds is not None:  # Zou answers [] without bounds (it compares with NULL); Roster answers all
            queryset = queryset.filter(date__gte=bounds[0], date__lte=bounds[1])
        return Response(time_spent_rows(queryset))

    @extend_schema(operation_id="person_month_all", summary="A person's time spent in a month, row by row", parameters=[*PERSON, *MONTH],
                   responses={200: s.TimeSpentSerializer(many=True), **ERRORS})
    def month_all(self, request, person_id, year, month):
        person = self.get_person()
        start, end = month_range(year, month)
        return Response(time_spent_rows(TimeSpent.objects.filter(person=person, date__gte=start,
                                                                 date__lt=end)))

    def _visible_time(self, person: Person):
        project_id = request_project_id(self.request)
        return selectors.person_time_spents_visible_to(viewer=self.request.user, person=person,
                                                       project_id=project_id,
                                                       opens_hr_data=person.opens_hr_data)

    @extend_schema(operation_id="person_time_of_day", summary="A person's time spent on a day (`by-date?date=` is gazu 1.1's spelling)",
                   parameters=[*PERSON, *DAY, OpenApiParameter("date", OpenApiTypes.DATE, description=(
                       "With the path segment `by-date` only."))],
                   responses={200: s.TimeSpentSerializer(many=True), **ERRORS})
    def time_of_day(self, request, person_id, date):
        person = self.get_person()
        day = parse_day(request.query_params.get("date", "") if date == "by-date" else date)
        return Response(time_spent_rows(self._visible_time(person).filter(date=day)))

    def _entries(self, bounds) -> Response:
        person = self.get_person()
        start, end = bounds
        return Response(selectors.task_time_entries(self._visible_time(person).filter(
            date__gte=start, date__lt=end)))

    @extend_schema(operation_id="person_year_entries", summary="A person's time in a year, by task", parameters=[
        *PERSON, *YEAR, OpenApiParameter("project_id", OpenApiTypes.UUID)],
        responses={200: s.TaskTimeEntrySerializer(many=True), **ERRORS})
    def year_entries(self, request, person_id, year):
        return self._entries(year_range(year))

    @extend_schema(operation_id="person_month_entries", summary="A person's time in a month, by task", parameters=[
        *PERSON, *MONTH, OpenApiParameter("project_id", OpenApiTypes.UUID)],
        responses={200: s.TaskTimeEntrySerializer(many=True), **ERRORS})
    def month_entries(self, request, person_id, year, month):
        return self._entries(month_range(year, month))

    @extend_schema(operation_id="person_week_entries", summary="A person's time in an ISO week, by task", parameters=[
        *PERSON, *WEEK, OpenApiParameter("project_id", OpenApiTypes.UUID)],
        responses={200: s.TaskTimeEntrySerializer(many=True), **ERRORS})
    def week_entries(self, request, person_id, year, week):
        return self._entries(week_range(year, week))

    @extend_schema(operation_id="person_day_entries", summary="A person's time on a day, by task", parameters=[
        *PERSON, *path_parameters(year=OpenApiTypes.INT, month=OpenApiTypes.INT, day=OpenApiTypes.INT),
        OpenApiParameter("project_id", OpenApiTypes.UUID)],
        responses={200: s.TaskTimeEntrySerializer(many=True), **ERRORS})
    def day_entries(self, request, person_id, year, month, day):
        return self._entries(day_range(year, month, day))

    # Day-offs
    @extend_schema(operation_id="person_day_offs", summary="A person's day-offs", parameters=PERSON,
                   responses={200: s.DayOffSerializer(many=True), **ERRORS})
    def day_offs(self, request, person_id):
        person = self.get_person()
        return Response(day_off_rows(DayOff.objects.filter(person=person).order_by("date", "created_at")))

    @extend_schema(operation_id="person_day_off_of_day", summary="The person's day-off covering a day, or {}", parameters=[*PERSON, *DAY],
                   responses={200: OPTIONAL_DAY_OFF, **ERRORS})
    def day_off_of_day(self, request, person_id, date):
        person = self.get_person()
        day_off = selectors.day_off_covering(DayOff.objects.filter(person=person), parse_day(date))
        return Response(s.DayOffSerializer(day_off).data if day_off is not None else {})

    def _day_offs(self, bounds) -> Response:
        person = self.get_person()
        start, end = bounds
        return Response(day_off_rows(selectors.day_offs_overlapping(
            DayOff.objects.filter(person=person), start, end - dt.timedelta(days=1))))

    @extend_schema(operation_id="person_week_day_offs", summary="A person's day-offs overlapping an ISO week", parameters=[*PERSON, *WEEK],
                   responses={200: s.DayOffSerializer(many=True), **ERRORS})
    def week_day_offs(self, request, person_id, year, week):
        return self._day_offs(week_range(year, week))

    @extend_schema(operation_id="person_month_day_offs", summary="A person's day-offs overlapping a month", parameters=[*PERSON, *MONTH],
                   responses={200: s.DayOffSerializer(many=True), **ERRORS})
    def month_day_offs(self, request, person_id, year, month):
        return self._day_offs(month_range(year, month))

    @extend_schema(operation_id="person_year_day_offs", summary="A person's day-offs overlapping a year", parameters=[*PERSON, *YEAR],
                   responses={200: s.DayOffSerializer(many=True), **ERRORS})
    def year_day_offs(self, request, person_id, year):
        return self._day_offs(year_range(year))


def request_project_id(request):
    raw = request.query_params.get("project_id")
    return None if raw in (None, "") else parse_uuid(raw, message="project_id is not a valid id.")


# The time tables (5 #11-#14) and everyone's day-offs of a month (#16) --------------------------------------

class TimeTablesViewSet(viewsets.GenericViewSet):
    """`{"<period>": {"<person id>": minutes}}`, read from the stored totals (timetracking.totals): the cost
    follows persons x periods, not the number of time-spent rows. Totals are float minutes far below 1e16, so
    orjson writes them exactly as Python would."""

    renderer_classes = [FastJSONRenderer]
    required_permissions = {"year_table": "time_spents.view_tables", "month_table": "time_spents.view_tables",
                            "week_table": "time_spents.view_tables", "day_table": "time_spents.view_tables",
                            "month_day_offs": "day_offs.view_month"}

    def _table(self, period: str, bounds=(None, None)) -> Response:
        params = self.request.query_params
        scope = selectors.time_table_scope(viewer=self.request.user, project_id=params.get("project_id"),
                                           department_id=params.get("department_id"),
                                           studio_id=params.get("studio_id"))
        start, end = bounds
        return Response(selectors.time_table(period=period, scope=scope, start=start, end=end))

    @extend_schema(operation_id="studio_year_table", summary="Minutes by year and person", parameters=TABLE_FILTERS,
                   responses={200: TABLE, **ERRORS})
    def year_table(self, request):
        return self._table(Period.YEAR)

    @extend_schema(operation_id="studio_month_table", summary="Minutes by month (1-12) and person in a year", parameters=[*YEAR, *TABLE_FILTERS],
                   responses={200: TABLE, **ERRORS})
    def month_table(self, request, year):
        return self._table(Period.MONTH, year_range(year))

    @extend_schema(operation_id="studio_week_table", summary="Minutes by ISO week and person in an ISO year", parameters=[*YEAR, *TABLE_FILTERS],
                   responses={200: TABLE, **ERRORS})
    def week_table(self, request, year):
        return self._table(Period.WEEK, iso_weeks_of(year))

    @extend_schema(operation_id="studio_day_table", summary="Minutes by day (1-31) and person in a month", parameters=[*MONTH, *TABLE_FILTERS],
                   responses={200: TABLE, **ERRORS})
    def day_table(self, request, year, month):
        return self._table(Period.DAY, month_range(year, month))

    @extend_schema(operation_id="studio_month_day_offs", summary="The day-offs overlapping a month: everyone's for admins, one's own otherwise",
                   parameters=MONTH, responses={200: s.DayOffSerializer(many=True), **ERRORS})
    def month_day_offs(self, request, year, month):
        start, end = month_range(year, month)
        day_offs = DayOff.objects.all()
        if not request.user.has_perm("day_offs.view"):
            day_offs = day_offs.filter(person=request.user)
        rows = day_off_rows(selectors.day_offs_overlapping(day_offs, start, end - dt.timedelta(days=1)))
        return Response(rows)


# The current user's routes (5.2) --------------------------------------------------------------------------

class CurrentUserTimeViewSet(viewsets.GenericViewSet):
    """`/data/user/...`: the caller's own time spent and day-offs."""

    renderer_classes = [JSONRenderer]
    required_permissions = {"my_time_spents": ANY_PERSON, "my_time_of_day": ANY_PERSON,
                            "my_task_time": ANY_PERSON, "my_day_off": ANY_PERSON}

    @extend_schema(operation_id="user_my_time_spents", summary="My time spent, between two days when given", parameters=[
        OpenApiParameter("start_date", OpenApiTypes.DATE), OpenApiParameter("end_date", OpenApiTypes.DATE)],
        responses={200: s.TimeSpentSerializer(many=True), **ERRORS})
    def my_time_spents(self, request):
        queryset = TimeSpent.objects.filter(person=request.user)
        bounds = date_bounds(request.query_params)
        if bounds is not None:
            queryset = queryset.filter(date__gte=bounds[0], date__lte=bounds[1])
        return Response(time_spent_rows(queryset))

    @extend_schema(operation_id="user_my_time_of_day", summary="My time spent on a day", parameters=DAY,
                   responses={200: s.TimeSpentSerializer(many=True), **ERRORS})
    def my_time_of_day(self, request, date):
        day = parse_day(request.query_params.get("date", "") if date == "by-date" else date)
        return Response(time_spent_rows(TimeSpent.objects.filter(person=request.user, date=day)))

    @extend_schema(operation_id="user_my_task_time", summary="My time on a task on a day, or null", parameters=[*TASK, *DAY],
                   responses={200: OpenApiResponse(s.TimeSpentSerializer, description="Or null."), **ERRORS})
    def my_task_time(self, request, task_id, date):
        day = parse_day(date)
        task_id = parse_uuid(task_id, status_code=404, message="Task not found.")
        time_spent = TimeSpent.objects.filter(person=request.user, task_id=task_id, date=day).first()
        if time_spent is None:
            return JsonResponse(None, safe=False)  # Zou's `null` (DRF would send an empty body)
        return Response(s.TimeSpentSerializer(time_spent).data)

    @extend_schema(operation_id="user_my_day_off", summary="My day-off covering a day, or {}", parameters=DAY,
                   responses={200: OPTIONAL_DAY_OFF, **ERRORS})
    def my_day_off(self, request, date):
        day_off = selectors.day_off_covering(DayOff.objects.filter(person=request.user), parse_day(date))
        return Response(s.DayOffSerializer(day_off).data if day_off is not None else {})


# The generic collections (5.4, 5.5) -----------------------------------------------------------------------

@extend_schema_view(**zou_crud_schema(s.TimeSpentSerializer, s.TimeSpentInputSerializer, name="time spents"))
class TimeSpentViewSet(TimetrackingCrudViewSet):
    """Admins list, read, create and change rows; a delete follows Zou's check_time_spent_access. Every write
    keeps the task's duration and the stored totals (services)."""

    filterset_class = TimeSpentFilterSet
    output_serializer_class = s.TimeSpentSerializer
    input_serializer_class = s.TimeSpentInputSerializer
    list_ordering = ("date", "created_at")
    required_permissions = crud_permissions("time_spents.view", "time_spents.change", delete="time_spents.log")

    def visible_queryset(self, *, viewer):
        if self.action == "destroy" and not viewer.has_perm("time_spents.view"):
            return TimeSpent.objects.filter(task__in=selectors.task_qs_visible_to(viewer=viewer))
        return TimeSpent.objects.all()

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if self.action == "list":
            bounds = date_bounds(self.request.query_params)
            if bounds is not None:
                queryset = queryset.filter(date__gte=bounds[0], date__lte=bounds[1])
        return queryset

    def get_object(self):
        time_spent = super().get_object()
        if self.action == "destroy" and not selectors.time_spent_is_writable_by(
                viewer=self.request.user, task=time_spent.task, person=time_spent.person):
            raise Forbidden("You are not allowed to remove this time spent.")
        return time_spent

    def perform_create(self, data):
        return services.time_spent_create(acting_user=self.request.user, data=data)

    def perform_update(self, instance, data):
        return services.time_spent_update(acting_user=self.request.user, time_spent=instance, data=data)

    def perform_destroy(self, instance, *, force):
        services.time_spent_delete(acting_user=self.request.user, time_spent=instance)


@extend_schema_view(**zou_crud_schema(s.DayOffSerializer, s.DayOffInputSerializer, name="day-offs"))
class DayOffViewSet(TimetrackingCrudViewSet):
    """Admins list them all; a person creates, reads, changes and deletes their own (403 on someone else's,
    as in Zou); only admins move a day-off to another person."""

    filterset_class = DayOffFilterSet
    output_serializer_class = s.DayOffSerializer
    input_serializer_class = s.DayOffInputSerializer
    list_ordering = ("date", "created_at")
    required_permissions = {**crud_permissions("day_offs.view", "day_offs.change"), "list": "day_offs.list",
                            "create": "day_offs.create"}

    def visible_queryset(self, *, viewer):
        return DayOff.objects.select_related("person")

    def check_object_permissions(self, request, obj):
        super().check_object_permissions(request, obj.person)  # the `.self` keys: admin or the owner

    def perform_create(self, data):
        if not self.request.user.has_perm("day_offs.change", data["person"]):
            raise Forbidden("You can only add your own day-offs.")
        return services.day_off_create(acting_user=self.request.user, data=data)

    def perform_update(self, instance, data):
        person = data.get("person")
        if person is not None and person.pk != instance.person_id and not self.request.user.has_perm(
                "day_offs.change"):
            raise Forbidden("Only an admin can give a day-off to another person.")
        return services.day_off_update(acting_user=self.request.user, day_off=instance, data=data)

    def perform_destroy(self, instance, *, force):
        services.day_off_delete(acting_user=self.request.user, day_off=instance)
