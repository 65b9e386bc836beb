"""Colour science for the request parser.

* sRGB -> CIE Lab (D65) and the CIEDE2000 colour difference, vectorised with numpy;
* matplotlib's named colours (``XKCD_COLORS`` and ``CSS4_COLORS``) as the source of Lab values for
  both the shopper's colour words ("crimson", "wine", "sky blue") and the catalog's colour names
  ("Navy Blue", "Coffee Brown"), so a word that is not a catalog colour maps to the nearest ones;
* ``measure_colour_lightness``: the median CIE L* of garment pixels per catalog base colour, measured
  on the catalog's own photos. Serving never decodes images: the table is measured once and written to
  ``language/colour_lightness.json`` by the command line entry point::

      python -m language.colour [--catalog DIR] [--out language/colour_lightness.json]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
from collections import defaultdict
from collections.abc import Iterable, Mapping
from pathlib import Path

import numpy as np

DEFAULT_CATALOG = Path(__file__).resolve().parents[2] / "shared" / "data" / "catalog"
LIGHTNESS_FILE = Path(__file__).with_name("colour_lightness.json")

_SRGB_TO_XYZ = np.array([
    [0.4124564, 0.3575761, 0.1804375],
    [0.2126729, 0.7151522, 0.0721750],
    [0.0193339, 0.1191920, 0.9503041],
])
_WHITE_D65 = np.array([0.95047, 1.0, 1.08883])


def srgb_to_lab(rgb: np.ndarray) -> np.ndarray:
    """sRGB in 0..1 (any leading shape, last axis 3) -> CIE Lab (D65)."""
    rgb = np.asarray(rgb, dtype=float)
    linear = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    xyz = linear @ _SRGB_TO_XYZ.T / _WHITE_D65
    eps = (6 / 29) ** 3
    f = np.where(xyz > eps, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    lightness = 116 * f[..., 1] - 16
    a = 500 * (f[..., 0] - f[..., 1])
    b = 200 * (f[..., 1] - f[..., 2])
    return np.stack([lightness, a, b], axis=-1)


def delta_e2000(lab1: np.ndarray, lab2: np.ndarray) -> np.ndarray:
    """CIEDE2000 difference between Lab arrays (broadcasting over leading axes)."""
    l1, a1, b1 = np.moveaxis(np.asarray(lab1, dtype=float), -1, 0)
    l2, a2, b2 = np.moveaxis(np.asarray(lab2, dtype=float), -1, 0)
    c_bar = (np.hypot(a1, b1) + np.hypot(a2, b2)) / 2
    g = 0.5 * (1 - np.sqrt(c_bar**7 / (c_bar**7 + 25.0**7)))
    a1p, a2p = (1 + g) * a1, (1 + g) * a2
    c1p, c2p = np.hypot(a1p, b1), np.hypot(a2p, b2)
    h1 = np.degrees(np.arctan2(b1, a1p)) % 360
    h2 = np.degrees(np.arctan2(b2, a2p)) % 360
    achromatic = c1p * c2p == 0
    dh = h2 - h1
    dh = np.where(dh > 180, dh - 360, np.where(dh < -180, dh + 360, dh))
    dh = np.where(achromatic, 0.0, dh)
    d_big_h = 2 * np.sqrt(c1p * c2p) * np.sin(np.radians(dh / 2))
    l_bar, cp_bar, h_sum = (l1 + l2) / 2, (c1p + c2p) / 2, h1 + h2
    h_bar = np.where(np.abs(h1 - h2) > 180, np.where(h_sum < 360, h_sum + 360, h_sum - 360), h_sum) / 2
    h_bar = np.where(achromatic, h_sum, h_bar)
    t = (1 - 0.17 * np.cos(np.radians(h_bar - 30)) + 0.24 * np.cos(np.radians(2 * h_bar))
         + 0.32 * np.cos(np.radians(3 * h_bar + 6)) - 0.20 * np.cos(np.radians(4 * h_bar - 63)))
    d_theta = 30 * np.exp(-(((h_bar - 275) / 25) ** 2))
    r_c = 2 * np.sqrt(cp_bar**7 / (cp_bar**7 + 25.0**7))
    s_l = 1 + 0.015 * (l_bar - 50) ** 2 / np.sqrt(20 + (l_bar - 50) ** 2)
    s_c = 1 + 0.045 * cp_bar
    s_h = 1 + 0.015 * cp_bar * t
    r_t = -np.sin(np.radians(2 * d_theta)) * r_c
    dl, dc, dhh = (l2 - l1) / s_l, (c2p - c1p) / s_c, d_big_h / s_h
    return np.sqrt(dl**2 + dc**2 + dhh**2 + r_t * dc * dhh)


def named_colours() -> dict[str, list[tuple[float, float, float]]]:
    """matplotlib's colour names (lower case, xkcd spelling with spaces) -> their Lab values.

    A name in both lists (CSS4 "crimson" is brighter than xkcd "crimson") keeps both definitions;
    names with a slash ("blue/green") are skipped."""
    from matplotlib.colors import CSS4_COLORS, XKCD_COLORS, to_rgb

    hexes: dict[str, list[str]] = defaultdict(list)
    for key, value in XKCD_COLORS.items():
        hexes[key.removeprefix("xkcd:")].append(value)
    for key, value in CSS4_COLORS.items():
        hexes[key].append(value)
    names = sorted(n for n in hexes if "/" not in n)
    flat = [(n, h) for n in names for h in dict.fromkeys(hexes[n])]
    labs = srgb_to_lab(np.array([to_rgb(h) for _, h in flat]))
    out: dict[str, list[tuple[float, float, float]]] = defaultdict(list)
    for (name, _), lab in zip(flat, labs, strict=True):
        out[name].append(tuple(float(x) for x in lab))
    return dict(out)


def catalog_colour_lab(colours: Iterable[str], named: Mapping[str, list],
                       aliases: Mapping[str, str] | None = None) -> dict[str, tuple[float, float, float]]:
    """Lab of each catalog colour name from the named colours: the whole name ("navy blue"), an alias,
    or its words from the first ("Grey Melange" -> "grey"). Names with no match ("Multi") are left out."""
    aliases = aliases or {}
    out: dict[str, tuple[float, float, float]] = {}
    for colour in colours:
        low = colour.lower()
        tries = [aliases.get(colour, ""), low, low.replace(" ", ""), *low.split()]
        for name in tries:
            if name and name in named:
                out[colour] = named[name][0]
                break
    return out


def nearest_catalog_colours(labs: list[tuple[float, float, float]],
                            catalog_lab: Mapping[str, tuple[float, float, float]],
                            max_distance: float = 20.0, slack: float = 5.0) -> tuple[str, ...]:
    """Catalog colours close to any of ``labs`` (one shopper word may have several definitions):
    within ``slack`` CIEDE2000 of the nearest one and never beyond ``max_distance``; nearest first."""
    if not catalog_lab or not labs:
        return ()
    names = list(catalog_lab)
    dist = delta_e2000(np.array(labs)[:, None, :], np.array([catalog_lab[n] for n in names])[None, :, :])
    best: dict[str, float] = {}
    for row in dist:
        d0 = float(row.min())
        for name, d in zip(names, row, strict=True):
            if d <= min(d0 + slack, max_distance):
                best[name] = min(best.get(name, 99.0), float(d))
    return tuple(sorted(best, key=best.__getitem__))


# ---------------------------------------------------------------- measuring lightness on photos

def _image_lightness(path: Path, centre: float = 0.5) -> float | None:
    """Median L* of the garment pixels in the central box of one photo, or None when too few.

    The backgrounds are studio white (L* ~100): pixels with L* > 97 and chroma < 6 are background; a
    white garment keeps its fabric texture and shaded folds below that (a lower cut, e.g. 93, removes
    most of a white shirt and ranks White below Cream). The central box (half of each side) holds the
    product or the worn garment's torso rather than hair, shoes or the floor."""
    from PIL import Image

    with Image.open(path) as im:
        rgb = np.asarray(im.convert("RGB"), dtype=np.float32) / 255.0
    h, w = rgb.shape[:2]
    dy, dx = int(h * (1 - centre) / 2), int(w * (1 - centre) / 2)
    lab = srgb_to_lab(rgb[dy:h - dy, dx:w - dx].reshape(-1, 3))
    background = (lab[:, 0] > 97) & (np.hypot(lab[:, 1], lab[:, 2]) < 6)
    garment = lab[~background, 0]
    if garment.size < 0.05 * lab.shape[0]:
        return None
    return float(np.median(garment))


def measure_colour_lightness(records_with_image_paths: Iterable[Mapping], max_per_colour: int = 150,
                             seed: int = 0) -> dict[str, float]:
    """Median over photos of each image's garment lightness (CIE L*, 0..100), per ``base_colour``.

    Each record needs ``base_colour`` and ``image_path``; at most ``max_per_colour`` photos per colour
    are decoded (a seeded sample), missing files are skipped."""
    by_colour: dict[str, list[Path]] = defaultdict(list)
    for r in records_with_image_paths:
        if r.get("base_colour") and r.get("image_path"):
            by_colour[str(r["base_colour"])].append(Path(r["image_path"]))
    rng = random.Random(seed)
    out: dict[str, float] = {}
    for colour, paths in sorted(by_colour.items()):
        sample = sorted(paths) if len(paths) <= max_per_colour else rng.sample(sorted(paths), max_per_colour)
        values = [v for p in sample if p.is_file() and (v := _image_lightness(p)) is not None]
        if values:
            out[colour] = round(statistics.median(values), 1)
    return out


def load_colour_lightness(path: Path = LIGHTNESS_FILE) -> dict[str, float]:
    """The committed lightness table ({} when the file is absent)."""
    if not path.is_file():
        return {}
    data = json.loads(path.read_text())
    return {str(k): float(v) for k, v in data.get("lightness", data).items()}


def main(argv: list[str] | None = None) -> int:
    """CLI: measure the catalog's colour lightness and write the JSON table."""
    import catalog_format

    parser = argparse.ArgumentParser(prog="python -m language.colour", description=main.__doc__)
    parser.add_argument("--catalog", type=Path, default=DEFAULT_CATALOG)
    parser.add_argument("--out", type=Path, default=LIGHTNESS_FILE)
    parser.add_argument("--max-per-colour", type=int, default=150)
    args = parser.parse_args(argv)
    try:
        lines = list(catalog_format.iter_product_lines(args.catalog))
    except catalog_format.CatalogFormatError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    records = [{"base_colour": r.get("base_colour"),
                "image_path": catalog_format.image_path(args.catalog, r["id"])}
               for _, r in lines if isinstance(r, dict)]
    table = measure_colour_lightness(records, max_per_colour=args.max_per_colour)
    ordered = dict(sorted(table.items(), key=lambda kv: kv[1]))
    payload = {"about": "median CIE L* of garment pixels per base_colour, measured on the catalog photos "
                        "by `python -m language.colour`", "lightness": ordered}
    args.out.write_text(json.dumps(payload, indent=1) + "\n")
    for colour, value in ordered.items():
        print(f"{value:5.1f}  {colour}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
