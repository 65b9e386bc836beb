"""Tiny real run: ~200 catalog products, real encoders, train + evaluate + reload."""

import json

import numpy as np
import pytest
import torch

from ml.checkpoint import IncompatibleCheckpointError, load_model
from ml.data import CatalogProduct
from ml.inference import caption_vector, composed_query

pytestmark = pytest.mark.slow


def test_train_writes_checkpoint_and_beats_image_only(tiny_run):
    out, metrics = tiny_run
    for name in ("model.safetensors", "config.json", "metrics.json", "curves.png"):
        assert (out / name).is_file(), name
    val = metrics["val"]
    assert val["composed"]["n"] > 20
    assert val["composed"]["R@10"] > val["image_only"]["R@10"]
    assert val["composed"]["R@10"] > val["image_only_raw"]["R@10"]
    assert len(metrics["history"]) == 3
    saved = json.loads((out / "metrics.json").read_text())
    assert saved["best_epoch"] == metrics["best_epoch"]
    cfg = json.loads((out / "config.json").read_text())
    assert cfg["embedding_dim"] == 256 and set(cfg["encoders"]) == {"image", "text"}


def test_checkpoint_round_trip_is_bit_identical(tiny_run, small_products):
    out, _ = tiny_run
    a, b = load_model(out, device="cpu"), load_model(out, device="cpu")
    prods = small_products[:8]
    va, fa = a.embed_products(prods)
    vb, fb = b.embed_products(prods)
    assert va.dtype == np.float32 and va.shape == (8, 256) and fa == fb == []
    assert np.array_equal(va, vb)
    assert np.allclose(np.linalg.norm(va, axis=1), 1.0, atol=1e-5)
    texts = ["in red", "", "with long sleeves"]
    q1 = np.stack([composed_query(a, v, t) for v, t in zip(va[:3], texts, strict=True)])
    q2 = np.stack([composed_query(b, v, t) for v, t in zip(vb[:3], texts, strict=True)])
    assert np.array_equal(q1, q2)
    assert np.allclose(q1[1], va[1], atol=1e-6)  # blank text -> the reference itself
    assert np.array_equal(caption_vector(a, "darker"), caption_vector(b, "darker"))


def test_bad_images_skipped_and_huge_captions_truncated(tiny_run, small_products, tmp_path):
    out, _ = tiny_run
    model = load_model(out, device="cpu")
    corrupt = tmp_path / "bad.jpg"
    corrupt.write_bytes(b"not a jpeg")
    p = small_products[0]
    broken = [
        CatalogProduct(-1, corrupt, "val", "x", p.gender, p.article_type, "Red", {}),
        CatalogProduct(-2, tmp_path / "missing.jpg", "val", "x", p.gender, p.article_type, None, {}),
    ]
    vecs, failed = model.embed_products([p, *broken])
    assert vecs.shape == (1, 256) and failed == [-1, -2]
    q = composed_query(model, vecs[0], "very long caption " * 2000)
    assert q.shape == (256,) and np.isfinite(q).all()


def test_incompatible_checkpoint_is_a_clear_error(tiny_run, tmp_path):
    out, _ = tiny_run
    bad = tmp_path / "bad"
    bad.mkdir()
    with pytest.raises(IncompatibleCheckpointError, match="not a checkpoint"):
        load_model(bad)
    (bad / "model.safetensors").write_bytes((out / "model.safetensors").read_bytes())
    meta = json.loads((out / "config.json").read_text())
    meta["config"]["projection_dim"] = 128
    (bad / "config.json").write_text(json.dumps(meta))
    with pytest.raises(IncompatibleCheckpointError, match="weights do not match"):
        load_model(bad)
    meta = json.loads((out / "config.json").read_text())
    meta["encoders"]["image"] = "some-other-cnn"
    (bad / "config.json").write_text(json.dumps(meta))
    with pytest.raises(IncompatibleCheckpointError, match="encoders"):
        load_model(bad)


def test_seed_objective_trains(small_products, cache_dir, tmp_path):
    from ml.config import TrainConfig
    from ml.train import train

    m = train(small_products, TrainConfig.seed_report(epochs=1, cache_dir=str(cache_dir)), tmp_path)
    assert np.isfinite(m["history"][0]["train_loss"])
    assert m["select_by"] == "val_loss"
    assert set(m["val"]) >= {"seed", "composed", "image_only", "text_only"}


def test_training_is_deterministic(small_products, cache_dir, tmp_path):
    from ml.config import TrainConfig
    from ml.train import train

    cfg = TrainConfig(epochs=1, cache_dir=str(cache_dir), seed=5)
    train(small_products, cfg, tmp_path / "a")
    train(small_products, cfg, tmp_path / "b")
    from safetensors.torch import load_file

    sa, sb = (
        load_file(str(tmp_path / "a" / "model.safetensors")),
        load_file(str(tmp_path / "b" / "model.safetensors")),
    )
    assert all(torch.equal(sa[k], sb[k]) for k in sa)
