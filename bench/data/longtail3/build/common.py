"""Catalog loader, check semantics and check helpers for the longtail3 suite.

Reads only /work/shared/data/catalog/products.jsonl and splits.json (or $CATALOG_DIR).
Check semantics follow the suite format of the benchmark protocol ("Shopper requests").
"""
import json, os

DATA = os.environ.get("CATALOG_DIR", "/work/shared/data/catalog")
TOP_FIELDS = {"article_type", "gender", "age_group", "base_colour", "season", "usage", "brand"}
IDENTITY = {"article_type", "gender", "age_group"}
KINDS = ["indirect_negation", "idiom", "contradiction_hedge", "casual_recipient", "occasion_place",
         "slang", "size", "currency", "emphasis", "long_chatty", "swap", "companion", "off_topic"]
KIDS = {"Kids-Boys", "Kids-Girls", "Kids-Unisex"}

# Foreign money the store documents: rupees per unit. No other currency is used in this suite.
FX = {"USD": 88, "EUR": 102, "GBP": 117}

PRODUCTS = [json.loads(l) for l in open(os.path.join(DATA, "products.jsonl"))]
BY_ID = {p["id"]: p for p in PRODUCTS}
SPLITS = json.load(open(os.path.join(DATA, "splits.json")))
SPLIT_OF = {i: k for k, ids in SPLITS.items() for i in ids}
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
        raise ValueError("bad price op %r" % (chk,))
    if field == "size":
        return any(s in (p.get("sizes") or []) for s in chk[2])
    v = field_value(p, field)
    if op == "keep":
        return v is None or v == field_value(ref, field)
    if op == "in":
        return v is not None and v in chk[2]
    if op == "not_in":
        # a product that does not record the field cannot show it avoids the value
        return v is not None and v not in chk[2]
    raise ValueError("bad op %r" % (chk,))


def passes(p, checks, ref):
    return all(check_ok(p, c, ref) for c in checks)


def passing(row):
    ref = BY_ID[row["reference"]]
    return [p for p in PRODUCTS if p["id"] != ref["id"] and passes(p, row["checks"], ref)]


def is_flag_row(row):
    return any(c[0] == "flag" for c in row["checks"])


# ---------------------------------------------------------------- colour families
# A colour word maps to every catalog base_colour an annotator accepts for it. The same family
# is used when the word is asked for ("in") and when it is rejected ("not_in"): a shopper who is
# "done with blue" does not want navy either, and one who asks for blue accepts navy.
FAM = {
    "black": ["Black"],
    "white": ["White", "Off White"],
    "cream": ["Cream", "Off White", "Beige"],
    "grey": ["Grey", "Grey Melange", "Charcoal"],
    "blue": ["Blue", "Navy Blue", "Turquoise Blue", "Teal"],
    "navy": ["Navy Blue"],
    "red": ["Red", "Maroon", "Burgundy"],
    "maroon": ["Maroon", "Burgundy"],
    "green": ["Green", "Olive", "Sea Green", "Fluorescent Green", "Teal"],
    "brown": ["Brown", "Coffee Brown", "Tan", "Taupe"],
    "pink": ["Pink", "Magenta", "Peach"],
    "purple": ["Purple", "Lavender", "Mauve"],
    "yellow": ["Yellow", "Mustard"],
    "orange": ["Orange", "Rust", "Peach"],
    "beige": ["Beige", "Cream", "Khaki", "Nude", "Skin"],
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
    """same article type, gender and age group as the reference"""
    return [["article_type", "keep"], ["gender", "keep"], ["age_group", "keep"]]


def KEEPK():
    """kids: article type and age group only (kids' gender values are inconsistent in the catalog)"""
    return [["article_type", "keep"], ["age_group", "keep"]]


def TO_TYPE(*types):
    """a different kind of product for the same person (companion, slang, swap of garment)"""
    return [["article_type", "in", list(types)], ["gender", "keep"], ["age_group", "keep"]]


def TO_TYPE_KID(*types):
    return [["article_type", "in", list(types)], ["age_group", "keep"]]


def FOR_ADULT(g):
    """same article type for an adult of gender g; unisex products fit too"""
    return [["article_type", "keep"], ["gender", "in", [g, "Unisex"]],
            ["age_group", "in", ["Adults-" + g, "Adults-Unisex"]]]


def FOR_KID(who):
    ages = {"girl": ["Kids-Girls", "Kids-Unisex"], "boy": ["Kids-Boys", "Kids-Unisex"],
            "any": ["Kids-Boys", "Kids-Girls", "Kids-Unisex"]}[who]
    return [["article_type", "keep"], ["age_group", "in", ages]]


def COL(*words):
    return ["base_colour", "in", fam(*words)]


def NOTCOL(*words):
    return ["base_colour", "not_in", fam(*words)]


def ATTR_IN(name, *values):
    return [name, "in", list(values)]


def ATTR_NOT(name, *values):
    return [name, "not_in", list(values)]


def CHEAPER():
    return ["price", "lt_ref"]


def under(rupees):
    """'under N' / 'below N' / 'less than N' -> selling price < N"""
    return ["price", "lt", int(rupees)]


def up_to(rupees):
    """'max N' / 'N or less' / 'up to N' / 'N tops' / 'budget N' -> selling price <= N"""
    return ["price", "lt", int(rupees) + 1]


def fx(amount, cur):
    return int(round(amount * FX[cur]))


def SIZE(*labels):
    return ["size", "in", list(labels)]


FOOTWEAR = ["Casual Shoes", "Sports Shoes", "Formal Shoes", "Heels", "Flats", "Sandals", "Flip Flops",
            "Sports Sandals"]
ETHNIC_WOMEN = ["Kurtas", "Kurtis", "Kurta Sets", "Tunics", "Sarees", "Tops"]

OFF = [["flag", "not_understood"]]


def R(tag, sel, text, checks):
    """One row source: tag (kind), sel (what the reference must be), text, checks.

    sel maps a top-level field or attribute name to a value or a list of accepted values;
    the special keys price_gt / price_lt bound the reference's selling price.
    """
    return {"tag": tag, "sel": sel, "text": text, "checks": checks}
