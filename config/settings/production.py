"""Production settings: DEBUG off, a real SECRET_KEY, HTTPS-only cookies and HSTS, hashed and
compressed static files served by WhiteNoise, and no embedded servers (DATABASE_URL and
REDIS_URL must point at real ones when the services start; building the image needs neither).

`python manage.py check --deploy` is clean with these settings and the defaults of base.py.
"""

from dataclasses import replace

from django.core.exceptions import ImproperlyConfigured

from config.settings.base import *  # noqa: F403
from config.settings.base import DEBUG, SECRET_KEY, SERVICES, STORAGES

if DEBUG:
    raise ImproperlyConfigured("config.settings.production needs DEBUG=0")
if len(SECRET_KEY) < 50:
    raise ImproperlyConfigured(
        "config.settings.production needs a SECRET_KEY of at least 50 random characters"
    )

SERVICES = replace(SERVICES, embedded_allowed=False)
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}}
