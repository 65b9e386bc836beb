#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    if sys.argv[1:2] == ["runserver"]:
        # runserver answers each request in a new thread and never closes that thread's database
        # connection: kept for CONN_MAX_AGE, they pile up until PostgreSQL refuses clients
        # (bench/results/demo_connections*.json). Closed after each request instead.
        os.environ.setdefault("CONN_MAX_AGE", "0")
    from django.core.management import execute_from_command_line

    from config.embedded import ServiceError
    from config.startup import command_needs_services, start_services

    if command_needs_services(sys.argv):
        try:
            start_services()
        except ServiceError as exc:
            print(f"manage.py: error: {exc}", file=sys.stderr)
            sys.exit(2)
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
