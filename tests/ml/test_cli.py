"""CLI: bad input -> one line on stderr, exit status 2, no traceback."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from ml.cli import main

CATALOG = Path(settings.CATALOG_DIR)


@pytest.mark.parametrize(
    "argv",
    [
        ["train", "--catalog", "/nonexistent", "--out", "/tmp/x"],
        ["train", "--out", "/tmp/x", "--objective", "magic"],
        ["train", "--out", "/tmp/x", "--batch-size", "many"],
        ["evaluate", "--checkpoint", "/nonexistent", "--triplets", "/nonexistent.jsonl"],
        ["mine", "--split", "test", "--out", "/tmp/t.jsonl"],
        ["nosuchcommand"],
    ],
)
def test_bad_input_exits_2_with_one_line(argv, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("ml: error:") and "\n" not in err and "Traceback" not in err


def test_evaluate_bad_triplets_and_checkpoint(tmp_path, capsys):
    bad = tmp_path / "t.jsonl"
    bad.write_text("{not json\n")
    assert main(["evaluate", "--checkpoint", str(tmp_path), "--triplets", str(bad)]) == 2
    assert "malformed" in capsys.readouterr().err
    good = tmp_path / "g.jsonl"
    good.write_text(json.dumps({"candidate": "1", "target": "2", "captions": ["x"]}) + "\n")
    assert main(["evaluate", "--checkpoint", str(tmp_path), "--triplets", str(good)]) == 2
    assert "not a checkpoint" in capsys.readouterr().err


def test_subprocess_help_and_error():
    root = Path(__file__).resolve().parents[2]
    r = subprocess.run([sys.executable, "-m", "ml", "--help"], capture_output=True, text=True, cwd=root)
    assert r.returncode == 0 and "train" in r.stdout and "evaluate" in r.stdout
    r = subprocess.run(
        [sys.executable, "-m", "ml", "evaluate", "--checkpoint", "/x", "--triplets", "/y"],
        capture_output=True,
        text=True,
        cwd=root,
    )
    assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1


@pytest.mark.skipif(not (CATALOG / "products.jsonl").is_file(), reason="no catalog")
def test_mine_writes_protocol_jsonl(tmp_path, capsys):
    out = tmp_path / "val.jsonl"
    assert main(["mine", "--catalog", str(CATALOG), "--split", "val", "--out", str(out), "--max", "50"]) == 0
    lines = out.read_text().splitlines()
    assert len(lines) == 50
    assert set(json.loads(lines[0])) == {"candidate", "target", "captions", "change"}


@pytest.mark.slow
def test_evaluate_cli_on_tiny_checkpoint(tiny_run, small_products, small_catalog_dir, tmp_path, capsys):
    from ml.mining import mine_triplets, write_triplets_jsonl

    out, _ = tiny_run
    trip = mine_triplets([p for p in small_products if p.split == "val"], per_product=2)
    trip.append(type(trip[0])(candidate=999999999, target=trip[0].target, captions=["x"]))
    f = tmp_path / "t.jsonl"
    write_triplets_jsonl(trip, f)
    rc = main(
        [
            "evaluate",
            "--checkpoint",
            str(out),
            "--triplets",
            str(f),
            "--catalog",
            str(small_catalog_dir),
            "--gallery-split",
            "val",
            "--method",
            "composed",
            "--method",
            "image_only",
        ]
    )
    assert rc == 0
    res = json.loads(capsys.readouterr().out.strip().splitlines()[-1])["results"]
    assert res["composed"]["skipped"] == 1
    assert res["composed"]["n"] == len(trip) - 1
    assert "by_change" in res["composed"]
    assert res["composed"]["gallery_size"] == sum(p.split == "val" for p in small_products)
