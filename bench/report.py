"""Write the benchmark tables into the docs from bench/results/*.json: no number typed by hand.

    python -m bench.report            # rewrite the generated sections of docs and README

A generated section sits between `<!-- bench:NAME -->` and `<!-- /bench:NAME -->` in a Markdown
file; everything between the two markers is replaced. Sections: `retrieval` (bench.retrieval),
`serving` (bench.serving), `text-encoder` (bench.text_encoder), `language` and `language-test`
(bench.language, dev and final),
`language-summary` (the README's short table), `selection` (one bench.language run per
candidate in bench/results/selection/), `embedding` (bench.embedding, docs/SCALING.md),
`catalog-scale` (bench.catalog_scale), `demo-connections` (bench.demo_connections), `load`
(bench.load), `fuzz-live` (bench.fuzz_live).
"""

from __future__ import annotations

import ast
import json
import re
import statistics
from collections.abc import Callable
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"
REPO = RESULTS.parent.parent
DOCS = (
    REPO / "docs" / "BENCHMARKS.md",
    REPO / "README.md",
    REPO / "docs" / "ML.md",
    REPO / "docs" / "SCALING.md",
)
METHOD_NAMES = {
    "composed": "**production** (rules + learned reader + learned vector)",
    "rule_reader": "rules only (no learned reader)",
    "vector_only": "learned vector only (no reading)",
    "metadata_rule": "metadata rule (no learning)",
    "image_only": "reference's nearest neighbours (text ignored)",
}


def _f(value) -> str:
    return "–" if value is None else f"{value:.3f}"


def _table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def requests_table(name: str, methods: dict) -> str:
    header = ["method", "Sat@10", "opposite rate", "category kept", "relaxed", "real requests flagged",
              "nonsense flagged"]  # fmt: skip
    if "two_or_more_attributes" in methods["composed"]:
        header.insert(2, "Sat@10, 2+ attributes")
    rows = []
    for method, s in methods.items():
        row = [METHOD_NAMES.get(method, method), _f(s["sat@10"]), _f(s.get("opposite_rate")),
               _f(s["category_kept"]), str(s.get("answers_relaxed", "–")), str(s["real_requests_flagged"]),
               _f(s.get("nonsense_flagged"))]  # fmt: skip
        if "two_or_more_attributes" in s:
            row.insert(2, _f(s["two_or_more_attributes"]["sat@10"]))
        rows.append(row)
    kinds = sorted(k for k in methods["composed"]["by_kind"] if not k.startswith("names "))
    named = sorted(k for k in methods["composed"]["by_kind"] if k.startswith("names "))
    named += [f"phrasing {k}" for k in methods["composed"].get("by_phrasing", {})]
    for s in methods.values():  # the phrasing kinds read like the others
        s["by_kind"].update({f"phrasing {k}": v for k, v in s.get("by_phrasing", {}).items()})
    per_kind = [
        [f"{k} ({methods['composed']['by_kind'][k]['rows']})"]
        + [_f(methods[m]["by_kind"][k]["sat@10"]) for m in methods]
        for k in named + kinds
    ]
    rejecting = methods["composed"].get("rows_with_rejection")
    title = f"**{name}** ({methods['composed']['rows']} rows" + (
        f"; {rejecting} with a rejection, the opposite rate's rows)" if rejecting else ")"
    )
    kind_header = ["kind (rows)", *(METHOD_NAMES.get(m, m).replace("**", "") for m in methods)]
    return f"{title}\n\n{_table(header, rows)}\n\nSat@10 per kind:\n\n{_table(kind_header, per_kind)}"


def triplets_table(sets: dict) -> str:
    rows = []
    for name, methods in sets.items():
        for method, s in methods.items():
            rows.append([name, METHOD_NAMES.get(method, method), str(s["n"]), _f(s["R@1"]), _f(s["R@10"]),
                         _f(s["R@50"])])  # fmt: skip
    return _table(["set", "method", "n", "R@1", "R@10", "R@50"], rows)


def language_section(result: dict) -> str:
    parts = [f"Model version `{result['model_version']}`; machine load "
             f"{result['machine'].get('loadavg_1_5_15')} (1/5/15 min)."]  # fmt: skip
    parts += [requests_table(name, methods) for name, methods in result["requests"].items()]
    if result["triplets"]:  # a run with --no-triplets scored none
        parts.append("Generated triplets (R@K, gallery: the split's products, reference excluded):\n\n"
                     + triplets_table(result["triplets"]))  # fmt: skip
    speed = result.get("parser")
    if speed:
        parts.append(
            f"Reading a request (`language.interpret`): p50 {speed['interpret_ms_p50']:.2f} ms, "
            f"p99 {speed['interpret_ms_p99']:.2f} ms over {speed['requests']} requests; the catalog's "
            f"vocabulary builds in {speed['vocabulary_build_s']:.2f} s "
            "(once per process, then when the catalog changes)."
        )
    return "\n\n".join(parts)


def language_summary(result: dict) -> str:
    rows = []
    for name, methods in result["requests"].items():
        rows.append(
            [name, "Sat@10", *(_f(methods[m]["sat@10"]) if m in methods else "–" for m in METHOD_NAMES)]
        )
        if methods["composed"].get("opposite_rate") is not None:
            rows.append(
                [
                    name,
                    "opposite rate",
                    *(_f(methods[m].get("opposite_rate")) if m in methods else "–" for m in METHOD_NAMES),
                ]
            )
    for name, methods in result["triplets"].items():
        rows.append([name, "R@10", *(_f(methods[m]["R@10"]) if m in methods else "–" for m in METHOD_NAMES)])
    return _table(["set", "score", *(METHOD_NAMES[m] for m in METHOD_NAMES)], rows)


def query_encoder_section(float_run: dict) -> str:
    """The composed method's scores with the store's int8 query encoder (language.json) beside the
    float graph's (language_float_queries.json: bench.language --query-encoder float)."""
    int8_run = _load(RESULTS / "language.json")
    if not int8_run:
        return "(no bench/results/language.json)"
    runs = {"int8 (the store's)": int8_run, "float": float_run}
    rows = []
    # a set one run did not score (the float run predates the long-tail sets) shows "–"
    for name in int8_run["requests"]:
        scores = [_f(r["requests"][name]["composed"]["sat@10"]) if name in r["requests"] else "–"
                  for r in runs.values()]  # fmt: skip
        rows.append([name, "Sat@10", *scores])
    for name in int8_run["triplets"]:
        scores = [_f(r["triplets"][name]["composed"]["R@10"]) if name in r["triplets"] else "–"
                  for r in runs.values()]  # fmt: skip
        rows.append([name, "R@10", *scores])
    return _table(["set (composed)", "score", *runs], rows)


CHANGES = ("colour", "pattern", "sleeve", "neck", "fit", "two_changes")


def reader_section(result: dict) -> str:
    """bench.reader: the learned polarity reader against the rules on the held-out families, the
    word guesser's calibration, and their time per request."""
    labels = ("want", "avoid", "other")
    rows = [[name, str(s["values"]), _f(s["accuracy"]), *(_f(s["recall"][k]) for k in labels)]
            for name, s in result["held_out_families"].items()]  # fmt: skip
    guess, time = result["word_guess"], result["time"]
    return "\n\n".join(
        [
            f"Version `{result['model_version']}`, reader `{result['reader_digest']}` (trained on "
            f"{result['trained_on']['sentences']} sentences); held-out families: "
            + ", ".join(f"`{n}`" for n in result["held_out_family_names"])
            + ".",
            _table(
                [
                    "reading",
                    "values",
                    "accuracy",
                    "want (recall)",
                    "avoid (recall)",
                    "only mentioned (recall)",
                ],
                rows,
            ),
            *_store_reading_parts(result),
            f"Word guesser: threshold {guess['threshold']:.3f} over {guess['prototypes']} lexicon phrases; "
            f"{guess['negatives_read']:.1%} of common non-fashion words read as something; of hidden lexicon "
            f"phrases, {guess['held_out_read']:.0%} read, {guess['held_out_read_right']:.0%} of those "
            "read right.",
            f"Time per request text, one thread: polarity p50 {time['polarity']['ms_p50']:.1f} ms "
            f"(p99 {time['polarity']['ms_p99']:.1f}); one unknown word guessed p50 "
            f"{time['guess_one_word']['ms_p50']:.1f} ms (p99 {time['guess_one_word']['ms_p99']:.1f}).",
        ]
    )


def _store_reading_parts(result: dict) -> list[str]:
    """The store's reading of the held-out values (rules and judge combined), by the threshold at
    which a judge turns a wanted value into a rejection (results written before it: nothing)."""
    if "want_to_avoid_sweep" not in result:
        return []
    chosen = result["store_reading"]["want_to_avoid"]
    rows = [[("**" + _f(r["want_to_avoid"]) + "** (the store's)") if r["want_to_avoid"] == chosen
             else _f(r["want_to_avoid"]), _f(r["accuracy"]), _f(r["rejection_read_as_want"]),
             _f(r["want_read_as_rejection"])] for r in result["want_to_avoid_sweep"]]  # fmt: skip
    return [
        "The store's reading of the same values, rules and judge combined (`language.parser.decide`; "
        "product types are never the judge's, so their rejections without a cue stay wanted), by the "
        "threshold at which a judge turns a value the rules read as wanted into a rejection:",
        _table(["want → avoid at", "accuracy", "rejection read as wanted", "wish read as rejection"], rows),
    ]


def retrieval_section(result: dict) -> str:
    """bench.retrieval: the learned vectors of every variant, in memory, on the val triplets."""
    header = ["variant / method", "R@1", "R@10", "R@50", *(f"R@10 {c}" for c in CHANGES)]
    rows = [
        [name, _f(r["R@1"]), f"**{r['R@10']:.3f}**", _f(r["R@50"]),
         *(_f(r.get("by_change", {}).get(c, {}).get("R@10")) for c in CHANGES)]
        for name, r in result["rows"].items()
    ]  # fmt: skip
    counts = result["rows"]["production (composed)"].get("by_change", {})
    text = [
        f"{result['triplets']} val triplets (training phrasings), gallery: every `val` product. "
        "Queries per change: " + ", ".join(f"{c} {counts[c]['n']}" for c in CHANGES if c in counts) + ".",
        _table(header, rows),
        "Ratios: "
        + "; ".join(f"{k} {v:.1f}x" for k, v in result["ratios"].items())
        + ". Training seconds (cached features): "
        + ", ".join(f"{k} {v:.0f}" for k, v in result["train_seconds"].items())
        + ".",
    ]
    sql = result.get("sql_path")
    if sql:
        sql_rows = [
            [m, f"{r['sql']['R@10']:.4f}", f"{r['in_memory']['R@10']:.4f}", f"{r['abs_diff_R@10']:.4f}"]
            for m, r in sql["methods"].items()
        ]
        header = ["method", "SQL R@10", "in-memory R@10", "abs. difference"]
        text.append(
            "The store's SQL path (`evaluate_retrieval`, pgvector HNSW) against the in-memory "
            f"evaluation of the same checkpoint, same triplets:\n\n{_table(header, sql_rows)}"
        )
    return "\n\n".join(text)


SCENARIOS = {
    "baseline": "`GET /api/v1/products/{id}/` (no recommender)",
    "composed": "common texts (the text cache answers most)",
    "new_text": "a new text every request",
    "filters": "common texts with filters",
    "new_text_filters": "**a new text with filters every request**",
}


def serving_section(result: dict) -> str:
    """bench.serving: latency one request at a time, throughput as concurrency grows."""
    rows = [
        [SCENARIOS.get(r["scenario"], r["scenario"]), str(r["concurrency"]), str(r["requests"]),
         f"{r['p50_ms']:.1f}", f"{r['p99_ms']:.1f}", f"{r['throughput_rps']:.0f}",
         ", ".join(f"{k} {v:.1f}" for k, v in r.get("server_timing_median_ms", {}).items())]
        for r in result["results"]
    ]  # fmt: skip
    header = ["request", "concurrency", "n", "p50 ms", "p99 ms", "requests/s", "server time, median ms"]
    load = result["machine"].get("loadavg_1_5_15")
    return (
        f"`POST /api/v1/recommendations/` over HTTP, gunicorn with {result['workers']} workers, "
        f"model `{result['model_version']}`, machine load {load} (1/5/15 min):\n\n{_table(header, rows)}"
    )


def demo_connections_section(result: dict) -> str:
    """bench.demo_connections: the demo server's database connections, with runserver's threads
    closing theirs (the default) and keeping them for 60 s (bench/results/..._conn_max_age_60)."""
    before = _load(RESULTS / "demo_connections_conn_max_age_60.json")
    runs = [(before, "kept 60 s (`CONN_MAX_AGE=60`, before)")] if before else []
    runs.append((result, "closed after each request (`CONN_MAX_AGE=0`, now)"))
    rows = [
        [label, str(p["concurrency"]), f"{p['requests']:,}", f"{p['seconds']:.0f}", str(p["5xx"]),
         f"{p['p50_ms']:.0f}", f"{p['p99_ms']:.0f}", str(p["max_db_connections"]),
         str(p["db_connections_after_idle"])]
        for run, label in runs for p in run["phases"]
    ]  # fmt: skip
    header = ["connections", "concurrency", "requests", "s", "5xx", "p50 ms", "p99 ms",
              "most open", "open 3 s after"]  # fmt: skip
    return (
        f"`{result['server']}` as `make demo` serves it, every request on a new HTTP connection, machine "
        f"load {result['machine'].get('loadavg_1_5_15')} (1/5/15 min); PostgreSQL allows 100 clients:\n\n"
        + _table(header, rows)
    )


LOAD_REQUESTS = {
    "login page": "login page", "login": "login (POST)", "catalog page": "catalog page",
    "product page": "product page", "api recommendations": "recommendations, API (new text)",
    "recommendations fragment": "recommendations, page fragment (new text)", "add to cart": "add to cart",
    "cart page": "cart page", "checkout address page": "checkout: address form",
    "checkout address": "checkout: address (POST)",
    "checkout review": "checkout: review", "place order": "checkout: Place order",
    "order placed page": "checkout: confirmation page", "cart update": "cart: lower a line to what is left",
    "cart remove": "cart: remove a sold-out line",
}  # fmt: skip


def _statuses(statuses: dict) -> str:
    return ", ".join(f"{code}: {n:,}" for code, n in statuses.items())


def load_section(result: dict) -> str:
    """bench.load: per request type as the client saw it, then the orders and the stock."""
    order = [*LOAD_REQUESTS, "all"]  # the shopper's path, then the whole run
    rows = []
    position = {name: n for n, name in enumerate(order)}
    for row in sorted(result["requests"], key=lambda r: position.get(r["request"], len(order) - 1)):
        name = LOAD_REQUESTS.get(row["request"], row["request"])
        steady = (f"{row['after_logins_p50_ms']:.0f} / {row['after_logins_p99_ms']:.0f}"
                  if row.get("after_logins_p50_ms") is not None else "—")  # fmt: skip
        rate = f" ({row['per_second']:.0f}/s)" if row["request"] == "all" else ""
        requests = f"{row['requests']:,}{rate}"
        cells = [name, requests, _statuses(row["statuses"]), str(row["5xx"]), f"{row['p50_ms']:.0f}",
                 f"{row['p99_ms']:.0f}", steady]  # fmt: skip
        rows.append([f"**{c}**" for c in cells] if row["request"] == "all" else cells)
    header = ["request", "requests", "statuses", "5xx", "p50 ms", "p99 ms", "after logins: p50 / p99 ms"]
    stock, orders = result["stock"], result.get("orders", {})
    oversold = ", ".join(stock["oversold"]) or "none"
    return (
        f"Run of {result.get('started_at', '?')}: {result['users']} shoppers for {result['duration_s']} s, "
        f"gunicorn with {result['gunicorn_workers']} workers{_threads(result)}, "
        f"model `{result['model_version']}`, "
        f"{result['hot_sizes']} hot sizes; load average {result['loadavg_at_start'][0]:.1f} at the start "
        f"and {result['loadavg_at_end'][0]:.1f} at the end (2 cores).\n\n"
        + _table(header, rows)
        + f"\n\n**Orders**: {orders.get('orders_placed', stock['orders_placed'])} placed "
        f"({orders.get('orders_per_shopper_minute', '?')} per shopper-minute; the run asks for at least "
        f"{orders.get('minimum_orders', '?')}), {orders.get('orders_refused', '?')} Place order requests "
        "refused for stock. "
        f"**Stock**: {stock['units_sold']} units sold"
        + (f" of the hot sizes' {stock['hot_units_at_start']}" if "hot_units_at_start" in stock else "")
        + f", {stock['sizes_sold_out']} hot sizes sold out, "
        f"oversold: {oversold}; sizes below zero: {stock['sizes_below_zero']}; sizes whose stock did not "
        f"go down by exactly what their order lines took: {len(stock['stock_mismatch'])}."
        + _load_decisions(result)
    )


def _threads(result: dict) -> str:
    """' of 16 threads' (the gthread worker), or '' for the sync worker and runs that predate it."""
    threads = result.get("gunicorn_threads", 1)
    return f" of {threads} threads" if threads > 1 else ""


def _load_decisions(result: dict) -> str:
    """What the shoppers decided and where the cores went (runs that recorded them)."""
    text = ""
    if result.get("shopper_decisions"):
        decided = ", ".join(f"{what}: {n}" for what, n in result["shopper_decisions"].items())
        text += f" **Shoppers' decisions** (not requests): {decided}."
    cores = result.get("cores_used")
    if cores:
        store = cores["gunicorn"] + cores.get("database", 0.0)
        text += (
            f" **Cores used while the shoppers ran** (of 2): the store {store:.2f} (gunicorn "
            f"{cores['gunicorn']:.2f}, its database server {cores.get('database', 0.0):.2f}), the load "
            f"generator {cores['locust']:.2f}, the whole machine {cores['machine']:.2f}: other work had "
            f"{max(0.0, cores['machine'] - store - cores['locust']):.2f}."
        )
    return text


def _runs(values: list[float], digits: int = 0) -> str:
    """The median of a set-up's runs, then each run in the order they ran: `412 (380, 412, 530)`."""
    if not values:
        return "—"
    each = ", ".join(f"{v:,.{digits}f}" for v in values)
    return f"{statistics.median(values):,.{digits}f} ({each})" if len(values) > 1 else each


def _by_setup(runs: dict[str, dict]) -> list[tuple[str, list[dict]]]:
    """bench.load_compare's runs grouped by set-up, in its order: (label, runs by repeat)."""
    from bench.load_compare import SETUPS

    grouped = []
    for name, (label, _) in SETUPS.items():
        group = sorted((r for r in runs.values() if r.get("setup") == name), key=lambda r: r["repeat"])
        if group:
            grouped.append((label, group))
    return grouped


def _request(run: dict, name: str) -> dict:
    return next((row for row in run["requests"] if row["request"] == name), {})


def _meets_targets(run: dict) -> bool:
    """Issue 24's load targets: 100+ orders, nothing oversold, no 5xx (nor an unanswered request),
    product pages' p99 over the whole run within 500 ms."""
    everything, page = _request(run, "all"), _request(run, "product page")
    no_errors = everything["5xx"] == 0 and everything["no_answer"] == 0
    return run["orders"]["orders_placed"] >= 100 and not run["stock"]["oversold"] and no_errors \
        and page["p99_ms"] <= 500


def _target_row(label: str, group: list[dict]) -> list[str]:
    pages = [_request(r, "product page") for r in group]
    failed = sum(_request(r, "all")["5xx"] + _request(r, "all")["no_answer"] for r in group)
    return [
        label,
        str(len(group)),
        _runs([r["orders"]["orders_placed"] for r in group]),
        str(failed),
        str(sum(len(r["stock"]["oversold"]) for r in group)),
        _runs([page["p99_ms"] for page in pages]),
        _runs([page["after_logins_p99_ms"] for page in pages]),
        f"{sum(page['p99_ms'] <= 500 for page in pages)} of {len(group)}",
        f"{sum(map(_meets_targets, group))} of {len(group)}",
    ]


def _where_row(label: str, group: list[dict]) -> list[str]:
    slowest = [_request(r, "product page")["server"]["slowest_1pct"] for r in group]
    typical = [_request(r, "product page")["server"]["all"] for r in group]
    parts = ("app_ms", "cpu_ms", "db_ms")
    work = " / ".join(f"{statistics.median(t[part] for t in typical):.0f}" for part in parts)
    login_cpu = statistics.median(_request(r, "login")["server"]["all"]["cpu_ms"] for r in group)
    return [
        label,
        _runs([_request(r, "product page")["p50_ms"] for r in group]),
        work,
        _runs([s["client_ms"] for s in slowest]),
        _runs([s["app_ms"] for s in slowest]),
        _runs([s["waiting_ms"] for s in slowest]),
        _runs([r["logins_done_s"] for r in group], 1),
        _runs([_request(r, "login")["p50_ms"] / 1000 for r in group], 1),
        f"{login_cpu:.0f}",
        _runs([r["cores_used"]["gunicorn"] + r["cores_used"]["database"] for r in group], 2),
        _runs([r["loadavg_at_start"][0] for r in group], 1),
    ]


def load_compare_section(runs: dict[str, dict]) -> str:
    """bench.load_compare: the targets per set-up (medians over its runs, each run in brackets),
    then where the product pages' and the logins' time went."""
    groups = _by_setup(runs)
    started = sorted(r["started_at"] for r in runs.values())
    targets = ["set-up", "runs", "orders placed", "5xx or unanswered", "oversold sizes",
               "product page p99 ms", "… after the logins", "runs with p99 ≤ 500 ms",
               "runs meeting all four targets"]  # fmt: skip
    where = ["set-up", "product page p50 ms", "… in Django / CPU / SQL ms", "slowest 1%: client ms",
             "… in Django ms", "… waiting ms", "last login answered s", "login p50 s", "login CPU ms",
             "store cores", "load average"]  # fmt: skip
    return (
        f"Runs from {started[0]} to {started[-1]}, the set-ups in turns; each cell is the median over a "
        "set-up's runs, then each run in the order they ran.\n\n"
        + _table(targets, [_target_row(label, group) for label, group in groups])
        + "\n\nWhere the time went (Server-Timing): a product page's median as the client saw it and, "
        "as the store measured it, its time in Django, on its thread's CPU and in SQL (medians of the "
        "runs' medians); the slowest 1% of product pages as the client saw them, of that the time in "
        "Django and the time waiting outside it (for a gunicorn process or thread); when the last login "
        "was answered, a login's median and its CPU time, the cores the store got (gunicorn and its "
        "database server, of 2) and the machine's load average at the start:\n\n"
        + _table(where, [_where_row(label, group) for label, group in groups])
    )


def fuzz_live_section(result: dict) -> str:
    """bench.fuzz_live: the malformed requests, then schemathesis by operation and identity."""
    fuzz, malformed = result["fuzz"], result["malformed"]
    rates = ", ".join(f"{name} {rate}" for name, rate in result["rates"].items())
    model = f"model `{result['model_version']}`" if result["model_version"] else "no active model"
    rows = [[row["operation"], row["identity"], f"{row['requests']:,}", _statuses(row["statuses"])]
            for row in fuzz["by_operation"]]  # fmt: skip
    findings = "; ".join(f"{f['operation']}: {f['check']} ({f['requests']})" for f in fuzz["findings"])
    unexpected = "; ".join(f"{row['case']}: {row['status']}" for row in malformed["unexpected"]) or "none"
    return (
        f"Run of {result.get('started_at', '?')}: gunicorn with {result['gunicorn_workers']} workers"
        f"{_threads(result)}, {model}, schemathesis {result['schemathesis']}, request rates on ({rates}); "
        "load average "
        f"{result['loadavg_at_start'][0]:.1f} at the start and {result['loadavg_at_end'][0]:.1f} at the "
        f"end (2 cores).\n\n"
        f"**Malformed requests**: {malformed['requests']} ({_statuses(malformed['statuses'])}), "
        f"5xx: {malformed['5xx']}, answers other than the expected ones: {unexpected}.\n\n"
        f"**Schemathesis**: {fuzz['requests']:,} requests in {fuzz['seconds']:.0f} s "
        f"({_statuses(fuzz['statuses'])}); **5xx: {fuzz['5xx']}**, unanswered: {fuzz['no_answer']}. "
        f"Other schemathesis findings: {findings or 'none'}.\n\n"
        + _table(["operation", "client", "requests", "statuses"], rows)
    )


def text_encoder_section(result: dict) -> str:
    """bench.text_encoder: one query text at a time on PyTorch and on ONNX Runtime (float, int8)."""
    rows = [[r["runtime"], str(r["texts"]), str(r["passes"]), f"{r['p50']:.1f}", f"{r['p99']:.1f}"]
            for r in result["results"]]  # fmt: skip
    gap = result["onnx_vs_pytorch"]
    text = (
        f"One shopper text at a time (median {result['tokens_median']:.0f} tokens, at most "
        f"{result['tokens_max']}), one thread, `{result['encoder']}`:\n\n"
        + _table(["runtime", "texts", "passes", "p50 ms", "p99 ms"], rows)
        + f"\n\nThe float graph's features differ from PyTorch's by at most {gap['max_abs_difference']:.1e} "
        f"(lowest cosine {gap['min_cosine']:.7f}): the same features."
    )
    int8 = result.get("int8_vs_pytorch")
    if int8:
        text += (
            f" The int8 graph's (the store's query encoder) are at cosine {int8['median_cosine']:.4f} "
            f"of PyTorch's (median; lowest {int8['min_cosine']:.4f})."
        )
    return text


def embedding_section(result: dict) -> str:
    """bench.embedding: a version embedded in chunks by 1 or 2 workers, cold and warm features."""
    rows = [
        [r["features"], str(r["workers"]), f"{r['seconds']:.1f}", f"{r['products_per_s']:.1f}",
         f"{r['index_and_finish_s']:.2f}", f"{r['load_1min']:.1f}"]
        for r in result["runs"]
    ]  # fmt: skip
    header = ["features", "workers", "seconds", "products/s", "index + finish s", "load (1 min)"]
    summary = result["summary"]
    divide = summary.get("speedup_if_only_encoders_divide", {})
    amdahl = _table(["workers (devices)", *divide], [["speed-up", *(f"{v:.2f}" for v in divide.values())]])
    return (
        f"{result['products']} products in chunks of {result['chunk_size']}, "
        f"{result['machine'].get('cores')} cores ({result['machine'].get('cpu')}):\n\n"
        f"{_table(header, rows)}\n\n"
        f"Encoders' share of a 1-worker run: {summary.get('encoder_share_1_worker')}; "
        f"2 workers vs 1: {summary.get('cold', {}).get('speedup_2')} (cold), "
        f"{summary.get('warm', {}).get('speedup_2')} (warm). If only the encoders divide over N "
        f"devices:\n\n{amdahl}"
    )


def selection_section(candidates: dict) -> str:
    """bench.language --json bench/results/selection/NAME.json per candidate: the production
    method of each trained variant on the dev sets, the numbers the default was chosen by."""
    first = next(iter(candidates.values()))
    request_sets, triplet_sets = list(first["requests"]), list(first["triplets"])
    header = ["candidate", "model version", *(f"{s}: Sat@10" for s in request_sets),
              *(f"{s}: R@10" for s in triplet_sets), "category kept"]  # fmt: skip
    rows = []
    for name, result in candidates.items():
        requests = [result["requests"][s]["composed"] for s in request_sets]
        rows.append([name, f"`{result['model_version']}`", *(_f(r["sat@10"]) for r in requests),
                     *(_f(result["triplets"][s]["composed"]["R@10"]) for s in triplet_sets),
                     _f(min(r["category_kept"] for r in requests))])  # fmt: skip
    return _table(header, rows)


def _size_header(size: dict) -> str:
    filters = ", ".join(
        f"{name} = {' & '.join(str(f[c]) for c in ('gender', 'article_type') if f[c])} ({f['share']:.1%})"
        for name, f in size["filters"].items()
        if name != "none"
    )
    partial = sum(_partial_mib(size).values())
    m, ef_construction = size.get("hnsw_build", (16, 64))
    return (
        f"**{size['n']:,} products** (load average {size.get('loadavg_at_start')} at its start): "
        f"loaded in {size['load_s']:.0f} s, the store's HNSW indexes built in {size['build_s']:.0f} s "
        f"(the version's: m={m}, ef_construction={ef_construction}, {size['index_mib']:.0f} MiB; "
        f"partial ones per gender and type: {len(_partial_mib(size))}, {partial:.0f} MiB); "
        f"`recommend()`'s `store` rows ran at ef_search {size['store_ef_search']}, the store's choice "
        f"then (now {store_ef_search(size['n'])}). Filters: {filters}."
    )


def _partial_mib(size: dict) -> dict[str, float]:
    """Partial indexes and their MiB (older results: per gender only)."""
    return size.get("partial_indexes_mib", size.get("gender_indexes_mib", {}))


def catalog_scale_queries(size: dict) -> str:
    """recall@20 · p50 / p99 ms per filter and strategy (rows) and ef_search (columns)."""
    efs = sorted({r["ef_search"] for r in size["queries"]})
    cells: dict[tuple[str, str, str], dict[int, str]] = {}
    for r in size["queries"]:
        key = (r["filter"], r["strategy"], r["plan"])
        short = "" if r["returned_min"] == 20 else f" (min {r['returned_min']} rows)"
        cells.setdefault(key, {})[r["ef_search"]] = (
            f"{_recall(r, split=True)} · {r['p50']:.1f} / {r['p99']:.1f}{short}"
        )
    rows = [[f, s, p, *(c.get(ef, "–") for ef in efs)] for (f, s, p), c in cells.items()]
    return _table(["filter", "strategy", "plan", *(f"ef_search {ef}" for ef in efs)], rows)


def catalog_scale_section(result: dict) -> str:
    """bench.catalog_scale: the store's query on grown catalogs, per size."""
    machine = result["machine"]
    parts = [
        f"Seed vectors: {result['seed']}; {machine.get('cores')} cores ({machine.get('cpu')}), PostgreSQL "
        f"{machine.get('postgres')}, pgvector {machine.get('pgvector')}, "
        f"load {machine.get('loadavg_1_5_15')} (1/5/15 min, at the last size's start); "
        f"{result['params']['queries']} reference products per cell. Cells: recall@20 · p50 / p99 ms."
    ]
    for size in result["sizes"]:
        parts += [_size_header(size), catalog_scale_queries(size), *_end_to_end(size)]
        if size.get("hnsw_variants"):
            parts.append(_variants(size))
    return "\n\n".join(parts)


def _end_to_end(size: dict) -> list[str]:
    """recommend() and the REST API on one size's catalog."""
    parts = []
    if size.get("recommend"):
        rows = [[repr(r["text"]), str(r["ef_search"]), r.get("plan", ""), _f(r["recall@20"]),
                 f"{r['p50']:.1f}", f"{r['p99']:.1f}"] for r in size["recommend"]]  # fmt: skip
        parts.append(
            "`recommend()` end to end (reference's own category kept, recall against its exact mode):\n\n"
            + _table(["text", "ef_search", "search plan", "recall@20", "p50 ms", "p99 ms"], rows)
        )
    if size.get("recommend_by_reference") and size.get("shared_buffers"):
        parts.append(_by_kept_pair(size))
    if size.get("http"):
        rows = [[r["scenario"], str(r["requests"]), f"{r['p50_ms']:.1f}", f"{r['p99_ms']:.1f}",
                 ", ".join(f"{k} {v:.1f}" for k, v in r["server_timing_median_ms"].items())]
                for r in size["http"]]  # fmt: skip
        # Runs before the grown catalog's filters left out "in stock" (it has no stock) recorded none.
        filters = size["http"][-1].get("filters", "gender, article type, max price, in stock")
        parts.append(
            "`POST /api/v1/recommendations/` over HTTP on this catalog (gunicorn, 2 workers, one "
            f"request at a time; `new_text_filters`: {filters}):\n\n"
            + _table(["scenario", "n", "p50 ms", "p99 ms", "server time, median ms"], rows)
        )
    return parts


def catalog_scale_rerun(result: dict) -> str:
    """bench.catalog_scale rerun for the end-to-end rows only (after a change to the store's path)."""
    parts = [
        f"**{size['n']:,} products**, rerun {result['machine'].get('loadavg_1_5_15')} (load 1/5/15 min); the "
        f"store's `nearest()` at ef_search {', '.join(str(e) for e in result['params']['ef_search'])}, "
        f"{result['params']['queries']} references per filter:\n\n{catalog_scale_queries(size)}"
        for size in result["sizes"]
    ]
    return "\n\n".join(parts + [p for size in result["sizes"] for p in _end_to_end(size)])


def _variants(size: dict) -> str:
    """The store's nearest() after rebuilding the index with other m / ef_construction."""
    base = [r for r in size["queries"] if r["strategy"] == "store" and r["filter"] == "none"]
    m, ef_construction = size.get("hnsw_build", (16, 64))
    rows = [
        [str(m), str(ef_construction), "(store)", r["filter"], str(r["ef_search"]), _cell([r])] for r in base
    ]
    rows += [[str(r["m"]), str(r["ef_construction"]), f"{r['build_s']:.0f}", r["filter"], str(r["ef_search"]),
              _cell([r])] for r in size["hnsw_variants"]]  # fmt: skip
    return "Index build parameters (the store's path, same queries):\n\n" + _table(
        ["m", "ef_construction", "build s", "filter", "ef_search", "recall@20 · p50 / p99"], rows
    )


FILTERS = ("none", "gender", "article_type", "1%", "small type")


def walks_partial_graph(queries: list[dict], flt: str) -> bool:
    """Whether the store's rows of filter `flt` walked a graph of a gender, type or pair (named
    after the version's graph, with a suffix), not the version's own or none."""
    return any(
        r["filter"] == flt and r["strategy"] == "store" and re.match(r"embedding_hnsw_v\d+_", r["plan"])
        for r in queries
    )


def _cell(rows: list[dict], **match) -> str:
    row = next((r for r in rows if all(r.get(k) == v for k, v in match.items())), None)
    return "–" if row is None else f"{_recall(row)} · {row['p50']:.1f} / {row['p99']:.1f}"


def _recall(row: dict, split: bool = False) -> str:
    """recall@20 by ids, and counting ties of the 20th neighbour where measured (later runs);
    with `split`, also for the references inside and outside the filter apart."""
    ties = f" (ties {row['recall@20_ties']:.3f})" if "recall@20_ties" in row else ""
    apart = (
        f" [inside {row['recall@20_inside']:.3f}, outside {row['recall@20_outside']:.3f}]"
        if split and "recall@20_inside" in row
        else ""
    )
    return f"{row['recall@20']:.3f}{ties}{apart}"


def store_ef_search(n: int, walks_partial_graph: bool = False) -> int:
    """The ef_search recommender.serving.vectors chooses now for `n` vectors, or for a walk of a gender's
    or type's graph in that version (its table, read as source: the report imports nothing of the
    store)."""
    tree = ast.parse((REPO / "recommender" / "serving" / "vectors.py").read_text())
    values = {
        node.target.id if isinstance(node, ast.AnnAssign) else node.targets[0].id: node.value
        for node in tree.body
        if isinstance(node, ast.Assign | ast.AnnAssign)
        and isinstance(node.target if isinstance(node, ast.AnnAssign) else node.targets[0], ast.Name)
    }
    table = ast.literal_eval(values["EF_SEARCH_BY_SIZE"])
    ef = next((ef for up_to, ef in table if n <= up_to), ast.literal_eval(values["EF_SEARCH_MAX"]))
    # A gender's or type's own graph is walked with at most PARTIAL_EF_SEARCH_MAX.
    return min(ef, ast.literal_eval(values["PARTIAL_EF_SEARCH_MAX"])) if walks_partial_graph else ef


def shared_buffers(size: dict) -> str:
    """The server's buffers when the size was measured: recorded per size since the embedded
    server is sized for the machine (config.embedded.memory_settings); every run before that
    had PostgreSQL's default."""
    return size.get("shared_buffers", "128MB")


def catalog_scale_summary(result: dict) -> str:
    """The store's own path at the ef_search it chooses now, per size (docs/SCALING.md)."""
    header = ["products", "shared_buffers", "ef_search", "index build s", "index MiB (+ partial)",
              "vectors table MiB", "KiB per product", "no filter", "gender", "article type", "1% filter",
              "small type", "recommend() 'in black'"]  # fmt: skip
    rows = []
    for size in result["sizes"]:
        ef, q = store_ef_search(size["n"]), size["queries"]
        ef_of = {f: store_ef_search(size["n"], walks_partial_graph(q, f)) for f in FILTERS}
        # recommend() at that ef_search: its own row, or the store's when it chose the same then
        e2e = [r for r in size.get("recommend", []) if r["ef_search"] == ef]
        e2e += [
            r
            for r in size.get("recommend", [])
            if r["ef_search"] == "store" and size["store_ef_search"] == ef
        ]
        e2e = [r for r in e2e if r.get("plan") != "kept category planned"]  # the reverted plan: not the store
        by_gender = sum(_partial_mib(size).values())
        per_product = (size["index_mib"] + by_gender + size.get("vectors_table_mib", 0)) * 1024 / size["n"]
        rows.append([f"{size['n']:,}", shared_buffers(size), str(ef), f"{size['build_s']:.0f}",
                     f"{size['index_mib']:.0f} (+{by_gender:.0f})", f"{size.get('vectors_table_mib', 0):.0f}",
                     f"{per_product:.1f}",
                     *(_cell(q, filter=f, strategy="store", ef_search=ef_of[f]) for f in FILTERS),
                     _cell(e2e, text="in black")])  # fmt: skip
    return (
        f"The store's query path (`vectors.nearest`) at the `ef_search` it chooses now (a gender's, "
        f"type's or pair's graph: at most {store_ef_search(10**9, True)}); cells: "
        f"recall@20 · p50 / p99 ms ({result['params']['queries']} reference products; `recommend()`: "
        f"{result['params']['recommend_queries']}).\n\n{_table(header, rows)}"
    )


def catalog_scale_buffers(sized: dict) -> str:
    """One 1M catalog and its indexes, measured on the server sized for the machine and again
    after a restart with PostgreSQL's default buffers (catalog_scale_1m_buffers_*.json)."""
    default = _load(RESULTS / "catalog_scale_1m_buffers_128mb.json")
    runs = [sized["sizes"][0]] + ([default["sizes"][0]] if default else [])
    header = ["", *(f"shared_buffers {run['shared_buffers']}" for run in runs)]
    rows = [[f"`nearest()`, {f}", *(_cell(run["queries"], filter=f, strategy="store") for run in runs)]
            for f in FILTERS]  # fmt: skip
    rows += [[f"`recommend({text!r})`", *(_cell(run["recommend"], text=text) for run in runs)]
             for text in ("", "in black")]  # fmt: skip
    return _table(header, rows) + "\n\n" + _by_kept_pair(runs[0])


def catalog_scale_quantized(result: dict) -> str:
    """The unfiltered search on the version's graph against halfvec and binary-quantised copies
    of it, each re-ranked by the full vectors (catalog_scale_1m_quantized.json)."""
    size = result["sizes"][0]
    rows = [
        [r["strategy"], f"{r.get('index_mib', size['index_mib']):.0f}", str(r["ef_search"]), _cell([r])]
        for r in size["queries"]
        if r["filter"] == "none"
    ]
    return _table(["search", "index MiB", "ef_search", "recall@20 (ties) · p50 / p99 ms"], rows)


def _by_kept_pair(size: dict) -> str:
    """recommend()'s median time per reference, by the share of the catalog its kept pair holds."""
    n = size["n"]
    bands = (("under 1%", 0, 0.01), ("1% to 5%", 0.01, 0.05), ("5% or more", 0.05, 2.0))
    rows = []
    for label, low, high in bands:
        found = [r for r in size["recommend_by_reference"] if low <= r["pair_rows"] / n < high]
        by_text = [[r["ms"] for r in found if r["text"] == text] for text in ("", "in black")]
        rows.append([label, str(len(by_text[0])),
                     *(f"{statistics.median(ms):.1f}" if ms else "–" for ms in by_text)])  # fmt: skip
    return (
        f"`recommend()` per reference with shared_buffers {size['shared_buffers']} (second call of "
        "each), by the share of the catalog in the reference's kept (gender, type) pair:\n\n"
        + _table(["kept pair", "references", "median ms ''", "median ms 'in black'"], rows)
    )


SECTIONS: dict[str, tuple[str, Callable[[dict], str]]] = {
    "catalog-scale-summary": ("catalog_scale.json", catalog_scale_summary),
    "catalog-scale": ("catalog_scale.json", catalog_scale_section),
    "catalog-scale-recommend": ("catalog_scale_1m_recommend.json", catalog_scale_rerun),
    "catalog-scale-buffers": ("catalog_scale_1m_buffers_6gb.json", catalog_scale_buffers),
    "catalog-scale-quantized": ("catalog_scale_1m_quantized.json", catalog_scale_quantized),
    "embedding": ("embedding.json", embedding_section),
    "selection": ("selection", selection_section),
    "serving": ("serving.json", serving_section),
    "demo-connections": ("demo_connections.json", demo_connections_section),
    "load": ("load.json", load_section),
    "load-compare": ("load_runs", load_compare_section),
    "fuzz-live": ("fuzz_live.json", fuzz_live_section),
    "text-encoder": ("text_encoder.json", text_encoder_section),
    "retrieval": ("retrieval.json", retrieval_section),
    "language": ("language.json", language_section),
    "language-test": ("language_test.json", language_section),
    "language-test-v3": ("language_test_v3.json", language_section),
    "language-summary": ("language.json", language_summary),
    "language-query-encoder": ("language_float_queries.json", query_encoder_section),
    "reader": ("reader.json", reader_section),
}


def _load(path: Path) -> dict | None:
    """A results file, or a folder of them as {file stem: results}; None when absent."""
    if path.is_dir():
        return {p.stem: json.loads(p.read_text()) for p in sorted(path.glob("*.json"))} or None
    return json.loads(path.read_text()) if path.is_file() else None


def render(markdown: str) -> str:
    """`markdown` with every generated section rewritten from its results file."""
    for name, (results_file, make) in SECTIONS.items():
        pattern = re.compile(rf"(<!-- bench:{name} -->\n).*?(<!-- /bench:{name} -->)", re.S)
        results = _load(RESULTS / results_file)
        if results and pattern.search(markdown):
            text = make(results)
            markdown = pattern.sub(lambda m, t=text: f"{m.group(1)}{t}\n{m.group(2)}", markdown)
    return markdown


def main() -> int:
    for doc in DOCS:
        if doc.is_file():
            before = doc.read_text()
            after = render(before)
            if after != before:
                doc.write_text(after)
                print(f"updated {doc.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
