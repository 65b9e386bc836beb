"""Product vectors in pgvector: bulk writes, the per-version HNSW index, and the nearest-neighbour
query. Public so the pipeline, the shopper's query path and the benchmarks use the same SQL.

Each version's vectors live in ``recommender_productembedding`` and get their own partial HNSW
index (``embedding_hnsw_v<id>``, cosine distance), built once the version's vectors are complete,
so a query for one version walks an index of exactly its rows. A large version also gets one graph
per gender, per common article type and per common (gender, type) pair that is a minority of its
type, of its vectors rounded to half precision (``halfvec``), which only a search under that
filter walks; the full vectors re-rank what such a walk finds.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass, replace

import numpy as np
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.db.models import F, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.expressions import Combinable
from django.db.models.functions import Cast
from django.db.models.sql import query as sql_query
from pgvector.django import CosineDistance, HalfVectorField, VectorField

from config.caches import CACHES
from recommender.models import EMBEDDING_DIM, ModelVersion, ProductEmbedding
from shop.models import Product

# Candidates the HNSW scan keeps per step, by the version's number of vectors: (up to, ef_search).
# A larger graph needs a wider search for the same recall: chosen from recall@20 and latency
# measured at 100k and 1M products by bench.catalog_scale (docs/BENCHMARKS.md, section 3b).
# 100 is what the 9.6k-product store always used.
EF_SEARCH_BY_SIZE: tuple[tuple[int, int], ...] = ((20_000, 100), (200_000, 400))
EF_SEARCH_MAX = 1000  # beyond the table: pgvector's largest
# From this many vectors a version also gets one partial HNSW index per gender and one per article
# type with TYPE_INDEX_MIN_ROWS vectors or more, and a gender or type filter walks the graph of
# those vectors instead of skipping the others' (pgvector's advice for a filter with few distinct
# values): at 100k and 1M products bench.catalog_scale measured it far above the iterative scan
# in recall and latency (docs/SCALING.md). A smaller type's vectors are few enough to be
# compared one by one (the planner's exact scan of the type's rows): at 1M products that cost
# about 4 ms per thousand vectors (the 1% pair's 10k in 41 ms, a type's 6k in 23.5), against
# 5-18 ms for a walk of a graph.
GENDER_INDEXES_FROM = 100_000
TYPE_INDEX_MIN_ROWS = 2_000
# A (gender, type) pair of TYPE_INDEX_MIN_ROWS vectors or more gets a graph of its own when it
# holds less than this share of its type (women's T-shirts among mostly men's): every "like
# this" keeps its reference's pair, and a walk of the type's graph, or of the version's, would
# skip most of what it meets (at 1M, recommend() on pairs of 1-5% of the catalog took 80-130 ms
# walking the version's). A larger share walks its type's graph, skipping at most the rest: no
# second copy of most of a type.
PAIR_GRAPH_BELOW_SHARE = 0.5
# In such a version, a filter without a graph to walk (a small type, a small pair) that leaves
# fewer vectors than this is answered by comparing them one by one (exact), as vector engines do
# below their flat-search cutoff: a graph walk that must skip the other 98% of its vectors stops
# (pgvector's max_scan_tuples) before it finds them. From this many every filter has a graph to
# walk: its own, or its type's of which it is the larger part.
EXACT_BELOW = TYPE_INDEX_MIN_ROWS
# How each HNSW graph is built, by its number of vectors: (up to, m, ef_construction); beyond the
# table, HNSW_BUILD_LARGE. pgvector's defaults up to 100k vectors; a larger graph needs more links
# per node and a wider build search to keep recall near 0.95 (bench.catalog_scale at 1M).
HNSW_BUILD_BY_SIZE: tuple[tuple[int, int, int], ...] = ((100_000, 16, 64),)
HNSW_BUILD_LARGE = (24, 128)
# A gender's or a type's graph: more links per node and a wider build search, so a walk from a
# query far outside its vectors still reaches their nearest, over the vectors in half precision
# (halfvec: half the bytes a node takes in memory, the full vectors re-rank what a walk finds).
# It indexes an expression (``embedding::halfvec``) the version's graph cannot answer, so only a
# search under its filter walks it: indexed as plain vectors, pgvector prices a denser graph
# higher and PostgreSQL walked the version's graph instead (docs/SCALING.md).
PARTIAL_HNSW_BUILD = (32, 256)
# Nearest products re-ranked by a score (a shopper's wishes met) when a search asks for it (at
# least 4 x the limit asked for). 200 is ten times the API's default limit (20): a wish that one
# product in ten of the nearest meets still fills the answer with products that meet it; and
# twice the candidates one graph walk keeps in a catalog up to 20k products (EF_SEARCH_BY_SIZE),
# so the pool reaches past the first walk. Products meeting every wish are added beyond the pool
# anyway (look_first), so a larger pool only costs time.
RERANK_POOL = 200
# A gender's or a type's partial graph is walked from queries far outside its vectors too
# (women's products asked for on a man's shirt), where one walk of ef_search candidates ends
# short of the nearest: at 1M products it found 0.919 (gender) and 0.946 (type) of the exact top
# 20 for such references, 0.997 and 0.964 for references inside the filter (bench.catalog_scale,
# `partial` rows). pgvector's iterative scan (relaxed order) resumes the walk from the candidates
# it set aside, one more batch of ef_search at a time, each batch nearest first: the statement
# takes the batches before the last one and the last one's head, and orders them by exact
# distance (outside the filter: 0.949 and 0.978 with two batches). More batches find more, and
# cost a walk each (docs/SCALING.md).
PARTIAL_WALK_BATCHES = 2
# A gender's or type's graph is walked with at most this ef_search per batch. At 1M, two batches
# of 800 found 0.964 (gender) and 0.977 (type) at p50 17 ms, of 1000 0.976 and 0.978 at 20 ms
# (bench/results/catalog_scale_1m_partial_ef.json and catalog_scale.json).
PARTIAL_EF_SEARCH_MAX = 800
# The walk is resumed only in a graph of this many vectors or more. In a smaller one, one walk
# already finds the nearest (at 100k products: 0.991 and 1.000 in a 17k and a 32k graph), and a
# resumed walk of 800 candidates in the 17k graph took 46 ms against 5 for one walk.
PARTIAL_RESUME_FROM = 100_000
# ... but never for a query from inside the filter (a reference of its category): one walk found
# 0.967 (type) and 0.998 (gender) of the exact top 20 for those at 1M, and a second batch cost
# recommend() about 10 ms for references whose kept pair walks a 100k+ graph.
# A filter's graph holds only the filter's vectors, so its walk skips only what the request's
# other conditions (a price, a brand, stock) reject; once it has met this many vectors, those
# conditions leave few, which are then compared one by one (nearest()). pgvector's default is
# 20,000; a walk meets about 140 of them a millisecond here (bench.catalog_scale at 1M).
WALK_MAX_SCAN_TUPLES = 5_000


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
            INSERT INTO recommender_productembedding
                (product_id, model_version_id, embedding, created_at, gender, article_type)
            SELECT s.product_id, %s, s.embedding, now(), coalesce(p.gender, ''), coalesce(p.article_type, '')
            FROM embedding_stage s LEFT JOIN shop_product p ON p.id = s.product_id
            ON CONFLICT (model_version_id, product_id) DO
            """  # LEFT JOIN: an unknown product still fails on its foreign key, as before
            + (
                "UPDATE SET embedding = EXCLUDED.embedding, gender = EXCLUDED.gender, "
                "article_type = EXCLUDED.article_type"
                if replace
                else "NOTHING"
            ),
            [version.pk],
        )


def _slug(value: str) -> str:
    return "".join(c for c in value.lower() if c.isalnum())


def index_name(version: ModelVersion, gender: str | None = None, article_type: str | None = None) -> str:
    """The version's HNSW index, or its partial index of one gender's, one article type's or one
    (gender, type) pair's vectors (a type's name keeps a hash of its exact spelling: two
    spellings, two indexes)."""
    suffix = "" if gender is None else "_" + _slug(gender)
    if article_type is not None:
        # Within Postgres' 63 characters.
        if gender is None:
            digest = hashlib.sha1(article_type.encode()).hexdigest()[:6]
            suffix = f"_t_{_slug(article_type)[:24]}_{digest}"
        else:
            digest = hashlib.sha1(f"{gender}\0{article_type}".encode()).hexdigest()[:6]
            suffix = f"_p_{_slug(gender)[:8]}_{_slug(article_type)[:16]}_{digest}"
    return f"embedding_hnsw_v{int(version.pk)}{suffix}"


def hnsw_build(rows: int) -> tuple[int, int]:
    """(m, ef_construction) for a graph of `rows` vectors (HNSW_BUILD_BY_SIZE)."""
    for up_to, m, ef_construction in HNSW_BUILD_BY_SIZE:
        if rows <= up_to:
            return m, ef_construction
    return HNSW_BUILD_LARGE


# What a gender's or type's graph indexes, and the operator class it is walked by.
PARTIAL_GRAPH_OF = f"(embedding::halfvec({EMBEDDING_DIM})) halfvec_cosine_ops"


def _create_index(cursor, name: str, pk: int, rows: int, condition: str = "", params: tuple = ()) -> None:
    """The version's graph (no `condition`), or a gender's or type's halfvec graph."""
    if condition:
        indexed, (m, ef_construction) = PARTIAL_GRAPH_OF, PARTIAL_HNSW_BUILD
    else:
        indexed, (m, ef_construction) = "embedding vector_cosine_ops", hnsw_build(rows)
    cursor.execute(
        f"CREATE INDEX IF NOT EXISTS {name} ON recommender_productembedding USING hnsw "
        f"({indexed}) WITH (m = {m}, ef_construction = {ef_construction}) "
        f"WHERE model_version_id = {pk}{condition}",
        params,
    )


def build_index(version: ModelVersion) -> None:
    """A partial HNSW index over exactly this version's vectors (cosine distance), and from
    GENDER_INDEXES_FROM vectors on one more per gender, per article type of at least
    TYPE_INDEX_MIN_ROWS vectors and per pair of that many that is a minority of its type
    (PAIR_GRAPH_BELOW_SHARE), each over those vectors; each graph built as its size asks."""
    pk = int(version.pk)
    with connection.cursor() as cursor:
        # Inside an outer transaction the vectors' deferred FK checks would still be pending,
        # and Postgres refuses CREATE INDEX then; run them now (a no-op in autocommit).
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(
            "SELECT gender, article_type, count(*) FROM recommender_productembedding "
            "WHERE model_version_id = %s GROUP BY gender, article_type",
            [pk],
        )
        pairs = {(gender, article_type): count for gender, article_type, count in cursor.fetchall()}
        genders: dict[str, int] = {}
        types: dict[str, int] = {}
        for (gender, article_type), count in pairs.items():
            genders[gender] = genders.get(gender, 0) + count
            types[article_type] = types.get(article_type, 0) + count
        total = sum(genders.values())
        _create_index(cursor, index_name(version), pk, total)
        if total < GENDER_INDEXES_FROM:
            return
        for gender in sorted(g for g in genders if g):
            name = index_name(version, gender)
            _create_index(cursor, name, pk, genders[gender], " AND gender = %s", (gender,))
        for article_type in sorted(t for t, n in types.items() if t and n >= TYPE_INDEX_MIN_ROWS):
            name = index_name(version, article_type=article_type)
            _create_index(cursor, name, pk, types[article_type], " AND article_type = %s", (article_type,))
        for (gender, article_type), count in sorted(pairs.items()):
            if gender and article_type and _pair_has_graph(count, types[article_type]):
                name = index_name(version, gender, article_type)
                condition = " AND gender = %s AND article_type = %s"
                _create_index(cursor, name, pk, count, condition, (gender, article_type))


def _pair_has_graph(pair_rows: int, type_rows: int) -> bool:
    """Whether a (gender, type) pair of `pair_rows` vectors, of its type's `type_rows`, gets a
    graph of its own (a large enough minority of its type; the rest walk their type's graph)."""
    return pair_rows >= TYPE_INDEX_MIN_ROWS and pair_rows < PAIR_GRAPH_BELOW_SHARE * type_rows


def drop_index(version: ModelVersion) -> None:
    """The version's index and its partial ones (per gender, type and pair)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'recommender_productembedding' "
            "AND (indexname = %s OR indexname LIKE %s)",
            [index_name(version), index_name(version) + "\\_%"],
        )
        for (name,) in cursor.fetchall():
            cursor.execute(f'DROP INDEX IF EXISTS "{name}"')


# (database, index name) of indexes seen: an index, once there, stays while it serves.
_indexes_seen: set[tuple[str, str]] = CACHES.store("vectors.indexes_seen", set)


def index_exists(
    version: ModelVersion,
    using: str = DEFAULT_DB_ALIAS,
    gender: str | None = None,
    article_type: str | None = None,
) -> bool:
    """Whether database `using` (a replica, say) has the version's HNSW index (of one gender,
    one article type or one pair)."""
    key = (using, index_name(version, gender, article_type))
    if key in _indexes_seen:
        return True
    with connections[using].cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [key[1]])
        exists = bool(cursor.fetchone()[0])
    if exists:
        _indexes_seen.add(key)
    return exists


def ef_search_for(vectors: int) -> int:
    """The hnsw.ef_search for an index of `vectors` rows (EF_SEARCH_BY_SIZE)."""
    for up_to, ef_search in EF_SEARCH_BY_SIZE:
        if vectors <= up_to:
            return ef_search
    return EF_SEARCH_MAX


# (database, index name) -> number of vectors in that graph: a version's vectors never change once
# its indexes are built, so it is read once per process.
_index_rows: dict[tuple[str, str], int] = CACHES.store("vectors.index_rows")


def index_rows(
    version: ModelVersion,
    using: str = DEFAULT_DB_ALIAS,
    gender: str | None = None,
    article_type: str | None = None,
) -> int:
    """Rows in the version's HNSW index (its vectors), or in its graph of one gender, one
    article type or one pair, from the planner's statistics (no count)."""
    key = (using, index_name(version, gender, article_type))
    if key not in _index_rows:
        with connections[using].cursor() as cursor:
            cursor.execute("SELECT reltuples FROM pg_class WHERE oid = to_regclass(%s)", [key[1]])
            row = cursor.fetchone()
        if row is None or row[0] < 0:  # no index (yet), or never analysed: ask again next time
            return 0
        _index_rows[key] = int(row[0])
    return _index_rows[key]


def _written_as(gender: str | None, article_type: str | None, prefix: str = "") -> dict[str, str]:
    """Lookups on the gender and type a vector was written with (None: any)."""
    values = {"gender": gender, "article_type": article_type}
    return {prefix + name: value for name, value in values.items() if value is not None}


def _is_large(rows: int) -> bool:
    """Whether a version whose index holds `rows` vectors (the planner's estimate, 0 when not
    known yet) may have partial indexes; a smaller one never has, and its requests skip asking."""
    return rows == 0 or rows >= 0.9 * GENDER_INDEXES_FROM


# (database, version id, gender, article type) -> the version's vectors under that filter, up to
# EXACT_BELOW: a version's vectors never change once its index is built, so asked once a process.
_filtered_rows: dict[tuple[str, int, str | None, str | None], int] = CACHES.store("vectors.filtered_rows")


def filtered_rows(version: ModelVersion, using: str, gender: str | None, article_type: str | None) -> int:
    """How many of the version's vectors have `gender` and `article_type` (None: any), counted up
    to EXACT_BELOW (an index-only count of at most that many rows)."""
    key = (using, int(version.pk), gender, article_type)
    if key not in _filtered_rows:
        written_as = _written_as(gender, article_type)
        vectors = ProductEmbedding.objects.using(using).filter(model_version_id=version.pk, **written_as)
        _filtered_rows[key] = vectors[:EXACT_BELOW].count()
    return _filtered_rows[key]


def choose_graph(
    version: ModelVersion, using: str, rows: int, gender: str | None, article_type: str | None
) -> tuple[bool, str | None, str | None]:
    """(exact, article type, gender) of a large version's search under a gender or type filter
    (or both): the graph of exactly the filter's vectors when there is one (a gender's, a type's
    or a pair's, however few: its walk skips nothing); else exact when the filter leaves fewer
    than EXACT_BELOW vectors (stated on the vectors, so their index finds them); else the type's
    graph when it has one (a pair without its own graph is most of its type), else the gender's."""
    if not _is_large(rows) or not (gender or article_type):
        return False, None, None
    if index_exists(version, using, gender, article_type):
        return False, article_type, gender
    if filtered_rows(version, using, gender, article_type) < EXACT_BELOW:
        return True, article_type, gender
    if article_type and index_exists(version, using, article_type=article_type):
        return False, article_type, None
    if gender and index_exists(version, using, gender):
        return False, None, gender
    return False, None, None


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


def with_stored_vector(versions: QuerySet[ModelVersion], product: Product) -> QuerySet[ModelVersion]:
    """The versions, each with `stored_vector`: the product's vector under it (None: none yet),
    read in the same query as the versions."""
    vector = ProductEmbedding.objects.filter(model_version=OuterRef("pk"), product_id=product.pk)
    embedding = Subquery(vector.values("embedding")[:1], output_field=VectorField())
    return versions.annotate(stored_vector=embedding)


def with_vector_of(
    products: QuerySet[Product],
    version: ModelVersion,
    gender: str | None = None,
    article_type: str | None = None,
) -> QuerySet[Product]:
    """The products that have a vector of this version (written while the product had `gender`
    or `article_type`: the condition of that value's partial index). One filter() call: one join
    of the vectors."""
    return products.filter(
        embeddings__model_version_id=version.pk, **_written_as(gender, article_type, "embeddings__")
    )


@dataclass(frozen=True)
class SearchPlan:
    """What one search statement needs, built once by its caller (the serving code:
    recommender.serving.services.Search; the evaluation's baselines; the benchmarks) and read by nearest(),
    which calls nothing back.

    `candidates`: the products that may be answered, every condition of the request on them (their
    database answers: a replica, or the primary); `query`: the vector they are ordered by, nearest
    first. With `rank_first` (a score per product: how many of a shopper's wishes it meets), the
    RERANK_POOL nearest, and the `limit` nearest of those matching `look_first` (every wish: rare
    values are found even when they are not among the nearest), are re-ordered by that score
    first, then by distance, in the same statement; `closer` (a score) brings products with a
    higher one nearer in that order, `closer_weight` the cosine distance one point of it is worth.
    `gender`, `article_type`: every candidate has it (a shopper's filter, the category a request
    asks for or keeps), so a large version may walk that pair's, type's or gender's graph
    (choose_graph); `query_inside`: the query starts from a product of that category ("like
    this"), so the walk is never resumed (PARTIAL_RESUME_FROM). `exact` compares every candidate
    (the evaluation's option); `ef_search` overrides the one chosen from the version's size
    (benchmarks sweep it).
    """

    candidates: QuerySet[Product]
    version: ModelVersion
    query: np.ndarray
    limit: int
    exact: bool = False
    rank_first: Combinable | None = None
    look_first: Q | None = None
    closer: Combinable | None = None
    closer_weight: float = 0.0
    gender: str | None = None
    article_type: str | None = None
    query_inside: bool = False
    ef_search: int | None = None


def nearest(plan: SearchPlan) -> list[tuple[Product, float]]:
    """ONE SQL query (two, below): the plan's candidates ordered by cosine distance of their vector
    of its version to its query, re-ranked as it asks; (product, cosine similarity) pairs, closest
    first. A large version walks the graph of the plan's category, or compares few vectors one by
    one (choose_graph), and repeats a walk exactly when the other conditions leave it too few
    products."""
    using = plan.candidates.db
    rows = index_rows(plan.version, using)
    exact, by_type, by_gender = plan.exact, None, None
    if not exact:
        exact, by_type, by_gender = choose_graph(plan.version, using, rows, plan.gender, plan.article_type)
    walks_partial_graph = bool(by_type or by_gender) and not exact
    chosen = ef_search_for(rows)
    ef_search = plan.ef_search or (min(chosen, PARTIAL_EF_SEARCH_MAX) if walks_partial_graph else chosen)
    query = vector_literal(np.asarray(plan.query, dtype=np.float32))
    with_distance = with_vector_of(plan.candidates, plan.version, by_gender, by_type).annotate(
        distance=CosineDistance("embeddings__embedding", Value(query))
    )
    graph_rows = index_rows(plan.version, using, by_gender, by_type) if walks_partial_graph else None
    if plan.query_inside and graph_rows:
        graph_rows = min(graph_rows, PARTIAL_RESUME_FROM - 1)  # walked once
    nearest_first, walked = _in_search_order(with_distance, query, exact, graph_rows, ef_search, plan.limit)
    sql, params = _statement(nearest_first, plan, walked)
    found = _run(sql, tuple(params), using, ef_search, walked > plan.limit, walks_partial_graph)
    if walks_partial_graph and len(found) < plan.limit:
        # The walk met too few products that also meet the request's other conditions: those
        # are few among the filter's, so compare them one by one (no graph walked: no ef_search).
        return nearest(replace(plan, exact=True, ef_search=None))
    return [(p, 1.0 - float(p.distance)) for p in found]


def _statement(nearest_first: QuerySet[Product], plan: SearchPlan, walked: int) -> tuple[str, list]:
    """SQL of nearest()'s search: the `limit` nearest of `nearest_first`, or its nearest
    re-ranked by the plan's `rank_first`."""
    if plan.rank_first is None:
        return _walked(nearest_first, plan.limit, walked)
    closer = Value(0) if plan.closer is None else plan.closer
    scored = nearest_first.annotate(rank_first=plan.rank_first, closer=closer)
    return _reranked(scored, plan.limit, plan.look_first, plan.closer_weight, walked)


def _in_search_order(
    with_distance: QuerySet[Product], query: str, exact: bool, graph_rows: int | None, ef_search: int,
    limit: int,
) -> tuple[QuerySet[Product], int]:
    """The candidates in the order the search reads them, and how many rows of a partial graph's
    walk _walked re-sorts by exact `distance` (0: none); `query` is the query vector as SQL reads
    it (vector_literal). A walk of the filter's halfvec graph (of `graph_rows` vectors; None: none
    walked) gives one batch's head or, in a graph of PARTIAL_RESUME_FROM vectors or more, the walk
    resumed for PARTIAL_WALK_BATCHES batches."""
    if graph_rows is None:
        # Exact: by an expression no HNSW index answers (pgvector's way to compare every row), so
        # the planner still finds the filter's rows by their btree indexes.
        return with_distance.order_by(F("distance") + 0 if exact else "distance"), 0
    as_half = HalfVectorField(dimensions=EMBEDDING_DIM)
    half_distance = CosineDistance(Cast("embeddings__embedding", as_half), Cast(Value(query), as_half))
    batches = PARTIAL_WALK_BATCHES if graph_rows >= PARTIAL_RESUME_FROM else 1
    walk_order = with_distance.alias(walk_distance=half_distance).order_by("walk_distance")
    return walk_order, (batches - 1) * ef_search + limit


def _walked(nearest_first: QuerySet[Product], limit: int, walked: int) -> tuple[str, list]:
    """SQL of the `limit` nearest of `nearest_first`: its first `limit` rows; or, from a partial
    graph's walk, its first `walked` rows re-sorted by exact `distance` (a walk resumed past its
    first batches takes the next batch's first `limit`: a batch comes nearest first)."""
    if not walked:
        sql, params = nearest_first[:limit].query.sql_with_params()
        return sql, list(params)
    sql, params = nearest_first[:walked].query.sql_with_params()
    # "+ 0" as pgvector's docs write it: never answered by the walk's own order.
    return f"SELECT * FROM ({sql}) AS walked ORDER BY distance + 0 LIMIT %s", [*params, limit]


def _run(sql: str, params: tuple, using: str, ef_search: int, resumed: bool, walk: bool) -> list[Product]:
    """The search statement with its scan settings, in one round trip."""
    # Iterative scan: when conditions reject rows, the HNSW scan continues instead of returning
    # fewer than `limit` results. strict_order keeps exact distance order, by dropping what a
    # resumed batch finds nearer than rows already returned; relaxed_order returns it (_walked).
    order = "relaxed_order" if resumed else "strict_order"
    settings = [f"hnsw.iterative_scan = {order}", f"hnsw.ef_search = {int(ef_search)}"]
    if walk:
        # The walk drives the statement, each product it meets looked up by its key: PostgreSQL
        # counts a category stated on the vectors and on the products twice, so it underestimates
        # the rows a request leaves, and sorted them instead of walking (at 100k products, a
        # pair of 5k vectors in 21 ms; at 1M, 123k T-shirts under a price in 590 ms), or held
        # the products meeting a shopper's wishes aside and compared each met vector with every
        # one of them (200 ms; docs/SCALING.md). The walk stops after WALK_MAX_SCAN_TUPLES, and
        # nearest() then compares the few rows left one by one.
        settings += [f"hnsw.max_scan_tuples = {WALK_MAX_SCAN_TUPLES}"]
        settings += [f"{plan} = off" for plan in ("enable_sort", "enable_material", "enable_hashjoin")]
    with connections[using].cursor() as cursor:
        # The settings and the query sent as one string (psycopg's client-side binding, Django's
        # default) run as one transaction, so the SET LOCALs hold for this query alone (inside
        # an outer transaction: until it ends).
        cursor.execute("".join(f"SET LOCAL {setting}; " for setting in settings) + sql, params)
        for _ in settings:
            cursor.nextset()
        return _as_products(cursor, using)


def _as_products(cursor, using: str) -> list[Product]:
    """The cursor's rows (product columns and annotations) as Product.objects.raw() gives them."""
    db = connections[using]
    columns = [column.name for column in cursor.description]
    fields = {f.column: f for f in Product._meta.concrete_fields}
    compiler = db.ops.compiler("SQLCompiler")(sql_query.Query(Product), db, using)
    cols = [fields[c].get_col(Product._meta.db_table) if c in fields else None for c in columns]
    rows = cursor.fetchall()
    converters = compiler.get_converters(cols)
    if converters:
        rows = list(compiler.apply_converters(rows, converters))
    names = [fields[c].attname for c in columns if c in fields]
    positions = [i for i, c in enumerate(columns) if c in fields]
    annotations = [(c, i) for i, c in enumerate(columns) if c not in fields]
    products = []
    for row in rows:
        product = Product.from_db(using, names, [row[i] for i in positions])
        for name, i in annotations:
            setattr(product, name, row[i])
        products.append(product)
    return products


def _reranked(
    scored: QuerySet[Product], limit: int, look_first: Q | None, weight: float, walked: int = 0
) -> tuple[str, list]:
    """SQL of the pool of nearest products (and the nearest meeting `look_first`), best score first."""
    pool = max(RERANK_POOL, 4 * limit)
    parts = [_walked(scored, pool, walked and walked - limit + pool)]
    if look_first is not None:
        parts.append(scored.filter(look_first)[:limit].query.sql_with_params())
    union = " UNION ".join(f"({sql})" for sql, _ in parts)
    params = [p for _, part_params in parts for p in part_params]
    ranked = f"SELECT * FROM ({union}) AS pool ORDER BY rank_first DESC, distance - %s * closer LIMIT %s"
    return ranked, [*params, weight, limit]
