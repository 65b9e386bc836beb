"""Catalog and Fashion IQ loading. Plain dataclasses, no Django."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import catalog_format


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
    age_group: str = ""  # Adults-Men, Kids-Girls, ... (kids' items are often filed under Men/Women)


def product_text(p: CatalogProduct) -> str:
    """Text fused into the product vector: name, type, colour and attributes."""
    parts = [p.name, f"{p.gender} {p.article_type}"]
    if p.base_colour:
        parts.append(f"colour: {p.base_colour}")
    parts += [f"{k}: {v}" for k, v in sorted(p.attributes.items())]
    return ". ".join(x for x in parts if x)


def load_catalog(catalog_dir: str | Path) -> list[CatalogProduct]:
    """Read products.jsonl + splits.json (+ images/<id>.jpg paths, not opened here).

    Raises FileNotFoundError for a missing catalog, ValueError naming the line for a bad record.
    """
    root = Path(catalog_dir)
    if not catalog_format.products_file(root).is_file():
        raise FileNotFoundError(f"catalog not found: {catalog_format.products_file(root)} does not exist")
    split_of = catalog_format.read_splits(root)
    known = {"id", "name", "gender", "article_type", "base_colour", "attributes", "age_group"}
    out: list[CatalogProduct] = []
    for lineno, record in catalog_format.iter_product_lines(root):
        if isinstance(record, str):
            raise ValueError(f"{catalog_format.products_file(root)}:{lineno}: bad product record ({record})")
        pid = record["id"]
        out.append(CatalogProduct(
            id=pid,
            image_path=catalog_format.image_path(root, pid),
            split=split_of.get(pid),
            name=record.get("name") or "",
            gender=record.get("gender") or "",
            article_type=record.get("article_type") or "",
            base_colour=record.get("base_colour"),
            attributes={k: str(v) for k, v in (record.get("attributes") or {}).items() if v},
            extra={k: v for k, v in record.items() if k not in known},
            age_group=record.get("age_group") or "",
        ))
    return out
