"""One short check of the CUDA path, for a session lent a GPU machine (a few minutes of device time).

    python bench/gpu_check.py --catalog var/gpu-catalog      # a small catalog folder (see below)

Trains the production configuration on CUDA (frozen backbones, then one fine-tuned tail block),
embeds products on CUDA, and compares the CUDA vectors of the checkpoint with CPU vectors of the
same checkpoint. Prints one JSON line; exit status 0 when every check passes, 1 when one fails,
2 when there is no CUDA device or no catalog.

The device machine gets the working tree only: copy a few hundred products there with
`python bench/gpu_check.py --make-catalog var/gpu-catalog --size 400` (here, from
../shared/data/catalog; `var/` is git-ignored) and pass `var/gpu-catalog` in the run's carry.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def make_catalog(target: Path, size: int) -> None:
    """A small catalog folder (same layout) with copied images, taken across all splits."""
    from ml.data import default_catalog_dir

    source = default_catalog_dir()
    splits = json.loads((source / "splits.json").read_text())
    split_of = {pid: name for name, ids in splits.items() for pid in ids}
    kinds = {"Tshirts", "Shirts", "Tops", "Dresses", "Kurtas", "Jeans"}
    chosen = []
    with (source / "products.jsonl").open() as handle:
        for line in handle:
            record = json.loads(line)
            if record["article_type"] in kinds and len(chosen) < size:
                chosen.append(record)
    (target / "images").mkdir(parents=True, exist_ok=True)
    with (target / "products.jsonl").open("w") as out:
        for record in chosen:
            out.write(json.dumps(record) + "\n")
            shutil.copyfile(
                source / "images" / f"{record['id']}.jpg", target / "images" / f"{record['id']}.jpg"
            )
    subset = {name: [r["id"] for r in chosen if split_of.get(r["id"]) == name] for name in splits}
    (target / "splits.json").write_text(json.dumps(subset))
    print(f"wrote {len(chosen)} products to {target}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--catalog", help="catalog folder to train on (products.jsonl, splits.json, images/)")
    parser.add_argument("--make-catalog", help="write a small catalog folder here and exit")
    parser.add_argument("--size", type=int, default=400)
    args = parser.parse_args(argv)
    if args.make_catalog:
        make_catalog(Path(args.make_catalog), args.size)
        return 0

    import numpy as np
    import torch

    from ml.checkpoint import load_model
    from ml.config import TrainConfig
    from ml.data import load_catalog
    from ml.train import train

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

    started = time.perf_counter()
    metrics = train(products, TrainConfig(device="cuda", cache_dir=str(work / "cache")), work / "frozen")
    report["frozen"] = {"seconds": round(time.perf_counter() - started, 1), "device": metrics["device"],
                        "val_R@10": metrics["val"]["composed"]["R@10"]}  # fmt: skip
    checks["trained on cuda"] = metrics["device"] == "cuda"

    started = time.perf_counter()
    tuned = train(
        products,
        TrainConfig(device="cuda", epochs=1, finetune_blocks=1, cache_dir=str(work / "cache")),
        work / "finetuned",
    )
    report["finetuned"] = {"seconds": round(time.perf_counter() - started, 1),
                           "val_R@10": tuned["val"]["composed"]["R@10"]}  # fmt: skip

    for name in ("frozen", "finetuned"):
        gpu = load_model(work / name, device="cuda", cache_dir=work / f"cache-{name}-gpu")
        cpu = load_model(work / name, device="cpu", cache_dir=work / f"cache-{name}-cpu")
        started = time.perf_counter()
        gpu_vectors, failed = gpu.embed_products(products)
        seconds = time.perf_counter() - started
        cpu_vectors, _ = cpu.embed_products(products)
        difference = float(np.abs(gpu_vectors - cpu_vectors).max())
        report[name]["embed_images_per_s"] = round(len(products) / seconds, 1)
        report[name]["max_abs_diff_cuda_vs_cpu"] = difference
        checks[f"{name}: cuda vectors match cpu"] = difference < 1e-3 and not failed
    report["checks"] = checks
    print(json.dumps(report))
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
