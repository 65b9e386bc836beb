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
    inference.query_features.cache_clear()
    yield
    inference.query_features.cache_clear()


def _cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return (a * b).sum(-1) / np.linalg.norm(a, axis=-1) / np.linalg.norm(b, axis=-1)


def test_the_exported_graph_gives_the_pytorch_features_and_queries_their_int8_form(tmp_path, fresh_encoders):
    pytorch = get_text_encoder("cpu")
    with torch.inference_mode():
        expected = pytorch.features(TEXTS).numpy()
    exported = text_onnx.OnnxTextEncoder(text_onnx.ensure_graph(tmp_path), pytorch)
    batch = exported.features(TEXTS).numpy()  # padded together, as training encodes
    one_by_one = np.concatenate([exported.features([t]).numpy() for t in TEXTS])
    assert np.abs(batch - expected).max() < 1e-5
    assert np.abs(one_by_one - expected).max() < 1e-5
    assert exported.version == pytorch.version  # cached features stay valid

    queries = text_onnx.get_query_text_encoder("cpu", tmp_path)
    assert isinstance(queries, text_onnx.OnnxTextEncoder) and text_onnx.QUANTIZE_QUERIES
    assert text_onnx.graph_path(tmp_path, pytorch, quantized=True).is_file()
    int8 = np.concatenate([queries.features([t]).numpy() for t in TEXTS])
    assert _cosines(int8, expected).min() >= text_onnx.QUANTIZED_MIN_COSINE
    assert np.abs(int8 - expected).max() > 1e-4  # the int8 graph, not the float one
    assert text_onnx.get_query_text_encoder("cpu", tmp_path) is queries  # one session a process


def test_graphs_on_disk_are_used_not_made_again(tmp_path, fresh_encoders, monkeypatch):
    text_onnx.ensure_graph(tmp_path, quantized=True)

    def no_export(*args, **kwargs):
        raise AssertionError("made again")

    monkeypatch.setattr(text_onnx, "export_graph", no_export)
    monkeypatch.setattr(text_onnx, "quantize_graph", no_export)
    assert isinstance(text_onnx.get_query_text_encoder("cpu", tmp_path), text_onnx.OnnxTextEncoder)


def test_an_int8_graph_too_far_from_pytorch_is_refused(tmp_path, fresh_encoders, monkeypatch):
    monkeypatch.setattr(text_onnx, "QUANTIZED_MIN_COSINE", 1.01)  # nothing passes
    with pytest.raises(RuntimeError, match="int8 text encoder"):
        text_onnx.ensure_graph(tmp_path, quantized=True)
    float_graph = text_onnx.graph_path(tmp_path, get_text_encoder("cpu"))
    assert list(tmp_path.rglob("*.onnx")) == [float_graph]
    assert not list(tmp_path.rglob("*.tmp"))
    assert isinstance(text_onnx.get_query_text_encoder("cpu", tmp_path), TextEncoder)  # served all the same


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
    assert text_onnx.graph_path(tmp_path, get_text_encoder("cpu"), quantized=True).is_file()
