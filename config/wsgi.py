"""WSGI entry point (gunicorn): the process that serves requests starts the services it needs
and loads the active model before it answers anything.

With `gunicorn --preload` this runs once in the master, and the workers are forked ready to
serve, with the model in memory they share; the database connection used here is closed first,
so no two processes share it.
"""

import os

from django.core.wsgi import get_wsgi_application
from django.db import connections

from config.startup import start_services

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
application = get_wsgi_application()
start_services()

from recommender.serving.runtime import warm_up  # noqa: E402  (needs the apps loaded above)

warm_up()
connections.close_all()
