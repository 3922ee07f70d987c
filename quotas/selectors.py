"""Every quota read (zou-api.md 8 and 8.1), on one engine: the *contributions* of a project's shot tasks, each
one person's share of one shot on one local day, with the frames, drawings and shot count it is worth.

- Raw modes (`feedback`, `done`): a shot task counts whole for each assignee, on the local day of its
  feedback date (`Task.end_date`) or done date (`done_date`).
- Weighted modes (`weighted`, `weighteddone`), for tasks whose feedback (or done) date is set:
  - a task with time spent: each row is worth row.duration / task.duration of the shot to the person who
    logged it, on the row's day (a plain date, never shifted);
  - a task with no time spent at all: each assignee gets the shot spread evenly over the business days from
    its WIP date (`real_start_date`) to its feedback (or done) date, local days.

The contributions come from one SQL statement (a UNION of the two weighted passes), whatever the number of
people, shots or days; everything after it is date bucketing in Python. The person quota-shots listing sums
one person's contributions per shot over a period; the project statistics add them up per day, week, month
and year."""

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import DateField, Exists, F, FloatField, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Cast

from config.errors import field_error
from quotas.periods import Period, local_day, week_key, working_days, zone
from timetracking.models import Entity, Project, TaskPersonLink, TimeSpent

SHOT = "Shot"
DEFAULT_FPS = 25.0


@dataclass(frozen=True)
class CountMode:
    name: str
    weighted: bool
    event: str  # the Task column that dates the delivery: `end_date` (feedback) or `done_date`


COUNT_MODES = {
    "weighted": CountMode("weighted", True, "end_date"),
    "weighteddone": CountMode("weighteddone", True, "done_date"),
    "feedback": CountMode("feedback", False, "end_date"),
    "done": CountMode("done", False, "done_date"),
}


def count_mode_from(raw: str | None) -> CountMode:
    mode = COUNT_MODES.get(raw if raw is not None else "weighted")
    if mode is None:
        raise field_error("count_mode", "count_mode must be equal to weighted, weighteddone, feedback or done.")
    return mode


@dataclass(frozen=True)
class Contribution:
    entity_id: uuid.UUID
    person_id: uuid.UUID
    task_type_id: uuid.UUID
    day: dt.date  # a local calendar day
    frames: int
    drawings: int
    count: float  # the share of the shot


# The columns of both weighted passes, in this order (a UNION matches columns by position).
COLUMNS = ("q_entity", "q_person", "q_task_type", "q_frames", "q_drawings", "q_day", "q_minutes",
           "q_task_minutes", "q_start", "q_event")


def _task_filter(prefix: str, *, mode: CountMode, project_id, task_type_ids) -> Q:
    """The tasks that count: shot tasks of the project (and task types) whose event date is set."""
    condition = Q(**{f"{prefix}entity__entity_type__name": SHOT, f"{prefix}{mode.event}__isnull": False})
    if project_id is not None:
        condition &= Q(**{f"{prefix}project_id": project_id})
    if task_type_ids is not None:
        condition &= Q(**{f"{prefix}task_type_id__in": list(task_type_ids)})
    return condition


def _people_filter(*, person_ids, studio_id) -> Q:
    condition = Q()
    if person_ids is not None:
        condition &= Q(person_id__in=list(person_ids))
    if studio_id is not None:
        condition &= Q(person__studio_id=studio_id)
    return condition


def _columns(task: str, *, mode: CountMode, day, minutes) -> dict[str, Any]:
    return {
        "q_entity": F(f"{task}entity_id"), "q_person": F("person_id"), "q_task_type": F(f"{task}task_type_id"),
        "q_frames": F(f"{task}entity__nb_frames"), "q_drawings": F(f"{task}nb_drawings"), "q_day": day,
        "q_minutes": minutes, "q_task_minutes": F(f"{task}duration"), "q_start": F(f"{task}real_start_date"),
        "q_event": F(f"{task}{mode.event}"),
    }


def contribution_rows(*, mode: CountMode, project_id=None, task_type_ids: Iterable | None = None,
                      person_ids: Iterable | None = None, studio_id=None, period: Period | None = None,
                      tz: dt.tzinfo = dt.UTC) -> QuerySet:
    """The one statement behind every quota: rows of COLUMNS, narrowed to what can fall in `period`."""
    tasks = {"project_id": project_id, "task_type_ids": task_type_ids}
    people = _people_filter(person_ids=person_ids, studio_id=studio_id)
    if not mode.weighted:
        rows = TaskPersonLink.objects.filter(_task_filter("task__", mode=mode, **tasks), people)
        if period is not None:
            start, end = period.utc_bounds(tz)
            rows = rows.filter(**{f"task__{mode.event}__gte": start, f"task__{mode.event}__lt": end})
        no_day = Cast(Value(None), DateField())
        return rows.annotate(**_columns("task__", mode=mode, day=no_day, minutes=Cast(Value(None), FloatField()))
                             ).values_list(*COLUMNS)

    logged = TimeSpent.objects.filter(_task_filter("task__", mode=mode, **tasks), people)
    spread = TaskPersonLink.objects.filter(
        _task_filter("task__", mode=mode, **tasks), people, task__real_start_date__isnull=False,
    ).exclude(Exists(TimeSpent.objects.filter(task_id=OuterRef("task_id"))))
    if period is not None:
        start, end = period.utc_bounds(tz)
        logged = logged.filter(date__gte=period.first_day, date__lt=period.end_day)
        spread = spread.filter(task__real_start_date__lt=end, **{f"task__{mode.event}__gte": start})
    logged = logged.annotate(**_columns("task__", mode=mode, day=F("date"), minutes=F("duration")))
    spread = spread.annotate(**_columns("task__", mode=mode, day=Cast(Value(None), DateField()),
                                        minutes=Cast(Value(None), FloatField())))
    return logged.values_list(*COLUMNS).union(spread.values_list(*COLUMNS), all=True)


def contributions(rows: Iterable[tuple], *, mode: CountMode, tz: dt.tzinfo,
                  period: Period | None = None) -> list[Contribution]:
    """The rows of `contribution_rows`, shared out over local days (and kept to `period` when given)."""
    made = []
    for entity, person, task_type, frames, drawings, day, minutes, task_minutes, start, event in rows:
        frames, drawings = frames or 0, drawings or 0
        if not mode.weighted:
            made.append(Contribution(entity, person, task_type, local_day(event, tz), frames, drawings, 1))
        elif day is not None:
            if task_minutes and task_minutes > 0:
                share = minutes / task_minutes
                made.append(Contribution(entity, person, task_type, day, round(frames * share),
                                         round(drawings * share), share))
        else:
            days = working_days(local_day(start, tz), local_day(event, tz))
            share = 1 / len(days)
            made.extend(Contribution(entity, person, task_type, each, round(frames * share),
                                     round(drawings * share), share) for each in days)
    if period is None:
        return made
    return [contribution for contribution in made if contribution.day in period]


# Person quota shots (zou-api.md 8) ------------------------------------------------------------------------

def person_quota_shots(*, person, period: Period, project_id, task_type_id, mode: CountMode) -> list[dict]:
    """The shots that count toward `person`'s quota over `period` (their own timezone), each with its
    `weight` (the sum of the person's shares in the period, rounded to 2 decimals) and `full_name`, sorted
    by full name. Two queries: the contributions, then the shots with their sequence and episode."""
    tz = zone(person.timezone)
    rows = contribution_rows(mode=mode, project_id=project_id, task_type_ids=[task_type_id],
                             person_ids=[person.pk], period=period, tz=tz)
    weights: dict[uuid.UUID, float] = defaultdict(float)
    for contribution in contributions(rows, mode=mode, tz=tz, period=period):
        weights[contribution.entity_id] += contribution.count
    if not mode.weighted:  # a shot counts once, whatever the number of its tasks of that type
        weights = dict.fromkeys(weights, 1)
    shots = Entity.objects.filter(pk__in=list(weights)).select_related("entity_type", "parent__parent")
    listed = []
    for shot in shots:
        weight = round(weights[shot.pk], 2)
        if weight <= 0:
            continue
        shot.full_name = entity_full_name(shot)
        shot.weight = float(weight)
        listed.append(shot)
    return sorted(listed, key=lambda shot: shot.full_name)


def entity_full_name(shot: Entity) -> str:
    """Zou's full name: "SEQ / SHOT", or "EP / SEQ / SHOT" when the sequence is in an episode."""
    names = [shot.name]
    parent = shot.parent
    while parent is not None and len(names) < 3:
        names.insert(0, parent.name)
        parent = parent.parent
    return " / ".join(names)


# Project quota statistics (zou-api.md 8.1) ------------------------------------------------------------------

def project_fps(project: Project) -> float:
    try:
        fps = float(project.fps)
    except (TypeError, ValueError):
        return DEFAULT_FPS
    return fps if fps > 0 else DEFAULT_FPS


def _empty_entry() -> dict:
    sums = ("frames", "seconds", "drawings", "count")
    entry = {level: {name: {} for name in (*sums, "entries")} for level in ("day", "week", "month")}
    entry["year"] = {name: {} for name in sums}
    return entry


def quota_statistics(found: Iterable[Contribution], *, key, fps: float, weighted: bool) -> dict[str, dict]:
    """Zou's `{"<key>": E, "total": E}`; E holds frames, seconds, drawings and count per day ("2024-06-05"),
    ISO week ("2024-23"), month ("2024-06") and year, and `entries`: how many days each month has figures
    on, how many weeks each ISO year has, how many months each year has. Counts add up at full precision
    and are rounded to 2 decimals once; seconds are frames / fps."""
    statistics: dict[str, dict] = {}
    for contribution in found:
        day = contribution.day
        buckets = {"day": day.isoformat(), "week": week_key(day), "month": day.strftime("%Y-%m"),
                   "year": str(day.year)}
        groups = {"day": buckets["month"], "week": week_key(day).split("-")[0], "month": buckets["year"]}
        for entry_key in (str(key(contribution)), "total"):
            entry = statistics.get(entry_key)
            if entry is None:
                entry = statistics[entry_key] = _empty_entry()
            for level, bucket in buckets.items():
                sums = entry[level]
                if bucket not in sums["frames"]:
                    for name in ("frames", "seconds", "drawings", "count"):
                        sums[name][bucket] = 0
                    if level in groups:
                        sums["entries"][groups[level]] = sums["entries"].get(groups[level], 0) + 1
                sums["frames"][bucket] += contribution.frames
                sums["seconds"][bucket] += contribution.frames / fps
                sums["drawings"][bucket] += contribution.drawings
                sums["count"][bucket] += contribution.count
    if weighted:
        for entry in statistics.values():
            for sums in entry.values():
                sums["count"] = {bucket: round(value, 2) for bucket, value in sums["count"].items()}
    return statistics


def project_quotas(*, project: Project, mode: CountMode, tz: dt.tzinfo, task_type_id=None, person_id=None,
                   studio_id=None) -> dict[str, dict]:
    """`/data/projects/<id>/quotas/<task_type_id>` (entries per person) or, with `person_id`,
    `/data/projects/<id>/quotas/persons/<id>` (that person's entries per task type). One query."""
    rows = contribution_rows(mode=mode, project_id=project.pk,
                             task_type_ids=None if task_type_id is None else [task_type_id],
                             person_ids=None if person_id is None else [person_id], studio_id=studio_id, tz=tz)
    key = (lambda c: c.task_type_id) if person_id is not None else (lambda c: c.person_id)
    return quota_statistics(contributions(rows, mode=mode, tz=tz), key=key, fps=project_fps(project),
                            weighted=mode.weighted)


def period_totals(*, mode: CountMode, tz: dt.tzinfo, period: Period, project_id=None, task_type_ids=None,
                  person_ids=None) -> dict[tuple[uuid.UUID, uuid.UUID], dict[str, float]]:
    """(person, task type) -> {"frames", "count"} over a period: the admin's chart and the targets."""
    rows = contribution_rows(mode=mode, project_id=project_id, task_type_ids=task_type_ids,
                             person_ids=person_ids, period=period, tz=tz)
    totals: dict[tuple, dict[str, float]] = defaultdict(lambda: {"frames": 0, "count": 0.0})
    for contribution in contributions(rows, mode=mode, tz=tz, period=period):
        total = totals[(contribution.person_id, contribution.task_type_id)]
        total["frames"] += contribution.frames
        total["count"] += contribution.count
    return dict(totals)


# Quota targets ------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Attainment:
    delivered: float  # frames, or shots (2 decimals), by the department's artists over the period
    expected: float  # the target times the artists times the period's share of a week
    artists: int

    @property
    def percent(self) -> int | None:
        return round(100 * self.delivered / self.expected) if self.expected else None


def weeks_in(period: Period) -> float:
    """A period's length in working weeks: its business days over five."""
    days = (period.end_day - period.first_day).days
    business = sum(1 for offset in range(days) if (period.first_day + dt.timedelta(days=offset)).weekday() < 5)
    return business / 5


def targets_attainment(targets: list, *, period: Period, tz: dt.tzinfo, project_id=None) -> dict:
    """target pk -> Attainment over `period`, for a page of targets in two queries: the departments' active
    artists, then their weighted contributions (feedback dates) on the targets' task types."""
    from people.models import PersonDepartment

    if not targets:
        return {}
    members: dict[uuid.UUID, list[uuid.UUID]] = defaultdict(list)
    memberships = PersonDepartment.objects.filter(
        department_id__in={target.department_id for target in targets}, person__active=True,
        person__is_bot=False).values_list("department_id", "person_id")
    for department_id, person_id in memberships:
        members[department_id].append(person_id)
    everyone = {person for people in members.values() for person in people}
    totals = period_totals(mode=COUNT_MODES["weighted"], tz=tz, period=period, project_id=project_id,
                           task_type_ids={target.task_type_id for target in targets}, person_ids=everyone)
    weeks = weeks_in(period)
    attained = {}
    for target in targets:
        artists = members.get(target.department_id, [])
        measure = "frames" if target.unit == "frames" else "count"
        delivered = sum(totals.get((person, target.task_type_id), {}).get(measure, 0) for person in artists)
        attained[target.pk] = Attainment(delivered=round(delivered, 2),
                                         expected=target.per_week * len(artists) * weeks, artists=len(artists))
    return attained
