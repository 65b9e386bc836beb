from django.db import connection


def test_embedded_postgres_has_pgvector(db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT extversion FROM pg_extension WHERE extname = 'vector'")
        row = cursor.fetchone()
    assert row is not None, "the vector extension is not installed"
    major, minor = (int(x) for x in row[0].split(".")[:2])
    assert (major, minor) >= (0, 8), row[0]


def test_small_catalog_loaded(catalog):
    from tests.conftest import SMALL_CATALOG_SIZE

    assert 0.9 * SMALL_CATALOG_SIZE <= catalog.count() <= SMALL_CATALOG_SIZE
    assert set(catalog.values_list("split", flat=True)) >= {"train", "val", "test"}
