"""bench/real_phrasing.py: a small real-phrasing set from val captions (real shared data, no database)."""

from __future__ import annotations

import builtins
import json
from pathlib import Path

import pytest

from bench import real_phrasing
from bench.sat import count_passing, field_value, row_checks_pass
from bench.shared_data import catalog_dir, fashion_iq_dir, load_products

pytestmark = pytest.mark.skipif(
    not (catalog_dir() / "products.jsonl").is_file() or not (fashion_iq_dir() / "captions").is_dir(),
    reason="shared catalog or Fashion IQ captions not available",
)
LIMIT = 60  # caption pairs read per category


@pytest.fixture(scope="module")
def catalog():
    return load_products(catalog_dir())


def _build(tmp_path: Path, name: str, *extra: str) -> list[dict]:
    out = tmp_path / name
    assert real_phrasing.main(["--split", "val", "--out", str(out), "--limit", str(LIMIT), *extra]) == 0
    return [json.loads(line) for line in out.read_text().splitlines()]


@pytest.fixture(scope="module")
def rows(tmp_path_factory) -> list[dict]:
    return _build(tmp_path_factory.mktemp("rp"), "val.jsonl")


def test_rows_have_the_suite_format(rows, catalog):
    products, split_of = catalog
    assert len(rows) >= 20
    categories = {row["source"].split(":")[0] for row in rows}
    assert {"shirt", "toptee"} <= categories <= {"dress", "shirt", "toptee"}  # few dresses in the catalog
    for row in rows:
        assert set(row) == {"reference", "text", "checks", "tag", "source"}
        assert split_of[row["reference"]] == "val"
        assert row["checks"][:3] == [["article_type", "keep"], ["gender", "keep"], ["age_group", "keep"]]
        requested = row["checks"][3:]
        assert requested and all(op == "in" and values for _, op, values in requested)
        names = {"base_colour": "colour", "Pattern": "pattern", "Sleeve Length": "sleeve", "Neck": "neck"}
        assert set(row["tag"].split("+")) == {names[field] for field, _, _ in requested}
        assert row["text"].strip()


def test_no_reference_already_satisfies_the_request(rows, catalog):
    products, _ = catalog
    for row in rows:
        reference = products[row["reference"]]
        assert not row_checks_pass(row, reference, reference), row
        assert any(field_value(reference, field) not in values for field, _, values in row["checks"][3:])


def test_every_row_has_ten_passing_products(rows, catalog):
    products, _ = catalog
    catalog_list = list(products.values())
    for row in rows[:40]:
        assert count_passing(row, products[row["reference"]], catalog_list) >= 10, row


def test_build_is_deterministic(rows, tmp_path):
    assert _build(tmp_path, "again.jsonl") == rows


def test_other_seed_changes_references_not_requests(rows, tmp_path):
    other = _build(tmp_path, "seed1.jsonl", "--seed", "1")
    assert [r["text"] for r in other] == [r["text"] for r in rows]
    assert [r["reference"] for r in other] != [r["reference"] for r in rows]


def test_join_rule():
    assert real_phrasing.join_captions([" is red ", " Has long sleeves"]) == "is red and has long sleeves"
    assert real_phrasing.join_captions(["Is Red", ""]) == "Is Red"


def test_test_captions_are_never_opened(tmp_path, monkeypatch):
    opened: list[str] = []
    real_open, real_read_text = builtins.open, Path.read_text

    def spy_open(file, *args, **kwargs):
        opened.append(str(file))
        return real_open(file, *args, **kwargs)

    def spy_read_text(self, *args, **kwargs):
        opened.append(str(self))
        return real_read_text(self, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", spy_open)
    monkeypatch.setattr(Path, "read_text", spy_read_text)
    _build(tmp_path, "spy.jsonl")
    captions = [p for p in opened if "cap." in p]
    assert captions and all(p.endswith(".val.json") for p in captions)
    assert not any(".test." in p for p in opened)
    with pytest.raises(ValueError):
        real_phrasing.caption_pairs(fashion_iq_dir(), "shirt", "test")
    with pytest.raises(SystemExit) as exit_info:
        real_phrasing.main(["--split", "test", "--out", str(tmp_path / "never.jsonl")])
    assert exit_info.value.code == 2
