"""Command line: python -m ml {train,evaluate,mine,features} ...

Errors in paths or arguments print one line on stderr and exit with status 2.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import time
from pathlib import Path

from ml.config import TrainConfig

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CATALOG_DIR = REPO_ROOT.parent / "shared" / "data" / "catalog"
DEFAULT_CACHE_DIR = REPO_ROOT / "var" / "cache" / "ml"
DEFAULT_FASHION_IQ_DIR = REPO_ROOT.parent / "shared" / "data" / "fashion-iq"


class UsageError(Exception):
    """Bad path or argument: reported in one line, exit status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line instead of usage + message
        raise UsageError(message)


FIELD_HELP = {
    "device": "cuda or cpu (default: cuda when available, else cpu)",
    "finetune_blocks": "also train the last N EfficientNet-Lite0 blocks + conv head (1-16) on decoded "
                       "images; needs a CUDA GPU, on a CPU-only machine it runs only with --device cpu "
                       "(very slow; default: 0 = frozen backbone, heads on cached features)",
    "finetune_lr": "learning rate of the fine-tuned backbone blocks (default: 0.0001)",
}


def _add_config_args(p: argparse.ArgumentParser) -> None:
    """One --flag per TrainConfig field (bools get --x/--no-x)."""
    for f in dataclasses.fields(TrainConfig):
        flag = "--" + f.name.replace("_", "-")
        default = f.default
        if isinstance(default, bool):
            p.add_argument(flag, action=argparse.BooleanOptionalAction, default=None)
        else:
            typ = {int: int, float: float}.get(type(default), str)
            if f.name in ("num_threads",):
                typ = int
            p.add_argument(flag, type=typ, default=None, metavar=f.name.upper(),
                           help=FIELD_HELP.get(f.name, f"default: {default}"))


def _catalog(args) -> list:
    from ml.data import load_catalog

    d = Path(args.catalog) if args.catalog else DEFAULT_CATALOG_DIR
    if not (d / "products.jsonl").is_file():
        raise UsageError(f"catalog not found: {d} (needs products.jsonl)")
    return load_catalog(d)


def cmd_train(args) -> int:
    from ml.encoders import check_finetune_blocks
    from ml.train import finetune_device, train

    overrides = {f.name: getattr(args, f.name) for f in dataclasses.fields(TrainConfig)
                 if getattr(args, f.name, None) is not None}
    overrides.setdefault("cache_dir", str(DEFAULT_CACHE_DIR))
    if DEFAULT_FASHION_IQ_DIR.is_dir():
        overrides.setdefault("fashion_iq_dir", str(DEFAULT_FASHION_IQ_DIR))
    try:
        config = (TrainConfig.seed_report(**overrides) if args.preset == "seed"
                  else TrainConfig(**overrides))
        if config.finetune_blocks:  # refuse before reading the catalog
            finetune_device(config)
            check_finetune_blocks(config.finetune_blocks)
    except ValueError as exc:
        raise UsageError(str(exc)) from exc
    products = _catalog(args)
    t = time.time()
    m = train(products, config, args.out,
              progress=(lambda msg, frac, **counts: None))
    val = m["val"]
    summary = {k: {kk: round(vv, 4) for kk, vv in v.items() if kk.startswith("R@")}
               for k, v in val.items()}
    print(json.dumps({"out": str(args.out), "best_epoch": m["best_epoch"],
                      "seconds": round(time.time() - t, 1), "val": summary}))
    return 0


def cmd_evaluate(args) -> int:
    import numpy as np

    from ml.cache import image_features, text_features
    from ml.checkpoint import IncompatibleCheckpointError, load_model
    from ml.data import product_text
    from ml.encoders import get_image_encoder, get_text_encoder
    from ml.evaluate import METHODS, evaluate_features
    from ml.mining import read_triplets

    methods = args.method or ["composed", "seed", "image_only", "text_only"]
    for m in methods:
        if m not in METHODS:
            raise UsageError(f"unknown method {m!r}; choose from {', '.join(METHODS)}")
    if args.gallery_split not in ("train", "val", "test", "all"):
        raise UsageError(f"unknown split {args.gallery_split!r}")
    try:
        triplets = read_triplets(args.triplets)
        model = load_model(args.checkpoint, cache_dir=args.cache_dir)
    except (FileNotFoundError, ValueError, IncompatibleCheckpointError) as exc:
        raise UsageError(str(exc)) from exc
    products = _catalog(args)
    gallery = [p for p in products if args.gallery_split == "all" or p.split == args.gallery_split]
    dev = str(model.device)
    img, failed = image_features([p.image_path for p in gallery], model.image_encoder(), model.cache)
    bad = set(failed)
    gallery = [p for i, p in enumerate(gallery) if i not in bad]
    img = img[[i for i in range(len(img)) if i not in bad]]
    raw = None  # a fine-tuned model's image features are not the raw backbone's (image_only_raw)
    if model.image_tail is not None and "image_only_raw" in methods:
        raw = image_features([p.image_path for p in gallery], get_image_encoder(dev), model.cache)[0]
    tenc = get_text_encoder(dev)
    pt = (text_features([product_text(p) for p in gallery], tenc, model.cache)
          if model.ptext_head is not None else None)
    cap = (text_features([t.text for t in triplets], tenc, None) if triplets
           else np.zeros((0, tenc.dim), np.float32))
    res = evaluate_features(model, [p.id for p in gallery], img, pt, triplets, cap, methods)
    if raw is not None:
        res["image_only_raw"] = evaluate_features(model, [p.id for p in gallery], raw, pt, triplets, cap,
                                                  ["image_only_raw"])["image_only_raw"]
    for r in res.values():
        r["failed_images"] = len(failed)
        r["gallery_split"] = args.gallery_split
        r["gallery_size"] = len(gallery)
    out = {"checkpoint": str(args.checkpoint), "results": res}
    if args.out:
        Path(args.out).write_text(json.dumps(out, indent=2))
    for m, r in res.items():
        print(f"{m:15s} n={r['n']} skipped={r['skipped']} R@1={r['R@1']:.4f} "
              f"R@10={r['R@10']:.4f} R@50={r['R@50']:.4f}", file=sys.stderr)
    print(json.dumps(out))
    return 0


def cmd_mine(args) -> int:
    from ml.mining import mine_triplets, write_triplets_jsonl
    from ml.train import VAL_MINING_SEED

    if args.split == "test":
        raise UsageError("mining the test split is reserved for final evaluation: pass --allow-test")
    products = [p for p in _catalog(args) if p.split == args.split]
    d = TrainConfig()
    per = args.per_product or (d.val_triplets_per_product if args.split == "val" else d.triplets_per_product)
    cap = args.max if args.max is not None else (d.max_val_triplets if args.split == "val" else None)
    seed = args.seed if args.seed is not None else VAL_MINING_SEED
    trip = mine_triplets(products, per_product=per, seed=seed, max_triplets=cap)
    out = Path(args.out)
    if not out.parent.is_dir():
        raise UsageError(f"output folder does not exist: {out.parent}")
    n = write_triplets_jsonl(trip, out)
    print(json.dumps({"out": str(out), "triplets": n, "split": args.split}))
    return 0


def cmd_features(args) -> int:
    from ml.cache import FeatureCache, image_features, text_features
    from ml.data import product_text
    from ml.encoders import default_device, get_image_encoder, get_text_encoder

    products = _catalog(args)
    if args.split:
        products = [p for p in products if p.split == args.split]
    cache = FeatureCache(args.cache_dir)  # default: DEFAULT_CACHE_DIR
    dev = default_device()
    t = time.time()
    _, failed = image_features([p.image_path for p in products], get_image_encoder(dev), cache,
                               batch_size=args.batch_size)
    text_features([product_text(p) for p in products], get_text_encoder(dev), cache)
    print(json.dumps({"products": len(products), "failed_images": len(failed),
                      "seconds": round(time.time() - t, 1), "cache_dir": str(cache.root)}))
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="python -m ml", description="Composed image+text retrieval: train, evaluate, mine.")
    sub = p.add_subparsers(dest="command", parser_class=_Parser, metavar="{train,evaluate,mine,features}")
    t = sub.add_parser("train", help="train projection heads (optionally the last backbone blocks, "
                                     "--finetune-blocks N on a GPU), write a checkpoint folder")
    t.add_argument("--catalog", help=f"catalog folder (default: {DEFAULT_CATALOG_DIR})")
    t.add_argument("--out", required=True, help="checkpoint folder to write")
    t.add_argument("--preset", choices=["default", "seed"], default="default",
                   help="'seed': the seed report's method (difference loss, image-only vectors, "
                        "val-loss selection)")
    _add_config_args(t)
    t.set_defaults(func=cmd_train)
    e = sub.add_parser("evaluate", help="R@1/10/50 of a checkpoint on a triplet file")
    e.add_argument("--checkpoint", required=True)
    e.add_argument("--triplets", required=True, help="JSON Lines or JSON list (PROTOCOL.md)")
    e.add_argument("--gallery-split", default="val")
    e.add_argument("--catalog", help=f"catalog folder (default: {DEFAULT_CATALOG_DIR})")
    e.add_argument("--cache-dir", default=str(DEFAULT_CACHE_DIR), help="backbone feature cache")
    e.add_argument("--method", action="append", help="repeatable; default: all four")
    e.add_argument("--out", help="also write the JSON here")
    e.set_defaults(func=cmd_evaluate)
    m = sub.add_parser("mine", help="write mined triplets of a split as JSON Lines")
    m.add_argument("--catalog")
    m.add_argument("--split", default="val", choices=["train", "val", "test"])
    m.add_argument("--out", required=True)
    m.add_argument("--per-product", type=int)
    m.add_argument("--max", type=int)
    m.add_argument("--seed", type=int)
    m.set_defaults(func=cmd_mine)
    f = sub.add_parser("features", help="fill the on-disk feature cache for a catalog")
    f.add_argument("--catalog")
    f.add_argument("--split")
    f.add_argument("--cache-dir", default=str(DEFAULT_CACHE_DIR))
    f.add_argument("--batch-size", type=int, default=64)
    f.set_defaults(func=cmd_features)
    return p


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        if not getattr(args, "command", None):
            parser.print_help()
            return 2
        return args.func(args)
    except UsageError as exc:
        print(f"ml: error: {exc}", file=sys.stderr)
        return 2
    except (FileNotFoundError, NotADirectoryError, PermissionError) as exc:
        print(f"ml: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
