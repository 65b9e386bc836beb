"""Where the read-only shared data lives, and a plain-dict catalog reader (no Django).

The project reads `../shared/data` relative to its root (data README). A git worktree one level
deeper (…/wt/<name>) finds it one folder further up. CATALOG_DIR / FASHION_IQ_DIR override.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def shared_data_dir() -> Path:
    """../shared/data relative to the repository (or to the folder above a worktree)."""
    for base in (REPO.parent, REPO.parent.parent):
        candidate = base / "shared" / "data"
        if candidate.is_dir():
            return candidate
    return REPO.parent / "shared" / "data"


def catalog_dir() -> Path:
    return Path(os.environ.get("CATALOG_DIR") or shared_data_dir() / "catalog")


def fashion_iq_dir() -> Path:
    return Path(os.environ.get("FASHION_IQ_DIR") or shared_data_dir() / "fashion-iq")


def load_products(folder: Path) -> tuple[dict[int, dict], dict[int, str]]:
    """Catalog products by id (products.jsonl dicts) and the split of each id (splits.json)."""
    with (folder / "products.jsonl").open(encoding="utf-8") as handle:
        products = {p["id"]: p for p in (json.loads(line) for line in handle if line.strip())}
    splits = json.loads((folder / "splits.json").read_text(encoding="utf-8"))
    return products, {pid: name for name, ids in splits.items() for pid in ids}
