"""A small model trained once per session on the small real catalog, and its activation."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings


@pytest.fixture(scope="session")
def trained_checkpoint(tmp_path_factory, small_catalog_dir) -> Path:
    """A real checkpoint (real encoders, cached features) trained on the small catalog's train split."""
    from ml.config import TrainConfig
    from ml.data import load_catalog
    from ml.train import train

    out = tmp_path_factory.mktemp("models") / "session-model"
    train(load_catalog(small_catalog_dir), TrainConfig(epochs=3, cache_dir=str(settings.ML_CACHE_DIR)), out)
    return out


def make_version(checkpoint: Path, *, activate: bool = True):
    """A version with a trained checkpoint, embedded through the real pipeline (COPY + HNSW index)."""
    from recommender import pipeline
    from recommender.models import ModelVersion

    version = ModelVersion.objects.create(
        status=ModelVersion.Status.EMBEDDING,
        checkpoint_path=str(checkpoint),
        activate_when_ready=activate,
        metrics={"val": {"composed": {"R@10": 0.5}, "image_only": {"R@10": 0.1}, "seed": {"R@10": 0.1}}},
    )
    return pipeline.embed_version(version.pk)


@pytest.fixture
def active_model(catalog, trained_checkpoint):
    return make_version(trained_checkpoint)
