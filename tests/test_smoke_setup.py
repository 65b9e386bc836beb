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


def test_embedded_postgres_is_sized_for_the_machine(db, settings):
    """PostgreSQL's 128 MB of buffers would re-read a large catalog's graphs on every search."""
    import pytest

    from config.embedded import _machine_memory, memory_settings

    if not settings.SERVICES.embedded_postgres:
        pytest.skip("DATABASE_URL names a server this project does not configure")
    with connection.cursor() as cursor:
        for name, value in memory_settings(_machine_memory()).items():
            cursor.execute("SELECT pg_size_bytes(current_setting(%s)) = pg_size_bytes(%s)", [name, value])
            assert cursor.fetchone()[0], f"{name} is not {value}"


def test_memory_settings_take_a_share_of_the_machine_within_bounds():
    from config.embedded import memory_settings

    assert memory_settings(24 * 2**30) == {"shared_buffers": "6144MB", "maintenance_work_mem": "3072MB"}
    assert memory_settings(256 * 2**20) == {"shared_buffers": "128MB", "maintenance_work_mem": "64MB"}
    assert memory_settings(1024 * 2**30) == {"shared_buffers": "8192MB", "maintenance_work_mem": "4096MB"}
