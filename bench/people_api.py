"""Benchmark of the people API on PostgreSQL: persons list (bare, paginated, filtered), login, departments.

Usage: make bench  (or: DATABASE_URL=postgres://... python -m bench.people_api --persons 2000 --repeat 20)

It creates its own database (`<name>_bench`), fills it with generated persons and departments through bulk
inserts, then times each request in-process with Django's test client and prints the median, p95 and the
number of SQL queries per request. Nothing here is asserted: figures are for comparing commits.
"""

import argparse
import os
import statistics
import sys
import time
import uuid


def setup_django(database_suffix: str) -> None:
    # As in production: DEBUG off (no SQL logging on every query); the test settings' fast password hasher.
    os.environ.setdefault("DEBUG", "0")
    os.environ.setdefault("SECRET_KEY", "benchmark-only-secret-key")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/roster")
    import django
    from django.conf import settings

    django.setup()
    settings.DATABASES["default"]["NAME"] += database_suffix
    # As in production (base settings): connections outlive a request. The test settings close them after
    # each one, which would time a new PostgreSQL connection per request.
    settings.DATABASES["default"]["CONN_MAX_AGE"] = 60
    settings.ALLOWED_HOSTS = ["*"]


def create_database() -> None:
    import psycopg
    from django.conf import settings
    from django.core.management import call_command

    db = settings.DATABASES["default"]
    dsn = f"host={db['HOST'] or '127.0.0.1'} port={db['PORT'] or 5432} user={db['USER']} dbname=postgres"
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{db["NAME"]}"')
        conn.execute(f'CREATE DATABASE "{db["NAME"]}"')
    call_command("migrate", verbosity=0)


def generate(persons: int) -> tuple[str, str]:
    from django.contrib.auth.hashers import make_password

    from departments.models import Department
    from people.models import Person, PersonDepartment, Role

    departments = Department.objects.bulk_create(
        [Department(name=f"Department {i}", color="#336699") for i in range(20)]
    )
    password = "Bench-password-1"
    hashed = make_password(password)
    roles = list(Role.values)
    people = [
        Person(id=uuid.uuid4(), first_name=f"First{i}", last_name=f"Last{i}", email=f"person{i}@bench.io",
               desktop_login=f"person{i}", role=Role.ADMIN if i == 0 else roles[i % len(roles)],
               password=hashed)
        for i in range(persons)
    ]
    Person.objects.bulk_create(people, batch_size=2000)
    PersonDepartment.objects.bulk_create(
        [PersonDepartment(person=p, department=departments[(i + k) % 20])
         for i, p in enumerate(people) for k in range(2)], batch_size=5000,
    )
    return people[0].email, password


def measure(client, method: str, path: str, repeat: int, **kwargs) -> dict:
    """Queries are counted on a first, untimed request: the debug cursor that counts them is not what a
    production request pays for."""
    from django.db import connection

    # Requests arrive over HTTPS (secure=True), as behind the production TLS proxy: DEBUG=0 redirects plain HTTP.
    executed = []

    def count(execute, sql, params, many, context):
        executed.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        response = getattr(client, method)(path, secure=True, **kwargs)
    if not 200 <= response.status_code < 300:  # a redirect timed as an answer would flatter every figure
        raise SystemExit(f"{method.upper()} {path} answered {response.status_code}: {response.content[:200]}")
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        response = getattr(client, method)(path, secure=True, **kwargs)
        timings.append((time.perf_counter() - start) * 1000)
    timings.sort()
    return {"median_ms": statistics.median(timings), "p95_ms": timings[int(0.95 * (len(timings) - 1))],
            "queries": len(executed), "bytes": len(response.content)}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args(argv)

    setup_django("_bench")
    import warnings

    warnings.filterwarnings("ignore", message="No directory at")  # static files are not collected here
    create_database()
    print(f"Generating {args.persons} persons in 20 departments...", flush=True)
    email, password = generate(args.persons)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # planner statistics, as autovacuum keeps them on a live database

    from rest_framework.test import APIClient

    from people.models import Person
    from people.tokens import tokens_issue_login_pair

    admin = Person.objects.get(email=email)
    user = Person.objects.filter(role="user").first()
    admin_api, user_api, anon = APIClient(), APIClient(), APIClient()
    admin_api.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens_issue_login_pair(person=admin).access_token}")
    user_api.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens_issue_login_pair(person=user).access_token}")

    cases = [
        ("admin: all persons, relations", admin_api, "get", "/api/data/persons?relations=true", {}),
        ("admin: page of 100", admin_api, "get", "/api/data/persons?page=3&limit=100&relations=true", {}),
        ("user: all persons (minimal)", user_api, "get", "/api/data/persons", {}),
        ("user: by email (gazu)", user_api, "get", f"/api/data/persons?email={email}&is_bot=False", {}),
        ("admin: one person", admin_api, "get", f"/api/data/persons/{user.pk}", {}),
        ("admin: departments", admin_api, "get", "/api/data/departments", {}),
        ("login (test hasher)", anon, "post", "/api/auth/login",
         {"data": {"email": email, "password": password}, "format": "json"}),
    ]
    print(f"{'case':34} {'median ms':>10} {'p95 ms':>8} {'queries':>8} {'bytes':>9}")
    for label, client, method, path, kwargs in cases:
        result = measure(client, method, path, args.repeat, **kwargs)
        print(f"{label:34} {result['median_ms']:10.1f} {result['p95_ms']:8.1f} {result['queries']:8d} "
              f"{result['bytes']:9d}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
