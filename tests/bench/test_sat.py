"""bench/sat.py: check semantics and hand-computed Sat@10 values (no database)."""

from __future__ import annotations

import pytest

from bench.sat import (
    count_passing,
    row_checks_pass,
    sat_at_10,
    score_row,
    selling_price,
)

KEEP = [["article_type", "keep"], ["gender", "keep"], ["age_group", "keep"]]


def product(pid: int, **kw) -> dict:
    base = {
        "id": pid, "article_type": "Tshirts", "gender": "Men", "age_group": "Adults-Men",
        "base_colour": "White", "season": "Summer", "usage": "Casual", "brand": "Puma",
        "price": 1000, "discounted_price": 1000,
        "attributes": {"Pattern": "Solid", "Sleeve Length": "Short Sleeves"},
    }
    attrs = kw.pop("attributes", None)
    base.update(kw)
    if attrs is not None:
        base["attributes"] = attrs
    return base


REF = product(1)


def test_selling_price_prefers_discounted_price():
    assert selling_price(product(2, price=1000, discounted_price=700)) == 700
    assert selling_price(product(2, price=1000, discounted_price=None)) == 1000


def test_keep_passes_same_value_or_missing():
    row = {"checks": [["Pattern", "keep"]]}
    assert row_checks_pass(row, REF, product(2))
    assert row_checks_pass(row, REF, product(2, attributes={}))
    assert not row_checks_pass(row, REF, product(2, attributes={"Pattern": "Striped"}))
    assert row_checks_pass({"checks": [["gender", "keep"]]}, REF, product(2, gender=None))
    assert not row_checks_pass({"checks": [["gender", "keep"]]}, REF, product(2, gender="Women"))


def test_in_and_not_in_fail_on_missing_attribute():
    assert row_checks_pass({"checks": [["Pattern", "in", ["Solid"]]]}, REF, product(2))
    assert not row_checks_pass({"checks": [["Pattern", "in", ["Solid"]]]}, REF, product(2, attributes={}))
    assert row_checks_pass({"checks": [["Neck", "not_in", ["Polo Collar"]]]}, REF,
                           product(2, attributes={"Neck": "Round Neck"}))
    assert not row_checks_pass({"checks": [["Neck", "not_in", ["Polo Collar"]]]}, REF, product(2))
    assert not row_checks_pass({"checks": [["base_colour", "not_in", ["White"]]]}, REF, product(2))


def test_price_checks():
    cheap = product(2, price=1200, discounted_price=600)
    dear = product(3, price=1500, discounted_price=1500)
    assert row_checks_pass({"checks": [["price", "lt_ref"]]}, REF, cheap)
    assert not row_checks_pass({"checks": [["price", "lt_ref"]]}, REF, dear)
    assert row_checks_pass({"checks": [["price", "gt_ref"]]}, REF, dear)
    assert row_checks_pass({"checks": [["price", "lt", 800]]}, REF, cheap)
    assert not row_checks_pass({"checks": [["price", "lt", 600]]}, REF, cheap)  # strictly below
    assert row_checks_pass({"checks": [["price", "gt", 1400]]}, REF, dear)
    assert row_checks_pass({"checks": [["price", "on_sale"]]}, REF, cheap)
    assert not row_checks_pass({"checks": [["price", "on_sale"]]}, REF, dear)


def test_unknown_check_raises():
    with pytest.raises(ValueError):
        row_checks_pass({"checks": [["Pattern", "like", "Solid"]]}, REF, product(2))


def _colour_row() -> dict:
    return {"reference": 1, "text": "in black", "tag": "colour",
            "checks": [*KEEP, ["base_colour", "in", ["Black"]]]}


def test_sat_hand_computed():
    row = _colour_row()
    black = [product(10 + i, base_colour="Black") for i in range(4)]
    other = [product(20 + i, base_colour="Red") for i in range(6)]
    women_black = product(30, base_colour="Black", gender="Women", age_group="Adults-Women")
    # 4 of the top 10 pass; 50 pass in the catalog -> 4 / 10
    assert sat_at_10(row, REF, black + other, 50, True) == pytest.approx(0.4)
    # only 5 pass in the whole catalog -> 4 / 5
    assert sat_at_10(row, REF, black + other, 5, True) == pytest.approx(0.8)
    # capped at 1 when the catalog count is smaller than what the results show
    assert sat_at_10(row, REF, black, 3, True) == 1.0
    # a women's black T-shirt breaks the gender keep check
    assert sat_at_10(row, REF, [women_black, *black[:1]], 20, True) == pytest.approx(0.1)
    # only the top 10 count; results beyond are ignored
    more_red = [product(40 + i, base_colour="Red") for i in range(4)]
    assert sat_at_10(row, REF, other + more_red + black, 50, True) == 0.0
    # the reference itself never counts, even if it passed
    assert sat_at_10(row, product(1, base_colour="Black"), [product(1, base_colour="Black")], 1, True) == 0.0


def test_sat_flag_rows():
    row = {"reference": 1, "text": "asdf", "checks": [["flag", "not_understood"]], "tag": "nonsense"}
    assert sat_at_10(row, REF, [product(2)], 0, False) == 1.0
    assert sat_at_10(row, REF, [], 0, True) == 0.0
    assert sat_at_10(row, REF, [], 0, None) == 0.0


def test_real_request_flagged_is_reported_separately():
    row = _colour_row()
    black = [product(10 + i, base_colour="Black") for i in range(10)]
    score = score_row(row, REF, black, 40, False)
    assert score.sat == 1.0 and score.flagged_real
    assert not score_row(row, REF, black, 40, True).flagged_real
    flag = {"reference": 1, "text": "zxcv", "checks": [["flag", "not_understood"]], "tag": "nonsense"}
    assert not score_row(flag, REF, [], 0, False).flagged_real


def test_sat_without_passing_products_raises():
    with pytest.raises(ValueError):
        sat_at_10(_colour_row(), REF, [], 0, True)


def test_count_passing_excludes_reference():
    row = {"checks": [["Pattern", "keep"]]}
    catalog = [REF, product(2), product(3, attributes={"Pattern": "Striped"})]
    assert count_passing(row, REF, catalog) == 1
