"""Keyword search of the catalog in PostgreSQL: a weighted full-text match, "did you mean", and
suggestions while the shopper types (the catalog's product types, colours and brands).

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
# What the catalog has, as suggestions: a value that starts with the typed letters (or has a word
# that does: "blue" -> Navy Blue) first, then one close by trigram similarity ("jeens" -> Jeans),
# the more common first. Candidates for similarity share the first letter (cheap in plain SQL).
SUGGESTIONS_SQL = """
WITH terms AS (
  SELECT 'type' AS kind, article_type AS label, count(*) AS n FROM shop_product
   WHERE is_active AND article_type <> '' GROUP BY article_type
  UNION ALL
  SELECT 'colour', base_colour, count(*) FROM shop_product
   WHERE is_active AND base_colour <> '' GROUP BY base_colour
  UNION ALL
  SELECT 'brand', brand, count(*) FROM shop_product WHERE is_active AND brand <> '' GROUP BY brand
), scored AS (
  SELECT kind, label, n,
         lower(label) LIKE %(prefix)s OR lower(label) LIKE %(word_prefix)s AS starts,
         CASE WHEN left(lower(label), 1) = left(%(typed)s, 1)
              THEN similarity(lower(label), %(typed)s) ELSE 0 END AS score
  FROM terms
)
SELECT kind, label FROM scored
WHERE starts OR score >= %(min_score)s
ORDER BY starts DESC, score DESC, n DESC, label
LIMIT %(limit)s
"""
SUGGESTION_MIN_SIMILARITY = 0.3  # "jeens" -> "jeans" scores 0.33
MIN_SUGGEST_LETTERS = 2
# did_you_mean looks each word up in the catalog's words (one trigram query a word), so this bounds
# the extra queries a search costs. A typed search is a few words ("nike runing shoes"); a longer
# one is a pasted product name (4-9 words in the demo catalog) or a sentence, which is searched as
# it is rather than corrected word by word.
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


def _like_escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def suggestions(typed: str, limit: int = 8) -> list[tuple[str, str]]:
    """(kind, label) of the catalog's product types, colours and brands that the typed letters
    start (or nearly spell): kind is "type", "colour" or "brand". Nothing for under 2 letters."""
    typed = " ".join(typed.lower().split())
    if len(typed) < MIN_SUGGEST_LETTERS:
        return []
    escaped = _like_escaped(typed)
    params = {
        "typed": typed, "prefix": f"{escaped}%", "word_prefix": f"% {escaped}%",
        "min_score": SUGGESTION_MIN_SIMILARITY, "limit": limit,
    }  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(SUGGESTIONS_SQL, params)
        return [(kind, label) for kind, label in cursor.fetchall()]


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
