"""Images/s of the store's embedding pipeline vs the raw CNN forward pass on the same batch sizes.

    python bench/indexing.py [--images 512] [--batch-sizes 16 32 64] [--repeats 3]
                             [--json bench/results/indexing.json]

raw       pre-decoded [B,3,224,224] tensors in memory through ``ImageEncoder.features`` only.
pipeline  what ``recommender.pipeline.embed_products`` does per 512-product chunk: the
          checkpoint's ``RetrievalModel.embed_products`` (sha1 of each file, cache lookup, serial
          JPEG decode + resize/normalise, CNN, feature-cache write, product-text features, projection
          heads) and ``write_embeddings`` (text COPY into a staging table + upsert), here into a
          scratch database (``bench_indexing``, dropped at the end), with a fresh empty feature
          cache every run so the CNN really runs.
overlap   the same pipeline with the image decode of batch i+1 done by a background thread while
          the CNN runs batch i (``overlapped_image_features`` below; a proposal for ml/cache.py).

Also reported: each stage alone (decode, text features, projection, write) in images/s.
"""

from __future__ import annotations

import argparse
import io
import os
import signal
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench._common import machine_info, print_table, scratch_database, write_json

EMBED_CHUNK = 512  # recommender.pipeline.EMBED_BATCH: products per embed_products() call


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


def load_model(checkpoint: str | None):
    """(RetrievalModel on cpu, description): a given or the newest MODEL_DIR checkpoint, else
    random projection heads of the default TrainConfig (same projection cost)."""
    from django.conf import settings

    from ml.checkpoint import load_model as ml_load_model

    candidates = (
        [Path(checkpoint)]
        if checkpoint
        else sorted(
            (p for p in Path(settings.MODEL_DIR).glob("*/") if (p / "config.json").is_file()),
            key=lambda p: p.stat().st_mtime,
            reverse=True,
        )
    )
    for path in candidates:
        try:
            return ml_load_model(path, device="cpu"), f"checkpoint {path}"
        except Exception as exc:  # incompatible/partial checkpoint: say so, fall back
            log(f"checkpoint {path} not usable: {exc}")
    import torch

    from ml.checkpoint import encoder_versions
    from ml.config import TrainConfig
    from ml.model import RetrievalModel

    torch.manual_seed(0)
    model = RetrievalModel(TrainConfig()).eval()
    model.versions = encoder_versions()
    return model, "RetrievalModel(TrainConfig()) with random heads (no checkpoint in MODEL_DIR)"


def write_rows(conn, ids: list[int], vectors: np.ndarray, version_id: int = 1) -> None:
    """recommender.pipeline.write_embeddings, statement for statement, on the scratch table."""
    from recommender.pipeline import _vector_literal

    with conn.transaction():
        conn.execute(
            "CREATE TEMP TABLE IF NOT EXISTS embedding_stage (product_id bigint, embedding vector) "
            "ON COMMIT DELETE ROWS"
        )
        conn.execute("TRUNCATE embedding_stage")
        buffer = io.StringIO()
        for pid, vector in zip(ids, vectors, strict=True):
            buffer.write(f"{pid}\t{_vector_literal(vector)}\n")
        with conn.cursor().copy("COPY embedding_stage (product_id, embedding) FROM STDIN") as copy:
            copy.write(buffer.getvalue())
        conn.execute(
            "INSERT INTO productembedding (product_id, model_version_id, embedding, created_at) "
            "SELECT product_id, %s, embedding, now() FROM embedding_stage "
            "ON CONFLICT (model_version_id, product_id) DO UPDATE SET embedding = EXCLUDED.embedding",
            [version_id],
        )


def create_table(conn, dim: int) -> None:
    conn.execute("DROP TABLE IF EXISTS productembedding")
    conn.execute(
        f"CREATE TABLE productembedding (id bigserial PRIMARY KEY, product_id bigint NOT NULL, "
        f"model_version_id int NOT NULL, embedding vector({dim}) NOT NULL, "
        f"created_at timestamptz NOT NULL, UNIQUE (model_version_id, product_id))"
    )


# --- the proposed change: decode the next batch while the CNN runs ------------------------------


def overlapped_image_features(paths, encoder, cache=None, batch_size: int = 64, progress=None):
    """ml.cache.image_features with the decode of batch i+1 on a background thread while the CNN
    runs batch i (same results, same cache behaviour)."""
    import torch

    from ml.cache import cached_image_features, decode_images, encode_images

    out, failed, todo = cached_image_features(paths, encoder, cache)
    chunks = [todo[s : s + batch_size] for s in range(0, len(todo), batch_size)]
    with ThreadPoolExecutor(max_workers=1) as pool, torch.no_grad():
        pending = pool.submit(decode_images, paths, chunks[0]) if chunks else None
        for ci in range(len(chunks)):
            tensors, ok, bad = pending.result()
            if ci + 1 < len(chunks):
                pending = pool.submit(decode_images, paths, chunks[ci + 1])
            failed += bad
            encode_images(encoder, tensors, ok, out, cache)
    return out, sorted(failed)


# --- runs ----------------------------------------------------------------------------------------


def run_raw(encoder, tensors, batch_size: int) -> float:
    import torch

    t0 = time.perf_counter()
    with torch.no_grad():
        for s in range(0, len(tensors), batch_size):
            encoder.features(tensors[s : s + batch_size])
    return time.perf_counter() - t0


def run_pipeline(model, products, batch_size: int, conn, overlap: bool) -> float:
    """One end-to-end embed of `products` with a fresh, empty feature cache."""
    import ml.cache
    from ml.cache import FeatureCache

    create_table(conn, model.embedding_dim)
    original = ml.cache.image_features
    with tempfile.TemporaryDirectory(prefix="bench-indexing-cache-") as tmp:
        model.cache = FeatureCache(tmp)
        if overlap:  # RetrievalModel.embed_products imports image_features from ml.cache at call time
            ml.cache.image_features = overlapped_image_features
        try:
            t0 = time.perf_counter()
            for s in range(0, len(products), EMBED_CHUNK):
                chunk = products[s : s + EMBED_CHUNK]
                vectors, failed = model.embed_products(chunk, batch_size=batch_size)
                bad = set(failed)
                write_rows(conn, [p.id for p in chunk if p.id not in bad], vectors)
            elapsed = time.perf_counter() - t0
        finally:
            ml.cache.image_features = original
    rows = conn.execute("SELECT count(*) FROM productembedding").fetchone()[0]
    if rows != len(products):
        raise RuntimeError(f"pipeline wrote {rows} rows for {len(products)} products")
    return elapsed


def stage_times(model, products, tensors, conn, repeats: int) -> dict:
    """Images/s of each stage alone (median of repeats), to explain the pipeline's gap to raw."""
    import torch

    from ml.cache import file_sha1
    from ml.data import product_text
    from ml.encoders import load_image_tensor

    n = len(products)
    paths = [p.image_path for p in products]
    texts = [product_text(p) for p in products]
    img_f = torch.randn(n, 1280)
    vecs = np.random.default_rng(0).standard_normal((n, model.embedding_dim)).astype(np.float32)

    def text():
        from ml.cache import text_features
        from ml.encoders import get_text_encoder

        text_features(texts, get_text_encoder("cpu"), None)

    def project():
        with torch.no_grad():
            model.product_vectors(img_f, torch.randn(n, 384) if model.ptext_head is not None else None)

    def write():
        create_table(conn, model.embedding_dim)
        write_rows(conn, [p.id for p in products], vecs)

    stages = {
        "sha1 of files": lambda: [file_sha1(p) for p in paths],
        "decode+resize+normalise (serial)": lambda: [load_image_tensor(p) for p in paths],
        "product-text features (MiniLM)": text,
        "projection heads": project,
        "write (COPY + upsert)": write,
    }
    out = {}
    for name, fn in stages.items():
        times = []
        for _ in range(repeats):
            t0 = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t0)
        med = statistics.median(times)
        out[name] = {
            "s": round(med, 3),
            "images_per_s": round(n / med, 1),
            "ms_per_image": round(1000 * med / n, 3),
        }
    return out


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--images", type=int, default=512)
    p.add_argument("--batch-sizes", type=int, nargs="+", default=[16, 32, 64])
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--threads", type=int, default=2, help="torch.set_num_threads")
    p.add_argument(
        "--omp-wait-policy",
        default="PASSIVE",
        choices=["PASSIVE", "ACTIVE", "default"],
        help="OMP_WAIT_POLICY for torch's OpenMP threads; with the default (spinning) policy "
        "2 threads collapse ~4x when another process shares the 2 cores",
    )
    p.add_argument("--checkpoint", default=None, help="checkpoint folder (default: newest in MODEL_DIR)")
    p.add_argument("--catalog", default=None, help="catalog folder (default: ml's CATALOG_DIR)")
    p.add_argument("--no-overlap", action="store_true", help="skip the overlapped-decode variant")
    p.add_argument("--database", default="bench_indexing", help="scratch database (created, then dropped)")
    p.add_argument("--json", default="bench/results/indexing.json")
    args = p.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    if args.omp_wait_policy != "default":  # must be set before torch (libgomp) is loaded
        if "torch" in sys.modules:
            raise SystemExit("--omp-wait-policy needs to run before torch is imported")
        os.environ["OMP_WAIT_POLICY"] = args.omp_wait_policy
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    import django

    django.setup()
    import psycopg
    import torch

    from ml.data import default_catalog_dir, load_catalog
    from ml.encoders import get_image_encoder, get_text_encoder, load_image_tensor

    torch.set_num_threads(args.threads)
    catalog = Path(args.catalog) if args.catalog else default_catalog_dir()
    products = [r for r in sorted(load_catalog(catalog), key=lambda r: r.id) if r.image_path.is_file()]
    products = products[: args.images]
    if len(products) < args.images:
        log(f"only {len(products)} catalog images found in {catalog}")
    log(f"{len(products)} images from {catalog}; torch threads {torch.get_num_threads()}")
    model, model_source = load_model(args.checkpoint)
    model = model.to("cpu").eval()
    encoder = get_image_encoder("cpu")
    get_text_encoder("cpu")  # load once, outside the timings (a worker keeps it loaded)
    tensors = torch.stack([load_image_tensor(r.image_path) for r in products])
    log(f"model: {model_source}")

    report: dict = {
        "benchmark": "indexing",
        "params": {
            "images": len(products),
            "batch_sizes": args.batch_sizes,
            "repeats": args.repeats,
            "torch_threads": torch.get_num_threads(),
            "omp_wait_policy": os.environ.get("OMP_WAIT_POLICY"),
            "embed_chunk": EMBED_CHUNK,
            "catalog": str(catalog),
            "model": model_source,
            "fuse_product_text": model.ptext_head is not None,
            "image_encoder": encoder.version,
        },
        "rows": [],
    }
    variants = ["raw", "pipeline"] + ([] if args.no_overlap else ["pipeline+overlap"])
    started = time.perf_counter()
    with scratch_database(args.database) as url, psycopg.connect(url, autocommit=True) as conn:
        report["machine"] = machine_info(conn)
        with torch.no_grad():
            encoder.features(tensors[:8])  # warm-up (allocator, kernels)
        for bs in args.batch_sizes:
            times: dict[str, list[float]] = {v: [] for v in variants}
            run_raw(encoder, tensors[:bs], bs)  # warm-up of this batch shape, untimed
            for v in variants[1:]:
                run_pipeline(model, products[:bs], bs, conn, overlap=v == "pipeline+overlap")
            for rep in range(args.repeats):  # variants interleaved, so drift hits all alike
                times["raw"].append(run_raw(encoder, tensors, bs))
                times["pipeline"].append(run_pipeline(model, products, bs, conn, overlap=False))
                if "pipeline+overlap" in times:
                    times["pipeline+overlap"].append(run_pipeline(model, products, bs, conn, overlap=True))
                log(
                    f"batch {bs} repeat {rep + 1}: "
                    + ", ".join(f"{v} {len(products) / t[-1]:.1f} img/s" for v, t in times.items())
                )
            raw_ips = len(products) / statistics.median(times["raw"])
            for v, t in times.items():
                ips = len(products) / statistics.median(t)
                report["rows"].append(
                    {
                        "batch_size": bs,
                        "variant": v,
                        "images_per_s": round(ips, 1),
                        "vs_raw": round(ips / raw_ips, 3),
                        "runs_s": [round(x, 3) for x in t],
                    }
                )
        log("stage timings ...")
        report["stages"] = stage_times(model, products, tensors, conn, args.repeats)
    report["total_s"] = round(time.perf_counter() - started, 1)
    print_table(
        report["rows"],
        ["batch_size", "variant", "images_per_s", "vs_raw"],
        f"Images/s, median of {args.repeats} ({len(products)} images, {model_source})",
    )
    print_table(
        [{"stage": k, **v} for k, v in report["stages"].items()],
        ["stage", "images_per_s", "ms_per_image"],
        "Stages alone",
    )
    out = write_json(args.json, report)
    log(f"wrote {out} in {report['total_s']} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
