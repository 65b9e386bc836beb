"""Backbone fine-tuning (finetune_blocks > 0) on CPU with tiny real data: 16 train + 8 val men's
t-shirts, 1 epoch, batch 4, last MBConv block + conv head trained. No GPU is needed."""

import json

import numpy as np
import pytest
import torch
from safetensors.torch import load_file, save_file

from ml.checkpoint import IncompatibleCheckpointError, load_model
from ml.cli import main
from ml.config import TrainConfig
from ml.data import CatalogProduct
from ml.encoders import get_image_encoder, load_image_tensor
from ml.model import RetrievalModel
from ml.train import train


@pytest.fixture(scope="module")
def products(catalog):
    pick = [p for p in catalog if (p.article_type, p.gender) == ("Tshirts", "Men")]
    return [p for p in pick if p.split == "train"][:16] + [p for p in pick if p.split == "val"][:8]


def _config(cache, **kw) -> TrainConfig:
    return TrainConfig(epochs=1, batch_size=4, triplets_per_product=4, device="cpu", seed=0,
                       cache_dir=str(cache), **kw)


@pytest.fixture(scope="module")
def runs(products, tmp_path_factory):
    """(fine-tuned checkpoint, frozen checkpoint) trained the same way on the same data."""
    cache = tmp_path_factory.mktemp("ft-cache")
    tuned, frozen = tmp_path_factory.mktemp("tuned"), tmp_path_factory.mktemp("frozen")
    train(products, _config(cache, finetune_blocks=1), tuned)
    train(products, _config(cache), frozen)
    return tuned, frozen


def test_training_changes_the_tail_and_saves_it(runs):
    tuned, _ = runs
    state = load_file(str(tuned / "model.safetensors"))
    tail = {k[len("image_tail."):]: v for k, v in state.items() if k.startswith("image_tail.")}
    pretrained = RetrievalModel(TrainConfig(finetune_blocks=1)).image_tail.state_dict()
    assert tail.keys() == pretrained.keys() and "conv_head.weight" in tail
    assert any(not torch.equal(tail[k], pretrained[k]) for k in tail if k.endswith("weight"))
    meta = json.loads((tuned / "config.json").read_text())
    assert meta["config"]["finetune_blocks"] == 1
    base = get_image_encoder("cpu").version
    assert meta["encoders"]["image"].startswith(base + ":tail1-")
    metrics = json.loads((tuned / "metrics.json").read_text())
    assert np.isfinite(metrics["history"][0]["train_loss"]) and "image_only_raw" in metrics["val"]


def test_round_trip_is_bit_identical_and_differs_from_frozen(runs, products, tmp_path):
    tuned, frozen = runs
    a = load_model(tuned, device="cpu", cache_dir=tmp_path / "a")
    b = load_model(tuned, device="cpu", cache_dir=tmp_path / "b")
    corrupt = tmp_path / "bad.jpg"
    corrupt.write_bytes(b"not a jpeg")
    p = products[0]
    broken = CatalogProduct(-1, corrupt, "val", "x", p.gender, p.article_type, "Red", {})
    prods = [*products[:5], broken]
    va, fa = a.embed_products(prods)
    vb, fb = b.embed_products(prods)
    assert va.shape == (5, 256) and fa == fb == [-1]
    assert np.array_equal(va, vb)
    assert np.array_equal(a.embed_products(prods)[0], va)  # second call reads the feature cache
    vf, _ = load_model(frozen, device="cpu", cache_dir=tmp_path / "f").embed_products(prods)
    assert not np.allclose(va, vf, atol=1e-3)
    # the tuned image features themselves differ from the frozen backbone's
    x = load_image_tensor(p.image_path)[None]
    with torch.no_grad():
        assert not torch.allclose(a.image_encoder().features(x), get_image_encoder("cpu").features(x))
    assert a.image_encoder().version != get_image_encoder("cpu").version


def test_tampered_tail_is_an_incompatible_checkpoint(runs, tmp_path):
    tuned, _ = runs
    state = load_file(str(tuned / "model.safetensors"))
    state["image_tail.conv_head.weight"] = state["image_tail.conv_head.weight"] * 1.01
    save_file(state, str(tmp_path / "model.safetensors"))
    (tmp_path / "config.json").write_text((tuned / "config.json").read_text())
    with pytest.raises(IncompatibleCheckpointError, match="encoders"):
        load_model(tmp_path, device="cpu")


def test_cpu_only_machine_needs_explicit_device(products, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    with pytest.raises(ValueError, match=r"needs a CUDA GPU.*device='cpu'"):
        train(products, TrainConfig(finetune_blocks=1, cache_dir=str(tmp_path)), tmp_path / "out")
    assert main(["train", "--out", str(tmp_path / "o"), "--finetune-blocks", "2"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("ml: error:") and "--device cpu" in err and "\n" not in err


def test_too_many_blocks_is_a_clear_error(products, tmp_path):
    with pytest.raises(ValueError, match="between 1 and 16"):
        train(products, _config(tmp_path, finetune_blocks=17), tmp_path / "out")
    with pytest.raises(ValueError, match="between 1 and 16"):
        RetrievalModel(TrainConfig(finetune_blocks=99))
    with pytest.raises(ValueError, match=">= 0"):
        TrainConfig(finetune_blocks=-1)
