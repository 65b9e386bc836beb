"""Sat@10 scorer for request rows (shopper suites and the real-phrasing set), no Django.

A row is {"reference": id, "text": str, "checks": [...], "tag": str} (PROTOCOL.md, "Shopper
requests"). Products are catalog dicts (products.jsonl keys, attributes nested). Checks:

    [field, "in", [values]]      the product's value is one of values (missing value: fails)
    [field, "not_in", [values]]  the product has a value and it is not one of values
    [field, "keep"]              same value as the reference, or the product's value is missing
                                 (also passes when the reference itself has no value)
    ["price", "lt_ref"|"gt_ref"] selling price below / above the reference's selling price
    ["price", "lt", N]           selling price below N
    ["flag", "not_understood"]   the response says the request was not understood

Documented additions (not in PROTOCOL.md):
    ["price", "gt", N]           selling price above N
    ["price", "on_sale"]         discounted_price is set and below price
    ["size", "in", [labels]]     the product is offered in one of these sizes (its "sizes" list)

Fields: article_type, gender, age_group, base_colour, season, usage, brand, or an attribute
key (Pattern, Sleeve Length, Neck, Fit, Fabric, ...). The selling price is discounted_price
when set, else price. Values "NA" and "" count as missing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

TOP_LEVEL_FIELDS = ("article_type", "gender", "age_group", "base_colour", "season", "usage", "brand")
CATEGORY_FIELDS = ("article_type", "gender", "age_group")
FLAG_CHECK = ["flag", "not_understood"]
PRICE_OPS = ("lt_ref", "gt_ref", "lt", "gt", "on_sale")
_MISSING = (None, "", "NA")


def field_value(product: dict, field: str) -> object | None:
    """The product's value of a top-level field or attribute; None when missing."""
    if field in TOP_LEVEL_FIELDS:
        value = product.get(field)
    else:
        value = (product.get("attributes") or {}).get(field)
    return None if value in _MISSING else value


def selling_price(product: dict) -> float:
    """discounted_price when set, else price."""
    discounted = product.get("discounted_price")
    return float(discounted if discounted is not None else product["price"])


def is_flag_row(row: dict) -> bool:
    """True for a row that expects the request to be flagged as not understood."""
    return any(list(check) == FLAG_CHECK for check in row["checks"])


def _price_check(check: list, reference: dict, product: dict) -> bool:
    op = check[1]
    price = selling_price(product)
    if op == "lt_ref":
        return price < selling_price(reference)
    if op == "gt_ref":
        return price > selling_price(reference)
    if op == "lt":
        return price < float(check[2])
    if op == "gt":
        return price > float(check[2])
    if op == "on_sale":
        discounted = product.get("discounted_price")
        return discounted is not None and float(discounted) < float(product["price"])
    raise ValueError(f"unknown price check {check!r}")


def check_passes(check: list, reference: dict, product: dict) -> bool:
    """Whether one (non-flag) check holds for product, given the reference."""
    field, op = check[0], check[1]
    if field == "price":
        return _price_check(check, reference, product)
    if field == "size":
        return op == "in" and bool(set(product.get("sizes") or ()) & set(check[2]))
    value = field_value(product, field)
    if op == "keep":
        wanted = field_value(reference, field)
        return value is None or wanted is None or value == wanted
    if op == "in":
        return value is not None and value in check[2]
    if op == "not_in":
        return value is not None and value not in check[2]
    raise ValueError(f"unknown check {check!r}")


def row_checks_pass(row: dict, reference: dict, product: dict) -> bool:
    """Whether product passes every check of row (the flag check is not a product check)."""
    return all(
        check_passes(check, reference, product) for check in row["checks"] if list(check) != FLAG_CHECK
    )


def count_passing(row: dict, reference: dict, catalog: Iterable[dict]) -> int:
    """Catalog products (reference excluded) that pass every check of row."""
    ref_id = reference["id"]
    return sum(1 for p in catalog if p["id"] != ref_id and row_checks_pass(row, reference, p))


def sat_at_10(
    row: dict, reference: dict, results: list[dict], n_passing_in_catalog: int, understood: bool | None
) -> float:
    """Sat@10 of one row (PROTOCOL.md).

    Flag rows: 1.0 iff understood is False. Other rows: share of the top 10 results passing
    every check, divided by min(10, n_passing_in_catalog), capped at 1; the reference itself
    never counts as a passing result. `understood` does not change a real row's score: count
    real requests flagged as not understood with `real_request_flagged`.
    """
    if is_flag_row(row):
        return 1.0 if understood is False else 0.0
    if n_passing_in_catalog <= 0:
        raise ValueError(f"row {row.get('text')!r}: no catalog product passes its checks")
    ref_id = reference["id"]
    passing = sum(
        1 for p in results[:10] if p["id"] != ref_id and row_checks_pass(row, reference, p)
    )
    return min(1.0, passing / min(10, n_passing_in_catalog))


def real_request_flagged(row: dict, understood: bool | None) -> bool:
    """True when a real (non-flag) request was answered as not understood."""
    return not is_flag_row(row) and understood is False


@dataclass(frozen=True)
class RowScore:
    sat: float
    flagged_real: bool  # a real request answered "not understood"


def score_row(
    row: dict, reference: dict, results: list[dict], n_passing_in_catalog: int, understood: bool | None
) -> RowScore:
    """Sat@10 together with whether a real request was flagged as not understood."""
    return RowScore(
        sat=sat_at_10(row, reference, results, n_passing_in_catalog, understood),
        flagged_real=real_request_flagged(row, understood),
    )


def rejected(row: dict) -> dict[str, set]:
    """The values the shopper rejected, per field: the row's not_in checks."""
    out: dict[str, set] = {}
    for check in row["checks"]:
        if len(check) == 3 and check[1] == "not_in":
            out.setdefault(check[0], set()).update(check[2])
    return out


def is_opposite(row: dict, asked: Iterable[dict], results: list[dict], n_passing_in_catalog: int) -> bool:
    """The "opposite" of a row with a rejection (PROTOCOL.md): the answer asks for a rejected value
    (`asked`: the interpretation's constraints, {"field", "op", "value"}), or a top-10 result holds
    one while at least 10 catalog products pass the row (so avoiding it was possible)."""
    refused = rejected(row)
    if not refused:
        return False
    for constraint in asked:
        values = constraint.get("value")
        if constraint.get("op") == "in" and isinstance(values, list) and \
                set(values) & refused.get(constraint.get("field"), set()):
            return True
    if n_passing_in_catalog < 10:
        return False
    return any(field_value(p, field) in values for p in results[:10] for field, values in refused.items())
