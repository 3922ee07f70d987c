"""Each log line is printed once, by the development server and by a Celery worker alike."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

PROBE = """
import logging, os, django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
django.setup()
if os.environ.get("AS_CELERY_WORKER"):
    from config.celery import app
    app.log.setup(loglevel="INFO")  # what `celery worker` does to the root logger at start
logging.getLogger("django.request").warning("probe from django")
logging.getLogger("people").warning("probe from the app")
"""


@pytest.mark.parametrize("celery_worker", [False, True], ids=["server", "celery worker"])
def test_each_log_line_is_printed_once(celery_worker):
    env = {**os.environ, "DEBUG": "1", "LOG_LEVEL": "INFO", "AS_CELERY_WORKER": "1" if celery_worker else ""}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    result = subprocess.run([sys.executable, "-c", PROBE], cwd=REPO, env=env, capture_output=True, text=True,
                            timeout=60, check=True)
    lines = result.stderr.splitlines()
    assert sum("probe from django" in line for line in lines) == 1, result.stderr
    assert sum("probe from the app" in line for line in lines) == 1, result.stderr


def test_sql_parameters_never_reach_the_log_even_at_debug_level():
    import logging

    from django.conf import settings

    assert logging.getLogger("django.db.backends").getEffectiveLevel() >= logging.INFO
    assert settings.LOGGING["loggers"]["django.db.backends"]["level"] == "INFO"
