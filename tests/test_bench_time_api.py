"""`make bench` runs end to end on a tiny volume: it seeds its own database, every route answers 2xx (a
non-2xx aborts it), and it prints a line per route. Nothing is timed here: speed is the benchmark's to show."""

import os
import subprocess
import sys
from pathlib import Path

import psycopg
from django.conf import settings

REPO = Path(__file__).resolve().parent.parent


def test_the_time_benchmark_runs_on_a_tiny_history():
    db = settings.DATABASES["default"]
    base = f"{db['NAME']}_b{os.getpid()}"
    env = {**os.environ, "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{base}"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    try:
        result = subprocess.run([sys.executable, "-m", "bench.time_api", "--persons", "20", "--time-spents", "400",
                                 "--repeat", "1"], cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
    finally:
        dsn = f"host={db['HOST'] or '127.0.0.1'} port={db['PORT'] or 5432} user={db['USER']} dbname=postgres"
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{base}_bench_400"')
    assert result.returncode == 0, result.stderr[-2000:]
    for route in ("year table", "week table", "day table", "presence CSV", "day-offs of a month", "person's month"):
        assert route in result.stdout

