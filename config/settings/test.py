"""Test settings: the same real services, with embedded servers in their own folder (var/test),
so a test run never touches the demo store's database, broker queues or model files."""

import os

from config.settings.base import *  # noqa: F403
from config.settings.base import BASE_DIR, CACHES, SERVICES, database_settings

VAR_DIR = BASE_DIR / "var" / "test"
SERVICES = SERVICES.under(VAR_DIR)
DATABASES = {"default": database_settings(SERVICES)}
# One test database per run, so concurrent runs (two terminals, helpers) never drop each other's.
DATABASES["default"]["TEST"] = {"NAME": f"test_fashionstore_{os.getpid()}"}
# No persistent connections: a live-server thread must not hold the test database open at teardown.
DATABASES["default"]["CONN_MAX_AGE"] = 0
CACHES = {"default": {**CACHES["default"], "LOCATION": SERVICES.cache_url, "KEY_PREFIX": "test"}}
CELERY_BROKER_URL = CELERY_RESULT_BACKEND = SERVICES.broker_url
MEDIA_ROOT = VAR_DIR / "media"
MODEL_DIR = VAR_DIR / "models"
# ML_CACHE_DIR stays the developer's: backbone features are content-addressed, safe to share.

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast logins in tests
