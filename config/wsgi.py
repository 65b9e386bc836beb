"""WSGI entry point (gunicorn): the process that serves requests starts the services it needs
and loads the recommender's model before its first request."""

import logging
import os

from django.core.wsgi import get_wsgi_application

from config.startup import start_services

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
application = get_wsgi_application()
start_services()

try:
    from recommender.runtime import warm_up

    logging.getLogger(__name__).info("warm-up: %s", warm_up())
except Exception:  # a store still migrating serves anyway; the first request loads what it needs
    logging.getLogger(__name__).warning("warm-up skipped", exc_info=True)
