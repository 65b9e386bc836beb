"""The store's own query at catalog scale: recall@20 and latency of recommender.serving.vectors.nearest and
recommender.serving.services.recommend on a realistic catalog grown from the real one (bench.catalog_gen).

    python -m bench.catalog_scale [--sizes 100000 1000000] [--ef-search 40 100 200 400]
        [--vectors store | --vectors checkpoint --checkpoint PATH] [--json bench/results/catalog_scale.json]

Per size: the store's migrations in a scratch database (``bench_catalog_scale``, created and
dropped by the benchmark, also on Ctrl-C), the generated products and one active model version's
vectors loaded into the store's own tables, the store's HNSW index (``vectors.build_index``).
Then, for the filters none / gender / article type / a ~1% (gender, article type) pair, each
applied to random reference products:

* ``iterative``: the store's query (``candidate_products`` + ``vectors.nearest``: iterative scan
  over the version's index) at each ``hnsw.ef_search``;
* ``partial``: one walk of a graph of the filter's vectors only (what pgvector recommends for
  few distinct values): the store's own (a large version's gender and type graphs, walked by
  ``vectors.nearest`` without resuming), else a partial HNSW index built for the benchmark;
* ``store``: ``recommend()`` end to end (text "" and "in black", the implied same-category
  conditions, ef_search as the store chooses it), recall against its own exact mode.

Recall@20 of nearest() is against numpy exact search over the same rows and conditions.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bench import catalog_gen
from bench.harness import (
    RESULTS_DIR,
    kept_database,
    log,
    machine_info,
    mark_complete,
    percentiles,
    print_table,
    scratch_database,
    setup_django,
    timed,
    write_results,
)

K = 20
FILTERS = ("none", "gender", "article_type", "1%")


# --- loading into the store's tables ---------------------------------------------------------


def use_database(name: str) -> None:
    """Point Django's default database at `name` on the same server (the scratch database)."""
    from django.conf import settings
    from django.db import connections

    connections["default"].close()
    settings.DATABASES["default"]["NAME"] = name
    connections["default"].settings_dict["NAME"] = name


SEED_COLUMNS = (
    "name", "brand", "gender", "age_group", "master_category", "sub_category", "article_type",
    "base_colour", "colour1", "colour2", "season", "usage",
)  # fmt: skip


def _copy_seed(conn, records: list[dict]) -> None:
    import json

    cols = ", ".join(f"{c} text" for c in SEED_COLUMNS)
    conn.execute(f"CREATE TABLE bench_seed (idx int, {cols}, attributes text, price numeric, disc numeric)")
    with conn.cursor() as cur, cur.copy("COPY bench_seed FROM STDIN") as cp:
        for i, r in enumerate(records):
            texts = [str(r.get(c) or "")[:60] if c != "name" else str(r.get(c) or "") for c in SEED_COLUMNS]
            cp.write_row([i, *texts, json.dumps(r.get("attributes") or {}), r.get("price") or 0,
                          r.get("discounted_price")])  # fmt: skip


PRODUCTS_SQL = """
INSERT INTO shop_product (id, {cols}, year, attributes, description, price, discounted_price, image,
                          split, is_active, created_at, updated_at)
SELECT g.id, {scols}, NULL, s.attributes::jsonb, '', round(s.price * f.f), least(round(s.disc * f.f),
       round(s.price * f.f)), '', '', true, now(), now()
FROM bench_stage g JOIN bench_seed s ON s.idx = g.category,
     LATERAL (SELECT 0.85 + 0.3 * ((g.id * 7919) % 1000) / 1000.0 AS f) f
"""


def load_catalog(url: str, seed: catalog_gen.Seed, catalog: catalog_gen.Catalog, version_id: int) -> float:
    """Products (metadata of their seed, price within +-15%) and their vectors of `version_id`;
    seconds. The vector rows get their gender and article type as the store writes them."""
    import psycopg

    from bench.scale import copy_binary

    with timed() as clock, psycopg.connect(url, autocommit=True) as conn:
        _copy_seed(conn, seed.records)
        dim = catalog.vectors.shape[1]
        conn.execute(f"CREATE TABLE bench_stage (id bigint, category int, embedding vector({dim}))")
        copy_binary(conn, "bench_stage", "vector", catalog.vectors, catalog.source.astype(np.int32))
        cols = ", ".join(SEED_COLUMNS)
        conn.execute(PRODUCTS_SQL.format(cols=cols, scols=", ".join(f"s.{c}" for c in SEED_COLUMNS)))
        conn.execute(
            "INSERT INTO recommender_productembedding (product_id, model_version_id, embedding, created_at,"
            " gender, article_type) SELECT g.id, %s, g.embedding, now(), p.gender, p.article_type"
            " FROM bench_stage g JOIN shop_product p ON p.id = g.id",
            [version_id],
        )
        conn.execute("DROP TABLE bench_stage, bench_seed")
        conn.execute("VACUUM ANALYZE shop_product")
        conn.execute("VACUUM ANALYZE recommender_productembedding")
    return clock.seconds


def build_store_index(version, mwm: str) -> dict:
    """The store's own index build (vectors.build_index: the version's index, and per-gender and
    per-type ones from GENDER_INDEXES_FROM vectors on), leader + 1 worker; seconds and MiB."""
    from django.db import connection

    from recommender.serving import vectors

    with connection.cursor() as cursor:
        cursor.execute(f"SET maintenance_work_mem = '{mwm}'")
        cursor.execute("SET max_parallel_maintenance_workers = 1")
        with timed() as clock:
            vectors.build_index(version)
        cursor.execute(
            "SELECT indexname, pg_relation_size(indexname::regclass) FROM pg_indexes "
            "WHERE indexname LIKE %s ORDER BY indexname",
            [vectors.index_name(version) + "%"],
        )
        sizes = {name: round(size / 2**20, 1) for name, size in cursor.fetchall()}
        cursor.execute(
            "SELECT pg_table_size('recommender_productembedding'), pg_total_relation_size('shop_product')"
        )
        vectors_bytes, products_bytes = cursor.fetchone()
    return {
        "vectors_table_mib": round(vectors_bytes / 2**20, 1),
        "products_mib": round(products_bytes / 2**20, 1),
        "build_s": round(clock.seconds, 2),
        "index_mib": sizes.pop(vectors.index_name(version)),
        "hnsw_build": vectors.hnsw_build(vectors.index_rows(version)),  # (m, ef_construction)
        "partial_indexes_mib": sizes,
    }


# --- filters and ground truth --------------------------------------------------------------------


def kept_pairs(catalog: catalog_gen.Catalog) -> tuple[np.ndarray, dict[str, int]]:
    """Each product's (gender, type) pair as "gender|type", the category recommend() keeps, and
    the number of products per pair."""
    pairs = np.char.add(np.char.add(catalog.gender.astype(str), "|"), catalog.article_type.astype(str))
    values, counts = np.unique(pairs, return_counts=True)
    return pairs, dict(zip(values.tolist(), counts.tolist(), strict=True))


def choose_filters(catalog: catalog_gen.Catalog) -> dict[str, dict]:
    """Filter values: the second gender, the commonest article type, and the (gender, article type) pair
    whose share is nearest 1%; with their numpy masks and shares."""

    def commonest(values: np.ndarray, rank: int = 0) -> str:
        v, c = np.unique(values, return_counts=True)
        return str(v[np.argsort(-c, kind="stable")[min(rank, len(v) - 1)]])

    def nearest_share(values: np.ndarray, share: float) -> str:
        v, c = np.unique(values, return_counts=True)
        return str(v[np.argmin(np.abs(c / len(values) - share))])

    # The second gender: most reference products are of the first, so its rows are mostly far
    # from the query (a shopper on a men's product asking for women's), the harder case.
    gender, article_type = commonest(catalog.gender, 1), commonest(catalog.article_type)
    pairs, pair_rows = kept_pairs(catalog)
    pair = min(pair_rows, key=lambda v: abs(pair_rows[v] / len(catalog) - 0.01))  # first of equals
    rare_gender, rare_type = pair.split("|", 1)
    # A type too small for its own index at 1M (vectors.TYPE_INDEX_MIN_ROWS): compared one by one.
    small_type = nearest_share(catalog.article_type, 0.001)
    out = {
        "none": {"gender": None, "article_type": None, "mask": np.ones(len(catalog), dtype=bool)},
        "gender": {"gender": gender, "article_type": None, "mask": catalog.gender == gender},
        "article_type": {
            "gender": None,
            "article_type": article_type,
            "mask": catalog.article_type == article_type,
        },
        "1%": {"gender": rare_gender, "article_type": rare_type, "mask": pairs == pair},
        "small type": {
            "gender": None, "article_type": small_type, "mask": catalog.article_type == small_type
        },
    }
    for f in out.values():
        f["share"] = round(float(f["mask"].mean()), 4)
    return out


# pgvector sums a cosine in single precision, numpy here too but in another order: the same
# distance can differ by about 1e-6 between them. Closer than this to the K-th exact neighbour,
# a returned row is a tie with it.
TIE_EPS = 1e-5


@dataclass
class Truth:
    """Exact top-K per reference row under a filter: the product ids, and for a tie-aware
    recall (as ann-benchmarks counts it) the cosine similarity of the K-th one and the vectors
    to score any returned id with. Some real products share one vector, and the grown catalog
    copies them, so two exact searches may return different rows of equal distance; recall by
    ids alone then misses rows as near as the ones it wanted."""

    ids: list[set[int]]
    kth: np.ndarray | None = None  # [rows] similarity of the K-th exact neighbour
    queries: np.ndarray | None = None  # [rows, dim]
    vectors: np.ndarray | None = None  # [n, dim], product id i + 1 at row i
    inside: np.ndarray | None = None  # [rows] bool: the reference itself passes the filter

    def recall(self, got: list[list[int]]) -> dict:
        """Mean recall@K by ids (also apart for references inside and outside a filter); with
        similarities, also counting ties of the K-th neighbour."""
        by_ids = [len(set(g) & t) / max(1, len(t)) for g, t in zip(got, self.ids, strict=True)]
        out = {"recall@20": round(float(np.mean(by_ids)), 4)}
        if self.inside is not None and 0 < self.inside.sum() < len(self.inside):
            for name, rows in (("inside", self.inside), ("outside", ~self.inside)):
                out[f"recall@20_{name}"] = round(float(np.mean(np.asarray(by_ids)[rows])), 4)
                out[f"references_{name}"] = int(rows.sum())
        if self.kth is not None:
            tied = []
            for i, (g, t) in enumerate(zip(got, self.ids, strict=True)):
                sims = self.vectors[np.asarray(g, dtype=np.int64) - 1] @ self.queries[i] if g else np.zeros(0)
                tied.append(min(len(t), int(np.sum(sims >= self.kth[i] - TIE_EPS))) / max(1, len(t)))
            out["recall@20_ties"] = round(float(np.mean(tied)), 4)
        return out


def exact_ids(catalog: catalog_gen.Catalog, rows: np.ndarray, mask: np.ndarray) -> Truth:
    """Exact top-20 product ids per reference row under `mask`, the reference itself excluded."""
    from bench.scale import exact_topk

    queries = catalog.vectors[rows]
    truth = exact_topk(catalog.vectors, queries, mask, k=K + 1)
    top = [t[t != r][:K] for t, r in zip(truth, rows, strict=True)]
    kth = np.array(
        [float(catalog.vectors[t[-1]] @ q) if len(t) else np.inf for t, q in zip(top, queries, strict=True)]
    )
    return Truth([set((t + 1).tolist()) for t in top], kth, queries, catalog.vectors, mask[rows])


# --- measuring -----------------------------------------------------------------------------------


def measure(run: Callable[[int], list[int]], rows: np.ndarray, truth: Truth | None, warmup: int = 5) -> dict:
    """p50/p99 (ms) of run(row) over the reference rows, recall@20 against `truth`, rows returned."""
    for r in rows[:warmup]:
        run(int(r))
    times, got = [], []
    for r in rows:
        t0 = time.perf_counter()
        got.append(run(int(r)))
        times.append(time.perf_counter() - t0)
    out = {**percentiles(times, (50, 99)), "returned_min": min(len(g) for g in got)}
    if truth is not None:
        out.update(truth.recall(got))
    return out


def store_nearest(
    version, catalog: catalog_gen.Catalog, flt: dict, ef_search: int
) -> Callable[[int], list[int]]:
    """The store's query path for reference row r: candidate_products(filters) + vectors.nearest
    (with the gender and type filters in its plan, as services.Search plans them)."""
    from recommender.serving import vectors
    from recommender.serving.services import candidate_products
    from shop.selectors import ProductFilters

    filters = ProductFilters(gender=flt["gender"], article_type=flt["article_type"])

    def run(r: int) -> list[int]:
        candidates = candidate_products(filters, exclude_ids=(r + 1,))
        plan = vectors.SearchPlan(
            candidates, version, catalog.vectors[r], K, ef_search=ef_search, gender=filters.gender,
            article_type=filters.article_type,
        )
        found = vectors.nearest(plan)
        return [p.pk for p, _ in found]

    return run


SQL_QUERY = """
SELECT p.id FROM shop_product p JOIN recommender_productembedding e ON e.product_id = p.id
WHERE e.model_version_id = %s AND p.is_active AND p.id <> %s {where}
ORDER BY e.embedding <=> %s::vector LIMIT 20
"""


def conditions(flt: dict) -> list[str]:
    return [f"{c} = '{flt[c]}'" for c in ("gender", "article_type") if flt[c]]


def store_graph(version, flt: dict) -> bool:
    """Whether the store walks a graph of exactly the filter's vectors (a large version's gender
    or type graph), as vectors.choose_graph decides."""
    from django.db import DEFAULT_DB_ALIAS

    from recommender.serving import vectors

    gender, article_type = flt["gender"], flt["article_type"]
    rows = vectors.index_rows(version)
    exact, by_type, by_gender = vectors.choose_graph(version, DEFAULT_DB_ALIAS, rows, gender, article_type)
    return not exact and (by_type, by_gender) == (article_type, gender)


@contextmanager
def walk_batches(batches: int) -> Iterator[None]:
    """The store's partial-graph walk resumed `batches - 1` times (vectors.PARTIAL_WALK_BATCHES)."""
    from recommender.serving import vectors

    kept, vectors.PARTIAL_WALK_BATCHES = vectors.PARTIAL_WALK_BATCHES, batches
    try:
        yield
    finally:
        vectors.PARTIAL_WALK_BATCHES = kept


def one_walk(version, catalog: catalog_gen.Catalog, flt: dict, ef_search: int) -> Callable[[int], list[int]]:
    """The store's query walking the filter's own graph once (no resumed batch)."""
    search = store_nearest(version, catalog, flt, ef_search)

    def run(r: int) -> list[int]:
        with walk_batches(1):
            return search(r)

    return run


def partial_index(version, flt: dict) -> float:
    """A partial HNSW index for one filter value on the scratch vector table, for a filter the
    store has no graph of (store_graph); seconds. Named apart from the store's, so the store's
    own path never uses an index it would not have."""
    from django.db import connection

    values = "_".join(str(flt[c]) for c in ("gender", "article_type") if flt[c])
    name = "bench_part_" + "".join(ch for ch in values if ch.isalnum() or ch == "_").lower()
    with connection.cursor() as cursor, timed() as clock:
        cursor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON recommender_productembedding USING hnsw "
            f"(embedding vector_cosine_ops) WHERE model_version_id = {int(version.pk)} "
            f"AND {' AND '.join(conditions(flt))}"
        )
    return clock.seconds


def sql_query(
    version, catalog: catalog_gen.Catalog, where: str, ef_search: int
) -> Callable[[int], list[int]]:
    """The store's join in plain SQL (no ORM), with the scan settings nearest() uses."""
    from django.db import connection, transaction

    from recommender.serving.vectors import vector_literal

    sql = SQL_QUERY.format(where=where)

    def run(r: int) -> list[int]:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL hnsw.iterative_scan = strict_order")
            cursor.execute(f"SET LOCAL hnsw.ef_search = {int(ef_search)}")
            cursor.execute(sql, [version.pk, r + 1, vector_literal(catalog.vectors[r])])
            return [row[0] for row in cursor.fetchall()]

    return run


# Quantised copies of the version's graph, each searched for a pool of candidates that the
# full-precision vectors re-rank (pgvector's halfvec expression index, and its binary
# quantisation with Hamming distance): (index expression and operator class, order expression).
QUANTIZED = {
    "halfvec": (
        "(embedding::halfvec({dim})) halfvec_cosine_ops",
        "e.embedding::halfvec({dim}) <=> %s::halfvec({dim})",
    ),
    "binary": (
        "(binary_quantize(embedding)::bit({dim})) bit_hamming_ops",
        "binary_quantize(e.embedding)::bit({dim}) <~> binary_quantize(%s::vector)",
    ),
}
QUANTIZED_POOLS = {"halfvec": (20, 40), "binary": (200, 1000)}  # candidates re-ranked

RERANKED_QUERY = """
SELECT c.id FROM (
    SELECT p.id, e.embedding FROM shop_product p JOIN recommender_productembedding e ON e.product_id = p.id
    WHERE e.model_version_id = %s AND p.is_active AND p.id <> %s
    ORDER BY {order} LIMIT {pool}
) c ORDER BY c.embedding <=> %s::vector LIMIT 20
"""


def quantized_index(version, kind: str, dim: int) -> tuple[float, float]:
    """The version's graph over quantised vectors, built as the store builds its own (same m,
    ef_construction); (seconds, MiB). Named apart from the store's: its path never walks it."""
    from django.db import connection

    from recommender.serving import vectors

    m, ef_construction = vectors.hnsw_build(vectors.index_rows(version))
    name = f"bench_{kind}_v{int(version.pk)}"
    with connection.cursor() as cursor, timed() as clock:
        cursor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON recommender_productembedding USING hnsw "
            f"({QUANTIZED[kind][0].format(dim=dim)}) WITH (m = {m}, ef_construction = {ef_construction}) "
            f"WHERE model_version_id = {int(version.pk)}"
        )
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_relation_size(%s::regclass)", [name])
        mib = cursor.fetchone()[0] / 2**20
    return clock.seconds, mib


def reranked_query(
    version, catalog: catalog_gen.Catalog, kind: str, pool: int, ef_search: int
) -> Callable[[int], list[int]]:
    """The `pool` nearest by the quantised graph, re-ranked by the full vectors; top 20."""
    from django.db import connection, transaction

    from recommender.serving.vectors import vector_literal

    order = QUANTIZED[kind][1].format(dim=catalog.vectors.shape[1])
    sql = RERANKED_QUERY.format(order=order, pool=int(pool))

    def run(r: int) -> list[int]:
        literal = vector_literal(catalog.vectors[r])
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL hnsw.ef_search = {int(max(ef_search, pool))}")
            cursor.execute(sql, [version.pk, r + 1, literal, literal])
            return [row[0] for row in cursor.fetchall()]

    return run


def reranked_plan(version, catalog: catalog_gen.Catalog, kind: str) -> str:
    """The index the planner walks for the re-ranked query (or 'exact')."""
    from django.db import connection

    from recommender.serving.vectors import vector_literal

    order = QUANTIZED[kind][1].format(dim=catalog.vectors.shape[1])
    literal = vector_literal(catalog.vectors[0])
    with connection.cursor() as cursor:
        cursor.execute(
            "EXPLAIN " + RERANKED_QUERY.format(order=order, pool=20), [version.pk, 0, literal, literal]
        )
        return index_walked("\n".join(r[0] for r in cursor.fetchall()))


def quantized_strategies(version, catalog, args) -> dict[str, tuple]:
    """halfvec / binary rows of the unfiltered search: one per quantisation and pool size."""
    out = {}
    for kind in ("halfvec", "binary"):
        if kind not in args.strategies:
            continue
        seconds, mib = quantized_index(version, kind, catalog.vectors.shape[1])
        log(f"  {kind} index built in {seconds:.1f} s, {mib:.0f} MiB")
        for pool in QUANTIZED_POOLS[kind]:
            out[f"{kind} re-rank {pool}"] = (
                lambda ef, kind=kind, pool=pool: reranked_query(version, catalog, kind, pool, ef),
                reranked_plan(version, catalog, kind),
                round(seconds, 2),
                round(mib, 1),
            )
    return out


@contextmanager
def statements_sent() -> Iterator[list[tuple[str, tuple]]]:
    """The (SQL, parameters) of every statement Django sends on the default connection inside."""
    from django.db import connection

    sent: list[tuple[str, tuple]] = []

    def record(execute, sql, params, many, context):
        sent.append((sql, tuple(params or ())))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        yield sent


def index_walked(plan: str, prefixes: tuple[str, ...] = ("embedding_hnsw", "bench_")) -> str:
    """The first vector index an EXPLAIN text names, or 'exact' (a scan and sort)."""
    used = [w for w in plan.replace("(", " ").split() if w.startswith(prefixes)]
    return used[0] if used else "exact"


def search_statement(sent: list[tuple[str, tuple]]) -> tuple[str, str, tuple]:
    """(its SET LOCAL settings, the statement, its parameters) of the search among statements
    sent: vectors._run sends the settings and the statement as one string."""
    sql, params = next((sql, params) for sql, params in sent if "<=>" in sql)
    select_from = 0
    while sql.startswith("SET LOCAL", select_from):
        select_from = sql.index("; ", select_from) + 2
    return sql[:select_from], sql[select_from:], params


def store_plan(version, catalog: catalog_gen.Catalog, flt: dict) -> str:
    """The index the planner picks for the statement the store's nearest() sends (or 'exact')."""
    from django.db import connection, transaction

    from recommender.serving import vectors
    from recommender.serving.services import candidate_products
    from shop.selectors import ProductFilters

    filters = ProductFilters(gender=flt["gender"], article_type=flt["article_type"])
    with statements_sent() as sent:
        plan = vectors.SearchPlan(candidate_products(filters), version, catalog.vectors[0], K,
                                  gender=filters.gender, article_type=filters.article_type)  # fmt: skip
        vectors.nearest(plan)
    settings, sql, params = search_statement(sent)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(settings)
        cursor.execute("EXPLAIN " + sql, params)
        return index_walked("\n".join(r[0] for r in cursor.fetchall()))


def plan_of(version, catalog: catalog_gen.Catalog, where: str) -> str:
    """The index the planner picks for the SQL query (or 'exact' for a scan and sort)."""
    from django.db import connection

    from recommender.serving.vectors import vector_literal

    with connection.cursor() as cursor:
        cursor.execute(
            "EXPLAIN " + SQL_QUERY.format(where=where), [version.pk, 0, vector_literal(catalog.vectors[0])]
        )
        return index_walked("\n".join(r[0] for r in cursor.fetchall()))


def strategies(version, catalog, name: str, flt: dict, args) -> dict[str, tuple[Callable, str]]:
    """name -> (query function of ef_search, plan): the store's nearest(), its SQL with the
    iterative scan over the version's index, and with a partial index of the filter's value."""
    conds = conditions(flt)
    iterative = " ".join(f"AND p.{c}" for c in conds)
    out = {
        "store": (lambda ef: store_nearest(version, catalog, flt, ef), store_plan(version, catalog, flt)),
        "iterative": (
            lambda ef: sql_query(version, catalog, iterative, ef),
            plan_of(version, catalog, iterative),
        ),
    }
    out = {k: v for k, v in out.items() if k in args.strategies}
    if name != "none" and "partial" in args.strategies and store_graph(version, flt):
        # The store's own graph of the filter, walked once (the store resumes the walk).
        with walk_batches(1):
            plan = store_plan(version, catalog, flt)
        out["partial"] = (lambda ef: one_walk(version, catalog, flt, ef), plan)
    elif name != "none" and len(catalog) <= args.partial_max and "partial" in args.strategies:
        seconds = partial_index(version, flt)
        log(f"  partial index for {name} built in {seconds:.1f} s")
        partial = " ".join(f"AND e.{c} AND p.{c}" for c in conds)  # the index's condition, the store's
        out["partial"] = (
            lambda ef: sql_query(version, catalog, partial, ef),
            plan_of(version, catalog, partial),
        )
        out["partial"] += (round(seconds, 2),)
    if name == "none":
        out.update(quantized_strategies(version, catalog, args))
    return out


def sweep(version, catalog, filters: dict, rows: np.ndarray, args) -> list[dict]:
    """Every filter x ef_search x strategy; recall against numpy exact search."""
    out = []
    for name, flt in filters.items():
        truth = exact_ids(catalog, rows, flt["mask"])
        for strategy, (query, plan, *build) in strategies(version, catalog, name, flt, args).items():
            if strategy != "iterative":
                # Read the index into the cache first: just built, it is not there yet, and the
                # first cell would time the disk (the iterative scan walks the version's index,
                # read by the unfiltered rows before it).
                measure(query(max(args.ef_search)), rows, None, warmup=0)
            for ef in args.ef_search:
                got = measure(query(ef), rows, truth)
                extra = {"index_build_s": build[0]} if build else {}
                extra.update({"index_mib": build[1]} if len(build) > 1 else {})
                out.append({"filter": name, "share": flt["share"], "strategy": strategy, "plan": plan,
                            "ef_search": ef, **got, **extra})  # fmt: skip
                log(f"  {name:12s} {strategy:9s} ef {ef:4d}: R {got['recall@20']:.3f} "
                    f"(ties {got['recall@20_ties']:.3f}) "
                    f"p50 {got['p50']:.1f} p99 {got['p99']:.1f} ms ({plan})")  # fmt: skip
    return out


def store_recommend(text: str, exact: bool, products: dict) -> Callable[[int], list[int]]:
    """recommend() end to end: the reference product, `text`, the store's own conditions."""
    from recommender.serving.services import SHOPPERS, RecommendationRequest, SearchScope, recommend

    scope = SearchScope(exact=True) if exact else SHOPPERS

    def run(r: int) -> list[int]:
        ask = RecommendationRequest.checked(
            reference=products[r + 1], text=text, exclude_purchased=False, scope=scope
        )
        answer = recommend(ask)
        return [p.pk for p, _ in answer.results]

    return run


def end_to_end(rows: np.ndarray, texts: list[str], ef_values: list[int]) -> list[dict]:
    """recommend() vs its exact mode, per text: with the store's own ef_search ("store"), and
    with each of `ef_values` put in its place (what the store would answer with that choice)."""
    from unittest import mock

    from recommender.serving import vectors
    from shop.models import Product

    products = Product.objects.in_bulk([int(r) + 1 for r in rows])
    out = []
    for text in texts:
        exact_run = store_recommend(text, True, products)
        truth = Truth([set(exact_run(int(r))) for r in rows])
        for ef in [None, *ef_values]:
            table = vectors.EF_SEARCH_BY_SIZE if ef is None else ((10**12, ef),)
            with mock.patch.object(vectors, "EF_SEARCH_BY_SIZE", table):
                got = measure(store_recommend(text, False, products), rows, truth)
            out.append({"text": text, "ef_search": "store" if ef is None else ef, **got})
            log(f"  recommend({text!r}) ef {out[-1]['ef_search']}: R {got['recall@20']:.3f} "
                f"p50 {got['p50']:.1f} p99 {got['p99']:.1f} ms")  # fmt: skip
    return out


def recommend_by_reference(catalog: catalog_gen.Catalog, rows: np.ndarray, texts: list[str]) -> list[dict]:
    """recommend()'s time per reference (a second call, the first warms it) beside the size of
    the reference's kept (gender, type) pair: which references are slow, and why."""
    from recommender.serving.services import RecommendationRequest, recommend
    from shop.models import Product

    pairs, pair_rows = kept_pairs(catalog)
    products = Product.objects.in_bulk([int(r) + 1 for r in rows])
    out = []
    for text in texts:
        for r in rows:
            product = products[int(r) + 1]
            for _ in range(2):
                with timed() as clock:
                    recommend(RecommendationRequest(reference=product, text=text, exclude_purchased=False))
            out.append({"text": text, "pair": str(pairs[r]), "pair_rows": pair_rows[pairs[r]],
                        "ms": round(clock.seconds * 1000, 1)})  # fmt: skip
    return out


def explain_recommend(row: int, texts: list[str]) -> list[dict]:
    """EXPLAIN (ANALYZE, BUFFERS) of the search statement recommend() sends for reference `row`,
    per text, with the settings it sends before it (what the planner chose, and where the time
    went)."""
    from django.db import connection, transaction

    from recommender.serving.services import RecommendationRequest, recommend
    from shop.models import Product

    product = Product.objects.get(pk=row + 1)
    out = []
    for text in texts:
        with statements_sent() as sent:
            recommend(RecommendationRequest.checked(reference=product, text=text, exclude_purchased=False))
        settings, sql, params = search_statement(sent)
        with transaction.atomic(), connection.cursor() as cursor:
            if settings:
                cursor.execute(settings)
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
            plan = [line for (line,) in cursor.fetchall()]
        out.append({"text": text, "settings": settings.strip(), "plan": plan})
        scans = [line.strip() for line in plan if "Scan" in line or "Execution Time" in line]
        log(f"  EXPLAIN recommend({text!r}): " + " | ".join(scans[:8]))
    return out


def explain_references(catalog: catalog_gen.Catalog, rows: np.ndarray) -> list[dict]:
    """explain_recommend() for the first reference and for the one of `rows` whose (gender, type)
    pair, the category recommend() keeps, has the fewest products."""
    pairs, pair_rows = kept_pairs(catalog)
    rarest = min(rows, key=lambda r: pair_rows[pairs[r]])
    return [
        {"reference_pair_rows": pair_rows[pairs[r]], **explained}
        for r in dict.fromkeys([int(rows[0]), int(rarest)])
        for explained in explain_recommend(r, ["", "in black"])
    ]


def over_http(n_requests: int, seed: int) -> list[dict]:
    """POST /api/v1/recommendations/ over HTTP (bench.serving's gunicorn, 2 workers) against the
    scratch database, one request at a time: common texts, and a new text with filters."""
    from urllib.parse import quote

    from django.conf import settings

    from bench import serving

    db = settings.DATABASES["default"]
    database_url = f"postgres://{quote(db.get('USER') or '')}@{quote(db['HOST'], safe='')}/{db['NAME']}"
    sample = serving.store_sample(500, seed)["rows"]
    with socket.socket() as probe:  # a free port on loopback
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = serving.start_server(port, 2, {"DATABASE_URL": database_url})
    try:
        serving.run_load(port, serving.build_jobs(sample, 40, "composed", seed + 1), 2)  # warm-up
        rows = []
        for kind in ("composed", "new_text_filters"):
            # The grown catalog has no sizes, so no stock: "in stock" would leave no product.
            jobs = serving.build_jobs(sample, n_requests, kind, seed, in_stock=False)
            rows.append({"scenario": kind, "concurrency": 1, **serving.run_load(port, jobs, 1)})
            rows[-1]["filters"] = "gender, article type, max price" if kind.endswith("filters") else ""
            log(f"  HTTP {kind}: p50 {rows[-1]['p50_ms']:.1f} p99 {rows[-1]['p99_ms']:.1f} ms "
                f"{rows[-1]['statuses']}")  # fmt: skip
        return rows
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(20)


def bench_size(url: str, seed: catalog_gen.Seed, n: int, args, kept: dict | None = None) -> dict:
    from recommender.models import ModelVersion
    from recommender.serving import vectors

    catalog = catalog_gen.generate(seed, n, args.seed)
    if kept is None:
        entry = load_and_index(url, seed, catalog, args)
        if args.keep_database:
            mark_complete(url, database_name(args, n), fingerprint(seed, n, args), entry)
    else:
        entry = {**kept, "kept_from_earlier_run": True}
        log(f"n={n:,}: the kept database already holds this catalog and its indexes")
    entry["loadavg_at_start"] = [round(x, 2) for x in os.getloadavg()]
    entry["shared_buffers"] = machine_info_of(url)["shared_buffers"]  # the sizes of one file may differ
    version = ModelVersion.objects.get(status=ModelVersion.Status.ACTIVE)
    entry["store_ef_search"] = vectors.ef_search_for(vectors.index_rows(version))
    filters = choose_filters(catalog)
    entry["filters"] = {k: {c: v[c] for c in ("gender", "article_type", "share")} for k, v in filters.items()}
    rows = np.random.default_rng(args.seed + n).choice(n, args.queries, replace=False)
    entry["queries"] = sweep(version, catalog, filters, rows, args)
    if seed.checkpoint and args.recommend_queries:
        entry["recommend"] = end_to_end(rows[: args.recommend_queries], ["", "in black"], args.recommend_ef)
    if seed.checkpoint and args.explain:
        entry["recommend_explain"] = explain_references(catalog, rows[: args.recommend_queries or 1])
        entry["recommend_by_reference"] = recommend_by_reference(
            catalog, rows[: args.recommend_queries or 1], ["", "in black"]
        )
    if seed.checkpoint and args.http_requests:
        entry["http"] = over_http(args.http_requests, args.seed)
    if n <= args.variants_max:
        entry["hnsw_variants"] = hnsw_variants(version, catalog, filters, rows, args)
    return entry


def load_and_index(url: str, seed: catalog_gen.Seed, catalog: catalog_gen.Catalog, args) -> dict:
    """The store's tables in the scratch database, the catalog and one active version's vectors
    loaded, the store's indexes built; what that took."""
    from django.core.management import call_command
    from django.utils import timezone

    from recommender.models import ModelVersion
    from recommender.serving import vectors

    n = len(catalog)
    call_command("migrate", interactive=False, verbosity=0)
    version = ModelVersion.objects.create(
        status=ModelVersion.Status.ACTIVE, checkpoint_path=seed.checkpoint or "", activated_at=timezone.now()
    )
    load_s = load_catalog(url, seed, catalog, version.pk)
    log(f"n={n:,}: loaded in {load_s:.1f} s; building the store's HNSW index ...")
    entry = {"n": n, "loadavg_at_load": [round(x, 2) for x in os.getloadavg()], "load_s": round(load_s, 2)}
    entry.update(build_store_index(version, args.maintenance_work_mem))
    entry["mix"] = {
        f: catalog_gen.mix(seed.records, catalog, f) for f in ("gender", "article_type", "base_colour")
    }
    log(f"n={n:,}: index {entry['build_s']} s, {entry['index_mib']} MiB, "
        f"ef_search {vectors.ef_search_for(vectors.index_rows(version))}")  # fmt: skip
    return entry


def database_name(args, n: int) -> str:
    """The scratch database of size `n`: one per size when kept, so sizes do not evict each other."""
    return f"{args.database}_{n}" if args.keep_database else args.database


def fingerprint(seed: catalog_gen.Seed, n: int, args) -> str:
    """What a kept database's contents depend on: the seed vectors, the generator, the size and
    the store's index choices (a change to any of them loads and builds again)."""
    import hashlib

    from recommender.serving import vectors

    made_of = [
        n, args.seed, catalog_gen.NEIGHBOURS, catalog_gen.NOISE, seed.source, seed.checkpoint,
        hashlib.sha1(seed.vectors.tobytes()).hexdigest(), [r["id"] for r in seed.records],
        vectors.HNSW_BUILD_BY_SIZE, vectors.HNSW_BUILD_LARGE, vectors.TYPE_INDEX_MIN_ROWS,
        vectors.GENDER_INDEXES_FROM, vectors.PARTIAL_HNSW_BUILD, vectors.PARTIAL_GRAPH_OF,
        vectors.PAIR_GRAPH_BELOW_SHARE,
    ]  # fmt: skip
    return hashlib.sha1(json.dumps(made_of, default=str).encode()).hexdigest()


def hnsw_variants(version, catalog, filters: dict, rows: np.ndarray, args) -> list[dict]:
    """The version's index rebuilt with other m / ef_construction (same name: the store's path
    walks it), the unfiltered queries through nearest() again (filters walk their own indexes)."""
    from django.db import connection

    from recommender.serving.vectors import index_name

    out = []
    for variant in args.hnsw_variants:
        m, ef_construction = (int(v) for v in variant.split(":"))
        with connection.cursor() as cursor, timed() as clock:
            cursor.execute(f"DROP INDEX {index_name(version)}")
            cursor.execute(
                f"CREATE INDEX {index_name(version)} ON recommender_productembedding USING hnsw "
                f"(embedding vector_cosine_ops) WITH (m = {m}, ef_construction = {ef_construction}) "
                f"WHERE model_version_id = {int(version.pk)}"
            )
        log(f"  m={m}, ef_construction={ef_construction}: built in {clock.seconds:.1f} s")
        for name in ("none",):
            truth = exact_ids(catalog, rows, filters[name]["mask"])
            for ef in args.ef_search:
                got = measure(store_nearest(version, catalog, filters[name], ef), rows, truth)
                out.append({"m": m, "ef_construction": ef_construction, "build_s": round(clock.seconds, 2),
                            "filter": name, "ef_search": ef, **got})  # fmt: skip
                log(f"  m={m} {name} ef {ef}: R {got['recall@20']:.3f} p50 {got['p50']:.1f} ms")
    return out


# --- the run -------------------------------------------------------------------------------------


def load_seed(args) -> catalog_gen.Seed:
    from django.conf import settings

    catalog_dir = Path(args.catalog or settings.CATALOG_DIR)
    if args.vectors == "random":
        return catalog_gen.seed_random(catalog_dir, seed=args.seed)
    if args.vectors == "store":
        return catalog_gen.seed_from_store(catalog_dir)
    return catalog_gen.seed_from_checkpoint(catalog_dir, Path(args.checkpoint), str(settings.ML_CACHE_DIR))


def run(args: argparse.Namespace) -> dict:
    """Each size in its own scratch database; the report (params, seed, machine, sizes)."""

    from config.caches import CACHES

    seed = load_seed(args)  # before the store database is left behind
    log(f"seed: {len(seed.records):,} real products, vectors from {seed.source}")
    report: dict = {"benchmark": "catalog_scale", "params": params(args), "seed": seed.source, "sizes": []}
    for n in args.sizes:
        name = database_name(args, n)
        database = (
            kept_database(name, fingerprint(seed, n, args))
            if args.keep_database
            else nullcontext_with(scratch_database(name))
        )
        with database as (url, kept):
            report["machine"] = machine_info_of(url)
            use_database(name)
            CACHES.clear("vectors.")  # every scratch database has its own version 1
            try:
                report["sizes"].append(bench_size(url, seed, n, args, kept))
            finally:
                from django.db import connections

                connections["default"].close()
    return report


def machine_info_of(url: str) -> dict:
    import psycopg

    with psycopg.connect(url) as conn:
        return machine_info(conn)


@contextmanager
def nullcontext_with(scratch) -> Iterator[tuple[str, None]]:
    """A scratch database (dropped afterwards) in kept_database()'s shape: nothing kept."""
    with scratch as url:
        yield url, None


def params(args: argparse.Namespace) -> dict:
    from recommender.serving import vectors

    return {
        "k": K,
        "ef_search": args.ef_search,
        "queries": args.queries,
        "recommend_queries": args.recommend_queries,
        "hnsw": "the store's build_index: (m, ef_construction) by each graph's size, "
        f"{vectors.HNSW_BUILD_BY_SIZE} (up to, m, ef_construction), else {vectors.HNSW_BUILD_LARGE}",
        "partial_indexes": f"per gender, per type of {vectors.TYPE_INDEX_MIN_ROWS}+ vectors and per "
        f"(gender, type) pair of as many holding under {vectors.PAIR_GRAPH_BELOW_SHARE} of its type, "
        f"from {vectors.GENDER_INDEXES_FROM} vectors: {vectors.PARTIAL_GRAPH_OF}, (m, ef_construction) "
        f"{vectors.PARTIAL_HNSW_BUILD}, walked with ef_search up to {vectors.PARTIAL_EF_SEARCH_MAX}, in "
        f"{vectors.PARTIAL_WALK_BATCHES} batches from {vectors.PARTIAL_RESUME_FROM} vectors in the graph; "
        f"exact below {vectors.EXACT_BELOW} vectors without a graph",
        "strategies": args.strategies,
        "hnsw_variants": args.hnsw_variants,
        "variants_max": args.variants_max,
        "maintenance_work_mem": args.maintenance_work_mem,
        "max_parallel_maintenance_workers": 1,
        "iterative_scan": "strict_order (the store's)",
        "generator": {"neighbours": catalog_gen.NEIGHBOURS, "noise": catalog_gen.NOISE, "seed": args.seed},
    }


def print_report(report: dict) -> None:
    for size in report["sizes"]:
        print(f"\nn={size['n']:,}: load {size['load_s']} s, HNSW build {size['build_s']} s, "
              f"{size['index_mib']} MiB, store ef_search {size['store_ef_search']}")  # fmt: skip
        cols = ["filter", "share", "strategy", "plan", "ef_search", "p50", "p99", "recall@20", "returned_min"]
        print_table(size["queries"], cols)
        if size.get("recommend"):
            print_table(
                size["recommend"],
                ["text", "ef_search", "p50", "p99", "recall@20", "returned_min"],
                "recommend()",
            )


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    p.add_argument("--ef-search", type=int, nargs="+", default=[40, 100, 200, 400])
    p.add_argument("--queries", type=int, default=100, help="reference products per filter and ef_search")
    p.add_argument("--recommend-queries", type=int, default=30, help="recommend() calls per text (0: none)")
    p.add_argument(
        "--http-requests", type=int, default=300,
        help="REST API requests per scenario, one at a time (0: none)",
    )
    p.add_argument(
        "--recommend-ef", type=int, nargs="*", default=[], help="recommend() also at these ef_search"
    )
    p.add_argument(
        "--explain", action="store_true",
        help="record EXPLAIN (ANALYZE, BUFFERS) of recommend()'s search for one reference",
    )
    p.add_argument(
        "--vectors", choices=["store", "checkpoint", "random"], default="store",
        help="seed vectors: the store's active version, a --checkpoint's, or random (smoke tests)",
    )  # fmt: skip
    p.add_argument("--checkpoint", default=None, help="model folder for --vectors checkpoint")
    p.add_argument("--catalog", default=None, help="real catalog folder (default CATALOG_DIR)")
    p.add_argument("--partial-max", type=int, default=1_000_000, help="largest size given partial indexes")
    p.add_argument(
        "--strategies", nargs="+", choices=["store", "iterative", "partial", "halfvec", "binary"],
        default=["store", "iterative", "partial"],
        help="query strategies to measure (default: store, iterative, partial; halfvec and binary "
        "build a quantised copy of the version's graph and re-rank its candidates, unfiltered only)",
    )  # fmt: skip
    p.add_argument("--hnsw-variants", nargs="*", default=["24:128"], help="m:ef_construction to rebuild with")
    p.add_argument("--variants-max", type=int, default=100_000, help="largest size given the variants")
    p.add_argument("--maintenance-work-mem", default="3GB")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument(
        "--database", default="bench_catalog_scale", help="scratch database (created, then dropped)"
    )
    p.add_argument(
        "--keep-database", action="store_true",
        help="keep the scratch database after the run, and reuse one a run with the same seed, "
        "size and index choices kept (skips loading and the index build)",
    )
    p.add_argument("--json", default=None, help="results file (default bench/results/catalog_scale.json)")
    p.add_argument("--append", action="store_true", help="keep the file's other sizes (one size per run)")
    return p.parse_args(argv)


def merged(report: dict, args: argparse.Namespace) -> dict:
    """With --append: the sizes of the existing results file that this run did not measure,
    kept before this run's (each size records its own machine load and store ef_search)."""
    path = Path(args.json) if args.json else RESULTS_DIR / "catalog_scale.json"
    if not (args.append and path.is_file()):
        return report
    measured = {s["n"] for s in report["sizes"]}
    kept = [s for s in json.loads(path.read_text())["sizes"] if s["n"] not in measured]
    return {**report, "sizes": sorted(kept + report["sizes"], key=lambda s: s["n"])}


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.vectors == "checkpoint" and not args.checkpoint:
        raise SystemExit("--vectors checkpoint needs --checkpoint PATH (a model folder)")
    setup_django()
    with timed() as clock:
        report = run(args)
    report["total_s"] = round(clock.seconds, 1)
    print_report(report)
    out = write_results("catalog_scale", merged(report, args), args.json)
    log(f"wrote {out} in {report['total_s']} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
