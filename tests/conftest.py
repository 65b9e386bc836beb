"""Shared fixtures: a few hundred real products from ../shared/data/catalog, on the embedded
PostgreSQL + pgvector and Redis (real services, never mocks)."""

from __future__ import annotations

import json
import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings

from catalog_format import write_subset

REPO = Path(__file__).resolve().parent.parent
SHARED_CATALOG = Path(settings.CATALOG_DIR)
SMALL_CATALOG_TYPES = (
    "Tshirts", "Shirts", "Tops", "Dresses", "Jeans", "Casual Shoes", "Formal Shoes", "Sports Shoes",
    "Trousers", "Handbags",
)  # fmt: skip
SMALL_CATALOG_SIZE = 400


def free_port() -> int:
    """A TCP port on loopback that nothing listens on now (for a server a test starts)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def build_small_catalog(target: Path, size: int = SMALL_CATALOG_SIZE) -> Path:
    """A real-data catalog folder of `size` products (same layout; images are symlinks).

    Products are taken in file order from a few article types so that triplet mining finds
    pairs, and every split is represented.
    """
    quota = size // len(SMALL_CATALOG_TYPES) + 1
    write_subset(SHARED_CATALOG, target, SMALL_CATALOG_TYPES, size, per_type=quota)
    return target


def pytest_sessionstart(session) -> None:
    """The test session starts its embedded servers (var/test); settings never start anything."""
    from config.startup import start_services

    start_services()


@pytest.fixture(scope="session")
def small_catalog_dir(tmp_path_factory) -> Path:
    return build_small_catalog(tmp_path_factory.mktemp("catalog"))


@pytest.fixture(scope="session", autouse=True)
def _isolated_media(tmp_path_factory):
    """Tests write product images into a temporary MEDIA_ROOT, never into var/media."""
    from django.conf import settings

    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")


def import_small_catalog(folder: Path) -> list[int]:
    from shop.importers import read_catalog, write_catalog

    records, errors = read_catalog(folder)
    assert not errors, errors
    return write_catalog(records).product_ids


def _drop_databases_of_dead_runs(cursor) -> None:
    """Each run has its own test database (config/settings/test.py); a killed run leaves one."""
    cursor.execute("SELECT datname FROM pg_database WHERE datname LIKE 'test\\_fashionstore\\_%'")
    for (name,) in cursor.fetchall():
        pid = int(name.rsplit("_", 1)[1])
        if pid != os.getpid() and not Path(f"/proc/{pid}").exists():
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker, small_catalog_dir):
    """Load the small real catalog once per session into the test database."""
    from django.db import connection

    with django_db_blocker.unblock():
        import_small_catalog(small_catalog_dir)
        with connection.cursor() as cursor:
            _drop_databases_of_dead_runs(cursor)
    yield
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        # Threads of the live server may still hold a session; the database is dropped next.
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


@pytest.fixture
def catalog(db, small_catalog_dir):
    """The small catalog's products (re-imported when a transactional test flushed them)."""
    from shop.models import Product

    if not Product.objects.exists():
        import_small_catalog(small_catalog_dir)
    return Product.objects.all()


@pytest.fixture(scope="session")
def trained_checkpoint(tmp_path_factory, small_catalog_dir) -> Path:
    """A real checkpoint (real encoders, cached features) trained on the small catalog's train split."""
    from ml.config import TrainConfig
    from ml.data import load_catalog
    from ml.train import train

    out = tmp_path_factory.mktemp("models") / "session-model"
    train(load_catalog(small_catalog_dir), TrainConfig(epochs=3, cache_dir=str(settings.ML_CACHE_DIR)), out)
    build_learned_reader(small_catalog_dir, out)
    return out


def build_learned_reader(catalog_dir: Path, out: Path) -> None:
    """The polarity reader and word guesser beside a checkpoint, as the training pipeline makes
    them (recommender.lifecycle.training.train_reader), at the tests' size (settings.READER_TRAINING; the
    reader is cached by its digest in the shared feature cache, so a run trains it once)."""
    from language import Vocabulary
    from ml.polarity import PolarityConfig, build_reader
    from ml.word_guess import build_guesser
    from recommender.serving.runtime import encode_texts

    vocabulary = Vocabulary.from_jsonl(catalog_dir / "products.jsonl")
    config = PolarityConfig(**settings.READER_TRAINING)
    build_reader(out, settings.ML_CACHE_DIR, settings.FASHION_IQ_DIR, config)
    build_guesser(vocabulary, out, encode_texts)


def make_version(checkpoint: Path, *, activate: bool = True):
    """A version with a trained checkpoint, embedded through the real pipeline (COPY + HNSW index)."""
    from recommender.lifecycle import training
    from recommender.models import ModelVersion

    version = ModelVersion.objects.create(
        status=ModelVersion.Status.EMBEDDING,
        checkpoint_path=str(checkpoint),
        activate_when_ready=activate,
        metrics=json.loads((checkpoint / "metrics.json").read_text()),  # what training measured
    )
    return training.embed_version(version.pk)


@pytest.fixture
def active_model(catalog, trained_checkpoint):
    return make_version(trained_checkpoint)


@contextmanager
def broker_at(url: str) -> Iterator[None]:
    """Point this process's Celery app at another broker (a real, unreachable one)."""
    from config.celery import app

    old = app.conf.broker_url
    app.conf.broker_url = url
    app._pool = None
    app.amqp._producer_pool = None
    try:
        yield
    finally:
        app.conf.broker_url = old
        app._pool = None
        app.amqp._producer_pool = None


# Shoppers of the order tests (pages and API), logged in with this password.
SHOPPER_PASSWORD = "a-long-test-password-42"


@pytest.fixture
def alice(django_user_model):
    return django_user_model.objects.create_user("alice", password=SHOPPER_PASSWORD)


@pytest.fixture
def bob(django_user_model):
    return django_user_model.objects.create_user("bob", password=SHOPPER_PASSWORD)
