"""The catalog folder format, read in one place for the store's importer and for ``ml``.

A catalog folder holds ``products.jsonl`` (one JSON object per product, with an integer ``id``),
``images/<id>.jpg`` and optionally ``splits.json`` (``{"train": [ids], "val": [...], "test": [...]}``).
Plain Python: it imports neither Django nor torch, so both ``shop`` and ``ml`` may use it
without depending on each other.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterable, Iterator
from pathlib import Path

PRODUCTS_FILE = "products.jsonl"
SPLITS_FILE = "splits.json"
SPLITS = ("train", "val", "test")


class CatalogFormatError(ValueError):
    """A catalog file that cannot be read; the message is one line naming the file."""


def products_file(folder: Path) -> Path:
    return Path(folder) / PRODUCTS_FILE


def image_path(folder: Path, product_id: int) -> Path:
    return Path(folder) / "images" / f"{product_id}.jpg"


def read_splits(folder: Path) -> dict[int, str]:
    """Product id -> split name; empty when the folder has no splits file."""
    path = Path(folder) / SPLITS_FILE
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return {int(pid): name for name in SPLITS for pid in data.get(name, [])}
    except (ValueError, TypeError, AttributeError) as exc:
        raise CatalogFormatError(f"{path}: not a valid splits file ({exc})") from None


def iter_product_lines(folder: Path) -> Iterator[tuple[int, dict | str]]:
    """(line number, record) for each non-empty line of products.jsonl; the record is the JSON
    object with a positive integer ``id``, or a one-line message saying why the line is bad."""
    path = products_file(folder)
    if not path.is_file():
        raise CatalogFormatError(f"catalog not found: {path} does not exist")
    with path.open(encoding="utf-8", errors="replace") as handle:
        for number, line in enumerate(handle, start=1):
            if line.strip():
                yield number, _parse_line(line)


def _parse_line(line: str) -> dict | str:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        return f"not valid JSON ({exc.msg})"
    if not isinstance(record, dict):
        return "not a JSON object"
    if "id" not in record:
        return "id is missing"
    try:
        record["id"] = int(record["id"])
    except (TypeError, ValueError):
        return f"id '{record['id']}' is not an integer"
    if record["id"] <= 0:
        return "id must be a positive integer"
    return record


def write_subset(
    source: Path,
    target: Path,
    article_types: Iterable[str],
    size: int,
    *,
    per_type: int | None = None,
    copy_images: bool = False,
) -> list[dict]:
    """A catalog folder in `target` of the first `size` products of `source` (file order) whose
    article type is one of `article_types`, at most `per_type` of each; images symlinked (copied
    with `copy_images`, for a folder that must travel) and the splits kept. Returns the records."""
    kinds = set(article_types)
    taken = dict.fromkeys(kinds, 0)
    chosen: list[dict] = []
    for _, record in iter_product_lines(source):
        if len(chosen) >= size:
            break
        kind = record.get("article_type") if isinstance(record, dict) else None
        if kind in kinds and (per_type is None or taken[kind] < per_type):
            taken[kind] += 1
            chosen.append(record)
    target = Path(target)
    (target / "images").mkdir(parents=True, exist_ok=True)
    for record in chosen:
        image = image_path(target, record["id"])
        if copy_images:
            shutil.copyfile(image_path(source, record["id"]), image)
        elif not image.exists():
            image.symlink_to(Path(source).resolve() / "images" / image.name)
    products_file(target).write_text("".join(json.dumps(r) + "\n" for r in chosen), encoding="utf-8")
    split_of = read_splits(source)
    splits = {name: [r["id"] for r in chosen if split_of.get(r["id"]) == name] for name in SPLITS}
    (target / SPLITS_FILE).write_text(json.dumps(splits), encoding="utf-8")
    return chosen
