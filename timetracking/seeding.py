"""A studio-sized, realistic time history for demos and benchmarks (`manage.py seed_demo --persons N
--time-spents M`, `manage.py seed_history`), written in bulk: COPY on PostgreSQL, batched INSERTs elsewhere.

Realistic means shaped like a studio's history rather than random rows: each person belongs to one
department and works, on working days, on two or three tasks at a time of their department's task types in
their home project (now and then another one); a task is worked on for a few weeks and then replaced by the
next shot's or asset's. People take a few leaves a year (day-offs; no time on those days) and open a desktop
session on the days they work. The history ends on `end` and goes back as far as the wanted number of rows
needs: at most one year at up to DENSE_RATE rows per person and working day, longer at that rate beyond.

The data is deterministic for a seed. Every derived value is recomputed at the end by the database: the
stored totals (timetracking.totals), task durations and last presences.
"""

import datetime as dt
import math
import random
import time
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.db import connection, models, transaction
from django.utils import timezone

from departments.models import Department, Studio
from people.models import DesktopLoginLog, Person, PersonDepartment, Role
from timetracking import services
from timetracking.importing import last_presences_recompute, task_durations_recompute
from timetracking.models import (
    DayOff,
    Entity,
    ForEntity,
    Project,
    ProjectPersonLink,
    Task,
    TaskPersonLink,
    TaskStatus,
    TaskType,
    TimeSpent,
)

END = dt.date(2025, 12, 31)
EMAIL_DOMAIN = "history.example"
PASSWORD = "History-password-1"
# Rows per person and working day: the sparse case logs one task on part of the days; the dense case two
# tasks most days (DENSE_RATE on average). Beyond one year at DENSE_RATE, the history gets longer instead.
DENSE_RATE = 1.8
POOL = 3  # tasks a person has going at once
TASK_DONE_CHANCE = 1 / 12  # after each day logged on a task
AWAY_CHANCE = 0.03  # a working day without work (sick, training) besides day-offs
# (department, task type, for entity); the department's people log on its task types.
TASK_TYPES = [("Modeling", "Modeling", ForEntity.ASSET), ("Rigging", "Rigging", ForEntity.ASSET),
              ("Layout", "Layout", ForEntity.SHOT), ("Animation", "Animation", ForEntity.SHOT),
              ("FX", "FX", ForEntity.SHOT), ("Lighting", "Lighting", ForEntity.SHOT),
              ("Compositing", "Compositing", ForEntity.SHOT)]
ASSET_TYPES = ["Character", "Prop", "Environment"]
SHOTS_PER_SEQUENCE = 40
FIRST_NAMES = ["Ada", "Ben", "Chloe", "Dan", "Eva", "Finn", "Gus", "Hana", "Ivo", "Jade", "Kai", "Lea", "Milo",
               "Nina", "Omar", "Pia", "Quinn", "Rosa", "Sami", "Tess", "Ugo", "Vera", "Wim", "Xena", "Yann", "Zoe"]
ROLES = [Role.USER] * 14 + [Role.SUPERVISOR, Role.MANAGER]


class Progress:
    """Told as the rows are made and written; the command draws a bar."""

    def step(self, label: str, done: int, total: int) -> None: ...

    def note(self, text: str) -> None: ...


@dataclass
class _Stream:
    """A project's shots (or assets) in creation order, and, per task type, how far its tasks have gone."""

    entities: list[int] = field(default_factory=list)
    next_index: dict[int, int] = field(default_factory=dict)


@dataclass
class _History:
    entity_rows: list[tuple] = field(default_factory=list)  # (project, kind, name, parent index or -1)
    task_rows: list[tuple] = field(default_factory=list)  # (project, task type, entity, person, wip)
    # Time spent: parallel arrays (person, task, day index, minutes), millions of rows in little memory.
    ts_person: array = field(default_factory=lambda: array("i"))
    ts_task: array = field(default_factory=lambda: array("i"))
    ts_day: array = field(default_factory=lambda: array("i"))
    ts_minutes: array = field(default_factory=lambda: array("i"))
    logins: list[tuple] = field(default_factory=list)  # (person, day index, minute of the day)
    day_offs: list[tuple] = field(default_factory=list)  # (person, first day, last day)
    team: set = field(default_factory=set)  # (project, person)


def _hex_id(rng: random.Random) -> str:
    # 32 hex digits: PostgreSQL reads them as a uuid, and Django stores UUIDs so on SQLite.
    return f"{rng.getrandbits(128):032x}"


def _working_days(first: dt.date, last: dt.date) -> list[dt.date]:
    days, day = [], first
    while day <= last:
        if day.weekday() < 5:
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def _split(rng: random.Random, total: int, parts: int) -> list[int]:
    """`total` minutes in `parts` half-hour multiples, each at least 30."""
    slots = total // 30
    cuts = sorted(rng.sample(range(1, slots), parts - 1)) if parts > 1 else []
    bounds = [0, *cuts, slots]
    return [(bounds[i + 1] - bounds[i]) * 30 for i in range(parts)]


def plan(*, persons: int, time_spents: int) -> tuple[float, int]:
    """(rows per person and working day, working days of history) for the wanted volume."""
    year_days = len(_working_days(END - dt.timedelta(days=364), END))
    presence = 1 - AWAY_CHANCE - 0.08  # day-offs take about 8% of the working days
    rate = time_spents / max(1, persons * year_days * presence)
    if rate <= DENSE_RATE:
        return rate, year_days
    return DENSE_RATE, math.ceil(time_spents / (persons * DENSE_RATE * presence))


def simulate(*, persons: int, departments: int, projects: int, time_spents: int, seed: int,
             progress: Progress) -> tuple[_History, list[dt.date], list[int], list[int]]:
    """The history as indexes (persons, task types, projects, days); returns it, the days, each person's
    department and home project."""
    rng = random.Random(seed)
    rate, nb_days = plan(persons=persons, time_spents=time_spents)
    # Enough days for the rows whatever the draws (the loop stops at the wanted count).
    first = END - dt.timedelta(days=math.ceil(nb_days * 7 / 5 * 1.25) + 14)
    days = _working_days(first, END)
    department_of = [rng.randrange(departments) for _ in range(persons)]
    home_of = [rng.randrange(projects) for _ in range(persons)]
    history = _History()
    streams: dict[tuple[int, bool], _Stream] = {}
    sequences: dict[int, list[int]] = {}

    off: list[set[int]] = [set() for _ in range(persons)]
    for person in range(persons):
        index = len(days) - 1 - rng.randrange(40)
        while index > 0:
            length = rng.choice([1, 1, 2, 3, 5, 5, 10])  # working days
            start = max(0, index - length + 1)
            off[person].update(range(start, index + 1))
            history.day_offs.append((person, start, index))
            index = start - rng.randrange(30, 110)

    def new_task(person: int, wip: bool) -> int:
        project = home_of[person] if rng.random() < 0.9 else rng.randrange(projects)
        task_type = department_of[person] % len(TASK_TYPES)
        is_asset = TASK_TYPES[task_type][2] == ForEntity.ASSET
        stream = streams.setdefault((project, is_asset), _Stream())
        position = stream.next_index.get(task_type, 0)
        stream.next_index[task_type] = position + 1
        if position == len(stream.entities):
            if is_asset:
                parent = -1
                name = f"{ASSET_TYPES[position % len(ASSET_TYPES)]}{position:05d}"
                kind = ASSET_TYPES[position % len(ASSET_TYPES)]
            else:
                project_sequences = sequences.setdefault(project, [])
                if position % SHOTS_PER_SEQUENCE == 0:
                    project_sequences.append(len(history.entity_rows))
                    history.entity_rows.append((project, "Sequence", f"SQ{len(project_sequences):03d}", -1))
                parent, name, kind = project_sequences[-1], f"SH{position:05d}", "Shot"
            stream.entities.append(len(history.entity_rows))
            history.entity_rows.append((project, kind, name, parent))
        history.task_rows.append((project, task_type, stream.entities[position], person, wip))
        history.team.add((project, person))
        return len(history.task_rows) - 1

    pools = [[new_task(person, True) for _ in range(POOL)] for person in range(persons)]
    whole, fraction = int(rate), rate - int(rate)
    made = 0
    for day_index in range(len(days) - 1, -1, -1):  # from the end backwards: the recent past is complete
        for person in range(persons):
            if day_index in off[person] or rng.random() < AWAY_CHANCE:
                continue
            history.logins.append((person, day_index, rng.randrange(7 * 60 + 30, 10 * 60 + 30)))
            count = min(POOL, whole + (rng.random() < fraction), time_spents - made)
            if count <= 0:
                continue
            pool = pools[person]
            picked = rng.sample(range(POOL), count)
            minutes = _split(rng, rng.choice([420, 450, 480, 480, 510]), count)
            for slot, spent in zip(picked, minutes, strict=True):
                history.ts_person.append(person)
                history.ts_task.append(pool[slot])
                history.ts_day.append(day_index)
                history.ts_minutes.append(spent)
                if rng.random() < TASK_DONE_CHANCE:
                    pool[slot] = new_task(person, False)
            made += count
        progress.step("simulating", made, time_spents)
        if made >= time_spents:
            # The earliest day with time bounds the history: drop the logins and day-offs before it.
            history.day_offs = [(p, a, b) for p, a, b in history.day_offs if b >= day_index]
            break
    return history, days, department_of, home_of


# Writing ------------------------------------------------------------------------------------------------

def _constants(model: type[models.Model], given: Sequence[str], now) -> tuple[list[str], list]:
    """The columns a row does not bring, with their value: now for timestamps, else the field's default."""
    names, values = [], []
    for f in model._meta.concrete_fields:
        if f.attname in given or isinstance(f, models.AutoField | models.BigAutoField):
            continue
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            value = now
        elif f.has_default():
            value = f.get_default()
        elif f.null:
            value = None
        else:
            raise RuntimeError(f"{model.__name__}.{f.name}: no value and no default")
        names.append(f.column)
        values.append(f.get_db_prep_save(value, connection))
    return names, values


def _copy_text(value) -> str:
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    return str(value)


def write_rows(model: type[models.Model], columns: Sequence[str], rows: Iterable[tuple], *, total: int,
               progress: Progress, label: str, chunk: int = 50_000) -> int:
    """Insert rows of `columns` (attnames; values ready for the database: ids as 32 hex digits, dates as
    ISO text) and every other column at its default: COPY on PostgreSQL, executemany elsewhere."""
    now = timezone.now()
    extra_names, extra_values = _constants(model, columns, now)
    names = [model._meta.get_field(name).column for name in columns] + extra_names
    quoted = ", ".join(connection.ops.quote_name(name) for name in names)
    table = connection.ops.quote_name(model._meta.db_table)
    written = 0
    progress.step(label, 0, total)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            suffix = "\t".join(_copy_text(value) for value in extra_values)
            suffix = ("\t" + suffix if suffix else "") + "\n"
            raw = cursor.cursor  # psycopg's own cursor: COPY
            with raw.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
                lines = []
                for row in rows:
                    lines.append("\t".join(["\\N" if value is None else str(value) for value in row]) + suffix)
                    if len(lines) == chunk:
                        copy.write("".join(lines))
                        written += len(lines)
                        lines.clear()
                        progress.step(label, written, total)
                copy.write("".join(lines))
                written += len(lines)
        else:
            sql = f"INSERT INTO {table} ({quoted}) VALUES ({', '.join(['%s'] * len(names))})"
            batch = []
            for row in rows:
                batch.append((*row, *extra_values))
                if len(batch) == chunk:
                    cursor.executemany(sql, batch)
                    written += len(batch)
                    batch.clear()
                    progress.step(label, written, total)
            if batch:
                cursor.executemany(sql, batch)
                written += len(batch)
    progress.step(label, written, total)
    return written


def _timestamp(day: dt.date, minute: int) -> str:
    text = f"{day.isoformat()} {minute // 60:02d}:{minute % 60:02d}:00"
    return text + "+00" if connection.vendor == "postgresql" else text


def history_exists() -> bool:
    return Person.objects.filter(email__iendswith=f"@{EMAIL_DOMAIN}").exists()


@transaction.atomic
def seed_history(*, persons: int, time_spents: int, seed: int = 1, progress: Progress | None = None
                 ) -> dict[str, int]:
    """Create `persons` persons with `time_spents` time-spent rows of history (and their projects, entities,
    tasks, day-offs and desktop logins); returns the number of rows of each kind."""
    progress = progress or Progress()
    if history_exists():
        raise ValueError(f"A history was seeded already (persons @{EMAIL_DOMAIN} exist).")
    started = time.perf_counter()
    rng = random.Random(seed + 1)

    studios = [Studio.objects.get_or_create(name=name, defaults={"color": color})[0]
               for name, color in (("Main studio", "#34495E"), ("Second studio", "#16A085"))]
    departments, task_types = [], []
    for index, (department_name, type_name, for_entity) in enumerate(TASK_TYPES):
        department, _ = Department.objects.get_or_create(
            name=department_name, defaults={"color": f"#{rng.randrange(0x1000000):06X}"})
        departments.append(department)
        task_type, _ = TaskType.objects.get_or_create(
            name=type_name, defaults={"for_entity": for_entity, "department": department, "priority": index})
        task_types.append(task_type)
    wip = TaskStatus.objects.filter(short_name="wip").first() or TaskStatus.objects.create(
        name="Work in progress", short_name="wip", color="#3273DC", is_wip=True)
    done = TaskStatus.objects.filter(short_name="done").first() or TaskStatus.objects.create(
        name="Done", short_name="done", color="#22D160", is_done=True)
    entity_types = {name: services.entity_type_get_or_create(name) for name in ["Sequence", "Shot", *ASSET_TYPES]}
    nb_projects = max(2, persons // 250)
    project_status = services.project_status_get_or_create()
    existing_projects = Project.objects.count()
    projects = Project.objects.bulk_create([
        Project(name=f"History {existing_projects + n + 1:02d}", code=f"H{existing_projects + n + 1:02d}",
                production_type="featurefilm", project_status=project_status)
        for n in range(nb_projects)])
    for project in projects:
        project.task_types.set(task_types)
        project.task_statuses.set([wip, done])

    history, days, department_of, _ = simulate(
        persons=persons, departments=len(TASK_TYPES), projects=nb_projects, time_spents=time_spents,
        seed=seed, progress=progress)

    password = make_password(PASSWORD)
    person_ids = [_hex_id(rng) for _ in range(persons)]
    people = []
    for index, pk in enumerate(person_ids):
        first_name = FIRST_NAMES[index % len(FIRST_NAMES)]
        last_name = f"Artist{index:05d}"
        people.append(Person(
            id=pk, first_name=first_name, last_name=last_name, password=password,
            email=f"{first_name.lower()}.{last_name.lower()}@{EMAIL_DOMAIN}",
            desktop_login=f"history{index:05d}", role=ROLES[index % len(ROLES)], studio=studios[1 if index % 7 == 0 else 0],
            daily_salary=rng.randrange(150, 400)))
    Person.objects.bulk_create(people, batch_size=1000)
    PersonDepartment.objects.bulk_create(
        [PersonDepartment(person_id=pk, department=departments[department_of[index]])
         for index, pk in enumerate(person_ids)], batch_size=1000)

    counts = {"persons": persons}
    entity_ids = [_hex_id(rng) for _ in history.entity_rows]
    project_ids = [project.pk.hex for project in projects]
    entity_type_ids = {name: entity_type.pk.hex for name, entity_type in entity_types.items()}
    counts["entities"] = write_rows(
        Entity, ["id", "project_id", "entity_type_id", "name", "parent_id", "nb_frames"],
        ((entity_ids[i], project_ids[project], entity_type_ids[kind], name,
          entity_ids[parent] if parent >= 0 else None, rng.randrange(24, 240) if kind == "Shot" else None)
         for i, (project, kind, name, parent) in enumerate(history.entity_rows)),
        total=len(entity_ids), progress=progress, label="entities")
    task_ids = [_hex_id(rng) for _ in history.task_rows]
    type_ids = [task_type.pk.hex for task_type in task_types]
    counts["tasks"] = write_rows(
        Task, ["id", "project_id", "task_type_id", "entity_id", "task_status_id"],
        ((task_ids[i], project_ids[project], type_ids[task_type], entity_ids[entity],
          (wip if is_wip else done).pk.hex)
         for i, (project, task_type, entity, _, is_wip) in enumerate(history.task_rows)),
        total=len(task_ids), progress=progress, label="tasks")
    write_rows(TaskPersonLink, ["task_id", "person_id"],
               ((task_ids[i], person_ids[row[3]]) for i, row in enumerate(history.task_rows)),
               total=len(task_ids), progress=progress, label="assignments")
    ProjectPersonLink.objects.bulk_create(
        [ProjectPersonLink(project=projects[project], person_id=person_ids[person])
         for project, person in sorted(history.team)], batch_size=2000)

    counts["day_offs"] = write_rows(
        DayOff, ["id", "person_id", "date", "end_date", "description"],
        ((_hex_id(rng), person_ids[person], days[first].isoformat(), days[last].isoformat(), "Holidays")
         for person, first, last in history.day_offs),
        total=len(history.day_offs), progress=progress, label="day-offs")
    day_text = [day.isoformat() for day in days]
    counts["time_spents"] = write_rows(
        TimeSpent, ["id", "person_id", "task_id", "date", "duration"],
        ((_hex_id(rng), person_ids[p], task_ids[t], day_text[d], m) for p, t, d, m in zip(
            history.ts_person, history.ts_task, history.ts_day, history.ts_minutes, strict=True)),
        total=len(history.ts_person), progress=progress, label="time spents")
    counts["desktop_login_logs"] = write_rows(
        DesktopLoginLog, ["id", "person_id", "date"],
        ((_hex_id(rng), person_ids[person], _timestamp(days[day], minute))
         for person, day, minute in history.logins),
        total=len(history.logins), progress=progress, label="desktop logins")

    progress.note("recomputing task durations, last presences and the stored totals...")
    task_durations_recompute()
    last_presences_recompute()
    counts["totals"] = services.time_totals_rebuild()
    progress.note(f"done in {time.perf_counter() - started:.1f} s")
    return counts
