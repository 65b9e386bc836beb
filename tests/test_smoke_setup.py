from django.db import connection


def test_embedded_postgres_has_pgvector(db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT extversion FROM pg_extension WHERE extname = 'vector'")
        row = cursor.fetchone()
    assert row is not None, "the vector extension is not installed"
    major, minor = (int(x) for x in row[0].split(".")[:2])
    assert (major, minor) >= (0, 8), row[0]


def test_small_catalog_loaded(catalog):
    assert 250 <= catalog.count() <= 300
    assert set(catalog.values_list("split", flat=True)) >= {"train", "val", "test"}
