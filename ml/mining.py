"""Triplet mining from catalog attributes, relative-caption generation, triplet file I/O.

A triplet (candidate, target, captions) pairs two products of the same article type and
gender whose known attributes differ in exactly one or two of: base colour, pattern,
sleeve length, neck, fit. The caption says, in varied phrasing, what the target has.
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


# ---- caption generation -------------------------------------------------------------------

_LUMINANCE = {  # rough lightness 0..1, to say "darker"/"lighter"
    "black": 0.0, "charcoal": 0.15, "navy blue": 0.15, "coffee brown": 0.2, "maroon": 0.2,
    "burgundy": 0.2, "brown": 0.3, "olive": 0.35, "purple": 0.3, "teal": 0.35, "green": 0.4,
    "blue": 0.4, "red": 0.4, "rust": 0.35, "magenta": 0.45, "grey": 0.5, "steel": 0.5,
    "grey melange": 0.55, "khaki": 0.6, "tan": 0.6, "mustard": 0.6, "orange": 0.6, "pink": 0.7,
    "lavender": 0.75, "peach": 0.8, "yellow": 0.8, "beige": 0.85, "cream": 0.9,
    "off white": 0.95, "white": 1.0,
}


def _colour_word(v: str) -> str:
    return v.lower().replace("off white", "off-white").replace("multi", "multicoloured")


_PATTERN = {  # value -> (adjective, "with ..." phrase)
    "solid": ("plain", "no pattern"), "printed": ("printed", "a print"),
    "checked": ("checked", "checks"), "striped": ("striped", "stripes"),
    "self design": ("self-patterned", "a self-design pattern"),
    "embellished": ("embellished", "embellishments"), "washed": ("washed", "a washed look"),
    "colourblocked": ("colour-blocked", "colour blocks"),
}
_SLEEVE = {
    "short sleeves": ("short-sleeved", "short sleeves"),
    "long sleeves": ("long-sleeved", "long sleeves"),
    "sleeveless": ("sleeveless", "no sleeves"), "no sleeves": ("sleeveless", "no sleeves"),
    "three-quarter sleeves": ("three-quarter sleeved", "three-quarter sleeves"),
}


def _pattern(v: str) -> tuple[str, str]:
    return _PATTERN.get(v.lower(), (v.lower(), f"a {v.lower()} pattern"))


def _sleeve(v: str) -> tuple[str, str]:
    return _SLEEVE.get(v.lower(), (v.lower(), v.lower()))


def _neck(v: str) -> str:
    v = v.lower()
    return v if v.startswith(("hood", "shoulder straps", "strapless")) else f"a {v}"


def caption_for(change: str, src: str, dst: str, rng: random.Random) -> str:
    """One relative caption saying the target has `dst` where the reference had `src`."""
    if change == "colour":
        s, d = _colour_word(src), _colour_word(dst)
        options = [f"is {d}", f"in {d}", f"{d} instead of {s}", f"make it {d}",
                   f"I want it in {d}", f"same but {d}", f"{d} colour", f"a {d} one"]
        ls, ld = _LUMINANCE.get(s), _LUMINANCE.get(d)
        if ls is not None and ld is not None and abs(ls - ld) >= 0.3:
            word = "darker" if ld < ls else "lighter"
            options += [f"{word}, in {d}", f"{word} and {d}"]
            if rng.random() < 0.08:  # real shoppers sometimes only say "darker"
                return word
        return rng.choice(options)
    if change == "pattern":
        (sa, _), (da, dw) = _pattern(src), _pattern(dst)
        return rng.choice([f"{da} instead of {sa}", f"is {da}", f"with {dw}", f"make it {da}",
                           f"{da}, not {sa}"])
    if change == "sleeve":
        (sa, _), (da, dw) = _sleeve(src), _sleeve(dst)
        return rng.choice([f"with {dw}", f"has {dw}", f"is {da}", f"{da} instead of {sa}",
                           f"I want {dw}"])
    if change == "neck":
        s, d = _neck(src), _neck(dst)
        return rng.choice([f"with {d}", f"has {d}", f"{d} instead of {s}",
                           f"change the neck to {d}"])
    if change == "fit":
        s, d = src.lower(), dst.lower()
        return rng.choice([f"{d}", f"in a {d}", f"{d} instead of {s}", f"make it {d}"])
    raise ValueError(f"unknown change {change!r}")


# ---- mining ----------------------------------------------------------------------------------

def _diff(a: CatalogProduct, b: CatalogProduct,
          va: dict[str, str | None], vb: dict[str, str | None]) -> list[str] | None:
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
) -> list[Triplet]:
    """Mine (candidate, target, caption) triplets among `products` only.

    For every candidate, valid targets (same article_type + gender, 1-2 attribute changes)
    are grouped by change type and drawn round-robin over types, so rarer changes (neck,
    sleeve) are not drowned by colour. Deterministic for a given seed and input set.
    """
    rng = random.Random(seed)
    groups: dict[tuple[str, str], list[CatalogProduct]] = defaultdict(list)
    for p in sorted(products, key=lambda p: p.id):
        groups[(p.article_type, p.gender)].append(p)
    triplets: list[Triplet] = []
    for key in sorted(groups):
        members = groups[key]
        if len(members) < 2:
            continue
        vals = [{c: attribute_value(p, c) for c in ATTRIBUTES} for p in members]
        for i, a in enumerate(members):
            by_change: dict[str, list[tuple[int, list[str]]]] = defaultdict(list)
            for j, b in enumerate(members):
                if i == j:
                    continue
                ch = _diff(a, b, vals[i], vals[j])
                if ch:
                    by_change[ch[0] if len(ch) == 1 else "two_changes"].append((j, ch))
            if not by_change:
                continue
            pools = {k: rng.sample(v, len(v)) for k, v in sorted(by_change.items())}
            order = sorted(pools)
            rng.shuffle(order)
            picked = 0
            while picked < per_product and any(pools.values()):
                for k in order:
                    if pools[k] and picked < per_product:
                        j, ch = pools[k].pop()
                        caps = [caption_for(c, vals[i][c], vals[j][c], rng) for c in ch]
                        triplets.append(Triplet(a.id, members[j].id, caps, k))
                        picked += 1
    if max_triplets is not None and len(triplets) > max_triplets:
        triplets = sorted(rng.sample(triplets, max_triplets),
                          key=lambda t: (str(t.candidate), str(t.target)))
    return triplets


def mine_split(products: Sequence[CatalogProduct], split: str, **kwargs) -> list[Triplet]:
    """Mine triplets within one split. The test split is for final evaluation only."""
    if split == "test" and not kwargs.pop("allow_test", False):
        raise ValueError("refusing to mine the test split for training/selection "
                         "(pass allow_test=True only for final evaluation)")
    return mine_triplets([p for p in products if p.split == split], **kwargs)


# ---- triplet files (PROTOCOL.md format) -----------------------------------------------------

def write_triplets_jsonl(triplets: Iterable[Triplet], path: str | Path) -> int:
    n = 0
    with open(path, "w", encoding="utf-8") as f:
        for t in triplets:
            f.write(json.dumps({"candidate": str(t.candidate), "target": str(t.target),
                                "captions": t.captions, "change": t.change}) + "\n")
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
        items = json.loads(raw) if raw.lstrip().startswith("[") else [
            json.loads(line) for line in raw.splitlines() if line.strip()]
    except json.JSONDecodeError as exc:
        raise ValueError(f"{p}: malformed JSON ({exc.msg} at line {exc.lineno})") from exc
    out = []
    for n, it in enumerate(items, 1):
        if not isinstance(it, dict) or "candidate" not in it or "target" not in it:
            raise ValueError(f"{p}: item {n} lacks 'candidate'/'target'")
        caps = it.get("captions") or []
        if isinstance(caps, str):
            caps = [caps]
        out.append(Triplet(_as_id(it["candidate"]), _as_id(it["target"]),
                           [str(c) for c in caps], str(it.get("change", "unknown"))))
    return out
