"""Product vectors in pgvector: bulk writes, the per-version HNSW index, and the nearest-neighbour
query. Public so the pipeline, the shopper's query path and the benchmarks use the same SQL.

Each version's vectors live in ``recommender_productembedding`` and get their own partial HNSW
index (``embedding_hnsw_v<id>``, cosine distance), built once the version's vectors are complete,
so a query for one version walks an index of exactly its rows.
"""

from __future__ import annotations

import io

import numpy as np
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.db.models import Q, QuerySet, Value
from django.db.models.expressions import Combinable
from pgvector.django import CosineDistance

from recommender.models import ModelVersion, ProductEmbedding
from shop.models import Product

# Candidates the HNSW scan keeps per step, by the version's number of vectors: (up to, ef_search).
# A larger graph needs a wider search for the same recall (bench.catalog_scale measured recall@20
# per size; bench/results/catalog_scale.json). 100 is what the 9.6k-product store always used.
EF_SEARCH_BY_SIZE: tuple[tuple[int, int], ...] = ((20_000, 100), (200_000, 200), (2_000_000, 400))
EF_SEARCH_MAX = 800  # beyond the table: pgvector allows up to 1000
# Nearest products re-ranked by a score (a shopper's wishes met) when a search asks for it.
RERANK_POOL = 200


def vector_literal(vector: np.ndarray) -> str:
    return "[" + ",".join(f"{x:.7g}" for x in np.asarray(vector).tolist()) + "]"


def write_embeddings(
    version: ModelVersion, ids: list[int], vectors: np.ndarray, *, replace: bool = True
) -> None:
    """Bulk-write vectors with COPY into a staging table, then upsert (one transaction). Without
    `replace` a product's vector already there is kept (a resumed chunk writes each vector once)."""
    if not ids:
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE IF NOT EXISTS embedding_stage (product_id bigint, embedding vector) "
            "ON COMMIT DELETE ROWS"
        )
        cursor.execute("TRUNCATE embedding_stage")  # empty even when an outer transaction spans batches
        buffer = io.StringIO()
        for pid, vector in zip(ids, vectors, strict=True):
            buffer.write(f"{pid}\t{vector_literal(vector)}\n")
        copy_sql = "COPY embedding_stage (product_id, embedding) FROM STDIN"
        with cursor.connection.cursor().copy(copy_sql) as copy:
            copy.write(buffer.getvalue())
        cursor.execute(
            """
            INSERT INTO recommender_productembedding (product_id, model_version_id, embedding, created_at)
            SELECT product_id, %s, embedding, now() FROM embedding_stage
            ON CONFLICT (model_version_id, product_id) DO
            """
            + ("UPDATE SET embedding = EXCLUDED.embedding" if replace else "NOTHING"),
            [version.pk],
        )


def index_name(version: ModelVersion) -> str:
    return f"embedding_hnsw_v{int(version.pk)}"


def build_index(version: ModelVersion) -> None:
    """A partial HNSW index over exactly this version's vectors (cosine distance)."""
    with connection.cursor() as cursor:
        # Inside an outer transaction the vectors' deferred FK checks would still be pending,
        # and Postgres refuses CREATE INDEX then; run them now (a no-op in autocommit).
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(
            f"CREATE INDEX IF NOT EXISTS {index_name(version)} ON recommender_productembedding "
            f"USING hnsw (embedding vector_cosine_ops) WHERE model_version_id = {int(version.pk)}"
        )


def drop_index(version: ModelVersion) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP INDEX IF EXISTS {index_name(version)}")


# (database, version id) pairs whose index was seen: an index, once there, stays while it serves.
_indexes_seen: set[tuple[str, int]] = set()


def index_exists(version: ModelVersion, using: str = DEFAULT_DB_ALIAS) -> bool:
    """Whether database `using` (a replica, say) has the version's HNSW index."""
    if (using, version.pk) in _indexes_seen:
        return True
    with connections[using].cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [index_name(version)])
        exists = bool(cursor.fetchone()[0])
    if exists:
        _indexes_seen.add((using, version.pk))
    return exists


def ef_search_for(vectors: int) -> int:
    """The hnsw.ef_search for an index of `vectors` rows (EF_SEARCH_BY_SIZE)."""
    for up_to, ef_search in EF_SEARCH_BY_SIZE:
        if vectors <= up_to:
            return ef_search
    return EF_SEARCH_MAX


# (database, version id) -> number of vectors in its index: a version's vectors never change once
# its index is built, so it is read once per process.
_index_rows: dict[tuple[str, int], int] = {}


def index_rows(version: ModelVersion, using: str = DEFAULT_DB_ALIAS) -> int:
    """Rows in the version's HNSW index (its vectors), from the planner's statistics (no count)."""
    key = (using, int(version.pk))
    if key not in _index_rows:
        with connections[using].cursor() as cursor:
            cursor.execute(
                "SELECT reltuples FROM pg_class WHERE oid = to_regclass(%s)", [index_name(version)]
            )
            row = cursor.fetchone()
        if row is None or row[0] < 0:  # no index (yet), or never analysed: ask again next time
            return 0
        _index_rows[key] = int(row[0])
    return _index_rows[key]


def stored_vector(
    version: ModelVersion, product: Product, using: str = DEFAULT_DB_ALIAS
) -> np.ndarray | None:
    """The stored vector of a product under a version (never recomputed at query time)."""
    row = (
        ProductEmbedding.objects.using(using)
        .filter(model_version=version, product=product)
        .values_list("embedding", flat=True)
        .first()
    )
    return None if row is None else np.asarray(row, dtype=np.float32)


def with_vector_of(products: QuerySet[Product], version: ModelVersion) -> QuerySet[Product]:
    """The products that have a vector of this version."""
    return products.filter(embeddings__model_version_id=version.pk)


def nearest(
    products: QuerySet[Product],
    version: ModelVersion,
    query: np.ndarray,
    limit: int,
    *,
    exact: bool = False,
    rank_first: Combinable | None = None,
    look_first: Q | None = None,
    closer: tuple[Combinable, float] | None = None,
    ef_search: int | None = None,
) -> list[tuple[Product, float]]:
    """ONE SQL query: `products` (with their conditions) ordered by cosine distance of their
    vector of `version` to `query`; (product, cosine similarity) pairs, closest first. It runs
    on the database `products` reads from (a replica, or the primary).

    With `rank_first` (a score per product: how many of a shopper's wishes it meets), the
    RERANK_POOL nearest, and the `limit` nearest of those matching `look_first` (every wish: rare
    values are found even when they are not among the nearest), are re-ordered by that score
    first, then by distance, in the same statement. `closer` (a score, and the distance one
    point of it is worth) brings products with a higher score nearer in that order.
    `ef_search` overrides the one chosen from the version's size (benchmarks sweep it).
    """
    nearest_first = (
        with_vector_of(products, version)
        .annotate(distance=CosineDistance("embeddings__embedding", np.asarray(query, dtype=np.float32)))
        .order_by("distance")
    )
    using = nearest_first.db
    with transaction.atomic(using=using), connections[using].cursor() as cursor:
        # Iterative scan: when conditions reject rows, the HNSW scan continues instead of
        # returning fewer than `limit` results. strict_order keeps exact distance order.
        cursor.execute("SET LOCAL hnsw.iterative_scan = strict_order")
        ef_search = ef_search or ef_search_for(index_rows(version, using))
        cursor.execute(f"SET LOCAL hnsw.ef_search = {int(ef_search)}")
        if exact:
            cursor.execute("SET LOCAL enable_indexscan = off")
        if rank_first is None:
            rows = list(nearest_first[:limit])
        else:
            closer_score, weight = closer or (Value(0), 0.0)
            scored = nearest_first.annotate(rank_first=rank_first, closer=closer_score)
            rows = list(_reranked(scored, limit, look_first, weight, using))
        return [(p, 1.0 - float(p.distance)) for p in rows]


def _reranked(scored: QuerySet[Product], limit: int, look_first: Q | None, weight: float, using: str):
    """The pool of nearest products (and the nearest meeting `look_first`), best score first."""
    parts = [scored[: max(RERANK_POOL, 4 * limit)].query.sql_with_params()]
    if look_first is not None:
        parts.append(scored.filter(look_first)[:limit].query.sql_with_params())
    union = " UNION ".join(f"({sql})" for sql, _ in parts)
    params = [p for _, part_params in parts for p in part_params]
    ranked = f"SELECT * FROM ({union}) AS pool ORDER BY rank_first DESC, distance - %s * closer LIMIT %s"
    return Product.objects.raw(ranked, (*params, weight, limit), using=using)
