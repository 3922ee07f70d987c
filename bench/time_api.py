"""Benchmark of the people and time API on PostgreSQL, on a generated studio history.

Usage: make bench [TIME_SPENTS=3000000]
   or: DATABASE_URL=postgres://... python -m bench.time_api --persons 2000 --time-spents 300000 --repeat 20

It builds its own database (`<name>_bench_<time spents>`; `--reuse` keeps one that holds the same volume),
fills it with `manage.py seed_demo --persons N --time-spents M` (bulk, realistic: a few tasks per person and
working day, day-offs, desktop logins), then times each route in-process with Django's test client, DEBUG off
and over HTTPS as in production: median and p95 milliseconds, SQL queries (counted on an untimed first
request), response bytes, and, for the four tables and a person's month, the median time of the plain SQL a
design without stored totals would run (a GROUP BY over the raw time spent rows): the floor such a design
could not go below. Nothing is asserted: figures are for comparing commits on one machine.
"""

import argparse
import statistics
import sys
import time

from bench.people_api import measure, setup_django

YEAR, MONTH = 2025, 11  # the seeded history ends on 2025-12-31: its last full year and a month of it


def _database_exists() -> bool:
    import psycopg
    from django.conf import settings

    db = settings.DATABASES["default"]
    dsn = f"host={db['HOST'] or '127.0.0.1'} port={db['PORT'] or 5432} user={db['USER']} dbname=postgres"
    with psycopg.connect(dsn, autocommit=True) as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db["NAME"]]).fetchone() is not None


def _seeded(persons: int, time_spents: int) -> bool:
    from django.db import DatabaseError

    from people.models import Person
    from timetracking.models import TimeSpent
    from timetracking.seeding import EMAIL_DOMAIN

    try:
        return (TimeSpent.objects.count() == time_spents
                and Person.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}").count() == persons)
    except DatabaseError:
        return False


def prepare(persons: int, time_spents: int, reuse: bool) -> None:
    from django.core.management import call_command
    from django.db import connection

    from bench.people_api import create_database

    if reuse and _database_exists() and _seeded(persons, time_spents):
        print(f"Reusing {connection.settings_dict['NAME']} ({persons:,} persons, {time_spents:,} time spents).")
        call_command("migrate", verbosity=0)  # the commit under test may add an index
        return
    connection.close()
    create_database()
    started = time.perf_counter()
    print(f"Seeding {persons:,} persons and {time_spents:,} time spents (manage.py seed_demo)...", flush=True)
    call_command("seed_demo", persons=persons, time_spents=time_spents)
    print(f"Seeded in {time.perf_counter() - started:.0f} s.", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")  # planner statistics and visibility map, as autovacuum keeps them


def naive_group_by(repeat: int) -> dict[str, float]:
    """Median milliseconds of the raw-row GROUP BY behind each table and a person's month (no stored totals:
    every row of the period read and grouped), fetched as a cursor would."""
    from django.db import connection

    from people.models import Person

    person = Person.objects.filter(email__endswith="@history.example").order_by("last_name").first()
    table = "timetracking_timespent"
    queries = {
        "year table": (f"SELECT EXTRACT(YEAR FROM date), person_id, SUM(duration) FROM {table} GROUP BY 1, 2", []),
        "month table": (f"SELECT EXTRACT(MONTH FROM date), person_id, SUM(duration) FROM {table} "
                        f"WHERE date >= %s AND date < %s GROUP BY 1, 2", [f"{YEAR}-01-01", f"{YEAR + 1}-01-01"]),
        "week table": (f"SELECT EXTRACT(WEEK FROM date), person_id, SUM(duration) FROM {table} "
                       f"WHERE date >= %s AND date < %s GROUP BY 1, 2", ["2024-12-30", "2025-12-29"]),
        "day table": (f"SELECT EXTRACT(DAY FROM date), person_id, SUM(duration) FROM {table} "
                      f"WHERE date >= %s AND date < %s GROUP BY 1, 2", [f"{YEAR}-{MONTH:02d}-01",
                                                                        f"{YEAR}-{MONTH + 1:02d}-01"]),
        "person's month": (f"SELECT task_id, SUM(duration) FROM {table} WHERE person_id = %s "
                           f"AND date >= %s AND date < %s GROUP BY 1",
                           [person.pk, f"{YEAR}-{MONTH:02d}-01", f"{YEAR}-{MONTH + 1:02d}-01"]),
    }
    medians = {}
    with connection.cursor() as cursor:
        for label, (sql, params) in queries.items():
            timings = []
            for _ in range(repeat):
                started = time.perf_counter()
                cursor.execute(sql, params)
                cursor.fetchall()
                timings.append((time.perf_counter() - started) * 1000)
            medians[label] = statistics.median(timings)
    return medians


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=2000)
    parser.add_argument("--time-spents", type=int, default=300_000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--reuse", action="store_true", help="keep the database if it holds this volume")
    args = parser.parse_args(argv)

    setup_django(f"_bench_{args.time_spents}")
    import warnings

    warnings.filterwarnings("ignore", message="No directory at")  # static files are not collected here
    prepare(args.persons, args.time_spents, args.reuse)

    from rest_framework.test import APIClient

    from people.management.commands.seed_demo import ADMIN_EMAIL
    from people.models import DesktopLoginLog, Person
    from people.tokens import tokens_issue_login_pair
    from timetracking.models import DayOff, TimeSpent, TimeSpentPersonTotal, TimeSpentTotal

    admin = Person.objects.get(email=ADMIN_EMAIL)
    artist = Person.objects.filter(email__endswith="@history.example").order_by("last_name").first()
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens_issue_login_pair(person=admin).access_token}")
    department = artist.departments.first()
    month = f"{YEAR}/{MONTH}"
    cases = [
        ("persons: all, relations", "/api/data/persons?relations=true"),
        ("persons: page of 100", "/api/data/persons?page=3&limit=100&relations=true"),
        ("person by id", f"/api/data/persons/{artist.pk}"),
        ("year table", "/api/data/persons/time-spents/year-table"),
        ("month table", f"/api/data/persons/time-spents/month-table/{YEAR}"),
        ("week table", f"/api/data/persons/time-spents/week-table/{YEAR}"),
        ("day table", f"/api/data/persons/time-spents/day-table/{month}"),
        ("week table, department", f"/api/data/persons/time-spents/week-table/{YEAR}?department_id={department.pk}"),
        ("person's month", f"/api/data/persons/{artist.pk}/time-spents/month/{month}"),
        ("presence CSV", f"/api/data/persons/presence-logs/{YEAR}-{MONTH:02d}"),
        ("day-offs of a month", f"/api/data/persons/day-offs/{month}"),
    ]
    floors = naive_group_by(args.repeat)
    # A caller's first request in a minute also records their `last_seen` (people.services.presence, 1 to 4
    # queries with the database cache): made now, so the counts below are each route's own.
    api.get("/api/data/user/me", secure=True)
    print(f"\n{Person.objects.count():,} persons, {TimeSpent.objects.count():,} time spents "
          f"({TimeSpent.objects.earliest('date').date} to {TimeSpent.objects.latest('date').date}), "
          f"{DayOff.objects.count():,} day-offs, {DesktopLoginLog.objects.count():,} desktop logins, "
          f"{TimeSpentTotal.objects.count():,} + {TimeSpentPersonTotal.objects.count():,} stored totals; "
          f"{args.repeat} timed requests each")
    print(f"{'route':26} {'median ms':>10} {'p95 ms':>8} {'queries':>8} {'bytes':>10} {'GROUP BY ms':>12}")
    for label, path in cases:
        result = measure(api, "get", path, args.repeat)
        floor = floors.get(label)
        print(f"{label:26} {result['median_ms']:10.1f} {result['p95_ms']:8.1f} {result['queries']:8d} "
              f"{result['bytes']:10,d} {'' if floor is None else f'{floor:12.1f}'}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
