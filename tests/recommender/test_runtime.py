"""The per-process model cache, and the warm-up a web process does as it starts."""

import pytest

from recommender.models import ModelVersion
from recommender.serving import runtime


@pytest.fixture
def empty_cache():
    saved = dict(runtime._models)
    runtime._models.clear()
    yield runtime._models
    runtime._models.clear()
    runtime._models.update(saved)


@pytest.mark.slow
def test_warm_up_loads_the_active_model_before_any_request(active_model, empty_cache):
    assert runtime.warm_up() == active_model.name
    assert list(empty_cache) == [active_model.checkpoint_path]
    assert runtime.load_model(active_model.checkpoint_path) is empty_cache[active_model.checkpoint_path]


@pytest.mark.django_db
def test_warm_up_without_a_usable_model_lets_the_server_start(empty_cache):
    assert runtime.warm_up() is None  # no version yet: the store serves before its first model
    ModelVersion.objects.create(status=ModelVersion.Status.ACTIVE, checkpoint_path="/nonexistent/ckpt")
    assert runtime.warm_up() is None  # a checkpoint that cannot be loaded is logged, not raised
    assert not empty_cache


@pytest.mark.slow
def test_a_text_encoded_in_the_background_is_the_text_encoded_here(active_model):
    from ml.inference import caption_features

    pending = runtime.encode_soon("  in navy,   not striped ")  # it needs no model
    assert pending is not None
    model = runtime.load_model(active_model.checkpoint_path)
    assert pending.result(timeout=30).equal(caption_features(model, "in navy, not striped"))
    assert runtime.encode_soon("   ") is None  # "more like this": nothing to encode
