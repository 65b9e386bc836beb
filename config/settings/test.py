"""Test settings: the same real services, with the embedded servers, media and models in their
own folder (var/test), so a test run never touches the demo store's database, queues or files."""

import os
from pathlib import Path

# Set before base reads the environment; worker subprocesses of the tests inherit it.
os.environ["VAR_DIR"] = str(Path(__file__).resolve().parents[2] / "var" / "test")

from config.settings.base import *  # noqa: E402,F403
from config.settings.base import BASE_DIR, CACHES, DATABASES  # noqa: E402

# One test database per run, so concurrent runs (two terminals, helpers) never drop each other's.
DATABASES["default"]["TEST"] = {"NAME": f"test_fashionstore_{os.getpid()}"}
# No persistent connections: a live-server thread must not hold the test database open at teardown.
DATABASES["default"]["CONN_MAX_AGE"] = 0
CACHES["default"]["KEY_PREFIX"] = "test"
# Backbone features are content-addressed: tests share the developer's cache safely.
ML_CACHE_DIR = BASE_DIR / "var" / "cache" / "ml"

# The polarity reader at a test's size: a smaller corpus and fewer epochs (ml.polarity.PolarityConfig).
READER_TRAINING = {"per_form": 3, "epochs": 3, "fashion_iq_limit": 300}

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast logins in tests

# Many tests log in through the token endpoint from one address within a minute: the login rate
# would trip between unrelated tests. tests/api/test_limits.py sets the rates it checks.
API_RATES = {**API_RATES, "login.anon": ""}  # noqa: F405
