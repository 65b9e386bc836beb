"""Start the services a process needs, when it starts (never when settings are imported)."""

from __future__ import annotations

from collections.abc import Sequence

# manage.py commands that never touch the database or Redis: they run without the services
# (build steps such as collectstatic and check --deploy work offline).
COMMANDS_WITHOUT_SERVICES = frozenset(
    {"help", "version", "check", "collectstatic", "findstatic", "compilemessages", "makemessages",
     "diffsettings", "spectacular", "startapp", "startproject", "sendtestemail"}
)  # fmt: skip


def command_needs_services(argv: Sequence[str]) -> bool:
    """Whether `manage.py <argv>` needs the database and Redis running."""
    if len(argv) < 2 or argv[1].startswith("-"):
        return False
    return argv[1] not in COMMANDS_WITHOUT_SERVICES


def start_services() -> None:
    """Start the embedded servers the settings point at (idempotent); raises ServiceError.

    When an unreachable REDIS_URL may fall back to the embedded Redis (REDIS_FALLBACK=embedded),
    the settings and the Celery app are pointed at it before anything uses them.
    """
    from django.conf import settings

    services = settings.SERVICES.start()
    if services == settings.SERVICES:
        return
    settings.SERVICES = services
    settings.CACHES["default"]["LOCATION"] = services.cache_url
    settings.CELERY_BROKER_URL = settings.CELERY_RESULT_BACKEND = services.broker_url
    from config.celery import app

    app.conf.broker_url = app.conf.result_backend = services.broker_url


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m config.startup start|stop`: the embedded servers of the current settings."""
    import os
    import sys

    import django

    from config.embedded import ServiceError

    args = list(sys.argv[1:] if argv is None else argv)
    if args not in (["start"], ["stop"]):
        print("usage: python -m config.startup start|stop", file=sys.stderr)
        return 2
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    django.setup()
    from django.conf import settings

    if args == ["stop"]:
        stopped = settings.SERVICES.stop()
        print(f"stopped: {', '.join(stopped)}" if stopped else "no embedded server was running")
        return 0
    try:
        start_services()
    except ServiceError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"database: {settings.SERVICES.effective_database_url}\nredis: {settings.SERVICES.cache_url}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
