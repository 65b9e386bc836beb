#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
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
