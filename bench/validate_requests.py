"""Validate shopper-request suites (JSON Lines rows: reference, text, checks, tag).

    python -m bench.validate_requests bench/data/shopper_requests_dev.jsonl --splits train,val
    python -m bench.validate_requests bench/data/shopper_requests_holdout.jsonl --splits test
    python -m bench.validate_requests PATH --any-tag        # real-phrasing rows (tags like colour+sleeve)

Checks the format (keys, check shapes, fields and values the catalog knows), the tags, that each
reference exists (and lies in --splits), that the reference itself does not already satisfy the
row, that rows keep or set article_type/gender/age_group, and that each row is satisfiable:
at least --min-pass catalog products (reference excluded) pass every check, or --min-rare for
rows with a "note" (rare but reasonable requests). Prints the pass count per row, per-kind row
counts and article-type coverage.

Exit status: 0 valid; 1 rows unsatisfiable or breaking a rule; 2 malformed file or catalog
(one-line error on stderr).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

from bench.sat import (
    CATEGORY_FIELDS,
    FLAG_CHECK,
    PRICE_OPS,
    TOP_LEVEL_FIELDS,
    count_passing,
    field_value,
    is_flag_row,
    row_checks_pass,
)
from bench.shared_data import catalog_dir, load_products

KINDS = ("colour", "pattern", "sleeve", "neck", "fit", "fabric", "occasion", "season", "price", "brand",
         "negation", "category", "typo", "multi", "nonsense")
REQUIRED_KEYS = {"reference", "text", "checks", "tag"}
OPTIONAL_KEYS = {"note", "source", "phrasing"}


class Malformed(Exception):
    """A file or row that cannot be read as a request suite."""


def load_catalog(folder: Path) -> tuple[dict[int, dict], dict[int, str]]:
    """Products by id and the split of each product id."""
    try:
        return load_products(folder)
    except (OSError, json.JSONDecodeError, KeyError, TypeError) as exc:
        raise Malformed(f"cannot read catalog in {folder}: {exc}") from exc


def known_values(products: dict[int, dict]) -> dict[str, set]:
    """Every value each field and attribute takes in the catalog."""
    values: dict[str, set] = {field: set() for field in TOP_LEVEL_FIELDS}
    for p in products.values():
        for field in TOP_LEVEL_FIELDS:
            values[field].add(p.get(field))
        for key, value in (p.get("attributes") or {}).items():
            values.setdefault(key, set()).add(value)
        values.setdefault("size", set()).update(p.get("sizes") or ())
    return values


def _check_shape(check: object, values: dict[str, set], where: str) -> None:
    if not isinstance(check, list) or len(check) < 2 or not all(isinstance(c, str) for c in check[:2]):
        raise Malformed(f"{where}: check {check!r} is not [field, op, ...]")
    field, op = check[0], check[1]
    if check == FLAG_CHECK:
        return
    if field == "price":
        needs_n = op in ("lt", "gt")
        if op not in PRICE_OPS or len(check) != (3 if needs_n else 2):
            raise Malformed(f"{where}: bad price check {check!r}")
        if needs_n and not isinstance(check[2], (int, float)):
            raise Malformed(f"{where}: price bound must be a number in {check!r}")
        return
    if field == "size":
        if op != "in" or len(check) != 3 or not isinstance(check[2], list) or not check[2]:
            raise Malformed(f"{where}: bad size check {check!r}")
        unknown = [v for v in check[2] if v not in values["size"]]
        if unknown:
            raise Malformed(f"{where}: sizes not in the catalog: {unknown}")
        return
    if field not in values:
        raise Malformed(f"{where}: unknown field {field!r}")
    if op == "keep" and len(check) == 2:
        return
    if op not in ("in", "not_in") or len(check) != 3 or not isinstance(check[2], list) or not check[2]:
        raise Malformed(f"{where}: bad check {check!r}")
    unknown = [v for v in check[2] if v not in values[field]]
    if unknown:
        raise Malformed(f"{where}: {field} values not in the catalog: {unknown}")


def parse_row(line: str, where: str, values: dict[str, set], any_tag: bool) -> dict:
    """One JSON line as a row; raises Malformed with a short reason."""
    try:
        row = json.loads(line)
    except json.JSONDecodeError as exc:
        raise Malformed(f"{where}: not JSON ({exc.msg})") from exc
    if not isinstance(row, dict):
        raise Malformed(f"{where}: a row must be a JSON object")
    keys = set(row)
    if not REQUIRED_KEYS <= keys or keys - REQUIRED_KEYS - OPTIONAL_KEYS:
        raise Malformed(f"{where}: keys must be {sorted(REQUIRED_KEYS)} (+ optional {sorted(OPTIONAL_KEYS)})")
    if not isinstance(row["reference"], int) or isinstance(row["reference"], bool):
        raise Malformed(f"{where}: reference must be an integer product id")
    if not isinstance(row["text"], str) or not row["text"].strip():
        raise Malformed(f"{where}: text must be a non-empty string")
    if not isinstance(row["tag"], str) or not (any_tag or row["tag"] in KINDS):
        raise Malformed(f"{where}: unknown tag {row['tag']!r}")
    if not isinstance(row["checks"], list) or not row["checks"]:
        raise Malformed(f"{where}: checks must be a non-empty list")
    for check in row["checks"]:
        _check_shape(check, values, where)
    if is_flag_row(row) and len(row["checks"]) != 1:
        raise Malformed(f"{where}: a not_understood row has no other checks")
    return row


def read_rows(path: Path, values: dict[str, set], any_tag: bool) -> list[dict]:
    """All rows of a JSON Lines file."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise Malformed(f"cannot read {path}: {exc.strerror}") from exc
    rows = [parse_row(line, f"{path}:{n}", values, any_tag)
            for n, line in enumerate(lines, 1) if line.strip()]
    if not rows:
        raise Malformed(f"{path}: no rows")
    return rows


def rule_problems(
    row: dict, reference: dict, split: str | None, allowed_splits: set[str] | None
) -> list[str]:
    """Rule breaks of one row that are not format errors."""
    problems = []
    if allowed_splits is not None and split not in allowed_splits:
        problems.append(f"reference in split {split}, expected {sorted(allowed_splits)}")
    if is_flag_row(row):
        return problems
    checked = {c[0] for c in row["checks"]}
    missing = [f for f in CATEGORY_FIELDS if f not in checked]
    age_changed = any(c[0] == "age_group" and c[1] == "in" for c in row["checks"])
    if missing and not (missing == ["gender"] and age_changed):
        problems.append(f"no check on {missing}")
    if row_checks_pass(row, reference, reference):
        problems.append("the reference already satisfies every check")
    return problems


def validate(rows: list[dict], products: dict[int, dict], split_of: dict[int, str], args) -> list[str]:
    """Print the per-row report; return the problems found."""
    problems = []
    allowed = set(args.splits.split(",")) if args.splits else None
    catalog = list(products.values())
    if not args.quiet:
        print(f"{'line':>4} {'tag':<10} {'ref':>6} {'article_type':<14} {'pass':>5}  text")
    for n, row in enumerate(rows, 1):
        reference = products.get(row["reference"])
        if reference is None:
            raise Malformed(f"row {n}: reference {row['reference']} is not in the catalog")
        passing = None if is_flag_row(row) else count_passing(row, reference, catalog)
        issues = rule_problems(row, reference, split_of.get(row["reference"]), allowed)
        floor = args.min_rare if row.get("note") else args.min_pass
        if passing is not None and passing < floor:
            issues.append(f"only {passing} catalog products pass (need {floor})")
        shown = "-" if passing is None else str(passing)
        if issues:
            flag = "  <-- " + "; ".join(issues)
        else:
            flag = f"  (rare: {row['note']})" if row.get("note") else ""
        if not args.quiet:
            print(f"{n:>4} {row['tag']:<10} {row['reference']:>6} {reference['article_type']:<14} "
                  f"{shown:>5}  {row['text']}{flag}")
        shown_text = "" if args.quiet else f" ({row['text']!r})"
        problems += [f"row {n}{shown_text}: {issue}" for issue in issues]
    return problems


def print_summary(rows: list[dict], products: dict[int, dict]) -> None:
    """Per-kind row counts, article-type and gender/age coverage of the references."""
    kinds = Counter(row["tag"] for row in rows)
    types = Counter(products[row["reference"]]["article_type"] for row in rows)
    ages = Counter(field_value(products[row["reference"]], "age_group") for row in rows)
    refs = len({row["reference"] for row in rows})
    print(f"\n{len(rows)} rows; {len(types)} article types; {refs} references")
    print("per kind:         " + ", ".join(f"{k} {v}" for k, v in sorted(kinds.items())))
    print("per article type: " + ", ".join(f"{k} {v}" for k, v in types.most_common()))
    print("per age group:    " + ", ".join(f"{k} {v}" for k, v in ages.most_common()))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+", type=Path)
    parser.add_argument("--catalog", type=Path, default=catalog_dir(),
                        help="catalog folder (default ../shared/data/catalog from the repository)")
    parser.add_argument("--splits", default="", help="comma-separated splits references must lie in")
    parser.add_argument("--min-pass", type=int, default=10)
    parser.add_argument("--min-rare", type=int, default=3, help="floor for rows with a 'note'")
    parser.add_argument("--any-tag", action="store_true", help="accept any tag (real-phrasing rows)")
    parser.add_argument("--quiet", action="store_true",
                        help="no row texts: counts and problems only (for a suite the reader's tuner must "
                        "not read)")
    args = parser.parse_args(argv)
    try:
        products, split_of = load_catalog(args.catalog)
        values = known_values(products)
        problems = []
        for path in args.paths:
            print(f"== {path}")
            rows = read_rows(path, values, args.any_tag)
            problems += validate(rows, products, split_of, args)
            print_summary(rows, products)
    except Malformed as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for problem in problems:
        print(f"PROBLEM {problem}")
    print("OK" if not problems else f"{len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
