"""manage.py evaluate_retrieval: the PROTOCOL.md contract, through the shoppers' SQL path."""

import io
import json

import pytest
from django.core.management import CommandError, call_command


@pytest.fixture
def val_triplets(tmp_path, small_catalog_dir):
    from ml.data import load_catalog
    from ml.mining import mine_split, write_triplets_jsonl

    path = tmp_path / "val.jsonl"
    write_triplets_jsonl(mine_split(load_catalog(small_catalog_dir), "val", seed=0), path)
    return path


def _run(*args) -> dict:
    out = io.StringIO()
    call_command("evaluate_retrieval", *args, "--json", stdout=out)
    return json.loads(out.getvalue().strip().splitlines()[-1])


def test_json_summary_and_dump(active_model, val_triplets, tmp_path):
    dump = tmp_path / "dump.jsonl"
    summary = _run(
        "--triplets", str(val_triplets), "--gallery-split", "val", "--limit", "20", "--dump", str(dump)
    )
    assert summary["method"] == "composed" and summary["model_version"] == active_model.name
    assert summary["n"] > 0
    rows = [json.loads(line) for line in dump.read_text().splitlines()]
    assert len(rows) == summary["n"]
    assert all(len(r["results"]) <= 20 and r["candidate"] not in r["results"] for r in rows)
    assert all(isinstance(r["target"], str) for r in rows)
    # The recalls are those of the ranked lists the dump holds (top 20: R@1 and R@10 exactly).
    for k in (1, 10):
        found = sum(r["target"] in r["results"][:k] for r in rows)
        assert summary[f"R@{k}"] == pytest.approx(found / len(rows))
    assert summary["R@10"] <= summary["R@50"] <= 1.0
    assert sum(c["n"] for c in summary["by_change"].values()) == summary["n"]
    # A trained model finds targets far more often than a draw from the val gallery would.
    from shop.models import Product

    chance = 10 / Product.objects.filter(split="val", is_active=True).count()
    assert summary["R@10"] > 2 * chance, (summary["R@10"], chance)
    # The request's conditions leave few candidates in this small gallery, so R@10 is near 1 with
    # any order; the first result is the target 0.64 of the time here (0.06 in reverse order).
    assert summary["R@1"] > 0.3, summary["R@1"]


def test_sql_path_matches_the_in_memory_evaluation(
    active_model, val_triplets, trained_checkpoint, small_catalog_dir
):
    """The store's SQL path must lose nothing against ml's in-memory evaluation: the learned
    vector alone (vector_only) there is the model's composed query here."""
    from ml.cli import main as ml_main

    out = io.StringIO()
    import contextlib

    with contextlib.redirect_stdout(out):
        code = ml_main(
            [
                "evaluate",
                "--checkpoint",
                str(trained_checkpoint),
                "--triplets",
                str(val_triplets),
                "--gallery-split",
                "val",
                "--catalog",
                str(small_catalog_dir),
            ]
        )
    assert code == 0
    in_memory = json.loads(out.getvalue().strip().splitlines()[-1])["results"]
    for method, in_memory_method in (
        ("vector_only", "composed"),
        ("image_only", "image_only"),
        ("seed", "seed"),
    ):
        sql = _run("--triplets", str(val_triplets), "--gallery-split", "val", "--method", method)
        expected = in_memory[in_memory_method]
        assert sql["n"] == expected["n"]
        assert abs(sql["R@10"] - expected["R@10"]) <= 0.01, (method, sql, expected)


def test_triplets_outside_the_gallery_are_skipped(active_model, tmp_path):
    from shop.models import Product

    val = list(Product.objects.filter(split="val").values_list("pk", flat=True)[:2])
    test = Product.objects.filter(split="test").values_list("pk", flat=True).first()
    path = tmp_path / "t.json"
    path.write_text(
        json.dumps(
            [
                {
                    "candidate": str(val[0]),
                    "target": str(val[1]),
                    "captions": ["Is darker", "Has long sleeves"],
                },
                {"candidate": str(val[0]), "target": str(test), "captions": ["is red"]},
                {"candidate": "B00ASIN", "target": "B00OTHER", "captions": ["is blue"]},
            ]
        )
    )
    summary = _run("--triplets", str(path), "--gallery-split", "val")
    assert (summary["n"], summary["skipped"]) == (1, 2)


@pytest.mark.parametrize(
    "args, message",
    [
        (["--triplets", "/no/such/file.jsonl"], "not found"),
        (["--gallery-split", "moon"], "gallery split"),
        (["--method", "magic"], "method"),
        (["--limit", "0"], "limit"),
    ],
)
def test_bad_input_exits_2(active_model, val_triplets, args, message):
    base = ["--triplets", str(val_triplets)]
    with pytest.raises(CommandError, match=message) as error:
        call_command("evaluate_retrieval", *base, *args)
    assert error.value.returncode == 2


def test_malformed_file_exits_2(active_model, tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"candidate": "1", "target": "2"}\n{oops\n')
    with pytest.raises(CommandError, match="malformed") as error:
        call_command("evaluate_retrieval", "--triplets", str(bad))
    assert error.value.returncode == 2


def test_no_active_model_exits_2(catalog, val_triplets):
    with pytest.raises(CommandError, match="no model") as error:
        call_command("evaluate_retrieval", "--triplets", str(val_triplets))
    assert error.value.returncode == 2
