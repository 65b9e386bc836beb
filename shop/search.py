"""Keyword search of the catalog in PostgreSQL: a weighted full-text match, and "did you mean".

Products carry a stored, GIN-indexed search vector (``Product.search_vector``): the article
type weighs most, then colour and brand, then the name and other words, so "navy shirt" ranks
navy Shirts above navy T-shirts. A word the catalog does not have ("shrt") is corrected to the
catalog word with the highest trigram similarity (``shop.trigram``), the more common one first
when two are as close.
"""

from __future__ import annotations

import re

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import F, QuerySet

from shop.models import SEARCH_CONFIG, Product

# The words of the catalog a correction may suggest, counted per product (unstemmed, lower case).
LEXICON_SQL = (
    "SELECT word, ndoc FROM ts_stat($$SELECT to_tsvector('simple', article_type || ' ' || base_colour"
    " || ' ' || brand || ' ' || name) FROM shop_product WHERE is_active$$) WHERE word ~ '^[a-z]+$'"
)
# The closest catalog word to one typed word. Candidates share the first letter or the last two
# letters with it: that keeps the similarity cheap where it runs in plain SQL (shop.trigram).
SUGGEST_SQL = f"""
SELECT word, similarity(word, %(typed)s) AS score
FROM ({LEXICON_SQL}) AS lexicon
WHERE (left(word, 1) = left(%(typed)s, 1) OR right(word, 2) = right(%(typed)s, 2))
  AND plainto_tsquery('english', %(typed)s)::text <> ''  -- stop words ("for", "with") stay as typed
ORDER BY score DESC, ndoc DESC, word
LIMIT 1
"""
MIN_SIMILARITY = 0.25  # "nvy" -> "navy" scores 0.29
MAX_CORRECTED_WORDS = 6
_WORD = re.compile(r"[a-z]+")


def search_query(text: str) -> SearchQuery:
    """The shopper's words as a full-text query (web-search syntax: every word must match)."""
    return SearchQuery(text, config=SEARCH_CONFIG, search_type="websearch")


def matching(products: QuerySet[Product], text: str) -> QuerySet[Product]:
    """The products matching every word of `text`, annotated with `search_rank` (higher first)."""
    query = search_query(text)
    return products.filter(search_vector=query).annotate(search_rank=SearchRank(F("search_vector"), query))


def closest_word(typed: str) -> str | None:
    """The catalog word closest to `typed` by trigram similarity, when one is close enough."""
    with connection.cursor() as cursor:
        cursor.execute(SUGGEST_SQL, {"typed": typed})
        row = cursor.fetchone()
    if row is None or row[1] < MIN_SIMILARITY:
        return None
    return row[0]


def did_you_mean(text: str) -> str | None:
    """`text` with each word the catalog does not have replaced by the closest one it has
    ("shrt" -> "shirt"); None when nothing changes."""
    words = text.lower().split()
    if not words or len(words) > MAX_CORRECTED_WORDS:
        return None
    corrected = []
    for word in words:
        if _WORD.fullmatch(word) and len(word) >= 3:
            corrected.append(closest_word(word) or word)
        else:
            corrected.append(word)
    suggestion = " ".join(corrected)
    return suggestion if suggestion != " ".join(words) else None
