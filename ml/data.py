"""Catalog and Fashion IQ loading. Plain dataclasses, no Django."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent


def default_catalog_dir() -> Path:
    return Path(os.environ.get("CATALOG_DIR") or REPO_ROOT.parent / "shared" / "data" / "catalog")


@dataclass
class CatalogProduct:
    id: int
    image_path: Path
    split: str | None
    name: str
    gender: str
    article_type: str
    base_colour: str | None
    attributes: dict[str, str] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)  # brand, usage, ... (optional)


def product_text(p: CatalogProduct) -> str:
    """Text fused into the product vector: name, type, colour and attributes."""
    parts = [p.name, f"{p.gender} {p.article_type}"]
    if p.base_colour:
        parts.append(f"colour: {p.base_colour}")
    parts += [f"{k}: {v}" for k, v in sorted(p.attributes.items())]
    return ". ".join(x for x in parts if x)


def load_catalog(catalog_dir: str | Path) -> list[CatalogProduct]:
    """Read products.jsonl + splits.json (+ images/<id>.jpg paths, not opened here)."""
    root = Path(catalog_dir)
    products_file = root / "products.jsonl"
    if not products_file.is_file():
        raise FileNotFoundError(f"catalog not found: {products_file} does not exist")
    split_of: dict[int, str] = {}
    splits_file = root / "splits.json"
    if splits_file.is_file():
        try:
            splits = json.loads(splits_file.read_text())
        except json.JSONDecodeError as exc:
            raise ValueError(f"{splits_file}: invalid JSON ({exc})") from exc
        for name, ids in splits.items():
            for i in ids:
                split_of[int(i)] = name
    out: list[CatalogProduct] = []
    with open(products_file, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                r = json.loads(line)
                pid = int(r["id"])
            except (json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
                raise ValueError(f"{products_file}:{lineno}: bad product record ({exc})") from exc
            known = {"id", "name", "gender", "article_type", "base_colour", "attributes"}
            out.append(CatalogProduct(
                id=pid,
                image_path=root / "images" / f"{pid}.jpg",
                split=split_of.get(pid),
                name=r.get("name") or "",
                gender=r.get("gender") or "",
                article_type=r.get("article_type") or "",
                base_colour=r.get("base_colour"),
                attributes={k: str(v) for k, v in (r.get("attributes") or {}).items() if v},
                extra={k: v for k, v in r.items() if k not in known},
            ))
    return out
