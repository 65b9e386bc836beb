"""Build the real-phrasing set (PROTOCOL.md, "Real phrasing"): Fashion IQ caption pairs on
catalog references, in the shopper-suite row format so one Sat@10 scorer (bench/sat.py) scores both.

    python -m bench.real_phrasing --split val --out var/bench/real_phrasing_val.jsonl
    python -m bench.real_phrasing --split train --out PATH --limit 500 --seed 0

- Captions: cap.{dress,shirt,toptee}.<split>.json, split val (selection, reporting) or train
  (training). The test captions are never opened.
- A pair is kept when ml.fashion_iq_labels reads it (every readable clause maps to a catalog
  value, nothing contradicts, no bare negation, something absolute to check).
- Categories: shirt -> men's Shirts; toptee -> men's Tshirts, women's Tshirts, women's Tops
  (one pool); dress -> women's Dresses (the catalog has few: a kurta or a top is not what a
  dress caption asks for, and the store would rightly switch such a request to dresses).
- Reference: drawn (seeded per pair) from --reference-split products of those types that
  record every requested field and differ from the request in at least one; and only where
  >= 10 catalog products (whole catalog, reference excluded) pass the keep checks and every
  requested value. Otherwise the pair is skipped ("no_reference").
- Row: {"reference", "text" (captions joined with " and ", second lower-cased at its first
  letter), "checks" (keep article_type/gender/age_group + [field, "in", values] per requested
  field), "tag" (requested fields, e.g. "colour+sleeve"), "source" ("<category>:<split>:<index>")}.

The output is derived from ../shared data and is not committed.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections import Counter
from pathlib import Path

from bench.sat import CATEGORY_FIELDS, field_value, row_checks_pass
from bench.shared_data import catalog_dir, fashion_iq_dir, load_products
from ml.fashion_iq_catalog import CAPTION_SPLITS, CATEGORIES, POOLS, Group, caption_pairs
from ml.fashion_iq_labels import read_caption_pair
from ml.mining import join_captions

MIN_PASSING = 10
TAG_NAMES = {"base_colour": "colour", "Pattern": "pattern", "Sleeve Length": "sleeve", "Neck": "neck"}


def request_checks(attributes: dict[str, tuple[str, ...]]) -> list[list]:
    """Keep checks for the category fields plus one "in" check per requested field."""
    keeps: list[list] = [[field, "keep"] for field in CATEGORY_FIELDS]
    return keeps + [[field, "in", list(values)] for field, values in attributes.items()]


def request_tag(attributes: dict[str, tuple[str, ...]]) -> str:
    return "+".join(TAG_NAMES[f] for f in TAG_NAMES if f in attributes)


class ReferencePicker:
    """Chooses references and counts passing products, per (group, request), with caches."""

    def __init__(self, products: dict[int, dict], split_of: dict[int, str], reference_split: str):
        self.by_group: dict[Group, list[dict]] = {}
        for p in products.values():
            self.by_group.setdefault((p["article_type"], p["gender"], p["age_group"]), []).append(p)
        self.pool = {g: [p for p in ps if split_of.get(p["id"]) == reference_split]
                     for g, ps in self.by_group.items()}
        self._counts: dict[tuple, int] = {}

    def passing(self, group: Group, checks: list[list]) -> int:
        """Catalog products passing checks for any reference of group (reference not counted)."""
        key = (group, json.dumps(checks))
        if key not in self._counts:
            row = {"checks": checks}
            members = self.by_group.get(group, [])
            self._counts[key] = sum(1 for p in members if row_checks_pass(row, members[0], p))
        return self._counts[key]

    def pick(self, tiers: list[list[Group]], attributes: dict, rng: random.Random) -> dict | None:
        """A reference that differs from the request, from the first tier that has one."""
        checks = request_checks(attributes)
        for tier in tiers:
            candidates = [
                p for g in tier if self.passing(g, checks) >= MIN_PASSING
                for p in self.pool.get(g, []) if differs(p, attributes)
            ]
            if candidates:
                return rng.choice(candidates)
        return None


def differs(product: dict, attributes: dict[str, tuple[str, ...]]) -> bool:
    """The product records every requested field, and at least one value is not requested."""
    values = [field_value(product, field) for field in attributes]
    if any(v is None for v in values):
        return False
    return any(v not in attributes[f] for v, f in zip(values, attributes, strict=True))


def build_rows(args: argparse.Namespace, stats: Counter) -> list[dict]:
    """Rows of the real-phrasing set; stats counts pairs read, kept, tags and skip reasons."""
    products, split_of = load_products(args.catalog)
    reference_split = args.reference_split or args.split
    picker = ReferencePicker(products, split_of, reference_split)
    rows = []
    for category in CATEGORIES:
        pairs = caption_pairs(args.fashion_iq, category, args.split)
        for index, captions in enumerate(pairs[: args.limit] if args.limit else pairs):
            stats["pairs read"] += 1
            reading = read_caption_pair(captions)
            if reading.attributes is None:
                stats[f"skipped: {reading.reason}"] += 1
                continue
            rng = random.Random(f"{args.seed}:{category}:{args.split}:{index}")
            reference = picker.pick(POOLS[category], reading.attributes, rng)
            if reference is None:
                stats["skipped: no_reference"] += 1
                continue
            tag = request_tag(reading.attributes)
            rows.append({"reference": reference["id"], "text": join_captions(captions),
                         "checks": request_checks(reading.attributes), "tag": tag,
                         "source": f"{category}:{args.split}:{index}"})
            stats["kept"] += 1
            stats[f"tag {tag}"] += 1
            stats[f"category {category} -> {reference['article_type']}"] += 1
    return rows


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default="val", choices=CAPTION_SPLITS,
                        help="caption split (the test captions are never read)")
    parser.add_argument("--out", type=Path, required=True, help="JSON Lines file to write")
    parser.add_argument("--limit", type=int, default=0, help="read at most N caption pairs per category")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--reference-split", choices=CAPTION_SPLITS, default=None,
                        help="catalog split of the references (default: the caption split)")
    parser.add_argument("--catalog", type=Path, default=catalog_dir())
    parser.add_argument("--fashion-iq", type=Path, default=fashion_iq_dir())
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    stats: Counter = Counter()
    try:
        rows = build_rows(args, stats)
    except (OSError, ValueError, KeyError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", encoding="utf-8") as out:
        for row in rows:
            out.write(json.dumps(row) + "\n")
    print(f"wrote {len(rows)} rows to {args.out}")
    for key in ("pairs read", "kept"):
        print(f"{key}: {stats.pop(key, 0)}")
    for key, value in sorted(stats.items()):
        print(f"{key}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
