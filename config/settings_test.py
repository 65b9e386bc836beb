"""Test settings: the same real services, in their own folder (var/test) so a test run never
touches the demo store's database, broker queues or model files."""

import os
from pathlib import Path

_TEST_VAR = Path(__file__).resolve().parent.parent / "var" / "test"
os.environ.setdefault("VAR_DIR", str(_TEST_VAR))
os.environ.setdefault("CACHE_KEY_PREFIX", "test")
# Backbone features are content-addressed, so tests may share the developer's cache safely.
os.environ.setdefault("ML_CACHE_DIR", str(_TEST_VAR.parent / "cache" / "ml"))

from config.settings import *  # noqa: E402,F403

# One test database per run, so concurrent runs (two terminals, helpers) never drop each other's.
DATABASES["default"]["TEST"] = {"NAME": f"test_fashionstore_{os.getpid()}"}  # noqa: F405
# No persistent connections: a live-server thread must not hold the test database open at teardown.
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast logins in tests
