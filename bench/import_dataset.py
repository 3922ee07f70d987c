"""A studio-sized dataset for `manage.py import_csv`, and the time its import takes on PostgreSQL.

Usage:
    python -m bench.import_dataset DIR [--persons 2000] [--time-spents 300000] [--seed 1]
        writes the ten CSV files of /work/shared/docs/csv-import.md into DIR;
    python -m bench.import_dataset DIR --time-import [...]
        also creates a fresh database (`<name>_import_bench`), imports DIR twice (the second run must create and
        change nothing) and prints both timings. Nothing is asserted: figures are for comparing commits.

The data is deterministic for a seed: persons in departments, one project of sequences and shots with a few
assets, four tasks per shot and two per asset (each assigned to one or two persons), and time spent spread over
working days, never twice for one (person, task, day); plus day-offs and desktop logins. The defaults make the
issue's benchmark: 2,000 persons and 300,000 time spent rows, about 320,000 rows in all.
"""

import argparse
import csv
import datetime as dt
import random
import sys
import time
import uuid
from pathlib import Path

DEPARTMENTS = ["Animation", "Layout", "Lighting", "Compositing", "Modeling", "Rigging", "FX", "Storyboard"]
SHOT_TASK_TYPES = [("Layout", "Layout"), ("Animation", "Animation"), ("Lighting", "Lighting"),
                   ("Compositing", "Compositing")]
ASSET_TASK_TYPES = [("Modeling", "Modeling"), ("Rigging", "Rigging")]
ASSET_TYPES = ["Character", "Prop", "Environment"]
STATUSES = ["todo", "wip", "wfa", "done"]
FIRST_NAMES = ["Ada", "Ben", "Chloe", "Dan", "Eva", "Finn", "Gus", "Hana", "Ivo", "Jade", "Kai", "Lea", "Milo",
               "Nina", "Omar", "Pia", "Quinn", "Rosa", "Sami", "Tess", "Ugo", "Vera", "Wim", "Xena", "Yann", "Zoe"]
START = dt.date(2023, 1, 2)


def _uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _write(directory: Path, name: str, header: list[str], rows) -> int:
    count = 0
    with open(directory / name, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for row in rows:
            writer.writerow(row)
            count += 1
    return count


def write_dataset(directory: Path, *, persons: int = 2000, time_spents: int = 300_000, seed: int = 1
                  ) -> dict[str, int]:
    """Write the files; returns the number of rows of each."""
    rng = random.Random(seed)
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    counts = {}

    departments = [(_uuid(rng), name) for name in DEPARTMENTS]
    counts["departments.csv"] = _write(directory, "departments.csv", ["id", "name", "color", "kind"],
                                       ([pk, name, f"#{rng.randrange(0x1000000):06X}", "production"]
                                        for pk, name in departments))

    person_ids = [_uuid(rng) for _ in range(persons)]
    roles = ["user"] * 12 + ["supervisor", "manager", "admin"]

    def person_rows():
        for i, pk in enumerate(person_ids):
            first, last = rng.choice(FIRST_NAMES), f"Artist{i:05d}"
            yield [pk, first, last, f"{first.lower()}.{last.lower()}@studio.example", "", "FR",
                   "open-ended", "False" if i % 25 == 24 else "True", "False", f"login{i:05d}", "Europe/Paris",
                   "fr_FR", rng.choice(roles), "artist", rng.choice(["junior", "mid", "senior"]),
                   str(rng.randrange(150, 400)), "2022-09-01T09:00:00"]

    counts["persons.csv"] = _write(
        directory, "persons.csv",
        ["id", "first_name", "last_name", "email", "phone", "country", "contract_type", "active", "archived",
         "desktop_login", "timezone", "locale", "role", "position", "seniority", "daily_salary", "created_at"],
        person_rows())
    person_department = {pk: rng.randrange(len(departments)) for pk in person_ids}
    counts["department_links.csv"] = _write(directory, "department_links.csv", ["person_id", "department_id"],
                                            ([pk, departments[d][0]] for pk, d in person_department.items()))

    project_id = _uuid(rng)
    counts["project.csv"] = _write(directory, "project.csv",
                                   ["id", "name", "code", "production_type", "fps", "start_date", "end_date"],
                                   [[project_id, "Bench Feature", "BF", "featurefilm", "24", "2023-01-02",
                                     "2026-12-31"]])

    # About 60 time spent rows per task (a few weeks of work by its one or two assignees).
    nb_tasks = max(8, time_spents // 60)
    nb_shots = max(2, (nb_tasks * 4 // 5) // len(SHOT_TASK_TYPES))
    nb_assets = max(1, (nb_tasks // 5) // len(ASSET_TASK_TYPES))
    entities, tasks = [], []
    sequences = [(_uuid(rng), f"SQ{n:03d}") for n in range(max(1, nb_shots // 50))]
    for pk, name in sequences:
        entities.append([pk, "Sequence", name, "", ""])
    for n in range(nb_shots):
        pk = _uuid(rng)
        entities.append([pk, "Shot", f"SH{n:05d}", sequences[n % len(sequences)][0], str(rng.randrange(24, 240))])
        for task_type, department in SHOT_TASK_TYPES:
            tasks.append((pk, task_type, "Shot", department))
    for n in range(nb_assets):
        pk = _uuid(rng)
        entities.append([pk, ASSET_TYPES[n % len(ASSET_TYPES)], f"Asset{n:05d}", "", ""])
        for task_type, department in ASSET_TASK_TYPES:
            tasks.append((pk, task_type, "Asset", department))
    counts["entities.csv"] = _write(directory, "entities.csv", ["id", "type", "name", "parent_id", "nb_frames"],
                                    entities)

    task_rows, task_ids = [], []
    for entity_id, task_type, for_entity, department in tasks:
        pk = _uuid(rng)
        task_ids.append(pk)
        status = rng.choice(STATUSES)
        start = START + dt.timedelta(days=rng.randrange(600))
        end = f"{start + dt.timedelta(days=rng.randrange(5, 60))}T17:00:00" if status in ("wfa", "done") else ""
        task_rows.append([pk, entity_id, task_type, for_entity, department, status, "0",
                          str(rng.randrange(1, 40) * 60), f"{start}T09:00:00" if status != "todo" else "", end])
    counts["tasks.csv"] = _write(
        directory, "tasks.csv",
        ["id", "entity_id", "task_type", "task_type_for_entity", "department", "status", "duration", "estimation",
         "real_start_date", "end_date"], task_rows)

    assignees = {pk: rng.sample(person_ids, 2 if rng.random() < 0.2 else 1) for pk in task_ids}
    counts["task_assignees.csv"] = _write(directory, "task_assignees.csv", ["task_id", "person_id"],
                                          ([task, person] for task, people in assignees.items()
                                           for person in people))

    working_days = [START + dt.timedelta(days=n) for n in range(1100)
                    if (START + dt.timedelta(days=n)).weekday() < 5]

    def time_spent_rows():
        seen = set()
        while len(seen) < time_spents:
            task = rng.choice(task_ids)
            person = rng.choice(assignees[task])
            day = rng.choice(working_days)
            if (person, task, day) in seen:
                continue
            seen.add((person, task, day))
            yield [_uuid(rng), person, task, day.isoformat(), str(rng.choice([30, 60, 90, 120, 180, 240, 480]))]

    counts["time_spents.csv"] = _write(directory, "time_spents.csv",
                                       ["id", "person_id", "task_id", "date", "duration"], time_spent_rows())

    def day_off_rows():
        for pk in person_ids:
            day = START + dt.timedelta(days=rng.randrange(30))
            for _ in range(1 if rng.random() < 0.8 else 2):  # a leave or two, weeks apart: never overlapping
                length = rng.randrange(0, 5)
                yield [_uuid(rng), pk, day.isoformat(), (day + dt.timedelta(days=length)).isoformat(), "Holidays"]
                day += dt.timedelta(days=length + 30 + rng.randrange(200))

    counts["day_offs.csv"] = _write(directory, "day_offs.csv", ["id", "person_id", "date", "end_date",
                                                                "description"], day_off_rows())

    def login_rows():
        for pk in person_ids:
            for day in rng.sample(working_days[-60:], 1):
                yield [_uuid(rng), pk, f"{day}T{rng.randrange(7, 11):02d}:{rng.randrange(60):02d}:00"]

    counts["desktop_login_logs.csv"] = _write(directory, "desktop_login_logs.csv", ["id", "person_id", "date"],
                                              login_rows())
    return counts


def time_import(directory: Path) -> None:
    from io import StringIO

    from django.core.management import call_command

    from bench.people_api import create_database, setup_django

    setup_django("_import_bench")
    create_database()
    for run in ("first import", "re-import"):
        out = StringIO()
        started = time.perf_counter()
        call_command("import_csv", str(directory), stdout=out)
        elapsed = time.perf_counter() - started
        print(out.getvalue(), end="")
        print(f"{run}: {elapsed:.1f} s (wall clock, import_csv in-process)")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory", type=Path)
    parser.add_argument("--persons", type=int, default=2000)
    parser.add_argument("--time-spents", type=int, default=300_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--time-import", action="store_true", help="import the dataset into a fresh database")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    counts = write_dataset(args.directory, persons=args.persons, time_spents=args.time_spents, seed=args.seed)
    print(f"{sum(counts.values())} rows written to {args.directory} in {time.perf_counter() - started:.1f} s:")
    for name, count in counts.items():
        print(f"  {name}: {count}")
    if args.time_import:
        time_import(args.directory)
    return 0


if __name__ == "__main__":
    sys.exit(main())
