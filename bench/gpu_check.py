"""One short check of the CUDA path, for a session lent a GPU machine (a few minutes of device time).

    python -m bench.gpu_check --catalog var/gpu-catalog      # a small catalog folder (see below)

Trains the production configuration on CUDA (frozen backbones, then one fine-tuned tail block),
embeds products on CUDA, and compares the CUDA vectors of the checkpoint with CPU vectors of the
same checkpoint. Prints one JSON line; exit status 0 when every check passes, 1 when one fails,
2 when there is no CUDA device or no catalog.

The device machine gets the working tree only: copy a few hundred products there with
`python -m bench.gpu_check --make-catalog var/gpu-catalog --size 400` (here, from the store's
CATALOG_DIR; `var/` is git-ignored) and pass `var/gpu-catalog` in the run's carry.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from bench.harness import store_settings, timed
from catalog_format import write_subset


def make_catalog(target: Path, size: int) -> None:
    """A small catalog folder (same layout) with copied images from the store's CATALOG_DIR."""
    source = Path(store_settings().CATALOG_DIR)
    kinds = ("Tshirts", "Shirts", "Tops", "Dresses", "Kurtas", "Jeans")
    chosen = write_subset(source, target, kinds, size, copy_images=True)
    print(f"wrote {len(chosen)} products to {target}")


def check_training(products, work: Path, report: dict, checks: dict[str, bool]) -> None:
    """Train the production configuration on CUDA (frozen backbones), then one fine-tuned tail block."""
    from ml.config import TrainConfig
    from ml.train import train

    with timed() as clock:
        metrics = train(products, TrainConfig(device="cuda", cache_dir=str(work / "cache")), work / "frozen")
    report["frozen"] = {"seconds": round(clock.seconds, 1), "device": metrics["device"],
                        "val_R@10": metrics["val"]["composed"]["R@10"]}  # fmt: skip
    checks["trained on cuda"] = metrics["device"] == "cuda"

    config = TrainConfig(device="cuda", epochs=1, finetune_blocks=1, cache_dir=str(work / "cache"))
    with timed() as clock:
        tuned = train(products, config, work / "finetuned")
    report["finetuned"] = {"seconds": round(clock.seconds, 1),
                           "val_R@10": tuned["val"]["composed"]["R@10"]}  # fmt: skip


def check_embedding(products, work: Path, report: dict, checks: dict[str, bool]) -> None:
    """Each checkpoint's CUDA product vectors against its CPU vectors (separate feature caches)."""
    import numpy as np

    from ml.checkpoint import load_model

    for name in ("frozen", "finetuned"):
        gpu = load_model(work / name, device="cuda", cache_dir=work / f"cache-{name}-gpu")
        cpu = load_model(work / name, device="cpu", cache_dir=work / f"cache-{name}-cpu")
        with timed() as clock:
            gpu_vectors, failed = gpu.embed_products(products)
        cpu_vectors, _ = cpu.embed_products(products)
        difference = float(np.abs(gpu_vectors - cpu_vectors).max())
        report[name]["embed_images_per_s"] = round(len(products) / clock.seconds, 1)
        report[name]["max_abs_diff_cuda_vs_cpu"] = difference
        checks[f"{name}: cuda vectors match cpu"] = difference < 1e-3 and not failed


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--catalog", help="catalog folder to train on (products.jsonl, splits.json, images/)")
    parser.add_argument("--make-catalog", help="write a small catalog folder here and exit")
    parser.add_argument("--size", type=int, default=400)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.make_catalog:
        make_catalog(Path(args.make_catalog), args.size)
        return 0

    import torch

    from ml.data import load_catalog

    if not torch.cuda.is_available():
        print("error: no CUDA device", file=sys.stderr)
        return 2
    if not args.catalog or not (Path(args.catalog) / "products.jsonl").is_file():
        print("error: --catalog must be a catalog folder (make one with --make-catalog)", file=sys.stderr)
        return 2
    products = load_catalog(args.catalog)
    work = Path(tempfile.mkdtemp(prefix="gpu-check-"))
    report: dict = {"device": torch.cuda.get_device_name(0), "products": len(products)}
    checks: dict[str, bool] = {}
    check_training(products, work, report, checks)
    check_embedding(products, work, report, checks)
    report["checks"] = checks
    print(json.dumps(report))
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
