"""ef_search chosen from the version's size (recommender.serving.vectors), on real Postgres + pgvector."""

from __future__ import annotations

import numpy as np
import pytest
from django.db import connection, transaction

from recommender.models import ModelVersion
from recommender.serving import vectors
from shop.models import Product
from shop.selectors import ProductFilters, filter_products


def test_ef_search_grows_with_the_catalog():
    assert vectors.ef_search_for(0) == vectors.ef_search_for(9_583) == 100  # today's store: unchanged
    sizes = [1_000, 50_000, 100_000, 500_000, 1_000_000, 5_000_000, 50_000_000]
    chosen = [vectors.ef_search_for(n) for n in sizes]
    assert chosen == sorted(chosen) and chosen[-1] == vectors.EF_SEARCH_MAX <= 1000  # pgvector's limit
    limits = [up_to for up_to, _ in vectors.EF_SEARCH_BY_SIZE]
    assert limits == sorted(limits)
    for up_to, ef_search in vectors.EF_SEARCH_BY_SIZE:
        assert vectors.ef_search_for(up_to) == ef_search


def _indexed_version(products: list[Product]) -> ModelVersion:
    version = ModelVersion.objects.create(status=ModelVersion.Status.READY)
    rng = np.random.default_rng(0)
    x = rng.standard_normal((len(products), 256)).astype(np.float32)
    vectors.write_embeddings(version, [p.pk for p in products], x / np.linalg.norm(x, axis=1, keepdims=True))
    return version


@pytest.mark.django_db
def test_nearest_sets_ef_search_from_the_index_size(catalog, monkeypatch):
    products = list(catalog)
    version = _indexed_version(products)
    assert vectors.index_rows(version) == 0  # no index yet: not cached, asked again
    vectors.build_index(version)
    assert vectors.index_rows(version) == len(products)
    monkeypatch.setattr(vectors, "EF_SEARCH_BY_SIZE", ((len(products) - 1, 11), (len(products), 37)))
    statements: list[str] = []

    def record(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    query = np.ones(256, dtype=np.float32)
    with connection.execute_wrapper(record):
        found = _nearest(filter_products(ProductFilters()), version, query, 5)
        _nearest(filter_products(ProductFilters()), version, query, 5, ef_search=300)
    assert len(found) == 5
    sent = "\n".join(statements)
    assert "SET LOCAL hnsw.ef_search = 37" in sent and "SET LOCAL hnsw.ef_search = 300" in sent


def _nearest(products, version: ModelVersion, query: np.ndarray, limit: int, **options) -> list:
    """vectors.nearest() of a plan of these candidates and options (vectors.SearchPlan)."""
    return vectors.nearest(vectors.SearchPlan(products, version, query, limit, **options))


def _index_names(version: ModelVersion) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE indexname LIKE %s", [vectors.index_name(version) + "%"]
        )
        return {name for (name,) in cursor.fetchall()}


@pytest.mark.django_db
def test_vectors_carry_their_products_gender_and_type_and_a_large_version_gets_partial_indexes(
    catalog, monkeypatch
):
    from collections import Counter

    from recommender.models import ProductEmbedding

    products = list(catalog)
    small = _indexed_version(products)
    vectors.build_index(small)
    assert _index_names(small) == {vectors.index_name(small)}  # below GENDER_INDEXES_FROM: one index
    stored = ProductEmbedding.objects.filter(model_version=small)
    written = {pid: (g, t) for pid, g, t in stored.values_list("product_id", "gender", "article_type")}
    assert written == {p.pk: (p.gender, p.article_type) for p in products}

    types = Counter(p.article_type for p in products)
    fewest = min(types.values())
    common = [t for t, n in types.items() if n > fewest]
    assert common and len(common) < len(types)  # some types get an index, some are too small
    monkeypatch.setattr(vectors, "GENDER_INDEXES_FROM", len(products))
    monkeypatch.setattr(vectors, "TYPE_INDEX_MIN_ROWS", fewest + 1)
    monkeypatch.setattr(vectors, "EXACT_BELOW", 5)  # every filter here is large enough for a graph
    large = _indexed_version(products)
    vectors.build_index(large)
    genders = {p.gender for p in products}
    assert _index_names(large) == {
        vectors.index_name(large),
        *(vectors.index_name(large, g) for g in genders),
        *(vectors.index_name(large, article_type=t) for t in common),
    }
    assert all(vectors.index_exists(large, gender=g) for g in genders)
    assert not vectors.index_exists(large, article_type=min(types, key=types.get))

    _type_filters_walk_their_graph_or_compare_few_vectors(large, common[0], types[common[0]], monkeypatch)

    men = filter_products(ProductFilters(gender="Men"))
    query = np.ones(256, dtype=np.float32)
    by_index = _nearest(men, large, query, 10, gender="Men")
    exact = _nearest(men, large, query, 10, exact=True, gender="Men")
    assert [p.pk for p, _ in by_index] == [p.pk for p, _ in exact]
    assert len(by_index) == 10 and all(p.gender == "Men" for p, _ in by_index)

    vectors.drop_index(large)
    assert _index_names(large) == set() and _index_names(small) == {vectors.index_name(small)}


def _search_sent(search) -> tuple[str, tuple]:
    """The search statement (its SET LOCALs included) that `search()` sends."""
    sent: list[tuple[str, tuple]] = []

    def record(execute, sql, params, many, context):
        sent.append((sql, tuple(params or ())))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        search()
    return next((sql, params) for sql, params in sent if "<=>" in sql)


def _plan(search_sql: str, params: tuple, settings: str) -> str:
    """EXPLAIN of a sent search statement, under its own SET LOCALs and `settings`."""
    select = search_sql.index("SELECT")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(search_sql[:select] + settings)
        cursor.execute("EXPLAIN " + search_sql[select:], params)
        return "\n".join(row[0] for row in cursor.fetchall())


def _type_filters_walk_their_graph_or_compare_few_vectors(large, article_type, type_rows, monkeypatch):
    """A type filter on a large version walks its graph (once, or resumed in a large graph);
    a gender and type pair too, while it leaves EXACT_BELOW vectors or more, else an exact scan;
    every answer matches the exact search's."""
    query = np.ones(256, dtype=np.float32)
    men = filter_products(ProductFilters(article_type=article_type, gender="Men"))
    assert men.count() > vectors.EXACT_BELOW
    monkeypatch.setattr(vectors, "PARTIAL_EF_SEARCH_MAX", 60)  # below the version's own (100)
    # A graph below PARTIAL_RESUME_FROM vectors is walked once, its head re-sorted by exact distance.
    men_shirts = {"article_type": article_type, "gender": "Men"}
    once_sql, _ = _search_sent(lambda: _nearest(men, large, query, 5, **men_shirts))
    assert "strict_order" in once_sql and "LIMIT 5) AS walked ORDER BY distance + 0" in once_sql
    monkeypatch.setattr(vectors, "PARTIAL_RESUME_FROM", type_rows)  # the type's graph is large
    found: list = []
    search_sql, search_params = _search_sent(
        lambda: found.extend(_nearest(men, large, query, 5, article_type=article_type, gender="Men"))
    )
    assert [p.pk for p, _ in found] == [p.pk for p, _ in _nearest(men, large, query, 5, exact=True)]
    # The search states the type's index condition (so the planner can walk that graph), not
    # the gender's: the type's graph is the smaller one.
    assert '"recommender_productembedding"."article_type" = %s' in search_sql
    # The walk resumed once (relaxed order): the first batch and the next one's head, re-sorted.
    assert vectors.ef_search_for(vectors.index_rows(large)) == 100 and "hnsw.ef_search = 60;" in search_sql
    earlier_batches = (vectors.PARTIAL_WALK_BATCHES - 1) * 60
    assert "hnsw.iterative_scan = relaxed_order" in search_sql
    assert f"LIMIT {earlier_batches + 5}" in search_sql
    assert search_sql.endswith("AS walked ORDER BY distance + 0 LIMIT %s") and search_params[-1] == 5
    assert article_type in search_params
    assert '"recommender_productembedding"."gender" = %s' not in search_sql
    # The walk is of the type's own (halfvec) graph: the version's graph cannot answer its order.
    # The statement itself keeps the planner from sorting the type's rows instead (enable_sort).
    assert "SET LOCAL enable_sort = off;" in search_sql
    plan = _plan(search_sql, search_params, "SET LOCAL enable_seqscan = off")
    assert vectors.index_name(large, article_type=article_type) in plan
    assert f"{vectors.index_name(large)} " not in plan
    assert "<=> %s) + %s) ASC" not in search_sql  # not the exact order
    _few_vectors_are_compared_unless_they_have_a_graph(large, article_type, type_rows, monkeypatch)


def _few_vectors_are_compared_unless_they_have_a_graph(large, article_type, type_rows, monkeypatch):
    """A filter leaving fewer vectors than EXACT_BELOW: a type (or gender) with a graph of its
    own still walks it (a walk that skips nothing); a gender and type pair, which has no graph,
    is compared one by one, found by the vectors' own columns (their btree index)."""
    query = np.ones(256, dtype=np.float32)
    shirts = filter_products(ProductFilters(article_type=article_type))
    men = filter_products(ProductFilters(article_type=article_type, gender="Men"))
    monkeypatch.setattr(vectors, "EXACT_BELOW", type_rows + 1)
    monkeypatch.setattr(vectors, "_filtered_rows", {})
    assert vectors.choose_graph(large, "default", 10**6, None, article_type) == (False, article_type, None)
    assert vectors.choose_graph(large, "default", 10**6, "Men", None) == (False, None, "Men")
    assert vectors.choose_graph(large, "default", 10**6, "Men", article_type) == (True, article_type, "Men")
    few: list = []
    few_sql, few_params = _search_sent(
        lambda: few.extend(_nearest(men, large, query, 5, article_type=article_type, gender="Men"))
    )
    assert [p.pk for p, _ in few] == [p.pk for p, _ in _nearest(men, large, query, 5, exact=True)]
    assert "relaxed_order" not in few_sql and "AS walked" not in few_sql  # no graph, no walk
    assert "enable_sort" not in few_sql
    # Exact: ordered by an expression no HNSW index answers; the vectors found by their btree.
    assert "<=> %s) + %s) ASC" in few_sql
    plan = _plan(few_sql, few_params, "SET LOCAL enable_seqscan = off")
    assert "embedding_hnsw" not in plan and "embedding_version_type_gender" in plan
    walked = _nearest(shirts, large, query, 10, article_type=article_type)
    exact = _nearest(shirts, large, query, 10, exact=True, article_type=article_type)
    assert [p.pk for p, _ in walked] == [p.pk for p, _ in exact]


@pytest.fixture
def version_with_pair_graphs(catalog, monkeypatch):
    """A large version of the small catalog (graphs from 10 vectors on), with its pairs by kind:
    a minority of their type (a graph of their own), most of it, too few for a graph."""
    from collections import Counter

    products = list(catalog)
    pairs = Counter((p.gender, p.article_type) for p in products)
    types = Counter(p.article_type for p in products)
    monkeypatch.setattr(vectors, "GENDER_INDEXES_FROM", len(products))
    monkeypatch.setattr(vectors, "TYPE_INDEX_MIN_ROWS", 10)
    monkeypatch.setattr(vectors, "EXACT_BELOW", 10)
    kinds = {
        "minority": sorted(pair for pair, n in pairs.items() if 10 <= n < types[pair[1]] / 2),
        "majority": sorted(pair for pair, n in pairs.items() if n >= max(10, types[pair[1]] / 2)),
        "few": sorted(pair for pair, n in pairs.items() if n < 10 and types[pair[1]] >= 10),
    }
    assert all(kinds.values())  # the small catalog has each kind (women's T-shirts, men's, girls' dresses)
    version = _indexed_version(products)
    vectors.build_index(version)
    return version, kinds


def test_a_pair_that_is_a_minority_of_its_type_walks_a_graph_of_its_own(version_with_pair_graphs):
    """A (gender, type) pair of TYPE_INDEX_MIN_ROWS vectors or more that holds less than
    PAIR_GRAPH_BELOW_SHARE of its type gets a graph of its own, and its filter walks it; a pair
    that is most of its type walks the type's graph; a smaller pair is compared one by one. Every
    answer is the exact search's."""
    large, kinds = version_with_pair_graphs
    pair_graphs = {name for name in _index_names(large) if "_p_" in name}
    assert pair_graphs == {vectors.index_name(large, g, t) for g, t in kinds["minority"]}
    query = np.ones(256, dtype=np.float32)
    walks = {
        "minority": lambda g, t: ((False, t, g), vectors.index_name(large, g, t)),
        "majority": lambda g, t: ((False, t, None), vectors.index_name(large, article_type=t)),
        "few": lambda g, t: ((True, t, g), None),
    }
    for kind, expected in walks.items():
        gender, article_type = kinds[kind][0]
        plan, graph = expected(gender, article_type)
        assert vectors.choose_graph(large, "default", 10**6, gender, article_type) == plan, kind
        pair = filter_products(ProductFilters(article_type=article_type, gender=gender))
        found: list = []
        sql, params = _search_sent(
            lambda p=pair, g=gender, t=article_type, out=found: out.extend(
                _nearest(p, large, query, 5, gender=g, article_type=t)
            )
        )
        exact = _nearest(pair, large, query, 5, exact=True)
        assert [p.pk for p, _ in found] == [p.pk for p, _ in exact], kind
        walked = _plan(sql, params, "SET LOCAL enable_seqscan = off")
        if graph is None:
            assert "embedding_hnsw" not in walked and "enable_sort" not in sql, kind
        else:
            assert f"{graph} " in walked and f"{vectors.index_name(large)} " not in walked, kind
            assert "SET LOCAL enable_sort = off;" in sql, kind  # never the rows sorted instead


def test_like_this_searches_the_graph_of_the_pair_it_keeps(version_with_pair_graphs, monkeypatch):
    """recommend()'s search keeps the reference's gender and type, and a large version walks
    the graph that pair's filter walks: its own when it has one, with or without wishes, and
    once however large (the query starts inside it), where a query from outside resumes."""
    from recommender.serving import services, understanding

    large, kinds = version_with_pair_graphs
    monkeypatch.setattr(vectors, "PARTIAL_RESUME_FROM", 1)  # every graph large enough to resume
    gender, article_type = kinds["minority"][0]
    reference = Product.objects.filter(gender=gender, article_type=article_type).first()
    query = np.asarray(vectors.stored_vector(large, reference))
    candidates = services.candidate_products(ProductFilters(), exclude_ids=(reference.pk,))
    for text in ("", "in black"):
        interpretation = understanding.understand(text, reference)
        found: list = []
        sql, params = _search_sent(
            lambda i=interpretation, out=found: out.extend(
                services.Search(candidates, large, reference, query, 5).run(i)
            )
        )
        assert found and all((p.gender, p.article_type) == (gender, article_type) for p, _ in found)
        walked = _plan(sql, params, "SET LOCAL enable_seqscan = off")
        assert f"{vectors.index_name(large, gender, article_type)} " in walked, text
        assert f"{vectors.index_name(large)} " not in walked, text
        assert "strict_order" in sql and "relaxed_order" not in sql, text  # one walk
    assert gender != "Men"
    outside = ProductFilters(gender="Men", article_type=article_type)  # men's asked for on a women's
    candidates = services.candidate_products(outside, exclude_ids=(reference.pk,))
    interpretation = understanding.understand("", reference, relax=services.overridden_category(outside))
    sql, _ = _search_sent(
        lambda: services.Search(candidates, large, reference, query, 5, filters=outside).run(interpretation)
    )
    assert "relaxed_order" in sql  # the walk resumed


def test_a_walk_that_meets_too_few_of_the_requests_products_is_repeated_exactly(version_with_pair_graphs):
    """A walk of the category's graph is always taken (enable_sort off: PostgreSQL misjudges the
    rows a category leaves) and stops after WALK_MAX_SCAN_TUPLES; when the request's other
    conditions (a price, a negation, stock) leave fewer than `limit` products in it, the search
    compares them one by one. Either way the answer is the exact search's."""
    from recommender.serving import services, understanding

    large, kinds = version_with_pair_graphs
    gender, article_type = kinds["minority"][0]
    pair = Product.objects.filter(gender=gender, article_type=article_type)
    prices = sorted(p.selling_price for p in pair)
    reference = pair.order_by("price").last()
    query = np.asarray(vectors.stored_vector(large, reference))
    cheapest = prices[0]
    assert sum(price <= cheapest for price in prices) < 5  # fewer than the 5 asked for sell for it
    requests = {
        ("", ProductFilters()): False,
        ("in black", ProductFilters()): False,
        ("not black", ProductFilters()): False,
        ("", ProductFilters(max_price=reference.price)): False,
        ("", ProductFilters(max_price=cheapest)): True,
        ("", ProductFilters(in_stock=True)): None,  # as many as the small catalog has in stock
    }
    for (text, filters), too_few in requests.items():
        relaxed = services.overridden_category(filters)
        interpretation = understanding.understand(text, reference, relax=relaxed)
        candidates = services.candidate_products(filters, exclude_ids=(reference.pk,))
        sent: list[str] = []

        def record(execute, sql, params, many, context, sent=sent):
            sent.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(record):
            search = services.Search(candidates, large, reference, query, 5, filters=filters)
            found = search.run(interpretation)
        searches = [sql for sql in sent if "<=>" in sql]
        bounded = f"SET LOCAL hnsw.max_scan_tuples = {vectors.WALK_MAX_SCAN_TUPLES};"
        assert bounded in searches[0] and "SET LOCAL enable_sort = off;" in searches[0], (text, filters)
        if too_few is not None:
            assert (len(searches) == 2) is too_few and (len(found) < 5) is too_few, (text, filters)
        if len(searches) == 2:
            assert "enable_sort" not in searches[1] and "<=> %s) + %s) ASC" in searches[1]
        exact = services.Search(candidates, large, reference, query, 5, exact=True).run(interpretation)
        assert [p.pk for p, _ in found] == [p.pk for p, _ in exact], (text, filters)


def test_an_index_name_fits_postgres_and_keeps_spellings_apart():
    version = ModelVersion(pk=123456)
    long = vectors.index_name(version, article_type="Lounge Tshirts and Very Long Type Names " * 3)
    assert len(long) <= 63
    spellings = {vectors.index_name(version, article_type=t) for t in ("T-shirts", "Tshirts")}
    assert len(spellings) == 2
    long_pair = vectors.index_name(version, "Unisex Adults", "Lounge Tshirts and Very Long Type Names " * 3)
    assert len(long_pair) <= 63
    graphs = {vectors.index_name(version, g, t) for g in ("Men", "Women") for t in ("T-shirts", "Tshirts")}
    graphs |= {vectors.index_name(version, "Men"), *spellings}
    assert len(graphs) == 7  # each pair's, gender's and type's graph named apart


@pytest.mark.django_db
def test_each_graph_is_built_as_its_size_asks(catalog, monkeypatch):
    assert vectors.hnsw_build(9_583) == (16, 64)  # pgvector's defaults: today's store unchanged
    assert vectors.hnsw_build(1_000_000) == vectors.HNSW_BUILD_LARGE
    products = list(catalog)
    monkeypatch.setattr(vectors, "HNSW_BUILD_BY_SIZE", ((len(products) - 1, 16, 64),))
    version = _indexed_version(products)
    vectors.build_index(version)
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = %s", [vectors.index_name(version)])
        definition = cursor.fetchone()[0]
    m, ef_construction = vectors.HNSW_BUILD_LARGE
    assert f"m='{m}'" in definition and f"ef_construction='{ef_construction}'" in definition


@pytest.mark.django_db
def test_a_rewritten_vector_follows_its_products_new_gender(catalog):
    from recommender.models import ProductEmbedding

    product = catalog.filter(gender="Men").first()
    version = _indexed_version([product])
    Product.objects.filter(pk=product.pk).update(gender="Women")
    vectors.write_embeddings(version, [product.pk], np.ones((1, 256), dtype=np.float32) / 16)
    assert ProductEmbedding.objects.get(model_version=version, product=product).gender == "Women"


@pytest.mark.django_db
def test_the_one_article_type_of_a_request_is_the_catalogs_spelling(catalog):
    """What decides the type index a large version's search walks: a shopper's filter in any
    case, else a hard condition naming one type; never a wish or a choice of several types."""
    from language import Constraint
    from recommender.serving import understanding

    kept = Constraint("article_type", "in", ("Tshirts",), "", True)
    assert understanding.single_article_type([kept]) == "Tshirts"
    assert understanding.single_article_type([kept], filtered="tSHIRTS") == "Tshirts"
    assert understanding.single_article_type([], filtered="No Such Type") is None
    several = Constraint("article_type", "in", ("Sandals", "Flip Flops"), "as sandals", True)
    wish = Constraint("article_type", "in", ("Tshirts",), "t-shirt", False)
    excluded = Constraint("article_type", "not_in", ("Tshirts",), "not a t-shirt", True)
    assert understanding.single_article_type([several]) is None
    assert understanding.single_article_type([wish]) is None
    assert understanding.single_article_type([excluded]) is None
    men = Constraint("gender", "in", ("Men",), "", True)
    assert understanding.single_value([kept, men], "gender") == "Men"
    assert understanding.single_value([several], "gender") is None
