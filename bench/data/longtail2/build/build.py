"""Build longtail2_dev.jsonl and longtail2_holdout.jsonl from the hand-written rows.

Each hand-written row has the request text, the checks, and a reference *spec* (what the
reference must look like for the text to make sense, e.g. "a men's striped shirt").
The builder picks, deterministically, an unused reference from the right split that matches
the spec and for which the row is valid (>=10 passing products, the reference fails every
requested change, size rows: reference not offered in the requested size).
"""
import hashlib, json, random, sys
from common import *


def R(tag, text, checks, ref=None, lax=(), note=None):
    return dict(tag=tag, text=text, checks=checks, ref=ref or {}, lax=set(lax), note=note)


def spec_ok(p, spec):
    for k, v in spec.items():
        if k == "fn":
            if not v(p):
                return False
        elif k == "price_gt":
            if not selling_price(p) > v:
                return False
        elif k == "price_lt":
            if not selling_price(p) < v:
                return False
        elif k == "sizes_has":
            if not all(s in p["sizes"] for s in v):
                return False
        elif k == "sizes_lacks":
            if any(s in p["sizes"] for s in v):
                return False
        else:
            vals = v if isinstance(v, list) else [v]
            if field_value(p, k) not in vals:
                return False
    return True


def row_problems(row, ref, lax=()):
    """Problems of a (row, reference) pair; empty list = valid."""
    checks = row["checks"]
    if is_flag_row(row):
        return []
    probs = []
    n = sum(1 for p in PRODUCTS if p["id"] != ref["id"] and passes(p, checks, ref))
    if n < 10:
        probs.append("only %d passing" % n)
    if passes(ref, checks, ref):
        probs.append("reference satisfies checks")
    for i, c in enumerate(checks):
        if i in lax or c[1] == "keep" or c[0] in ("gender", "age_group"):
            continue
        if check_ok(ref, c, ref):
            probs.append("reference already meets %r" % (c,))
    for c in checks:
        if c[0] == "size" and any(s in ref["sizes"] for s in c[2]):
            probs.append("reference offered in requested size")
    return probs


def pick(row, pool, used):
    h = int(hashlib.sha1(row["text"].encode()).hexdigest()[:12], 16)
    ids = sorted(pool)
    random.Random(h).shuffle(ids)
    seen = 0
    for i in ids:
        if i in used:
            continue
        p = BY_ID[i]
        if not spec_ok(p, row["ref"]):
            continue
        seen += 1
        if not row_problems(row, p, row["lax"]):
            return i, seen
    return None, seen


def build(rows, splits, used, out_path):
    pool = [i for s in splits for i in SPLITS[s]]
    out, errs = [], []
    for r in rows:
        i, seen = pick(r, pool, used)
        if i is None:
            # show why using the first spec-matching candidate
            cand = [BY_ID[j] for j in pool if j not in used and spec_ok(BY_ID[j], r["ref"])]
            why = row_problems(r, cand[0], r["lax"]) if cand else ["no candidate matches spec"]
            errs.append("%s | %s | %d spec matches | %s" % (r["tag"], r["text"][:60], len(cand), why))
            continue
        used.add(i)
        o = {"reference": i, "text": r["text"], "checks": r["checks"], "tag": r["tag"]}
        if r["note"]:
            o["note"] = r["note"]
        out.append(o)
    if not errs:
        with open(out_path, "w") as f:
            for o in out:
                f.write(json.dumps(o, ensure_ascii=False) + "\n")
    return out, errs


if __name__ == "__main__":
    import rows_dev, rows_holdout
    used = set()
    dev, e1 = build(rows_dev.ROWS, ["train", "val"], used, "longtail2_dev.jsonl")
    hold, e2 = build(rows_holdout.ROWS, ["test"], used, "longtail2_holdout.jsonl")
    for e in e1:
        print("DEV  ", e)
    for e in e2:
        print("HOLD ", e)
    print("dev rows", len(dev), "holdout rows", len(hold), "errors", len(e1) + len(e2))
    sys.exit(1 if (e1 or e2) else 0)
