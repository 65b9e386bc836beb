"""pgvector HNSW at scale (vector vs halfvec) beside an in-memory exact baseline.

    python -m bench.scale [--sizes 100000 1000000] [--queries 200] [--json bench/results/scale.json]

Synthetic 256-d vectors: a mixture of gaussian clusters, L2-normalised, fixed seed. Each size is
bulk-loaded with binary COPY into a scratch database (``bench_scale``, dropped at the end, also on
Ctrl-C), one table per type (``vector(256)`` / ``halfvec(256)``) with an ``id`` and a ``category``
(uniform 0..99, independent of the clusters, so ``category < 10`` keeps 10% and ``category < 1``
1% of rows). Per size and type: HNSW build time (m=16, ef_construction=64, cosine), index size,
query latency p50/p95/p99 (LIMIT 20, ef_search=100) and recall@20 against numpy exact search, with
iterative scan off / strict_order / relaxed_order and the two filters. The store's own tables are
only read (the active version's vectors, for the real-catalog row), never written.

Adding a filter or an iterative-scan mode: a line in FILTERS / MODES; a dataset: a function that
returns (vectors, categories, queries) like ``make_dataset``, passed to ``bench_dataset``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path

import numpy as np

from bench.harness import (
    log,
    machine_info,
    percentiles,
    print_table,
    save_plot,
    scratch_database,
    setup_django,
    subplots,
    timed,
    write_results,
)

K = 20
EF_SEARCH = 100
HNSW_M, HNSW_EF_CONSTRUCTION = 16, 64
CATEGORIES = 100
FILTERS = {"none": None, "10%": 10, "1%": 1}  # category < value
MODES = [
    ("none", "off"),
    ("none", "strict_order"),
    ("10%", "off"),
    ("10%", "strict_order"),
    ("10%", "relaxed_order"),
    ("1%", "off"),
    ("1%", "strict_order"),
    ("1%", "relaxed_order"),
]
OPS = {"vector": "vector_cosine_ops", "halfvec": "halfvec_cosine_ops"}


# --- data ----------------------------------------------------------------------------------------


def _normalise(x: np.ndarray) -> np.ndarray:
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    return x


def make_dataset(n: int, n_queries: int, dim: int, clusters: int, seed: int, noise: float = 0.7):
    """(vectors [n,dim] f32, categories [n] i32, queries [q,dim] f32), all deterministic.

    Points are centre + gaussian noise whose norm is ~`noise` x the (unit) centre norm, then
    normalised; queries are fresh points of the same mixture (not in the data)."""
    rng = np.random.default_rng(seed)
    centres = _normalise(rng.standard_normal((clusters, dim), dtype=np.float32))
    sigma = np.float32(noise / np.sqrt(dim))
    x = np.empty((n, dim), dtype=np.float32)
    for start in range(0, n, 100_000):
        m = min(100_000, n - start)
        assign = rng.integers(0, clusters, m)
        x[start : start + m] = centres[assign] + sigma * rng.standard_normal((m, dim), dtype=np.float32)
    _normalise(x)
    categories = rng.integers(0, CATEGORIES, n).astype(np.int32)
    qrng = np.random.default_rng(seed + 1)
    q = centres[qrng.integers(0, clusters, n_queries)] + sigma * qrng.standard_normal(
        (n_queries, dim), dtype=np.float32
    )
    return x, categories, _normalise(q)


def exact_topk(x: np.ndarray, q: np.ndarray, mask: np.ndarray | None, k: int = K) -> list[np.ndarray]:
    """Exact cosine top-k row indices per query (vectors are unit length: cosine = dot)."""
    out = []
    for start in range(0, len(q), 50):
        s = x @ q[start : start + 50].T  # [n, b]
        if mask is not None:
            s[~mask] = -np.inf
        kk = min(k, s.shape[0] - 1)
        part = np.argpartition(-s, kk, axis=0)[:k]
        for j in range(s.shape[1]):
            idx = part[:, j]
            idx = idx[np.isfinite(s[idx, j])]
            out.append(idx[np.argsort(-s[idx, j])])
    return out


def _topk_one(x: np.ndarray, v: np.ndarray) -> np.ndarray:
    s = x @ v
    top = np.argpartition(-s, K)[:K]
    return top[np.argsort(-s[top])]


def numpy_latency(x: np.ndarray, q: np.ndarray) -> dict:
    """Per-query exact search in numpy: BLAS on all cores, on one thread (immune to the stalls a
    busy machine gives multi-threaded BLAS), and the amortised cost of one batched [Q,n] product."""
    from threadpoolctl import threadpool_limits

    out = {}
    for label, limit in (("all_threads", None), ("one_thread", 1)):
        with threadpool_limits(limits=limit):
            _topk_one(x, q[0])
            times = []
            for v in q:
                t0 = time.perf_counter()
                _topk_one(x, v)
                times.append(time.perf_counter() - t0)
        out[label] = percentiles(times)
    t0 = time.perf_counter()
    exact_topk(x, q, None)
    out["batched_ms_per_query"] = round(1000 * (time.perf_counter() - t0) / len(q), 3)
    return out


def faiss_latency(x: np.ndarray, q: np.ndarray) -> dict | None:
    try:
        import faiss
    except ImportError:
        return None
    index = faiss.IndexFlatIP(x.shape[1])
    index.add(x)
    out: dict = {"faiss": faiss.__version__}
    for label, threads in (("all_threads", os.cpu_count() or 1), ("one_thread", 1)):
        faiss.omp_set_num_threads(threads)
        index.search(q[:1], K)
        times = []
        for v in q:
            t0 = time.perf_counter()
            index.search(v[None, :], K)
            times.append(time.perf_counter() - t0)
        out[label] = percentiles(times)
    faiss.omp_set_num_threads(os.cpu_count() or 1)
    return out


# --- PostgreSQL ----------------------------------------------------------------------------------


def copy_binary(conn, table: str, kind: str, x: np.ndarray, categories: np.ndarray, chunk: int = 50_000):
    """COPY (id, category, embedding) in PostgreSQL's binary format, built with numpy."""
    dim = x.shape[1]
    vec_dtype, width = (">f4", 4) if kind == "vector" else (">f2", 2)
    row = np.dtype(
        [
            ("nf", ">i2"),
            ("l_id", ">i4"),
            ("id", ">i8"),
            ("l_cat", ">i4"),
            ("cat", ">i4"),
            ("l_vec", ">i4"),
            ("dim", ">i2"),
            ("unused", ">i2"),
            ("v", vec_dtype, (dim,)),
        ]
    )
    sql = f"COPY {table} (id, category, embedding) FROM STDIN (FORMAT BINARY)"
    with conn.cursor() as cur, cur.copy(sql) as cp:
        cp.write(b"PGCOPY\n\xff\r\n\x00" + (0).to_bytes(4, "big") + (0).to_bytes(4, "big"))
        for start in range(0, len(x), chunk):
            m = min(chunk, len(x) - start)
            rec = np.empty(m, dtype=row)
            rec["nf"], rec["l_id"], rec["l_cat"] = 3, 8, 4
            rec["id"] = np.arange(start + 1, start + m + 1)
            rec["cat"] = categories[start : start + m]
            rec["l_vec"], rec["dim"], rec["unused"] = 4 + width * dim, dim, 0
            rec["v"] = x[start : start + m]
            cp.write(rec.tobytes())
        cp.write((-1).to_bytes(2, "big", signed=True))


def load_table(conn, table: str, kind: str, x: np.ndarray, categories: np.ndarray) -> float:
    """A fresh table of `kind` filled by binary COPY, vacuumed and analysed; COPY seconds."""
    conn.execute(f"DROP TABLE IF EXISTS {table}")
    conn.execute(
        f"CREATE TABLE {table} (id bigint NOT NULL, category int NOT NULL, embedding {kind}({x.shape[1]}))"
    )
    with timed() as clock:
        copy_binary(conn, table, kind, x, categories)
    conn.execute(f"VACUUM ANALYZE {table}")
    return clock.seconds


def build_hnsw(conn, table: str, kind: str, mwm: str) -> tuple[float, list[str]]:
    """CREATE INDEX ... USING hnsw with leader + 1 worker; (seconds, server notices)."""
    conn.execute(f"SET maintenance_work_mem = '{mwm}'")
    conn.execute("SET max_parallel_maintenance_workers = 1")
    notices: list[str] = []  # e.g. "hnsw graph no longer fits into maintenance_work_mem"

    def on_notice(diag):
        notices.append(diag.message_primary)

    conn.add_notice_handler(on_notice)
    try:
        with timed() as clock:
            conn.execute(
                f"CREATE INDEX {table}_hnsw ON {table} USING hnsw (embedding {OPS[kind]}) "
                f"WITH (m = {HNSW_M}, ef_construction = {HNSW_EF_CONSTRUCTION})"
            )
    finally:
        conn.remove_notice_handler(on_notice)
    conn.execute("RESET maintenance_work_mem")
    conn.execute("RESET max_parallel_maintenance_workers")
    return clock.seconds, notices


def load_and_index(conn, table: str, kind: str, x, categories, mwm: str) -> dict:
    load_s = load_table(conn, table, kind, x, categories)
    log(f"  {table}: loaded {len(x):,} rows in {load_s:.1f} s; building HNSW ...")
    build_s, notices = build_hnsw(conn, table, kind, mwm)
    index_bytes = conn.execute(f"SELECT pg_relation_size('{table}_hnsw')").fetchone()[0]
    table_bytes = conn.execute(f"SELECT pg_table_size('{table}')").fetchone()[0]
    log(f"  {table}: HNSW built in {build_s:.1f} s, {index_bytes / 2**20:.0f} MiB")
    return {
        "load_s": round(load_s, 2),
        "build_s": round(build_s, 2),
        "index_mib": round(index_bytes / 2**20, 1),
        "table_mib": round(table_bytes / 2**20, 1),
        "build_notices": notices,
    }


def _time_mode(
    conn, sql: str, qtext: list[str], truth: list, repeats: int, warmup: int, cheap_s: float = 10.0
) -> dict:
    """Latency percentiles (median over passes; a pass slower than `cheap_s` is not repeated)."""
    for qt in qtext[:warmup]:
        conn.execute(sql, [qt]).fetchall()
    passes, ids_first = [], None
    for _ in range(repeats):
        if passes and sum(passes[0]["_times"]) > cheap_s:
            break
        times, ids = [], []
        for qt in qtext:
            t0 = time.perf_counter()
            rows = conn.execute(sql, [qt]).fetchall()
            times.append(time.perf_counter() - t0)
            ids.append([r[0] for r in rows])
        passes.append({**percentiles(times), "_times": times})
        ids_first = ids_first or ids
    recalls, returned = [], []
    for got, want in zip(ids_first, truth, strict=True):
        want_ids = set((want + 1).tolist())  # row index -> id
        recalls.append(len(want_ids & set(got)) / max(1, min(K, len(want_ids))))
        returned.append(len(got))
    return {
        **{p: round(statistics.median(ps[p] for ps in passes), 3) for p in ("p50", "p95", "p99")},
        "recall@20": round(float(np.mean(recalls)), 4),
        "returned_mean": round(float(np.mean(returned)), 2),
        "returned_min": int(np.min(returned)),
        "passes": len(passes),
    }


def run_queries(
    conn, table: str, kind: str, qtext: list[str], truth: dict, repeats: int, warmup: int = 10
) -> list[dict]:
    """Each mode as the planner runs it; where the planner picks an exact (seq) scan instead of
    the HNSW index, the mode is measured a second time with enable_seqscan=off (plan 'forced')."""
    results = []
    for filt, iterative in MODES:
        limit = FILTERS[filt]
        where = "" if limit is None else f"WHERE category < {limit} "
        sql = f"SELECT id FROM {table} {where}ORDER BY embedding <=> %s::{kind} LIMIT {K}"
        conn.execute(f"SET hnsw.ef_search = {EF_SEARCH}")
        conn.execute(f"SET hnsw.iterative_scan = {iterative}")
        for forced in (False, True):
            conn.execute(f"SET enable_seqscan = {'off' if forced else 'on'}")
            plan = "\n".join(r[0] for r in conn.execute(f"EXPLAIN {sql}", [qtext[0]]).fetchall())
            uses_hnsw = f"{table}_hnsw" in plan
            if forced and not uses_hnsw:
                break
            results.append(
                {
                    "filter": filt,
                    "iterative_scan": iterative,
                    "plan": ("hnsw" if uses_hnsw else "exact") + (" (forced)" if forced else ""),
                    **_time_mode(conn, sql, qtext, truth[filt], repeats, warmup),
                }
            )
            if uses_hnsw:
                break
    for setting in ("hnsw.ef_search", "hnsw.iterative_scan", "enable_seqscan"):
        conn.execute(f"RESET {setting}")
    return results


def bench_dataset(conn, label: str, x, categories, q, args) -> dict:
    log(f"{label}: exact ground truth (numpy) for {len(q)} queries x {len(FILTERS)} filters ...")
    truth = {f: exact_topk(x, q, None if lim is None else categories < lim) for f, lim in FILTERS.items()}
    entry = {
        "dataset": label,
        "n": len(x),
        "dim": x.shape[1],
        "queries": len(q),
        "numpy_exact_ms": numpy_latency(x, q),
        "faiss_flat_ip_ms": faiss_latency(x, q),
        "types": {},
    }
    log(f"{label}: numpy exact per query p50 {entry['numpy_exact_ms']['one_thread']['p50']} ms (1 thread)")
    from recommender.serving.vectors import vector_literal  # the store's own vector text format

    qtext = [vector_literal(v) for v in q]
    for kind in args.types:
        table = f"items_{kind}"
        build = load_and_index(conn, table, kind, x, categories, args.maintenance_work_mem)
        log(f"  {table}: timing {len(MODES)} query modes x {len(q)} queries x {args.repeats} ...")
        queries = run_queries(conn, table, kind, qtext, truth, args.repeats)
        entry["types"][kind] = {**build, "queries": queries}
        conn.execute(f"DROP TABLE {table}")
    return entry


def catalog_dataset(n_queries: int, seed: int):
    """The active model version's vectors from the store database (read only), or a note."""
    from django.db import DatabaseError

    from recommender.models import ProductEmbedding
    from recommender.serving.services import NoActiveModel, active_version

    try:
        version = active_version()
        rows = list(
            ProductEmbedding.objects.filter(model_version=version)
            .order_by("product_id")
            .values_list("embedding", flat=True)
        )
    except NoActiveModel:
        return None, "no active model version in the store database"
    except DatabaseError as exc:
        return None, f"store database not readable: {str(exc).splitlines()[0]}"
    if len(rows) <= n_queries:
        return None, f"active version has only {len(rows)} vectors"
    x = _normalise(np.stack(rows).astype(np.float32))
    rng = np.random.default_rng(seed)
    categories = rng.integers(0, CATEGORIES, len(x)).astype(np.int32)
    qi = rng.choice(len(x), n_queries, replace=False)
    q = x[qi] + np.float32(0.05 / np.sqrt(x.shape[1])) * rng.standard_normal(
        (n_queries, x.shape[1]), dtype=np.float32
    )  # near, not equal to, catalog items
    return (x, categories, _normalise(q)), f"active model version {version.pk}"


# --- report ------------------------------------------------------------------------------------


def baseline_rows(report: dict) -> list[dict]:
    rows = []
    for d in report["datasets"]:
        np_ms, fa_ms = d["numpy_exact_ms"], d["faiss_flat_ip_ms"] or {}
        one, two = np_ms["one_thread"], np_ms["all_threads"]
        rows.append(
            {
                "dataset": d["dataset"],
                "n": d["n"],
                "numpy_1t_p50": one["p50"],
                "numpy_1t_p99": one["p99"],
                "numpy_2t_p50": two["p50"],
                "numpy_2t_p99": two["p99"],
                "numpy_batched": np_ms["batched_ms_per_query"],
                "faiss_1t_p50": fa_ms.get("one_thread", {}).get("p50"),
                "faiss_2t_p50": fa_ms.get("all_threads", {}).get("p50"),
            }
        )
    return rows


def build_rows(report: dict) -> list[dict]:
    return [
        {
            "dataset": d["dataset"],
            "type": kind,
            "load_s": t["load_s"],
            "build_s": t["build_s"],
            "index_MiB": t["index_mib"],
            "table_MiB": t["table_mib"],
        }
        for d in report["datasets"]
        for kind, t in d["types"].items()
    ]


def query_rows(report: dict) -> list[dict]:
    return [
        {"dataset": d["dataset"], "type": kind, **r}
        for d in report["datasets"]
        for kind, t in d["types"].items()
        for r in t["queries"]
    ]


QUERY_COLUMNS = [
    "dataset", "type", "filter", "iterative_scan", "plan", "p50", "p95", "p99", "recall@20",
    "returned_mean", "returned_min",
]  # fmt: skip


def print_report(report: dict) -> None:
    baselines = baseline_rows(report)
    print_table(baselines, list(baselines[0]) if baselines else [], "In-memory exact search, ms/query")
    print_table(
        build_rows(report), ["dataset", "type", "load_s", "build_s", "index_MiB", "table_MiB"], "HNSW build"
    )
    print_table(query_rows(report), QUERY_COLUMNS, f"Queries (ms, LIMIT {K}, ef_search {EF_SEARCH})")


def _hnsw_row(rows: list[dict], filt: str, iterative: str) -> dict:
    """The row of one mode that went through the HNSW index (planner's choice or forced)."""
    mine = [r for r in rows if r["filter"] == filt and r["iterative_scan"] == iterative]
    return next((r for r in mine if r["plan"].startswith("hnsw")), mine[0])


def plot(report: dict, path: str | None) -> Path | None:
    """p50 latency and recall@20 per mode of the synthetic datasets' index scans (bar charts)."""
    synth = [d for d in report["datasets"] if d["dataset"].startswith("synthetic")]
    if not synth:
        return None
    fig, (ax1, ax2) = subplots(1, 2, figsize=(13, 4.8))
    labels = [f"{f}/{i.replace('_order', '')}" for f, i in MODES]
    width = 0.8 / (2 * len(synth))
    for di, d in enumerate(synth):
        for ti, (kind, t) in enumerate(d["types"].items()):
            xs = np.arange(len(MODES)) + (di * 2 + ti) * width - 0.4 + width / 2
            name = f"{kind} n={d['n']:,}"
            rows = [_hnsw_row(t["queries"], f, i) for f, i in MODES]
            ax1.bar(xs, [r["p50"] for r in rows], width, label=name)
            ax2.bar(xs, [r["recall@20"] for r in rows], width, label=name)
    for ax, title in ((ax1, "p50 latency (ms)"), (ax2, "recall@20")):
        ax.set_xticks(np.arange(len(MODES)), labels, rotation=30, ha="right", fontsize=8)
        ax.set_title(title)
        ax.grid(axis="y", alpha=0.3)
    ax1.set_yscale("log")
    ax2.set_ylim(0, 1.05)
    ax2.legend(fontsize=8, loc="lower left")
    fig.suptitle(
        f"pgvector HNSW index scans (m={HNSW_M}, ef_construction={HNSW_EF_CONSTRUCTION}, "
        f"ef_search={EF_SEARCH}) by filter/iterative scan"
    )
    return save_plot(fig, "scale", path)


# --- the run -------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    p.add_argument("--queries", type=int, default=200)
    p.add_argument("--dim", type=int, default=256)
    p.add_argument("--clusters", type=int, default=1000)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--repeats", type=int, default=3, help="timed passes over the queries (median)")
    p.add_argument("--types", nargs="+", default=["vector", "halfvec"], choices=list(OPS))
    p.add_argument("--maintenance-work-mem", default="3GB")
    p.add_argument("--no-catalog", action="store_true", help="skip the store catalog's vectors")
    p.add_argument("--database", default="bench_scale", help="scratch database (created, then dropped)")
    p.add_argument("--json", default=None, help="results file (default bench/results/scale.json)")
    p.add_argument("--plot", default=None, help="PNG path (default: the JSON path with .png)")
    return p.parse_args(argv)


def params(args: argparse.Namespace) -> dict:
    return {
        "k": K,
        "ef_search": EF_SEARCH,
        "m": HNSW_M,
        "ef_construction": HNSW_EF_CONSTRUCTION,
        "maintenance_work_mem": args.maintenance_work_mem,
        "max_parallel_maintenance_workers": 1,
        "dim": args.dim,
        "clusters": args.clusters,
        "seed": args.seed,
        "queries": args.queries,
        "repeats": args.repeats,
        "categories": CATEGORIES,
        "filters": {k: (None if v is None else f"category < {v}") for k, v in FILTERS.items()},
    }


def run(args: argparse.Namespace) -> dict:
    """Every dataset through the scratch database; the report (params, machine, datasets)."""
    import psycopg

    report: dict = {"benchmark": "scale", "params": params(args), "datasets": []}
    # Client-side binding, as Django's default: each query is planned with its literal vector, and
    # EXPLAIN of the same text shows the plan that runs (no generic plans of prepared statements).
    with (
        scratch_database(args.database) as url,
        psycopg.connect(url, autocommit=True, cursor_factory=psycopg.ClientCursor) as conn,
    ):
        report["machine"] = machine_info(conn)
        log(
            f"scratch database {args.database}: PostgreSQL {report['machine']['postgres']}, "
            f"pgvector {report['machine']['pgvector']}"
        )
        for n in args.sizes:
            log(f"synthetic n={n:,}: generating ...")
            x, cats, q = make_dataset(n, args.queries, args.dim, args.clusters, args.seed)
            report["datasets"].append(bench_dataset(conn, f"synthetic-{n}", x, cats, q, args))
            del x, cats, q
        data, report["catalog_note"] = (
            (None, "skipped (--no-catalog)") if args.no_catalog else catalog_dataset(args.queries, args.seed)
        )
        if data is None:
            log(f"real catalog: skipped ({report['catalog_note']})")
        else:
            report["datasets"].append(bench_dataset(conn, "catalog", *data, args))
    return report


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    setup_django()
    with timed() as clock:
        report = run(args)
    report["total_s"] = round(clock.seconds, 1)
    print_report(report)
    out = write_results("scale", report, args.json)
    png = plot(report, args.plot or str(out.with_suffix(".png")))
    log(f"wrote {out}" + (f" and {png}" if png else "") + f" in {report['total_s']} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
