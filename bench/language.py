"""Language benchmark: does the store give shoppers what they asked for?

    python -m bench.language                 # the dev sets (train/val references), all methods
    python -m bench.language --final         # the test-split sets, once, for the final model

Runs on the store of the current settings (its catalog and its ACTIVE model; `make demo` once).
Every set is scored for the production method and its baselines, from the same inputs:

- shopper requests (bench/data/shopper_requests_dev.jsonl; --final: ..._holdout.jsonl, whose
  references are test-split products): Sat@10 per kind of request, through the REST API
  (POST /api/v1/recommendations/ in-process, limit 10), nonsense flagged, real requests flagged;
- real phrasing: Fashion IQ val captions on catalog val references (bench.real_phrasing), Sat@10
  overall, per attribute and for rows naming two or more attributes;
- generated triplets on val products: R@1/10/50 with captions in the training phrasing families
  (in-template) and in the held-out families, which training never saw; --final: test products;
- category kept: the share of top-10 results with the reference's article type, gender and age
  group, over the rows whose request does not change the category.

Methods: composed (production: the request read, its conditions in SQL, wishes re-ranking, the
learned vector), vector_only (the learned vector of the whole text, nothing read: the store before
it understood requests), metadata_rule (no learning: the same reading, then the reference's
attributes), image_only (the reference's nearest neighbours, text ignored). Sat@10 is
PROTOCOL.md's (bench.sat). Results: bench/results/language.json (--final: language_test.json).
"""

from __future__ import annotations

import argparse
import json
import statistics
from collections import defaultdict
from pathlib import Path

from bench.harness import log, machine_info, print_table, setup_django, timed, write_results
from bench.sat import CATEGORY_FIELDS, is_flag_row, is_opposite, rejected, row_checks_pass, score_row
from ml import text_onnx

DATA = Path(__file__).resolve().parent / "data"
METHODS = ("composed", "rule_reader", "vector_only", "metadata_rule", "image_only")
# The store's own path, through the REST API: with its learned reader, and with the rules alone.
API_METHODS = {"composed": "learned", "rule_reader": "rules"}
TRIPLET_METHODS = ("composed", "rule_reader", "vector_only", "metadata_rule", "image_only")


def load_rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def catalog() -> dict[int, dict]:
    """The store's active products as catalog dicts (prices as numbers), by id."""
    from shop.models import Product, ProductSize

    fields = ("id", "article_type", "gender", "age_group", "base_colour", "season", "usage", "brand",
              "price", "discounted_price", "attributes")  # fmt: skip
    rows = Product.objects.filter(is_active=True).values(*fields)
    sizes: dict[int, list[str]] = defaultdict(list)
    for product_id, label in ProductSize.objects.values_list("product_id", "label"):
        sizes[product_id].append(label)
    return {
        r["id"]: {**r, "price": float(r["price"]), "sizes": sizes[r["id"]],
                  "discounted_price": None if r["discounted_price"] is None else float(r["discounted_price"])}
        for r in rows
    }  # fmt: skip


class ApiClient:
    """POST /api/v1/recommendations/ through Django's full stack, in this process; `reader`: the
    store's REQUEST_READER for these requests ("learned", or "rules": the rules alone)."""

    def __init__(self, reader: str = "learned") -> None:
        from django.test import override_settings
        from rest_framework.test import APIClient

        self.client = APIClient()
        # A benchmark client sends far more than a shopper: no request-rate limit here.
        self.settings = override_settings(API_RATES={}, REQUEST_READER=reader)

    def ask(self, reference: int, text: str) -> tuple[list[int], bool | None, list[dict]]:
        body = {"reference_product": reference, "text": text, "limit": 10, "exclude_purchased": False}
        with self.settings:
            response = self.client.post("/api/v1/recommendations/", body, format="json")
        if response.status_code != 200:
            raise RuntimeError(f"{response.status_code} for {text!r}: {response.content[:300]!r}")
        data = response.json()
        interpretation = data["interpretation"]
        asked = interpretation["constraints"] + [{"relaxed": True, **r} for r in interpretation["relaxed"]]
        return [r["product"]["id"] for r in data["results"]], interpretation["understood"], asked


def baseline_ranking(method: str):
    """A function (reference product, text) -> top-10 ids for a baseline, whole catalog."""
    from recommender.lifecycle import evaluation
    from recommender.serving import services

    version = services.active_version()
    run = evaluation.Evaluation(method=method, gallery_split="all", limit=10)
    return lambda reference, text: (evaluation.ranked_ids(run, version, reference, text)[:10], None, [])


def score_rows(rows: list[dict], method: str, products: dict[int, dict], passing: dict) -> list[dict]:
    """Each row's Sat@10, category kept and whether it is an "opposite" under one method."""
    from shop.models import Product

    ask = ApiClient(API_METHODS[method]).ask if method in API_METHODS else baseline_ranking(method)
    references = Product.objects.in_bulk({r["reference"] for r in rows})
    scored = []
    for row in rows:
        reference = references[row["reference"]] if method not in API_METHODS else row["reference"]
        ids, understood, asked = ask(reference, row["text"])
        results = [products[i] for i in ids if i in products]
        ref = products[row["reference"]]
        n_passing = passing[id(row)]
        score = score_row(row, ref, results, max(n_passing, 1), understood)
        scored.append(
            {
                "tag": row.get("tag", ""),
                "phrasing": row.get("phrasing"),
                "sat": score.sat,
                "flagged_real": score.flagged_real,
                "understood": understood,
                "category_kept": category_kept(row, ref, results),
                "rejects": bool(rejected(row)),
                "opposite": is_opposite(row, [a for a in asked if not a.get("relaxed")], results, n_passing),
                "relaxed": any(a.get("relaxed") for a in asked),
                "short": len(results) < 10 and not is_flag_row(row),
            }
        )
    return scored


def category_kept(row: dict, reference: dict, results: list[dict]) -> float | None:
    """Share of the top 10 in the reference's category, for rows that keep all three fields."""
    keeps = {c[0] for c in row["checks"] if list(c[1:2]) == ["keep"]}
    if is_flag_row(row) or not set(CATEGORY_FIELDS) <= keeps or not results:
        return None
    keep_row = {"checks": [[f, "keep"] for f in CATEGORY_FIELDS]}
    return sum(row_checks_pass(keep_row, reference, p) for p in results[:10]) / len(results[:10])


def count_passing(rows: list[dict], products: dict[int, dict]) -> dict:
    """For each row, the catalog products (reference excluded) passing all its checks."""
    counts = {}
    for row in rows:
        ref = products[row["reference"]]
        counts[id(row)] = sum(
            1 for p in products.values() if p["id"] != ref["id"] and row_checks_pass(row, ref, p)
        )
    return counts


def summarise(scored: list[dict], real_phrasing: bool = False) -> dict:
    by_tag: dict[str, list[float]] = defaultdict(list)
    for s in scored:
        by_tag[s["tag"]].append(s["sat"])
        if real_phrasing:
            for field in s["tag"].split("+"):
                by_tag[f"names {field}"].append(s["sat"])
    kept = [s["category_kept"] for s in scored if s["category_kept"] is not None]
    summary = {
        "rows": len(scored),
        "sat@10": statistics.fmean(s["sat"] for s in scored) if scored else 0.0,
        "by_kind": {
            tag: {"rows": len(v), "sat@10": statistics.fmean(v)} for tag, v in sorted(by_tag.items())
        },
        "real_requests_flagged": sum(s["flagged_real"] for s in scored),
        "category_kept": statistics.fmean(kept) if kept else None,
    }
    rejecting = [s for s in scored if s["rejects"]]
    summary["opposite_rate"] = statistics.fmean(s["opposite"] for s in rejecting) if rejecting else None
    summary["rows_with_rejection"] = len(rejecting)
    summary["answers_relaxed"] = sum(s["relaxed"] for s in scored)
    summary["answers_short"] = sum(s["short"] for s in scored)
    phrasings: dict[str, list[float]] = defaultdict(list)
    for s in scored:
        if s["phrasing"]:
            phrasings[s["phrasing"]].append(s["sat"])
    if phrasings:
        summary["by_phrasing"] = {
            k: {"rows": len(v), "sat@10": statistics.fmean(v)} for k, v in sorted(phrasings.items())
        }
    if real_phrasing:
        multi = [s["sat"] for s in scored if "+" in s["tag"]]
        summary["two_or_more_attributes"] = {
            "rows": len(multi),
            "sat@10": statistics.fmean(multi) if multi else 0.0,
        }
    nonsense = [s for s in scored if s["tag"] == "nonsense"]
    if nonsense:
        summary["nonsense_flagged"] = statistics.fmean(s["understood"] is False for s in nonsense)
    return summary


def request_sets(args: argparse.Namespace) -> dict[str, tuple[list[dict], bool]]:
    """name -> (rows, is a real-phrasing set). Dev: the shopper suite, the long-tail suite and the
    hand-labelled real phrasing on train/val references, and the labeller-built real phrasing;
    --final: their held-out halves (test references), each scored once."""
    from collections import Counter

    from bench import real_phrasing

    half = "holdout" if args.final else "dev"
    sets = {
        "shopper requests": (load_rows(DATA / f"shopper_requests_{half}.jsonl"), False),
        "long tail": (load_rows(DATA / "longtail" / f"longtail_{half}.jsonl"), False),
        "long tail v2": (load_rows(DATA / "longtail2" / f"longtail2_{half}.jsonl"), False),
        "long tail v3": (load_rows(DATA / "longtail3" / f"longtail3_{half}.jsonl"), False),
        "hand-labelled real phrasing": (load_rows(DATA / "fiq_hand" / f"fiq_hand_{half}.jsonl"), True),
    }
    if not args.final:
        phrasing_args = real_phrasing.parse_args(["--split", "val", "--out", "unused", "--seed", "0"])
        phrasing_args.limit = args.real_phrasing_limit
        rows = real_phrasing.build_rows(phrasing_args, Counter())
        sets["real phrasing (Fashion IQ val)"] = (rows, True)
    if args.sets:
        sets = {name: rows for name, rows in sets.items() if name in args.sets}
    return sets


def run_request_sets(args: argparse.Namespace, products: dict[int, dict]) -> dict:
    out: dict = {}
    for name, (rows, is_real) in request_sets(args).items():
        rows = [r for r in rows if r["reference"] in products]
        passing = count_passing(rows, products)
        out[name] = {}
        for method in args.methods or METHODS:
            with timed() as clock:
                out[name][method] = summarise(score_rows(rows, method, products, passing), is_real)
            log(f"{name} / {method}: Sat@10 {out[name][method]['sat@10']:.3f} ({clock.seconds:.0f} s)")
    return out


def triplet_sets(final: bool) -> dict[str, list]:
    """Generated triplets: val products (dev) or test products (final), both phrasing kinds."""
    from django.conf import settings

    from ml.captions import HELD_OUT_FAMILIES, TRAIN_FAMILIES
    from ml.config import TrainConfig
    from ml.data import load_catalog
    from ml.mining import mine_split

    products = load_catalog(settings.CATALOG_DIR)
    split = "test" if final else "val"
    config = TrainConfig()
    mine = dict(per_product=config.val_triplets_per_product, seed=0, max_triplets=config.max_val_triplets,
                allow_test=final)  # fmt: skip
    kinds = (("training", TRAIN_FAMILIES), ("held-out", HELD_OUT_FAMILIES))
    return {
        f"generated {split} triplets, {kind} phrasings": mine_split(products, split, families=f, **mine)
        for kind, f in kinds
    }


def run_triplet_sets(args: argparse.Namespace) -> dict:
    from django.test import override_settings

    from recommender.lifecycle.evaluation import Evaluation, evaluate

    split = "test" if args.final else "val"
    out: dict = {}
    for name, triplets in triplet_sets(args.final).items():
        triplets = triplets[: args.triplet_limit] if args.triplet_limit else triplets
        out[name] = {}
        for method in TRIPLET_METHODS:
            # the rules alone: the store's own path with its learned reader off
            reader = override_settings(REQUEST_READER=API_METHODS.get(method, "learned"))
            run = Evaluation(method="composed" if method in API_METHODS else method, gallery_split=split,
                             limit=50)
            with timed() as clock, reader:
                summary = evaluate(run, triplets)
            out[name][method] = summary
            log(f"{name} / {method}: R@10 {summary['R@10']:.3f} (n={summary['n']}, {clock.seconds:.0f} s)")
    return out


def parser_speed(products: dict[int, dict], rows: list[dict]) -> dict:
    """How long reading takes: building the catalog vocabulary once, then one request (the shopper
    suite's texts on their references, the typo cache warm), medians."""
    from language import Vocabulary, interpret

    builds = []
    for _ in range(3):
        with timed() as clock:
            vocabulary = Vocabulary.from_records(products.values())
        builds.append(clock.seconds)
    for row in rows:
        interpret(row["text"], products[row["reference"]], vocabulary)
    reads = []
    for _ in range(5):
        for row in rows:
            with timed() as clock:
                interpret(row["text"], products[row["reference"]], vocabulary)
            reads.append(clock.seconds * 1000)
    return {
        "vocabulary_build_s": statistics.median(builds),
        "interpret_ms_p50": statistics.median(reads),
        "interpret_ms_p99": sorted(reads)[int(0.99 * (len(reads) - 1))],
        "requests": len(reads),
    }


def print_report(result: dict) -> None:
    speed = result["parser"]
    print(
        f"\nreading a request: p50 {speed['interpret_ms_p50']:.2f} ms, "
        f"p99 {speed['interpret_ms_p99']:.2f} ms; "
        f"vocabulary of the catalog built in {speed['vocabulary_build_s']:.2f} s"
    )
    for name, methods in result["requests"].items():
        rows = [{"method": m, "Sat@10": s["sat@10"], "opposite": s.get("opposite_rate"),
                 "category kept": s["category_kept"], "flagged real": s["real_requests_flagged"],
                 "relaxed": s.get("answers_relaxed"), "short": s.get("answers_short"),
                 "nonsense flagged": s.get("nonsense_flagged")}
                for m, s in methods.items()]  # fmt: skip
        print_table(rows, list(rows[0]), f"{name} ({methods['composed']['rows']} rows)")
        kinds = sorted(methods["composed"]["by_kind"])
        table = [{"kind": k, **{m: methods[m]["by_kind"][k]["sat@10"] for m in methods}} for k in kinds]
        print_table(table, ["kind", *methods], f"{name}: Sat@10 per kind")
    for name, methods in result["triplets"].items():
        rows = [{"method": m, **{k: s[k] for k in ("n", "R@1", "R@10", "R@50")}} for m, s in methods.items()]
        print_table(rows, ["method", "n", "R@1", "R@10", "R@50"], name)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--final", action="store_true", help="the test-split sets (once, for the final model)"
    )
    parser.add_argument(
        "--real-phrasing-limit", type=int, default=0, help="caption pairs per category (0: all)"
    )
    parser.add_argument("--triplet-limit", type=int, default=0, help="triplets per generated set (0: all)")
    parser.add_argument("--sets", nargs="*", default=None, help="only these request sets (by name)")
    parser.add_argument("--methods", nargs="*", default=None, help="only these methods")
    parser.add_argument("--no-triplets", action="store_true", help="skip the generated triplet sets")
    parser.add_argument(
        "--query-encoder",
        choices=["int8", "float"],
        default="int8" if text_onnx.QUANTIZE_QUERIES else "float",
        help="query texts through the int8 graph (the store's) or the float one (its baseline)",
    )
    parser.add_argument("--json", default=None, help="results file (default bench/results/language.json)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    text_onnx.QUANTIZE_QUERIES = args.query_encoder == "int8"  # before any query is encoded
    setup_django()
    from recommender.serving.services import active_version

    products = catalog()
    suite = load_rows(DATA / "shopper_requests_dev.jsonl")
    result = {
        "parser": parser_speed(products, [r for r in suite if r["reference"] in products]),
        "benchmark": "language", "final": args.final, "model_version": active_version().name,
        "query_encoder": args.query_encoder,
        "requests": run_request_sets(args, products),
        "triplets": {} if args.no_triplets else run_triplet_sets(args),
        "machine": machine_info(),
    }  # fmt: skip
    print_report(result)
    path = write_results("language_test" if args.final else "language", result, args.json)
    log(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
