"""Fashion IQ's real captions on the catalog's products: real shoppers' phrasing for training.

Fashion IQ's images are not available, but its captions are ("is solid gray with long sleeves",
"has no sleeves and is blue"). A caption pair that ``ml.fashion_iq_labels`` reads as catalog
attribute values becomes training triplets on catalog products: a target with every requested
value, and a reference of the same type, gender and age group that records those fields and
differs in at least one. The caption text is kept as people wrote it (joined as Fashion IQ does).

Categories map to catalog types as PROTOCOL.md's real-phrasing set does (``POOLS``): shirt to
men's Shirts, toptee to men's Tshirts and women's Tops/Tshirts, dress to women's Dresses. Only the
train and val caption files are ever opened; training uses train captions on train products.
"""

from __future__ import annotations

import json
import random
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

from ml.data import CatalogProduct
from ml.fashion_iq_labels import read_caption_pair
from ml.mining import Triplet

CATEGORIES = ("dress", "shirt", "toptee")
CAPTION_SPLITS = ("train", "val")  # the test captions are never read
Group = tuple[str, str, str]  # (article_type, gender, age_group)
# Catalog groups per Fashion IQ category, in tiers: a later tier only when no earlier one fits.
POOLS: dict[str, list[list[Group]]] = {
    "shirt": [[("Shirts", "Men", "Adults-Men")]],
    "toptee": [[("Tshirts", "Men", "Adults-Men"), ("Tshirts", "Women", "Adults-Women"),
                ("Tops", "Women", "Adults-Women")]],
    "dress": [[("Dresses", "Women", "Adults-Women")]],  # a kurta is not what a dress caption asks for
}  # fmt: skip


def caption_pairs(root: str | Path, category: str, split: str) -> list[list[str]]:
    """The caption pairs of one category and split, in file order (test is refused)."""
    if split not in CAPTION_SPLITS:
        raise ValueError(f"Fashion IQ {split!r} captions are never read (use train or val)")
    path = Path(root) / "captions" / f"cap.{category}.{split}.json"
    return [list(row["captions"]) for row in json.loads(path.read_text(encoding="utf-8"))]


def field_value(product: CatalogProduct, name: str) -> str | None:
    return product.base_colour if name == "base_colour" else product.attributes.get(name)


def _has_all(product: CatalogProduct, wanted: dict[str, tuple[str, ...]]) -> bool:
    return all(field_value(product, f) in values for f, values in wanted.items())


def _differs(product: CatalogProduct, wanted: dict[str, tuple[str, ...]]) -> bool:
    values = [field_value(product, f) for f in wanted]
    return all(v is not None for v in values) and any(
        v not in wanted[f] for v, f in zip(values, wanted, strict=True)
    )


def catalog_triplets(
    products: Sequence[CatalogProduct], root: str | Path, split: str = "train", per_caption: int = 2,
    seed: int = 0,
) -> list[Triplet]:
    """Triplets (reference, target, real caption pair) for every readable caption pair of
    `split`, on `products` only (the caller passes the split's products)."""
    groups: dict[Group, list[CatalogProduct]] = defaultdict(list)
    for p in sorted(products, key=lambda p: p.id):
        groups[(p.article_type, p.gender, p.age_group)].append(p)
    triplets: list[Triplet] = []
    for category in CATEGORIES:
        for index, captions in enumerate(caption_pairs(root, category, split)):
            wanted = read_caption_pair(captions).attributes
            if not wanted:
                continue
            rng = random.Random(f"{seed}:{category}:{split}:{index}")
            for reference, target in _pairs(POOLS[category], groups, wanted, per_caption, rng):
                triplets.append(Triplet(reference.id, target.id, captions, "fashion_iq"))
    return triplets


def _pairs(tiers: list[list[Group]], groups: dict[Group, list[CatalogProduct]], wanted: dict,
           count: int, rng: random.Random) -> list[tuple[CatalogProduct, CatalogProduct]]:
    """Up to `count` (reference, target) pairs from the first tier that has any."""
    for tier in tiers:
        options = []
        for group in tier:
            members = groups.get(group, [])
            targets = [p for p in members if _has_all(p, wanted)]
            references = [p for p in members if _differs(p, wanted)]
            options += [(r, t) for r in rng.sample(references, min(len(references), 3 * count))
                        for t in rng.sample(targets, min(len(targets), 3))]
        if options:
            return rng.sample(options, min(count, len(options)))
    return []
