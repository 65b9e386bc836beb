"""Validate longtail3_dev.jsonl and longtail3_holdout.jsonl against the suite's rules.

Prints errors (must be 0), warnings, and the statistics quoted in README.md.
Usage: python3 validate.py [--stats]
"""
import collections, json, os, re, sys
from common import *

HERE = os.path.dirname(os.path.abspath(__file__))
OUTDIR = os.path.dirname(HERE)
# half -> (file, allowed splits, rows per kind, minimum rows with a not_in check)
FILES = {"dev": ("longtail3_dev.jsonl", ["train", "val"], 8, 26),
         "holdout": ("longtail3_holdout.jsonl", ["test"], 10, 33)}
KEYS = {"reference", "text", "checks", "tag"}
OPS = {"in", "not_in", "keep"}
PRICE_OPS = {"lt_ref", "gt_ref", "lt", "gt"}
FIELDS = TOP_FIELDS | set(ATTR_NAMES)
ALL_SIZES = {s for p in PRODUCTS for s in p["sizes"]}
VALUES = collections.defaultdict(set)
for _p in PRODUCTS:
    for _f in TOP_FIELDS:
        VALUES[_f].add(_p.get(_f))
    for _k, _v in (_p.get("attributes") or {}).items():
        VALUES[_k].add(_v)
TYPE_N = collections.Counter(p["article_type"] for p in PRODUCTS)
TYPE_ATTR = collections.Counter((p["article_type"], k) for p in PRODUCTS for k in p.get("attributes") or {})
NEG_WORDS = re.compile(r"\b(not|no)\b", re.I)


def load(path):
    rows = []
    for ln, line in enumerate(open(path, encoding="utf-8"), 1):
        if line.strip():
            rows.append((ln, json.loads(line)))
    return rows


def row_errors(row, ref):
    """Everything wrong with one row (empty list when valid)."""
    e = []
    checks = row["checks"]
    if row["tag"] == "off_topic":
        if checks != OFF:
            e.append("off_topic row must have exactly [['flag','not_understood']]")
        return e
    if is_flag_row(row):
        e.append("flag check outside off_topic")
        return e
    for c in checks:
        if not isinstance(c, list) or len(c) < 2:
            e.append("malformed check %r" % (c,))
            continue
        f, op = c[0], c[1]
        if f == "price":
            if op not in PRICE_OPS:
                e.append("bad price op %r" % (c,))
            elif op in ("lt", "gt") and (len(c) != 3 or not isinstance(c[2], int) or c[2] <= 0):
                e.append("price %s needs a positive int %r" % (op, c))
            elif op not in ("lt", "gt") and len(c) != 2:
                e.append("malformed %r" % (c,))
        elif f == "size":
            if op != "in" or len(c) != 3 or not isinstance(c[2], list) or not c[2]:
                e.append("malformed size check %r" % (c,))
            else:
                for s in c[2]:
                    if s not in ALL_SIZES:
                        e.append("size label %r not in catalog" % s)
        elif f in FIELDS:
            if op not in OPS:
                e.append("bad op %r" % (c,))
            elif op == "keep":
                if len(c) != 2:
                    e.append("malformed keep %r" % (c,))
            elif len(c) != 3 or not isinstance(c[2], list) or not c[2]:
                e.append("malformed %r" % (c,))
            else:
                for v in c[2]:
                    if v not in VALUES[f]:
                        e.append("value %r never appears in field %s" % (v, f))
        else:
            e.append("unknown field %r" % f)
    if e:
        return e
    n = len(passing(row))
    if n < 10:
        e.append("only %d catalog products pass" % n)
    if passes(ref, checks, ref):
        e.append("reference already satisfies the checks")
    # the reference fails every requested change (every non-identity check other than keep)
    for c in checks:
        if c[0] not in IDENTITY and c[1] != "keep" and check_ok(ref, c, ref):
            e.append("reference already satisfies the requested change %r" % (c,))
    fields = [c[0] for c in checks]
    for must in ("article_type", "age_group"):
        if must not in fields:
            e.append("no %s check" % must)
    age_vals = set()
    for c in checks:
        if c[0] == "age_group":
            age_vals |= {ref["age_group"]} if c[1] == "keep" else set(c[2])
    kids = bool(age_vals) and age_vals <= KIDS
    if kids and "gender" in fields:
        e.append("kids row checks gender (check age_group only)")
    if not kids and "gender" not in fields:
        e.append("no gender check")
    if age_vals & KIDS and not age_vals <= KIDS:
        e.append("age_group mixes kids and adults")
    # attribute checks only on article types that record the attribute for at least half their products
    types = set()
    for c in checks:
        if c[0] == "article_type":
            types |= {ref["article_type"]} if c[1] == "keep" else set(c[2])
    for c in checks:
        if c[0] in ATTR_NAMES and c[0] not in TOP_FIELDS:
            for t in sorted(types):
                share = TYPE_ATTR[(t, c[0])] / TYPE_N[t]
                if share < 0.5:
                    e.append("attribute %s recorded for only %.0f%% of %s" % (c[0], 100 * share, t))
            if c[1] == "keep" and field_value(ref, c[0]) is None:
                e.append("keep on attribute %s the reference lacks" % c[0])
    if row["tag"] == "size" and "size" not in fields:
        e.append("size row without size check")
    if row["tag"] == "currency" and not any(c[0] == "price" and c[1] in ("lt", "gt") for c in checks):
        e.append("currency row without a price amount check")
    if row["tag"] == "indirect_negation":
        if not any(c[1] == "not_in" for c in checks):
            e.append("indirect_negation row without a not_in check")
        if NEG_WORDS.search(row["text"]):
            e.append("indirect_negation text uses a plain negation word")
    if row["tag"] == "long_chatty":
        n_sent = len([s for s in re.split(r"(?<=[.!?])\s+", row["text"].strip()) if s])
        if not 3 <= n_sent <= 6:
            e.append("long_chatty text has %d sentences (want 3-6)" % n_sent)
    return e


def main():
    errors, warns = [], []
    used_refs, texts, data = {}, {}, {}
    for half, (name, splits, per_kind, min_not_in) in FILES.items():
        ok_ids = {i for s in splits for i in SPLITS[s]}
        rows = load(os.path.join(OUTDIR, name))
        data[half] = [r for _, r in rows]
        for ln, r in rows:
            where = "%s:%d" % (half, ln)
            if set(r) != KEYS:
                errors.append("%s bad keys %s" % (where, sorted(r)))
                continue
            if r["tag"] not in KINDS:
                errors.append("%s unknown tag %r" % (where, r["tag"]))
            if not isinstance(r["text"], str) or not r["text"].strip():
                errors.append("%s empty text" % where)
            if r["reference"] not in BY_ID:
                errors.append("%s unknown reference %r" % (where, r["reference"]))
                continue
            if r["reference"] not in ok_ids:
                errors.append("%s reference %d is in split %s, not %s" % (
                    where, r["reference"], SPLIT_OF.get(r["reference"]), splits))
            if r["reference"] in used_refs:
                errors.append("%s reference %d reused (also %s)" % (where, r["reference"], used_refs[r["reference"]]))
            used_refs[r["reference"]] = where
            key = " ".join(r["text"].lower().split())
            if key in texts:
                errors.append("%s text repeated (also %s)" % (where, texts[key]))
            texts[key] = where
            for m in row_errors(r, BY_ID[r["reference"]]):
                errors.append("%s [%s] %s" % (where, r["tag"], m))
        kinds = collections.Counter(r["tag"] for r in data[half])
        for k in KINDS:
            if kinds[k] != per_kind:
                errors.append("%s: %d rows of kind %s, want %d" % (half, kinds[k], k, per_kind))
        n_not_in = sum(1 for r in data[half] if any(c[1] == "not_in" for c in r["checks"]))
        if n_not_in < min_not_in:
            errors.append("%s: only %d rows with not_in (want >= %d)" % (half, n_not_in, min_not_in))
        ref_types = {BY_ID[r["reference"]]["article_type"] for r in data[half]}
        if len(ref_types) < 12:
            errors.append("%s: only %d reference article types" % (half, len(ref_types)))
    # amounts in currency rows should differ between halves
    nums = {}
    for half in data:
        nums[half] = set()
        for r in data[half]:
            if r["tag"] == "currency":
                nums[half] |= set(re.findall(r"\d+(?:\.\d+)?", r["text"].replace(",", "")))
    shared = nums["dev"] & nums["holdout"]
    if shared:
        warns.append("currency amounts shared between halves: %s" % sorted(shared))
    for e in errors:
        print("ERROR", e)
    for w in warns:
        print("WARN ", w)
    print("errors: %d, warnings: %d" % (len(errors), len(warns)))
    if "--stats" in sys.argv:
        stats(data)
    return 1 if errors else 0


def stats(data):
    for half, rows in data.items():
        print("\n## %s (%d rows)" % (half, len(rows)))
        kinds = collections.Counter(r["tag"] for r in rows)
        notin = collections.Counter(r["tag"] for r in rows if any(c[1] == "not_in" for c in r["checks"]))
        print("| kind | rows | rows with not_in |\n|---|---|---|")
        for k in KINDS:
            print("| %s | %d | %d |" % (k, kinds[k], notin[k]))
        print("| **total** | %d | %d |" % (len(rows), sum(notin.values())))
        types = collections.Counter(BY_ID[r["reference"]]["article_type"] for r in rows)
        print("\nreference article types (%d): %s" % (len(types), ", ".join("%s %d" % kv for kv in types.most_common())))
        ns = sorted(len(passing(r)) for r in rows if r["tag"] != "off_topic")
        print("passing products per row: min %d, median %d, max %d" % (ns[0], ns[len(ns) // 2], ns[-1]))


if __name__ == "__main__":
    sys.exit(main())
