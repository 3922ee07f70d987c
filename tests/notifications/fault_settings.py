"""Settings of the Celery worker and beat processes that tests/notifications/test_faults.py starts: the test
settings, with the test's private Redis, its SMTP server and its test database (from the environment the test
gives them), and leases, limits and schedules in seconds rather than minutes."""

import os

from config.settings.test import *  # noqa: F403

CELERY_BROKER_URL = os.environ["ROSTER_FAULT_BROKER_URL"]
CELERY_TASK_ALWAYS_EAGER = False
EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = "127.0.0.1"
EMAIL_PORT = int(os.environ["ROSTER_FAULT_SMTP_PORT"])
EMAIL_TIMEOUT = 2

# Same order as production's: soft limit < hard limit < lease (ROSTER_FAULT_LEASE_SECONDS, 5 s).
CELERY_TASK_SOFT_TIME_LIMIT = 3
CELERY_TASK_TIME_LIMIT = 4
ROSTER_EMAIL_LEASE_SECONDS = float(os.environ["ROSTER_FAULT_LEASE_SECONDS"])
# About 30 s in all: room for a loaded machine before an email could fail for good mid-test.
ROSTER_EMAIL_RETRY_SCHEDULE = [0.5, 0.5, 1, 1, 2, 2, 4, 4, 8, 8]
# Reset-password requests are looked up by a task of their own (people.tasks), swept like the emails.
ROSTER_RESET_REQUEST_REQUEUE_AFTER_SECONDS = ROSTER_EMAIL_LEASE_SECONDS
CELERY_BEAT_SCHEDULE = {
    "requeue-pending-emails": {
        "task": "notifications.tasks.requeue_pending_emails",
        "schedule": float(os.environ["ROSTER_FAULT_SWEEP_SECONDS"]),
    },
    "requeue-pending-password-reset-requests": {
        "task": "people.tasks.requeue_pending_password_reset_requests",
        "schedule": float(os.environ["ROSTER_FAULT_SWEEP_SECONDS"]),
    },
}
