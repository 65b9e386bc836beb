"""Fashion IQ loader: captions/cap.<cat>.<split>.json + image_splits/split.<cat>.<split>.json
(+ an optional user-provided folder of <ASIN>.jpg images, which are not shipped offline)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from ml.mining import Triplet

CATEGORIES = ("dress", "shirt", "toptee")
SPLITS = ("train", "val", "test")


@dataclass
class FashionIQData:
    triplets: list[Triplet]
    image_ids: list[str]  # ASINs of the split's image list
    image_paths: dict[str, Path] = field(default_factory=dict)  # only when image_dir was given
    unknown_ids: int = 0  # triplets whose candidate/target is not in the split's image list
    missing_images: int = 0  # triplets whose image file is missing from image_dir
    no_target: int = 0  # test captions ship without a target

    def summary(self) -> str:
        return (f"{len(self.triplets)} triplets, {len(self.image_ids)} images; skipped: "
                f"{self.unknown_ids} unknown ids, {self.missing_images} missing images, "
                f"{self.no_target} without target")


def _read_json_list(path: Path) -> list:
    if not path.is_file():
        raise FileNotFoundError(f"Fashion IQ file not found: {path}")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ValueError(f"{path}: malformed JSON ({exc.msg})") from exc
    if not isinstance(data, list):
        raise ValueError(f"{path}: expected a JSON list")
    return data


def load_fashion_iq(
    root: str | Path,
    split: str = "val",
    categories: tuple[str, ...] | list[str] = CATEGORIES,
    image_dir: str | Path | None = None,
) -> FashionIQData:
    """Load Fashion IQ triplets of one split. Triplets with ids outside the split's image list
    (or without an image file, when image_dir is given) are skipped and counted."""
    if split not in SPLITS:
        raise ValueError(f"unknown Fashion IQ split {split!r}; choose from {SPLITS}")
    root = Path(root)
    img_dir = Path(image_dir) if image_dir is not None else None
    if img_dir is not None and not img_dir.is_dir():
        raise FileNotFoundError(f"Fashion IQ image folder not found: {img_dir}")
    out = FashionIQData([], [])
    for cat in categories:
        if cat not in CATEGORIES:
            raise ValueError(f"unknown Fashion IQ category {cat!r}; choose from {CATEGORIES}")
        ids = [str(x) for x in _read_json_list(root / "image_splits" / f"split.{cat}.{split}.json")]
        known = set(ids)
        out.image_ids += ids
        if img_dir is not None:
            for a in ids:
                p = img_dir / f"{a}.jpg"
                if p.is_file():
                    out.image_paths[a] = p
        for it in _read_json_list(root / "captions" / f"cap.{cat}.{split}.json"):
            cand, tgt = str(it.get("candidate", "")), it.get("target")
            if tgt is None:
                out.no_target += 1
                continue
            tgt = str(tgt)
            if cand not in known or tgt not in known:
                out.unknown_ids += 1
                continue
            if img_dir is not None and (cand not in out.image_paths or tgt not in out.image_paths):
                out.missing_images += 1
                continue
            out.triplets.append(Triplet(cand, tgt, [str(c) for c in it.get("captions", [])], cat))
    return out
