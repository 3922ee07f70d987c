"""Productions and the time spent on them, in Zou's shapes (zou-api.md sections 3.2 and 8): projects, task
types and statuses, entities (episodes, sequences, shots, assets), tasks, time spent and day-offs."""

import uuid

from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateRangeField, RangeBoundary, RangeOperators
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Func, Q

from config.db import ZouModel
from departments.models import hex_color_validator
from people.models import DesktopLoginLog


class ProductionType(models.TextChoices):
    SHORT = "short", "Short"
    FEATURE_FILM = "featurefilm", "Feature film"
    TV_SHOW = "tvshow", "TV show"


class ProductionStyle(models.TextChoices):
    # gazu's list (new_project's docstring); Zou stores the code.
    TWO_D = "2d", "2D"
    THREE_D = "3d", "3D"
    TWO_D_THREE_D = "2d3d", "2D/3D"
    AR = "ar", "AR"
    VFX = "vfx", "VFX"
    STOP_MOTION = "stop-motion", "Stop motion"
    MOTION_DESIGN = "motion-design", "Motion design"
    ARCHVIZ = "archviz", "Archviz"
    COMMERCIAL = "commercial", "Commercial"
    CATALOG = "catalog", "Catalog"
    IMMERSIVE = "immersive", "Immersive"
    NFT = "nft", "NFT"
    VIDEO_GAME = "video-game", "Video game"
    VR = "vr", "VR"


class ForEntity(models.TextChoices):
    """What a task type applies to: assets of any asset type, or one of the temporal entity types."""

    ASSET = "Asset", "Asset"
    SHOT = "Shot", "Shot"
    SEQUENCE = "Sequence", "Sequence"
    EPISODE = "Episode", "Episode"
    EDIT = "Edit", "Edit"
    CONCEPT = "Concept", "Concept"


# Entity types that are not asset types (Zou's "temporal" types and its two special ones).
TEMPORAL_ENTITY_TYPES = ("Episode", "Sequence", "Shot", "Edit", "Concept")


class ProjectStatus(ZouModel):
    """Open or Closed; Zou creates the two on first use, and so does `services.project_status_open`."""

    name = models.CharField(max_length=20, unique=True)
    color = models.CharField(max_length=7, blank=True, default="", validators=[hex_color_validator])

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "project statuses"

    def __str__(self):
        return self.name


class EntityType(ZouModel):
    """Episode, Sequence, Shot, or an asset type (Character, Prop, ...)."""

    name = models.CharField(max_length=30, unique=True)
    short_name = models.CharField(max_length=20, blank=True, default="")
    description = models.TextField(blank=True, default="")
    archived = models.BooleanField(default=False)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def is_asset_type(self) -> bool:
        return self.name not in TEMPORAL_ENTITY_TYPES


class TaskType(ZouModel):
    name = models.CharField(max_length=40, unique=True)
    short_name = models.CharField(max_length=20, blank=True, default="")
    description = models.TextField(blank=True, default="")
    color = models.CharField(max_length=7, default="#FFFFFF", validators=[hex_color_validator])
    priority = models.IntegerField(default=1)
    for_entity = models.CharField(max_length=30, choices=ForEntity.choices, default=ForEntity.ASSET)
    allow_timelog = models.BooleanField(default=True)
    archived = models.BooleanField(default=False)
    shotgun_id = models.IntegerField(null=True, blank=True)
    department = models.ForeignKey(
        "departments.Department", on_delete=models.PROTECT, null=True, blank=True, related_name="task_types"
    )

    class Meta:
        ordering = ["priority", "name"]

    def __str__(self):
        return self.name


class TaskStatus(ZouModel):
    """The flags drive a task's dates: `is_wip` starts it, `is_feedback_request` sets its feedback date
    (`Task.end_date`), `is_done` its done date (see services.task_apply_status)."""

    name = models.CharField(max_length=40)
    short_name = models.CharField(max_length=10, unique=True)
    description = models.TextField(blank=True, default="")
    color = models.CharField(max_length=7, validators=[hex_color_validator])
    priority = models.IntegerField(default=1)
    is_done = models.BooleanField(default=False)
    is_artist_allowed = models.BooleanField(default=True)
    is_client_allowed = models.BooleanField(default=True)
    is_retake = models.BooleanField(default=False)
    is_feedback_request = models.BooleanField(default=False)
    is_default = models.BooleanField(default=False)
    is_wip = models.BooleanField(default=False)
    for_concept = models.BooleanField(default=False)
    archived = models.BooleanField(default=False)
    shotgun_id = models.IntegerField(null=True, blank=True)

    class Meta:
        ordering = ["priority", "name"]
        verbose_name_plural = "task statuses"
        constraints = [
            models.UniqueConstraint(fields=["is_default"], condition=Q(is_default=True),
                                    name="one_default_task_status"),
        ]

    def __str__(self):
        return self.name


class Project(ZouModel):
    name = models.CharField(max_length=80, unique=True)
    code = models.CharField(max_length=80, null=True, blank=True)
    description = models.TextField(blank=True, default="")
    shotgun_id = models.IntegerField(null=True, blank=True)
    data = models.JSONField(null=True, blank=True)
    has_avatar = models.BooleanField(default=False)
    # Zou keeps fps, ratio and resolution as short strings ("25", "16:9", "1920x1080").
    fps = models.CharField(max_length=10, default="25")
    ratio = models.CharField(max_length=10, default="16:9")
    resolution = models.CharField(max_length=12, default="1920x1080")
    production_type = models.CharField(max_length=20, choices=ProductionType.choices,
                                       default=ProductionType.SHORT)
    production_style = models.CharField(max_length=20, choices=ProductionStyle.choices,
                                        default=ProductionStyle.TWO_D_THREE_D)
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    man_days = models.IntegerField(null=True, blank=True)
    nb_episodes = models.IntegerField(default=0)
    project_status = models.ForeignKey(ProjectStatus, on_delete=models.PROTECT, related_name="projects")
    team = models.ManyToManyField("people.Person", through="ProjectPersonLink", related_name="projects",
                                  blank=True)
    asset_types = models.ManyToManyField(EntityType, related_name="projects", blank=True)
    task_types = models.ManyToManyField(TaskType, related_name="projects", blank=True)
    task_statuses = models.ManyToManyField(TaskStatus, related_name="projects", blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(start_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="project_end_after_start",
            ),
        ]

    def __str__(self):
        return self.name


class ProjectPersonLink(models.Model):
    """A person on a project's team. The person side protects: a plain person delete is refused while they
    are on a team; a forced one removes the link (timetracking.services.person_time_data_delete)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="team_links")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="project_links")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["project", "person"], name="unique_project_person")]

    def __str__(self):
        return f"{self.person_id} on {self.project_id}"


class Entity(ZouModel):
    """An episode, sequence, shot or asset. `parent` is a shot's sequence and a sequence's episode."""

    name = models.CharField(max_length=160)
    code = models.CharField(max_length=160, null=True, blank=True)
    description = models.TextField(blank=True, default="")
    nb_frames = models.IntegerField(null=True, blank=True, validators=[MinValueValidator(0)])
    canceled = models.BooleanField(default=False)
    data = models.JSONField(null=True, blank=True)
    shotgun_id = models.IntegerField(null=True, blank=True)
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="entities")
    entity_type = models.ForeignKey(EntityType, on_delete=models.PROTECT, related_name="entities")
    # RESTRICT rather than PROTECT: a project's delete cascades to a sequence and its shots together.
    parent = models.ForeignKey("self", on_delete=models.RESTRICT, null=True, blank=True, related_name="children")

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "entities"
        constraints = [
            # NULLs are distinct in a unique index: assets (no parent) get their own constraint.
            models.UniqueConstraint(fields=["name", "project", "entity_type", "parent"],
                                    condition=Q(parent__isnull=False), name="unique_entity_in_parent"),
            models.UniqueConstraint(fields=["name", "project", "entity_type"],
                                    condition=Q(parent__isnull=True), name="unique_entity_without_parent"),
            models.CheckConstraint(condition=Q(nb_frames__isnull=True) | Q(nb_frames__gte=0),
                                   name="entity_nb_frames_not_negative"),
        ]

    def __str__(self):
        return self.name


class Task(ZouModel):
    """`duration` is the sum of the task's time spent (minutes), kept by the time-spent services in the same
    transaction as each write; `end_date` is the feedback date and `done_date` the done date (section 8)."""

    name = models.CharField(max_length=80, default="main")
    description = models.TextField(blank=True, default="")
    priority = models.IntegerField(default=0)
    difficulty = models.IntegerField(default=3)
    duration = models.FloatField(default=0)
    estimation = models.FloatField(default=0)
    completion_rate = models.IntegerField(default=0)
    retake_count = models.IntegerField(default=0)
    sort_order = models.IntegerField(default=0)
    start_date = models.DateTimeField(null=True, blank=True)
    due_date = models.DateTimeField(null=True, blank=True)
    real_start_date = models.DateTimeField(null=True, blank=True)
    end_date = models.DateTimeField(null=True, blank=True)
    done_date = models.DateTimeField(null=True, blank=True)
    last_comment_date = models.DateTimeField(null=True, blank=True)
    nb_assets_ready = models.IntegerField(default=0)
    nb_drawings = models.IntegerField(default=0)
    data = models.JSONField(null=True, blank=True)
    shotgun_id = models.IntegerField(null=True, blank=True)
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="tasks")
    task_type = models.ForeignKey(TaskType, on_delete=models.PROTECT, related_name="tasks")
    task_status = models.ForeignKey(TaskStatus, on_delete=models.PROTECT, related_name="tasks")
    entity = models.ForeignKey(Entity, on_delete=models.RESTRICT, related_name="tasks")
    assigner = models.ForeignKey("people.Person", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="assigned_tasks")
    assignees = models.ManyToManyField("people.Person", through="TaskPersonLink", related_name="tasks",
                                       blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["name", "project", "task_type", "entity"], name="unique_task"),
            models.CheckConstraint(condition=Q(duration__gte=0), name="task_duration_not_negative"),
            models.CheckConstraint(condition=Q(estimation__gte=0), name="task_estimation_not_negative"),
            models.CheckConstraint(condition=Q(nb_drawings__gte=0), name="task_nb_drawings_not_negative"),
        ]
        indexes = [models.Index(fields=["project", "task_type"])]

    def __str__(self):
        return f"{self.entity_id} / {self.task_type_id} / {self.name}"


class TaskPersonLink(models.Model):
    """An assignment (Zou's `assignations` table). The person side protects, as for team links."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="assignee_links")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="task_links")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["task", "person"], name="unique_task_assignee")]

    def __str__(self):
        return f"{self.person_id} on task {self.task_id}"


class TimeSpent(ZouModel):
    """Minutes a person spent on a task on one day (zou-api.md 3.2: the unit is minutes)."""

    duration = models.FloatField()
    date = models.DateField()
    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="time_spents")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="time_spents")

    class Meta:
        ordering = ["date", "created_at"]
        constraints = [
            models.UniqueConstraint(fields=["person", "task", "date"], name="unique_time_spent_per_day"),
            models.CheckConstraint(condition=Q(duration__gt=0), name="time_spent_duration_positive"),
        ]
        indexes = [models.Index(fields=["person", "date"]), models.Index(fields=["date"])]

    def __str__(self):
        return f"{self.person_id} {self.date}: {self.duration} min"


class DateRange(Func):
    function = "daterange"
    output_field = DateRangeField()


class PostgresOnlyExclusionConstraint(ExclusionConstraint):
    """An exclusion constraint on PostgreSQL, nothing elsewhere: the embedded SQLite of `make run` has no
    EXCLUDE, and the day-off services check overlaps themselves under a row lock on the person anyway."""

    def constraint_sql(self, model, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return None
        return super().constraint_sql(model, schema_editor)

    def create_sql(self, model, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return None
        return super().create_sql(model, schema_editor)

    def remove_sql(self, model, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return None
        return super().remove_sql(model, schema_editor)

    def validate(self, *args, **kwargs):
        # Overlaps are checked by the services (with a readable message); model validation skips this.
        return None


class DayOff(ZouModel):
    """A person's leave from `date` to `end_date`, both included. A person's day-offs never overlap."""

    date = models.DateField()
    end_date = models.DateField()
    description = models.TextField(blank=True, default="")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="day_offs")

    class Meta:
        ordering = ["date"]
        verbose_name = "day off"
        verbose_name_plural = "day offs"
        constraints = [
            models.UniqueConstraint(fields=["person", "date"], name="unique_day_off_start"),
            models.CheckConstraint(condition=Q(end_date__gte=F("date")), name="day_off_end_after_start"),
            PostgresOnlyExclusionConstraint(
                name="day_offs_never_overlap",
                expressions=[
                    ("person", RangeOperators.EQUAL),
                    (DateRange("date", "end_date", RangeBoundary(inclusive_lower=True, inclusive_upper=True)),
                     RangeOperators.OVERLAPS),
                ],
            ),
        ]
        indexes = [models.Index(fields=["person", "end_date"])]

    def __str__(self):
        return f"{self.person_id} off {self.date}..{self.end_date}"


class MonthlyTimesheet(TimeSpent):
    """The admin's monthly timesheet of a department (timetracking.admin_pages): a proxy, no table of its own."""

    class Meta:
        proxy = True
        verbose_name = "monthly timesheet"
        verbose_name_plural = "monthly timesheets"


class MonthlyPresence(DesktopLoginLog):
    """The admin's monthly presence page (timetracking.admin_pages): a proxy, no table of its own."""

    class Meta:
        proxy = True
        verbose_name = "monthly presence"
        verbose_name_plural = "monthly presence"


class CoveringUniqueConstraint(models.UniqueConstraint):
    """A unique constraint whose index carries `include` columns on PostgreSQL (index-only reads), and the
    plain unique constraint on the embedded SQLite, which has no INCLUDE (Django would otherwise create no
    constraint there at all, and `ON CONFLICT` needs one)."""

    def _here(self, schema_editor) -> models.UniqueConstraint:
        if schema_editor.connection.features.supports_covering_indexes:
            return self
        return models.UniqueConstraint(fields=self.fields, name=self.name)

    def constraint_sql(self, model, schema_editor):
        here = self._here(schema_editor)
        return super().constraint_sql(model, schema_editor) if here is self else here.constraint_sql(
            model, schema_editor)

    def create_sql(self, model, schema_editor):
        here = self._here(schema_editor)
        return super().create_sql(model, schema_editor) if here is self else here.create_sql(model, schema_editor)

    def remove_sql(self, model, schema_editor):
        here = self._here(schema_editor)
        return super().remove_sql(model, schema_editor) if here is self else here.remove_sql(model, schema_editor)

    def _check(self, model, connection):
        return [error for error in super()._check(model, connection) if error.id != "models.W039"]


class Period(models.TextChoices):
    DAY = "day", "Day"
    WEEK = "week", "ISO week"
    MONTH = "month", "Month"
    YEAR = "year", "Year"


# "No department": the key of time spent on tasks whose task type has no department. A NULL would make every
# such row distinct in the unique key (so `ON CONFLICT` would never fire), and NULLS NOT DISTINCT is
# PostgreSQL-only; the nil UUID is no department's id.
NO_DEPARTMENT = uuid.UUID(int=0)


class TimeSpentTotal(models.Model):
    """Stored sums of time spent, per person, project and task-type department, at four granularities: the
    day, the ISO week (`period_start` its Monday), the month (its 1st) and the year (Jan 1st). The four time
    tables read these instead of the raw rows, so their cost follows the number of persons and periods, not
    the history's size.

    Derived data: written only by `timetracking.totals` in the transaction of each time-spent write, rebuilt
    and verified by `manage.py time_totals`. `period_number` is the key the tables print: the day of the
    month, the ISO week number, the month number, or the year."""

    period = models.CharField(max_length=5, choices=Period.choices)
    period_start = models.DateField()
    period_number = models.SmallIntegerField()
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="+")
    department_key = models.UUIDField(help_text="The task type's department id, or NO_DEPARTMENT.")
    minutes = models.FloatField()

    class Meta:
        constraints = [
            # Leads with (period, period_start): the tables read one period kind over a date range, from the
            # index alone on PostgreSQL (the printed number and the minutes ride along).
            CoveringUniqueConstraint(fields=["period", "period_start", "person", "project", "department_key"],
                                     include=["period_number", "minutes"], name="unique_time_spent_total"),
        ]

    def __str__(self):
        return f"{self.person_id} {self.period} {self.period_start}: {self.minutes} min"


class TableCellJSON(Func):
    """A time table's cell as the tables' JSON spells it, `"<person id>":<minutes>` (compact, as DRF renders
    it), written by PostgreSQL: the person id as text, the float minutes as Python's repr spells them.

    PostgreSQL's shortest round-trip digits are repr's digits; the two differ only in where they switch to
    an exponent: PostgreSQL from 1e15, Python from 1e16. Integral values below 1e16 are therefore written
    as integers with ".0", and the few other values of [1e15, 1e16) have their exponent moved back into the
    digits (`1.0000000000000002e+15` -> `1000000000000000.2`). Everything else is PostgreSQL's text as is.
    Exact below 1e16 (tests.timetracking.test_tables), which a total is far below (1e16 minutes are 19
    billion years): beyond, PostgreSQL may print more digits than repr (`7.1394221364061504e+16`). Negative
    zero is not repr's either ("0.0"): totals near zero are never stored.

    Elsewhere (the embedded SQLite) it is NULL: the portable table path formats its cells in Python."""

    arity = 2
    output_field = models.TextField()

    def as_sql(self, compiler, connection, **extra_context):
        return "NULL", []

    # `{m}` is the minutes' SQL, `{p}` the person id's; the 1e15 branch moves an exponent of 15 back into
    # the digits (a value there has 16 integral digits and, not being integral, some fractional ones).
    POSTGRESQL_TEMPLATE = (
        """('"' || ({p})::text || '":' || CASE"""
        " WHEN ({m}) = trunc({m}) AND abs({m}) < 1e16 THEN ({m})::bigint::text || '.0'"
        " WHEN abs({m}) >= 1e15 AND abs({m}) < 1e16"
        r" THEN regexp_replace(({m})::text, '^(-?[0-9])[.]([0-9]{{15}})([0-9]+)e[+]15$', '\1\2.\3')"
        " ELSE ({m})::text END)"
    )

    def as_postgresql(self, compiler, connection, **extra_context):
        (person, person_params), (minutes, minutes_params) = (
            compiler.compile(expression) for expression in self.get_source_expressions())
        template = self.POSTGRESQL_TEMPLATE
        return (template.format(p=person, m=minutes),
                [*person_params] + [*minutes_params] * template.count("{m}"))


class TimeSpentPersonTotal(models.Model):
    """The rollup of TimeSpentTotal over projects and departments: one row per person and period, what a
    table without a project or department filter or scope reads (so it neither groups nor reads a row per
    project and department). Kept by `timetracking.totals` with the detailed totals, in the same
    transaction; a reader picks exactly one of the two (selectors.time_table).

    `table_cell` is the row's cell of the tables' JSON, kept by PostgreSQL itself (a stored generated
    column, so no writer can let it drift from the minutes) and carried in the unique index: a week table
    of a year is a hundred thousand cells, which the database then only concatenates, from the index
    alone, instead of formatting an id and a float for each (NULL on SQLite, which never reads it)."""

    period = models.CharField(max_length=5, choices=Period.choices)
    period_start = models.DateField()
    period_number = models.SmallIntegerField()
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    minutes = models.FloatField()
    table_cell = models.GeneratedField(expression=TableCellJSON("person_id", "minutes"),
                                       output_field=models.TextField(null=True), db_persist=True)

    class Meta:
        constraints = [
            CoveringUniqueConstraint(fields=["period", "period_start", "person"],
                                     include=["period_number", "minutes", "table_cell"],
                                     name="unique_time_spent_person_total"),
        ]

    def __str__(self):
        return f"{self.person_id} {self.period} {self.period_start}: {self.minutes} min (all projects)"
