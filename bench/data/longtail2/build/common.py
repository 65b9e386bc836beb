"""Shared catalog loader and the Sat@10 check semantics for the longtail2 suite.

Reads only /work/shared/data/catalog/products.jsonl and splits.json.
"""
import json, os, random

DATA = os.environ.get("CATALOG_DIR", "/work/shared/data/catalog")
TOP_FIELDS = {"article_type", "gender", "age_group", "base_colour", "season", "usage", "brand"}
KINDS = ["indirect_negation", "idiom", "contradiction_hedge", "casual_recipient", "occasion_place",
         "slang", "size", "currency", "emphasis", "long_chatty", "swap", "companion", "off_topic"]
KIDS = {"Kids-Boys", "Kids-Girls", "Kids-Unisex"}

# Foreign money (documented by the store): rupees per unit
FX = {"USD": 88, "EUR": 102, "GBP": 117}

PRODUCTS = [json.loads(l) for l in open(os.path.join(DATA, "products.jsonl"))]
BY_ID = {p["id"]: p for p in PRODUCTS}
SPLITS = json.load(open(os.path.join(DATA, "splits.json")))
SPLIT_OF = {}
for _k, _ids in SPLITS.items():
    for _i in _ids:
        SPLIT_OF[_i] = _k
ATTR_NAMES = sorted({k for p in PRODUCTS for k in p.get("attributes") or {}})


def selling_price(p):
    d = p.get("discounted_price")
    return d if d is not None else p["price"]


def field_value(p, field):
    """Value of a field, or None when the product does not record it."""
    if field in TOP_FIELDS:
        return p.get(field)
    return (p.get("attributes") or {}).get(field)


def check_ok(p, chk, ref):
    field, op = chk[0], chk[1]
    if field == "flag":
        raise ValueError("flag checks are not product checks")
    if field == "price":
        sp = selling_price(p)
        if op == "lt_ref":
            return sp < selling_price(ref)
        if op == "gt_ref":
            return sp > selling_price(ref)
        if op == "lt":
            return sp < chk[2]
        if op == "gt":
            return sp > chk[2]
        if op == "on_sale":
            d = p.get("discounted_price")
            return d is not None and d < p["price"]
        raise ValueError("bad price op %r" % (chk,))
    if field == "size":
        assert op == "in"
        return any(s in p.get("sizes", []) for s in chk[2])
    v = field_value(p, field)
    if op == "keep":
        return v is None or v == field_value(ref, field)
    if op == "in":
        return v is not None and v in chk[2]
    if op == "not_in":
        # attribute checks fail when the product does not record the attribute
        if v is None:
            return False
        return v not in chk[2]
    raise ValueError("bad op %r" % (chk,))


def passes(p, checks, ref):
    return all(check_ok(p, c, ref) for c in checks)


def passing(row):
    ref = BY_ID[row["reference"]]
    return [p for p in PRODUCTS if p["id"] != ref["id"] and passes(p, row["checks"], ref)]


def is_flag_row(row):
    return any(c[0] == "flag" for c in row["checks"])


# ---------------------------------------------------------------- colour families
# A colour word maps to the catalog base_colour values an annotator accepts for it.
# The same family is used for requests ("in") and for rejections ("not_in").
FAM = {
    "black": ["Black"],
    "white": ["White", "Off White"],
    "offwhite": ["Off White", "Cream", "White"],
    "grey": ["Grey", "Grey Melange", "Charcoal"],
    "charcoal": ["Charcoal", "Grey"],
    "blue": ["Blue", "Navy Blue", "Turquoise Blue"],
    "navy": ["Navy Blue"],
    "red": ["Red", "Maroon", "Burgundy"],
    "maroon": ["Maroon", "Burgundy"],
    "green": ["Green", "Olive", "Sea Green", "Fluorescent Green"],
    "olive": ["Olive"],
    "brown": ["Brown", "Coffee Brown", "Tan"],
    "tan": ["Tan"],
    "pink": ["Pink", "Magenta"],
    "purple": ["Purple", "Lavender", "Mauve"],
    "yellow": ["Yellow", "Mustard"],
    "orange": ["Orange", "Rust"],
    "beige": ["Beige", "Cream", "Khaki", "Nude", "Skin"],
    "khaki": ["Khaki", "Beige"],
    "silver": ["Silver", "Steel"],
    "gold": ["Gold"],
}


def fam(*words):
    out = []
    for w in words:
        for v in FAM[w]:
            if v not in out:
                out.append(v)
    return out


# ---------------------------------------------------------------- check helpers
def KEEP3():
    return [["article_type", "keep"], ["gender", "keep"], ["age_group", "keep"]]


def KEEPK():
    """kids: article type and age group only (kids' gender values are inconsistent)"""
    return [["article_type", "keep"], ["age_group", "keep"]]


def TO_TYPE(*types):
    return [["article_type", "in", list(types)], ["gender", "keep"], ["age_group", "keep"]]


def FOR_ADULT(g, unisex=True):
    gs = [g] + (["Unisex"] if unisex else [])
    ages = ["Adults-" + g] + (["Adults-Unisex"] if unisex else [])
    return [["article_type", "keep"], ["gender", "in", gs], ["age_group", "in", ages]]


def FOR_KID(who):
    ages = {"girl": ["Kids-Girls", "Kids-Unisex"], "boy": ["Kids-Boys", "Kids-Unisex"],
            "any": ["Kids-Boys", "Kids-Girls", "Kids-Unisex"]}[who]
    return [["article_type", "keep"], ["age_group", "in", ages]]


def COL(*words):
    return ["base_colour", "in", fam(*words)]


def NOTCOL(*words):
    return ["base_colour", "not_in", fam(*words)]


def up_to(rupees):
    """'max N' / 'N or less' / 'up to N' -> lt N+1 (rupees)"""
    return ["price", "lt", int(rupees) + 1]


def under(rupees):
    return ["price", "lt", int(rupees)]


def fx(amount, cur):
    return round(amount * FX[cur])
