"""Small self-tests of the check semantics in common.py (run: python3 test_checker.py)."""
from common import check_ok, passes

ref = {"id": 1, "article_type": "Shirts", "gender": "Men", "age_group": "Adults-Men", "base_colour": "Blue",
       "price": 1000, "discounted_price": 800, "sizes": ["38", "40"], "attributes": {"Pattern": "Checked"}}
a = {"id": 2, "article_type": "Shirts", "gender": "Men", "age_group": "Adults-Men", "base_colour": "Black",
     "price": 900, "discounted_price": 900, "sizes": ["42"], "attributes": {}}
b = dict(a, id=3, discounted_price=None, price=700, attributes={"Pattern": "Striped"})

# attribute checks fail when the attribute is missing, for "in" and for "not_in"
assert not check_ok(a, ["Pattern", "not_in", ["Checked"]], ref)
assert not check_ok(a, ["Pattern", "in", ["Striped"]], ref)
assert check_ok(b, ["Pattern", "not_in", ["Checked"]], ref)
# keep: same value, or the result lacks the field
assert check_ok(a, ["Pattern", "keep"], ref)
assert not check_ok(b, ["Pattern", "keep"], ref)
assert check_ok(a, ["gender", "keep"], ref)
# selling price = discounted_price when set, else price
assert not check_ok(a, ["price", "lt_ref"], ref)      # 900 vs 800
assert check_ok(b, ["price", "lt_ref"], ref)          # 700 vs 800
assert check_ok(a, ["price", "gt_ref"], ref)
assert check_ok(b, ["price", "lt", 701], ref)
assert not check_ok(b, ["price", "lt", 700], ref)
assert check_ok(ref, ["price", "on_sale"], ref) and not check_ok(a, ["price", "on_sale"], ref)
# sizes
assert check_ok(a, ["size", "in", ["42", "44"]], ref) and not check_ok(b, ["size", "in", ["40"]], ref)
assert passes(b, [["article_type", "keep"], ["base_colour", "not_in", ["Blue"]]], ref)
print("checker self-tests passed")
