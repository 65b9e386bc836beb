"""Query texts on ONNX Runtime: the same features as the PyTorch encoder, a graph exported once
into the feature cache, and PyTorch again when the graph cannot be had."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from ml import inference, text_onnx
from ml.encoders import TextEncoder, get_text_encoder

TEXTS = [
    "navy",
    "in blak, not stripped and a bit cheaper",
    "is solid gray with long sleeves and has a dragon graphic on the front, for the gym or running",
]


@pytest.fixture
def fresh_encoders(monkeypatch):
    """No encoder built by an earlier test of this process."""
    monkeypatch.setattr(text_onnx, "_query_encoders", {})
    inference._caption_features.cache_clear()
    yield
    inference._caption_features.cache_clear()


def test_onnx_features_are_the_pytorch_features(tmp_path, fresh_encoders):
    encoder = text_onnx.get_query_text_encoder("cpu", tmp_path)
    assert isinstance(encoder, text_onnx.OnnxTextEncoder)
    assert text_onnx.graph_path(tmp_path, get_text_encoder("cpu")).is_file()
    with torch.inference_mode():
        expected = get_text_encoder("cpu").features(TEXTS).numpy()
    batch = encoder.features(TEXTS).numpy()  # padded together, as training encodes
    one_by_one = np.concatenate([encoder.features([t]).numpy() for t in TEXTS])
    assert np.abs(batch - expected).max() < 1e-5
    assert np.abs(one_by_one - expected).max() < 1e-5
    assert encoder.version == get_text_encoder("cpu").version  # cached features stay valid
    assert text_onnx.get_query_text_encoder("cpu", tmp_path) is encoder  # one session a process


def test_a_graph_on_disk_is_used_not_exported_again(tmp_path, fresh_encoders, monkeypatch):
    text_onnx.ensure_graph(tmp_path)

    def no_export(*args, **kwargs):
        raise AssertionError("exported again")

    monkeypatch.setattr(text_onnx, "export_graph", no_export)
    assert isinstance(text_onnx.get_query_text_encoder("cpu", tmp_path), text_onnx.OnnxTextEncoder)


def test_a_failed_export_falls_back_to_pytorch(tmp_path, fresh_encoders, monkeypatch):
    def broken_export(encoder, path):
        raise RuntimeError("the exported text encoder differs from PyTorch by 0.3")

    monkeypatch.setattr(text_onnx, "export_graph", broken_export)
    assert isinstance(text_onnx.get_query_text_encoder("cpu", tmp_path), TextEncoder)
    assert not list(tmp_path.rglob("*.onnx"))


def test_an_export_that_differs_from_pytorch_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(text_onnx, "PARITY_TOLERANCE", -1.0)  # nothing passes
    with pytest.raises(RuntimeError, match="differs from PyTorch"):
        text_onnx.ensure_graph(tmp_path)
    assert not list(tmp_path.rglob("*.onnx")) and not list(tmp_path.rglob("*.tmp"))


def test_queries_of_a_model_with_a_cache_use_the_onnx_encoder(tmp_path, fresh_encoders):
    """composed_query reads texts through the cache folder's graph (what the store serves)."""
    from ml.cache import FeatureCache
    from ml.config import TrainConfig
    from ml.model import RetrievalModel

    model = RetrievalModel(TrainConfig(projection_dim=32))
    model.cache = FeatureCache(tmp_path)
    query = inference.composed_query(model, np.ones(32, dtype=np.float32), "in navy")
    assert query.shape == (32,) and abs(float(np.linalg.norm(query)) - 1.0) < 1e-5
    assert text_onnx.graph_path(tmp_path, get_text_encoder("cpu")).is_file()
