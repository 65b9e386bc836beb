"""Images/s of the store's embedding path vs the raw CNN forward pass, per image batch size.

    python -m bench.indexing [--images 512] [--batch-sizes 16 32 64] [--repeats 3]
                             [--checkpoint DIR] [--json bench/results/indexing.json]

It runs on the store of the current settings (DJANGO_SETTINGS_MODULE, default
config.settings.base): the first N active products with an image, in id order, and the active
version's checkpoint (or --checkpoint).

raw       pre-decoded [B,3,224,224] tensors in memory through ``ImageEncoder.features`` only.
pipeline  the store's embedding path per chunk of ``settings.EMBED_BATCH_SIZE`` products,
          i.e. ``recommender.lifecycle.training.embed_products`` with the image batch size under test:
          ``RetrievalModel.embed_products`` of ``training.catalog_products`` (sha1 of each file,
          cache lookup, JPEG decode + resize/normalise, CNN, feature-cache write, product-text
          features, projection heads), then ``recommender.serving.vectors.write_embeddings`` (COPY into a
          staging table + upsert into the store's vector table). Every run starts with a fresh,
          empty feature cache, so the CNN and the text encoder really run.

The vectors go to a scratch model version (status ``failed``: nothing serves from it, embeds into
it or can activate it), emptied before each run and deleted at the end through
``recommender.lifecycle.versions.delete_version``, also on Ctrl-C or SIGTERM. No other version is touched.
Also reported: each stage alone (sha1, decode, text features, projection, write) in images/s.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np

from bench.harness import log, machine_info, median_of, print_table, setup_django, timed, write_results

SCRATCH_MARK = {"bench": "indexing"}  # in the scratch version's config; no TrainConfig has it


@dataclass
class Workload:
    """What every run embeds, and with what."""

    products: list  # shop Products with an image file, id order
    tensors: object  # their images pre-decoded [N,3,224,224] (for the raw CNN)
    model: object  # ml RetrievalModel on the CPU
    model_source: str
    encoder: object  # the frozen image encoder (ImageEncoder)


# --- set-up --------------------------------------------------------------------------------------


def set_omp_wait_policy(policy: str) -> None:
    """OMP_WAIT_POLICY must be set before torch (libgomp) is loaded, i.e. before Django."""
    if "torch" in sys.modules:
        raise SystemExit("--omp-wait-policy needs to run before torch is imported")
    os.environ["OMP_WAIT_POLICY"] = policy


def store_products(n: int) -> list:
    """The first `n` active products (id order) whose image file exists."""
    from recommender.lifecycle.training import catalog_products
    from shop.models import Product

    products = list(Product.objects.filter(is_active=True).exclude(image="").order_by("pk"))
    records = catalog_products(products)
    return [p for p, r in zip(products, records, strict=True) if r.image_path.is_file()][:n]


def load_model(checkpoint: str | None):
    """(RetrievalModel on the CPU, description): --checkpoint, else the active version's."""
    from ml.checkpoint import load_model as load_checkpoint
    from recommender.serving.services import NoActiveModel, active_version

    if checkpoint is not None:
        return load_checkpoint(checkpoint, device="cpu").eval(), f"checkpoint {checkpoint}"
    try:
        version = active_version()
    except NoActiveModel as exc:
        raise SystemExit(f"error: {exc} (or pass --checkpoint)") from None
    model = load_checkpoint(version.checkpoint_path, device="cpu").eval()
    return model, f"active version {version.name}: {version.checkpoint_path}"


def prepare(args: argparse.Namespace) -> Workload:
    import torch

    from ml.encoders import get_image_encoder, get_text_encoder, load_image_tensor
    from recommender.lifecycle.training import catalog_products

    products = store_products(args.images)
    if len(products) < args.images:
        log(f"only {len(products)} products with an image in the store")
    if not products:
        raise SystemExit("error: no product with an image in the store (import a catalog first)")
    model, source = load_model(args.checkpoint)
    torch.set_num_threads(args.threads)
    get_text_encoder("cpu")  # load once, outside the timings (a worker keeps it loaded)
    tensors = torch.stack([load_image_tensor(r.image_path) for r in catalog_products(products)])
    log(f"{len(products)} images; model: {source}; torch threads {torch.get_num_threads()}")
    return Workload(products, tensors, model, source, get_image_encoder("cpu"))


@contextmanager
def scratch_version() -> Iterator:
    """A model version for the benchmark's vectors, deleted afterwards (with its vectors), also
    the leftovers of a killed run; delete_version refuses active and running versions."""
    from recommender.lifecycle.versions import delete_version
    from recommender.models import ModelVersion

    for leftover in ModelVersion.objects.filter(status=ModelVersion.Status.FAILED, config=SCRATCH_MARK):
        delete_version(leftover)
    version = ModelVersion.objects.create(
        status=ModelVersion.Status.FAILED,
        config=SCRATCH_MARK,
        activate_when_ready=False,
        error="Scratch version of the indexing benchmark (bench.indexing); deleted when it ends.",
    )
    try:
        yield version
    finally:
        delete_version(version)


# --- runs ----------------------------------------------------------------------------------------


def run_raw(work: Workload, tensors, batch_size: int) -> float:
    import torch

    with torch.no_grad(), timed() as clock:
        for s in range(0, len(tensors), batch_size):
            work.encoder.features(tensors[s : s + batch_size])
    return clock.seconds


def embed_chunk(model, version, products: list, batch_size: int) -> None:
    """recommender.lifecycle.training.embed_products, with the image batch size as a parameter."""
    from recommender.lifecycle.training import catalog_products
    from recommender.serving.vectors import write_embeddings

    vectors, failed = model.embed_products(catalog_products(products), batch_size=batch_size)
    bad = set(failed)
    write_embeddings(version, [p.pk for p in products if p.pk not in bad], vectors)


def run_pipeline(work: Workload, version, products: list, batch_size: int) -> float:
    """One end-to-end embed of `products` into the (emptied) scratch version, fresh feature cache."""
    from django.conf import settings

    from ml.cache import FeatureCache

    version.embeddings.all().delete()
    with tempfile.TemporaryDirectory(prefix="bench-indexing-cache-") as tmp:
        work.model.cache = FeatureCache(tmp)
        with timed() as clock:
            chunk = settings.EMBED_BATCH_SIZE
            for s in range(0, len(products), chunk):
                embed_chunk(work.model, version, products[s : s + chunk], batch_size)
    rows = version.embeddings.count()
    if rows != len(products):
        raise RuntimeError(f"pipeline wrote {rows} vectors for {len(products)} products")
    return clock.seconds


def measure_batch_size(work: Workload, version, batch_size: int, repeats: int) -> list[dict]:
    """raw and pipeline `repeats` times each, interleaved so load drift hits both alike."""
    n = len(work.products)
    run_raw(work, work.tensors[:batch_size], batch_size)  # warm-up of this batch shape, untimed
    run_pipeline(work, version, work.products[:batch_size], batch_size)
    times: dict[str, list[float]] = {"raw": [], "pipeline": []}
    for rep in range(repeats):
        times["raw"].append(run_raw(work, work.tensors, batch_size))
        times["pipeline"].append(run_pipeline(work, version, work.products, batch_size))
        log(
            f"batch {batch_size} repeat {rep + 1}: "
            + ", ".join(f"{v} {n / t[-1]:.1f} img/s" for v, t in times.items())
        )
    raw_ips = n / statistics.median(times["raw"])
    return [
        {
            "batch_size": batch_size,
            "variant": variant,
            "images_per_s": round(n / statistics.median(t), 1),
            "vs_raw": round(n / statistics.median(t) / raw_ips, 3),
            "runs_s": [round(x, 3) for x in t],
        }
        for variant, t in times.items()
    ]


def stage_times(work: Workload, version, repeats: int) -> dict:
    """Images/s of each stage alone (median of repeats), to explain the pipeline's gap to raw."""
    import torch

    from ml.cache import file_sha1, text_features
    from ml.data import product_text
    from ml.encoders import get_text_encoder, load_image_tensor
    from recommender.lifecycle.training import catalog_products
    from recommender.serving.vectors import write_embeddings

    records = catalog_products(work.products)
    n, model = len(records), work.model
    texts = [product_text(r) for r in records]
    img_f = torch.randn(n, 1280)
    vecs = np.random.default_rng(0).standard_normal((n, model.embedding_dim)).astype(np.float32)

    def project():
        with torch.no_grad():
            model.product_vectors(img_f, torch.randn(n, 384) if model.ptext_head is not None else None)

    def write():
        version.embeddings.all().delete()
        write_embeddings(version, [p.pk for p in work.products], vecs)

    stages = {
        "sha1 of files": lambda: [file_sha1(r.image_path) for r in records],
        "decode+resize+normalise (serial)": lambda: [load_image_tensor(r.image_path) for r in records],
        "product-text features (MiniLM)": lambda: text_features(texts, get_text_encoder("cpu"), None),
        "projection heads": project,
        "write (COPY + upsert)": write,
    }
    out = {}
    for name, fn in stages.items():
        med, _ = median_of(fn, repeats)
        out[name] = {
            "s": round(med, 3),
            "images_per_s": round(n / med, 1),
            "ms_per_image": round(1000 * med / n, 3),
        }
    return out


# --- the run -------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--images", type=int, default=512)
    p.add_argument("--batch-sizes", type=int, nargs="+", default=[16, 32, 64])
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--threads", type=int, default=2, help="torch.set_num_threads")
    p.add_argument(
        "--omp-wait-policy",
        default="PASSIVE",
        choices=["PASSIVE", "ACTIVE"],
        help="OMP_WAIT_POLICY for torch's OpenMP threads (the store's processes use PASSIVE); with "
        "ACTIVE (spinning) 2 threads collapse when another process shares the 2 cores",
    )
    p.add_argument("--checkpoint", default=None, help="checkpoint folder (default: the active version's)")
    p.add_argument("--json", default=None, help="results file (default bench/results/indexing.json)")
    return p.parse_args(argv)


def params(args: argparse.Namespace, work: Workload) -> dict:
    import torch
    from django.conf import settings

    return {
        "images": len(work.products),
        "batch_sizes": args.batch_sizes,
        "repeats": args.repeats,
        "torch_threads": torch.get_num_threads(),
        "omp_wait_policy": os.environ.get("OMP_WAIT_POLICY"),
        "embed_chunk": settings.EMBED_BATCH_SIZE,
        "database": settings.DATABASES["default"]["NAME"],
        "model": work.model_source,
        "fuse_product_text": work.model.ptext_head is not None,
        "image_encoder": work.encoder.version,
    }


def run(args: argparse.Namespace) -> dict:
    import torch
    from django.db import connection

    work = prepare(args)
    connection.ensure_connection()
    report: dict = {"benchmark": "indexing", "params": params(args, work), "rows": []}
    report["machine"] = machine_info(connection.connection)
    with scratch_version() as version:
        with torch.no_grad():
            work.encoder.features(work.tensors[:8])  # warm-up (allocator, kernels)
        for batch_size in args.batch_sizes:
            report["rows"] += measure_batch_size(work, version, batch_size, args.repeats)
        log("stage timings ...")
        report["stages"] = stage_times(work, version, args.repeats)
    return report


def print_report(report: dict) -> None:
    p = report["params"]
    print_table(
        report["rows"],
        ["batch_size", "variant", "images_per_s", "vs_raw"],
        f"Images/s, median of {p['repeats']} ({p['images']} images, {p['model']})",
    )
    print_table(
        [{"stage": k, **v} for k, v in report["stages"].items()],
        ["stage", "images_per_s", "ms_per_image"],
        "Stages alone",
    )


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    set_omp_wait_policy(args.omp_wait_policy)
    setup_django()
    with timed() as clock:
        report = run(args)
    report["total_s"] = round(clock.seconds, 1)
    print_report(report)
    log(f"wrote {write_results('indexing', report, args.json)} in {report['total_s']} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
