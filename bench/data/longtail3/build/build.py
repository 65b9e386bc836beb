"""Build longtail3_dev.jsonl and longtail3_holdout.jsonl from rows_dev.py and rows_holdout.py.

Each row source names what its reference must be (sel); the builder picks, deterministically,
the first product of the half's splits that matches sel, is not used yet, and makes the row
valid under validate.row_errors. Candidates are ordered by sha1(text|id), so picks do not
depend on dict or set order. Rebuilding gives byte-identical files.
Usage: python3 build.py
"""
import hashlib, json, os, sys
from common import *
from validate import FILES, OUTDIR, row_errors
import rows_dev, rows_holdout

SOURCES = {"dev": rows_dev.ROWS, "holdout": rows_holdout.ROWS}


def matches(p, sel):
    for k, want in sel.items():
        if k == "price_gt":
            if not selling_price(p) > want:
                return False
            continue
        if k == "price_lt":
            if not selling_price(p) < want:
                return False
            continue
        if k.startswith("!"):
            bad = want if isinstance(want, list) else [want]
            if field_value(p, k[1:]) in bad:
                return False
            continue
        v = field_value(p, k)
        if isinstance(want, list):
            if v not in want:
                return False
        elif v != want:
            return False
    return True


def order_key(text, pid):
    return hashlib.sha1(("%s|%d" % (text, pid)).encode("utf-8")).hexdigest()


def main():
    used = set()
    failed = 0
    for half in ("dev", "holdout"):
        name, splits, _, _ = FILES[half]
        pool = sorted(i for s in splits for i in SPLITS[s])
        out = []
        for src in SOURCES[half]:
            cands = [i for i in pool if i not in used and matches(BY_ID[i], src["sel"])]
            cands.sort(key=lambda i: order_key(src["text"], i))
            pick = None
            last = None
            for i in cands:
                row = {"reference": i, "text": src["text"], "checks": src["checks"], "tag": src["tag"]}
                errs = row_errors(row, BY_ID[i])
                if not errs:
                    pick = row
                    break
                last = errs
            if pick is None:
                failed += 1
                print("NO REFERENCE (%s, %d candidates) for %r: %s" % (half, len(cands), src["text"][:70], last))
                continue
            used.add(pick["reference"])
            out.append(pick)
        with open(os.path.join(OUTDIR, name), "w", encoding="utf-8", newline="\n") as f:
            for r in out:
                f.write(json.dumps(r, ensure_ascii=False) + "\n")
        print("%s: %d rows -> %s" % (half, len(out), name))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
