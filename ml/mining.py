"""Triplet mining from catalog attributes, and triplet file I/O.

A triplet (candidate, target, captions) pairs two products of the same article type, gender
and age group whose known attributes differ in exactly one or two of: base colour, pattern,
sleeve length, neck, fit. The caption (``ml.captions``) says, in one of many phrasings, what
the target has; which phrasing families it may use is the caller's choice (training and the
in-template set use ``TRAIN_FAMILIES``, the held-out phrasing set ``HELD_OUT_FAMILIES``).
Mining only ever looks at the products passed in, so the caller enforces split discipline
(`mine_split` refuses the test split).
"""

from __future__ import annotations

import json
import random
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from language.colour import load_colour_lightness
from ml.captions import TRAIN_FAMILIES, Change, caption
from ml.data import CatalogProduct

# change type -> how to read the value off a product
ATTRIBUTES: dict[str, str] = {
    "colour": "base_colour",
    "pattern": "Pattern",
    "sleeve": "Sleeve Length",
    "neck": "Neck",
    "fit": "Fit",
}
_IGNORED_VALUES = {"", "na", "none", "null"}


@dataclass
class Triplet:
    candidate: int | str  # catalog id (int) or Fashion IQ ASIN (str)
    target: int | str
    captions: list[str]
    change: str = "unknown"
    extra: dict = field(default_factory=dict)

    @property
    def text(self) -> str:
        return join_captions(self.captions)


def join_captions(captions: Sequence[str]) -> str:
    """Fashion IQ convention: "{first} and {second}"; strip each, lower-case the first letter
    of every following caption. Empty captions are dropped."""
    parts = [c.strip() for c in captions if c and c.strip()]
    if not parts:
        return ""
    rest = [p[0].lower() + p[1:] for p in parts[1:]]
    return " and ".join([parts[0], *rest])


def attribute_value(p: CatalogProduct, change: str) -> str | None:
    key = ATTRIBUTES[change]
    v = p.base_colour if key == "base_colour" else p.attributes.get(key)
    if v is None or v.strip().lower() in _IGNORED_VALUES:
        return None
    return v.strip()


# ---- mining ----------------------------------------------------------------------------------


def _diff(va: dict[str, str | None], vb: dict[str, str | None]) -> list[str] | None:
    changes = []
    for c in ATTRIBUTES:
        x, y = va[c], vb[c]
        if x is None or y is None:
            continue
        if x.lower() != y.lower():
            changes.append(c)
            if len(changes) > 2:
                return None
    return changes or None


def mine_triplets(
    products: Sequence[CatalogProduct],
    per_product: int = 8,
    seed: int = 0,
    max_triplets: int | None = None,
    families: Sequence[str] = TRAIN_FAMILIES,
) -> list[Triplet]:
    """Mine (candidate, target, caption) triplets among `products` only.

    For every candidate, valid targets (same article type, gender and age group, 1-2
    attribute changes) are grouped by change type and drawn round-robin over types, so rarer
    changes (neck, sleeve) are not drowned by colour. Captions use phrasings of `families`.
    Deterministic for a given seed and input set.
    """
    rng = random.Random(seed)  # which pairs: the same whatever the phrasing families
    caption_rng = random.Random(f"captions:{seed}")
    lightness = load_colour_lightness()
    groups: dict[tuple[str, str, str], list[CatalogProduct]] = defaultdict(list)
    for p in sorted(products, key=lambda p: p.id):
        groups[(p.article_type, p.gender, p.age_group)].append(p)
    triplets: list[Triplet] = []
    for key in sorted(groups):
        members = groups[key]
        values = [{c: attribute_value(p, c) for c in ATTRIBUTES} for p in members]
        for i, reference in enumerate(members):
            for j, changed in _pick_targets(values, i, per_product, rng):
                changes = [Change(c, values[i][c], values[j][c], lightness) for c in changed]
                kind = changed[0] if len(changed) == 1 else "two_changes"
                text = caption(changes, caption_rng, families)
                triplets.append(Triplet(reference.id, members[j].id, [text], kind))
    if max_triplets is not None and len(triplets) > max_triplets:
        triplets = sorted(rng.sample(triplets, max_triplets), key=lambda t: (str(t.candidate), str(t.target)))
    return triplets


def _pick_targets(
    values: list[dict[str, str | None]], i: int, per_product: int, rng: random.Random
) -> list[tuple[int, list[str]]]:
    """Up to `per_product` targets for member i, drawn round-robin over change types."""
    by_change: dict[str, list[tuple[int, list[str]]]] = defaultdict(list)
    for j in range(len(values)):
        changed = _diff(values[i], values[j]) if i != j else None
        if changed:
            by_change[changed[0] if len(changed) == 1 else "two_changes"].append((j, changed))
    pools = {k: rng.sample(v, len(v)) for k, v in sorted(by_change.items())}
    order = sorted(pools)
    rng.shuffle(order)
    picked: list[tuple[int, list[str]]] = []
    while len(picked) < per_product and any(pools.values()):
        for k in order:
            if pools[k] and len(picked) < per_product:
                picked.append(pools[k].pop())
    return picked


def mine_split(
    products: Sequence[CatalogProduct], split: str, allow_test: bool = False, **kwargs
) -> list[Triplet]:
    """Mine triplets within one split. The test split is for final evaluation only."""
    if split == "test" and not allow_test:
        raise ValueError(
            "refusing to mine the test split for training/selection "
            "(pass allow_test=True only for final evaluation)"
        )
    return mine_triplets([p for p in products if p.split == split], **kwargs)


# ---- triplet files (PROTOCOL.md format) -----------------------------------------------------


def write_triplets_jsonl(triplets: Iterable[Triplet], path: str | Path) -> int:
    n = 0
    with open(path, "w", encoding="utf-8") as f:
        for t in triplets:
            f.write(
                json.dumps(
                    {
                        "candidate": str(t.candidate),
                        "target": str(t.target),
                        "captions": t.captions,
                        "change": t.change,
                    }
                )
                + "\n"
            )
            n += 1
    return n


def _as_id(x) -> int | str:
    s = str(x).strip()
    return int(s) if s.isdigit() else s


def read_triplets(path: str | Path) -> list[Triplet]:
    """Read a JSON Lines file or a JSON list (Fashion IQ style). Raises ValueError on bad input."""
    p = Path(path)
    if not p.is_file():
        raise FileNotFoundError(f"triplet file not found: {p}")
    raw = p.read_text(encoding="utf-8")
    try:
        items = (
            json.loads(raw)
            if raw.lstrip().startswith("[")
            else [json.loads(line) for line in raw.splitlines() if line.strip()]
        )
    except json.JSONDecodeError as exc:
        raise ValueError(f"{p}: malformed JSON ({exc.msg} at line {exc.lineno})") from exc
    out = []
    for n, it in enumerate(items, 1):
        if not isinstance(it, dict) or "candidate" not in it or "target" not in it:
            raise ValueError(f"{p}: item {n} lacks 'candidate'/'target'")
        caps = it.get("captions") or []
        if isinstance(caps, str):
            caps = [caps]
        out.append(
            Triplet(
                _as_id(it["candidate"]),
                _as_id(it["target"]),
                [str(c) for c in caps],
                str(it.get("change", "unknown")),
            )
        )
    return out
