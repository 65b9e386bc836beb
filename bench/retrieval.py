"""Retrieval quality: R@1/R@10/R@50 on val-split triplets, the production model beside its baselines.

    python -m bench.retrieval                      # train the variants, evaluate, table + bar chart
    python -m bench.retrieval --sql                # also the store's SQL path (active model, dev DB)
    python -m bench.retrieval fashion-iq --images DIR --checkpoint CKPT   # Fashion IQ protocol

Every number of one run comes from the same val triplets (mined from `val` products, seed 0),
the same gallery (all `val` products, reference excluded) and the same cached backbone features.
Rows, like for like (each learned method beside the seed's given the same product inputs):
  production            the default TrainConfig (composed contrastive objective, product text
                        fused, Fashion IQ train captions beside the generated ones)
  seed method           the seed report's difference loss and scoring (cosine of caption vs
                        target - reference, checkpoint kept on val loss), the same product inputs
  no product text       the composed objective with image-only product vectors
  seed, no product text the seed report exactly: difference loss on image-only product vectors
  image_only            nearest neighbours of the reference's production vector (text ignored)
  image features only   nearest neighbours of raw EfficientNet features (no training at all)
  text_only             the caption vector against production product vectors (reference ignored)
The store's production method also reads the request (bench.language); this benchmark measures
the learned vector alone.

--sql runs recommender.lifecycle.evaluation.evaluate (the shoppers' query path over pgvector, the active
model of the settings' database) on the same triplet file, beside ml's in-memory evaluation of
the same checkpoint. A new evaluation set: a function that returns triplets and a gallery, run
through ``evaluate_checkpoint`` like ``run_quality`` does.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

from bench.harness import save_plot, setup_django, store_settings, subplots, timed, write_results
from ml.config import TrainConfig
from ml.data import load_catalog

CHANGES = ("colour", "pattern", "sleeve", "neck", "fit", "two_changes")
KS = ("R@1", "R@10", "R@50")


def variants(epochs: int | None, fashion_iq: Path | None) -> dict[str, TrainConfig]:
    extra = {"epochs": epochs} if epochs else {}
    fiq = {"fashion_iq_dir": str(fashion_iq)} if fashion_iq and (fashion_iq / "captions").is_dir() else {}
    return {
        "production": TrainConfig(**fiq, **extra),
        # The default draws a share of its batches from one category (hard negatives); this is
        # the same model with every batch drawn at random, which the default was chosen against.
        "random batches": TrainConfig(category_batches=0.0, **fiq, **extra),
        "seed method": TrainConfig.seed_report(fuse_product_text=True, **fiq, **extra),
        "no product text": TrainConfig(fuse_product_text=False, **fiq, **extra),
        "seed, no product text": TrainConfig.seed_report(**fiq, **extra),
    }


def evaluate_checkpoint(checkpoint: Path, products, triplets, methods) -> dict:
    """In-memory evaluation (ml.evaluate) of a checkpoint on the val gallery."""
    from ml.cache import image_features, text_features
    from ml.checkpoint import load_model
    from ml.data import product_text
    from ml.encoders import get_image_encoder, get_text_encoder
    from ml.evaluate import evaluate_features

    model = load_model(checkpoint)
    gallery = [p for p in products if p.split == "val"]
    device = str(model.device)
    img, failed = image_features([p.image_path for p in gallery], get_image_encoder(device), model.cache)
    keep = [i for i in range(len(gallery)) if i not in set(failed)]
    gallery, img = [gallery[i] for i in keep], img[keep]
    encoder = get_text_encoder(device)
    ptext = (
        text_features([product_text(p) for p in gallery], encoder, model.cache)
        if model.ptext_head is not None
        else None
    )
    captions = text_features([t.text for t in triplets], encoder, model.cache)
    return evaluate_features(model, [p.id for p in gallery], img, ptext, triplets, captions, methods)


# Fields that say where a run kept its files, not what it learned.
PLACE_FIELDS = ("cache_dir", "num_threads", "device")


def _trained_with(checkpoint: Path, config: TrainConfig) -> float | None:
    """Training seconds of an existing checkpoint trained with `config`, else None."""
    metrics_file = checkpoint / "metrics.json"
    if not metrics_file.is_file():
        return None
    metrics = json.loads(metrics_file.read_text())
    same = _learning(metrics["config"]) == _learning(config.to_dict())
    return metrics["seconds"]["train"] if same else None


def _learning(config: dict) -> dict:
    out = {k: v for k, v in config.items() if k not in PLACE_FIELDS}
    if out.get("fashion_iq_dir"):
        out["fashion_iq_dir"] = str(Path(out["fashion_iq_dir"]).resolve())
    return out


def train_variants(
    products, epochs: int | None, out_dir: Path, fashion_iq: Path | None, reuse: bool = False
) -> tuple[dict[str, Path], dict[str, float]]:
    """Train every variant into out_dir/<name>; (checkpoints, training seconds). With `reuse`, a
    checkpoint already there with the very same training config is kept (its recorded seconds)."""
    from ml.train import train

    checkpoints: dict[str, Path] = {}
    train_seconds: dict[str, float] = {}
    for name, config in variants(epochs, fashion_iq).items():
        checkpoints[name] = out_dir / name.replace(" ", "_")
        seconds = _trained_with(checkpoints[name], config) if reuse else None
        if seconds is None:
            with timed() as clock:
                train(products, config, checkpoints[name])
            seconds = clock.seconds
        train_seconds[name] = round(seconds, 1)
        print(f"{name}: {train_seconds[name]} s of training")
    return checkpoints, train_seconds


def quality_rows(checkpoints: dict[str, Path], products, triplets) -> dict[str, dict]:
    """One row per method, every one on the same triplets and val gallery."""
    production = evaluate_checkpoint(
        checkpoints["production"],
        products,
        triplets,
        ["composed", "image_only", "image_only_raw", "text_only"],
    )
    seed = evaluate_checkpoint(checkpoints["seed method"], products, triplets, ["seed"])
    random_batches = evaluate_checkpoint(checkpoints["random batches"], products, triplets, ["composed"])
    no_text = evaluate_checkpoint(checkpoints["no product text"], products, triplets, ["composed"])
    seed_no_text = evaluate_checkpoint(checkpoints["seed, no product text"], products, triplets, ["seed"])
    return {
        "production (composed)": production["composed"],
        "production, every batch random (composed)": random_batches["composed"],
        "seed method (seed scoring), same inputs": seed["seed"],
        "no product text (composed)": no_text["composed"],
        "seed method, no product text": seed_no_text["seed"],
        "image_only": production["image_only"],
        "image features only": production["image_only_raw"],
        "text_only": production["text_only"],
    }


def run_quality(args) -> dict:
    from ml.mining import write_triplets_jsonl
    from ml.train import mine_val_triplets

    products = load_catalog(args.catalog)
    triplets = mine_val_triplets(products, TrainConfig())  # the same set training selects on
    out_dir = Path(args.work_dir or tempfile.mkdtemp(prefix="bench-retrieval-"))
    out_dir.mkdir(parents=True, exist_ok=True)
    triplet_file = out_dir / "val_triplets.jsonl"
    write_triplets_jsonl(triplets, triplet_file)
    print(f"{len(triplets)} val triplets, gallery = {sum(p.split == 'val' for p in products)} val products")

    checkpoints, train_seconds = train_variants(
        products, args.epochs, out_dir, Path(args.fashion_iq), reuse=args.reuse
    )
    rows = quality_rows(checkpoints, products, triplets)
    production_r10 = rows["production (composed)"]["R@10"]
    result = {
        "triplets": len(triplets),
        "gallery": "val",
        "train_seconds": train_seconds,
        "rows": rows,
        "ratios": {
            "production / image_only (R@10)": production_r10 / rows["image_only"]["R@10"],
            "production / seed method (R@10)": production_r10
            / rows["seed method (seed scoring), same inputs"]["R@10"],
        },
        "checkpoints": {k: str(v) for k, v in checkpoints.items()},
        "triplet_file": str(triplet_file),
    }
    if args.sql:
        result["sql_path"] = run_sql_path(triplet_file, products)
    return result


# SQL method -> the in-memory method computing the same ranking (vector_only: the learned composed
# vector alone, which is what ml's in-memory "composed" is; the store's composed adds the reading).
SQL_METHODS = {"vector_only": "composed", "image_only": "image_only", "seed": "seed"}


def run_sql_path(triplet_file: Path, products) -> dict:
    """recommender.lifecycle.evaluation.evaluate (the shoppers' SQL path, the active model of the settings'
    database) vs ml's in-memory evaluation of the same checkpoint, on the same triplet file."""
    from ml import text_onnx
    from ml.mining import read_triplets

    # The same query features on both sides: this compares the SQL machinery, so the store's int8
    # query encoder (its effect on answers is bench.language's --query-encoder) gives way to the
    # float graph, PyTorch's features to 1e-4. With int8, a few rankings moved on CPUs without VNNI.
    text_onnx.QUANTIZE_QUERIES = False
    setup_django()
    from recommender.lifecycle.evaluation import Evaluation, evaluate
    from recommender.serving.services import active_version

    triplets = read_triplets(triplet_file)
    checkpoint = active_version().checkpoint_path
    in_memory = evaluate_checkpoint(Path(checkpoint), products, triplets, list(SQL_METHODS.values()))
    out: dict = {"checkpoint": checkpoint, "methods": {}}
    for method, twin in SQL_METHODS.items():
        with timed() as clock:
            sql = evaluate(Evaluation(method=method, gallery_split="val", limit=50), triplets)
        out["methods"][method] = {
            "sql": {k: sql[k] for k in ("n", *KS)},
            "in_memory": {k: in_memory[twin][k] for k in ("n", *KS)},
            "abs_diff_R@10": abs(sql["R@10"] - in_memory[twin]["R@10"]),
            "seconds": round(clock.seconds, 1),
        }
    return out


def print_quality(result: dict) -> None:
    print(f"\nR@K on {result['triplets']} val triplets (gallery: val products, reference excluded)")
    header = (
        f"{'method':<30}"
        + "".join(f"{k:>8}" for k in KS)
        + "   R@10 by change: "
        + " ".join(f"{c[:6]:>7}" for c in CHANGES)
    )
    print(header)
    for name, row in result["rows"].items():
        by = row.get("by_change", {})
        changes = " ".join(f"{by.get(c, {}).get('R@10', float('nan')):>7.3f}" for c in CHANGES)
        print(f"{name:<30}" + "".join(f"{row[k]:>8.3f}" for k in KS) + "                   " + changes)
    for name, ratio in result["ratios"].items():
        print(f"{name}: {ratio:.1f}x")
    print("training seconds (cached features):", result["train_seconds"])
    if "sql_path" in result:
        print("\nSQL path (evaluate_retrieval, active model) vs in-memory, same triplets:")
        for method, row in result["sql_path"]["methods"].items():
            print(
                f"  {method:<11} SQL R@10 {row['sql']['R@10']:.4f}"
                f"  in-memory R@10 {row['in_memory']['R@10']:.4f}  |diff| {row['abs_diff_R@10']:.4f}"
                f"  (n={row['sql']['n']}, {row['seconds']} s)"
            )


def plot_quality(result: dict, path: str | None) -> Path:
    import numpy as np

    names = list(result["rows"])
    x = np.arange(len(CHANGES) + 1)
    width = 0.8 / len(names)
    fig, ax = subplots(figsize=(11, 4.5))
    for i, name in enumerate(names):
        row = result["rows"][name]
        values = [row["R@10"]] + [row.get("by_change", {}).get(c, {}).get("R@10", 0.0) for c in CHANGES]
        ax.bar(x + i * width, values, width, label=name)
    ax.set_xticks(x + width * (len(names) - 1) / 2, ["all", *CHANGES])
    ax.set_ylabel("R@10 (val)")
    ax.set_ylim(0, 1)
    ax.set_title(f"Like this, but …: R@10 on {result['triplets']} val triplets, gallery = val products")
    ax.legend(fontsize=8, ncol=2)
    return save_plot(fig, "retrieval", path)


def run_fashion_iq(args) -> dict:
    """The Fashion IQ protocol (val split, per category, gallery = the category's val images).

    Needs the Fashion IQ images (not shipped): --images DIR with <ASIN>.jpg files. The checkpoint
    must use image-only product vectors (Fashion IQ has no product text): train one with
    `python -m ml train --no-fuse-product-text`.
    """
    from ml.cache import image_features, text_features
    from ml.checkpoint import load_model
    from ml.encoders import get_image_encoder, get_text_encoder
    from ml.evaluate import evaluate_features
    from ml.fashion_iq import CATEGORIES, load_fashion_iq

    model = load_model(args.checkpoint)
    if model.ptext_head is not None:
        raise SystemExit(
            "this checkpoint fuses product text, which Fashion IQ lacks: use --no-fuse-product-text"
        )
    device = str(model.device)
    results = {}
    for category in args.categories or CATEGORIES:
        data = load_fashion_iq(args.fashion_iq, "val", [category], args.images)
        gallery = sorted(data.image_paths)
        img, failed = image_features(
            [data.image_paths[a] for a in gallery], get_image_encoder(device), model.cache
        )
        keep = [i for i in range(len(gallery)) if i not in set(failed)]
        captions = text_features([t.text for t in data.triplets], get_text_encoder(device), None)
        res = evaluate_features(
            model,
            [gallery[i] for i in keep],
            img[keep],
            None,
            data.triplets,
            captions,
            ["composed", "seed", "image_only"],
        )
        results[category] = {m: {k: r[k] for k in ("n", *KS)} for m, r in res.items()}
        results[category]["skipped"] = {
            "unknown_ids": data.unknown_ids,
            "missing_images": data.missing_images,
        }
        print(category, data.summary())
        for method, row in results[category].items():
            if method != "skipped":
                print(f"  {method:<11} n={row['n']:<5} " + " ".join(f"{k}={row[k]:.4f}" for k in KS))
    return results


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("mode", nargs="?", default="quality", choices=["quality", "fashion-iq"])
    parser.add_argument("--catalog", help="catalog folder (default: the store's CATALOG_DIR)")
    parser.add_argument("--epochs", type=int, help="override the epochs of every variant (smoke runs)")
    parser.add_argument("--work-dir", help="where checkpoints and the triplet file go (default: a temp dir)")
    parser.add_argument(
        "--sql", action="store_true", help="also evaluate the active model through the SQL path"
    )
    parser.add_argument(
        "--reuse", action="store_true",
        help="keep a checkpoint already in --work-dir when it was trained with the same config",
    )  # fmt: skip
    parser.add_argument("--json", default=None, help="results file (default bench/results/retrieval.json)")
    parser.add_argument("--plot", default=None, help="bar chart (default bench/results/retrieval.png)")
    parser.add_argument("--fashion-iq", help="Fashion IQ folder (default: fashion-iq beside CATALOG_DIR)")
    parser.add_argument("--images", help="folder of Fashion IQ <ASIN>.jpg images (fashion-iq mode)")
    parser.add_argument("--checkpoint", help="checkpoint folder (fashion-iq mode)")
    parser.add_argument("--categories", nargs="*", help="Fashion IQ categories (default: all three)")
    args = parser.parse_args(argv)
    catalog = Path(store_settings().CATALOG_DIR)
    args.catalog = args.catalog or str(catalog)
    args.fashion_iq = args.fashion_iq or str(catalog.parent / "fashion-iq")
    if not Path(args.catalog).is_dir():
        parser.exit(2, f"error: catalog folder not found: {args.catalog}\n")
    if args.mode == "fashion-iq" and (not args.images or not args.checkpoint):
        parser.exit(2, "error: fashion-iq needs --images DIR and --checkpoint DIR\n")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.mode == "fashion-iq":
        result = run_fashion_iq(args)
        name = "retrieval-fashion-iq"
    else:
        result = run_quality(args)
        print_quality(result)
        print(f"bar chart: {plot_quality(result, args.plot)}")
        name = "retrieval"
    print(f"results: {write_results(name, result, args.json)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
