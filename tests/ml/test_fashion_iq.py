import json
from pathlib import Path

import pytest
from django.conf import settings

from ml.fashion_iq import load_fashion_iq
from ml.mining import read_triplets

FASHION_IQ = Path(settings.CATALOG_DIR).parent / "fashion-iq"

pytestmark = pytest.mark.skipif(
    not (FASHION_IQ / "captions").is_dir(), reason="Fashion IQ captions not available"
)


def test_loads_real_val_captions_and_joins():
    d = load_fashion_iq(FASHION_IQ, "val", ["shirt"])
    assert len(d.triplets) > 1000 and d.unknown_ids == 0
    raw = json.loads((FASHION_IQ / "captions" / "cap.shirt.val.json").read_text())[0]
    t = d.triplets[0]
    assert (t.candidate, t.target) == (raw["candidate"], raw["target"])
    a, b = (c.strip() for c in raw["captions"])
    assert t.text == f"{a} and {b[0].lower() + b[1:]}"
    assert t.change == "shirt"


def test_unknown_ids_and_missing_images_are_counted(tmp_path):
    (tmp_path / "captions").mkdir()
    (tmp_path / "image_splits").mkdir()
    (tmp_path / "image_splits" / "split.dress.val.json").write_text(json.dumps(["A", "B"]))
    (tmp_path / "captions" / "cap.dress.val.json").write_text(
        json.dumps(
            [
                {"candidate": "A", "target": "B", "captions": ["is red", "Longer"]},
                {"candidate": "A", "target": "ZZZ", "captions": ["x", "y"]},
            ]
        )
    )
    d = load_fashion_iq(tmp_path, "val", ["dress"])
    assert len(d.triplets) == 1 and d.unknown_ids == 1
    assert d.triplets[0].text == "is red and longer"
    imgs = tmp_path / "imgs"
    imgs.mkdir()
    (imgs / "A.jpg").write_bytes(b"")
    d = load_fashion_iq(tmp_path, "val", ["dress"], image_dir=imgs)
    assert d.triplets == [] and d.missing_images == 1
    assert "unknown" in d.summary()


def test_test_split_has_no_targets_and_bad_inputs_are_clear(tmp_path):
    d = load_fashion_iq(FASHION_IQ, "test", ["dress"])
    assert d.triplets == [] and d.no_target > 0
    with pytest.raises(FileNotFoundError, match="Fashion IQ"):
        load_fashion_iq(tmp_path, "val", ["dress"])
    with pytest.raises(ValueError, match="category"):
        load_fashion_iq(FASHION_IQ, "val", ["socks"])


def test_fashion_iq_json_list_reads_as_triplet_file():
    trips = read_triplets(FASHION_IQ / "captions" / "cap.toptee.val.json")
    assert trips and isinstance(trips[0].candidate, str)
