#!/usr/bin/env python
import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    if not os.environ.get("SECRET_KEY"):
        # Commands in a checkout (makemigrations, spectacular, seed_demo) need no secret; the served app
        # (gunicorn config.wsgi) still refuses to start without SECRET_KEY unless DEBUG=1 is set there.
        os.environ.setdefault("DEBUG", "1")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
