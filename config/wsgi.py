"""WSGI entry point (gunicorn): the process that serves requests starts the services it needs."""

import os

from django.core.wsgi import get_wsgi_application

from config.startup import start_services

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
application = get_wsgi_application()
start_services()
