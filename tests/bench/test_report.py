"""bench.report: generated sections are rewritten from results, the rest of a document is kept."""

import json

from bench import report

RESULT = {
    "model_version": "v9",
    "machine": {"loadavg_1_5_15": [0.5, 0.5, 0.5]},
    "requests": {
        "shopper requests": {
            m: {"rows": 2, "sat@10": 0.5 + i / 10, "category_kept": 1.0, "real_requests_flagged": 0,
                "nonsense_flagged": 1.0, "by_kind": {"colour": {"rows": 2, "sat@10": 0.25 + i / 10}}}
            for i, m in enumerate(report.METHOD_NAMES)
        }
    },
    "triplets": {
        "generated val": {m: {"n": 3, "R@1": 0.1, "R@10": 0.2, "R@50": 0.3} for m in report.METHOD_NAMES}
    },
    "parser": {"interpret_ms_p50": 0.1, "interpret_ms_p99": 0.4, "requests": 10, "vocabulary_build_s": 0.2},
}  # fmt: skip


def test_sections_are_rewritten_between_their_markers(tmp_path, monkeypatch):
    (tmp_path / "language.json").write_text(json.dumps(RESULT))
    monkeypatch.setattr(report, "RESULTS", tmp_path)
    doc = "intro\n<!-- bench:language -->\nold 0.999\n<!-- /bench:language -->\nafter\n"
    out = report.render(doc)
    assert out.startswith("intro\n<!-- bench:language -->\n") and out.endswith(
        "<!-- /bench:language -->\nafter\n"
    )
    assert "0.999" not in out and "`v9`" in out and "| colour (2) | 0.250 |" in out
    assert report.render(out) == out  # idempotent
    assert report.render("no markers here") == "no markers here"


def test_the_embedding_section_has_every_run_and_the_projection(tmp_path, monkeypatch):
    runs = [
        {"features": f, "workers": w, "seconds": 10.0 / w, "products_per_s": 30.0 * w,
         "index_and_finish_s": 0.05, "load_1min": 1.0}
        for f in ("cold", "warm") for w in (1, 2)
    ]  # fmt: skip
    result = {
        "products": 300, "chunk_size": 25, "runs": runs, "machine": {"cores": 2, "cpu": "x"},
        "summary": {"encoder_share_1_worker": 0.8, "cold": {"speedup_2": 2.0}, "warm": {"speedup_2": 2.0},
                    "speedup_if_only_encoders_divide": {"2": 1.67, "4": 2.5}},
    }  # fmt: skip
    (tmp_path / "embedding.json").write_text(json.dumps(result))
    monkeypatch.setattr(report, "RESULTS", tmp_path)
    out = report.render("<!-- bench:embedding -->\n<!-- /bench:embedding -->\n")
    assert "| cold | 2 | 5.0 | 60.0 | 0.05 | 1.0 |" in out and "| speed-up | 1.67 | 2.50 |" in out


def test_the_live_fuzz_and_load_sections_say_what_the_committed_runs_measured():
    """From the committed results: the status counts and 5xx of the live fuzz run, and the load
    run's orders, the shoppers' decisions and where the cores went."""
    fuzz = json.loads((report.RESULTS / "fuzz_live.json").read_text())
    out = report.render("<!-- bench:fuzz-live -->\n<!-- /bench:fuzz-live -->\n")
    assert f"**Schemathesis**: {fuzz['fuzz']['requests']:,} requests" in out
    assert f"**5xx: {fuzz['fuzz']['5xx']}**" in out and "| POST /api/v1/orders/ | shopper |" in out
    load = json.loads((report.RESULTS / "load.json").read_text())
    out = report.render("<!-- bench:load -->\n<!-- /bench:load -->\n")
    assert f"**Orders**: {load['orders']['orders_placed']} placed" in out
    assert "**Shoppers' decisions**" in out and "**Cores used while the shoppers ran** (of 2)" in out
    assert "| cart page |" in out and "| checkout: confirmation page |" in out


def load_run(setup: str, repeat: int, orders: int, page_p99: float, no_answer: int = 0) -> dict:
    """A bench.load_compare run as bench.load writes it (only what the section reads)."""
    slowest = {"client_ms": page_p99 + 10, "app_ms": 40.0, "cpu_ms": 10.0, "db_ms": 5.0,
               "waiting_ms": page_p99 - 30}  # fmt: skip
    return {
        "setup": setup, "repeat": repeat, "started_at": f"2026-12-07 20:{10 * repeat:02d} UTC",
        "orders": {"orders_placed": orders}, "stock": {"oversold": []}, "logins_done_s": 4.5,
        "cores_used": {"gunicorn": 0.7, "database": 0.1}, "loadavg_at_start": [5.0, 5.0, 5.0],
        "requests": [
            {"request": "product page", "p50_ms": 60.0, "p99_ms": page_p99, "after_logins_p99_ms": 300.0,
             "server": {"slowest_1pct": slowest, "all": {"app_ms": 30.0, "cpu_ms": 10.0, "db_ms": 8.0}}},
            {"request": "login", "p50_ms": 2500.0, "server": {"all": {"cpu_ms": 400.0}}},
            {"request": "all", "5xx": 0, "no_answer": no_answer},
        ],
    }  # fmt: skip


def test_the_load_comparison_gives_each_setups_median_and_its_runs_and_counts_runs_meeting_the_targets(
    tmp_path, monkeypatch
):
    runs = tmp_path / "load_runs"
    runs.mkdir()
    for name, run in {
        "sync-1": load_run("sync", 1, 90, 1500.0), "sync-2": load_run("sync", 2, 110, 1300.0),
        "sync-3": load_run("sync", 3, 105, 2000.0), "queued-1": load_run("queued", 1, 120, 400.0),
        "queued-2": load_run("queued", 2, 101, 480.0, no_answer=1),
    }.items():  # fmt: skip
        (runs / f"{name}.json").write_text(json.dumps(run))
    monkeypatch.setattr(report, "RESULTS", tmp_path)
    out = report.render("<!-- bench:load-compare -->\n<!-- /bench:load-compare -->\n")
    sync, queued = (next(line for line in out.splitlines() if line.startswith(f"| {start}"))
                    for start in ("before: 3 sync", "now: 3 workers"))  # fmt: skip
    # orders, 5xx or unanswered, oversold, page p99 (median, then each run in the order they ran)
    assert "| 3 | 105 (90, 110, 105) | 0 | 0 | 1,500 (1,500, 1,300, 2,000) |" in sync
    assert sync.endswith("| 0 of 3 | 0 of 3 |")  # p99 over 500 ms in each; the first also placed too few
    assert "| 2 | 110 (120, 101) | 1 | 0 | 440 (400, 480) |" in queued
    assert queued.endswith("| 2 of 2 | 1 of 2 |")  # the second had a request unanswered
    assert "Runs from 2026-12-07 20:10 UTC to 2026-12-07 20:30 UTC" in out
    assert "| 60 (60, 60, 60) | 30 / 10 / 8 | 1,510 (1,510, 1,310, 2,010) |" in out  # p50, its parts
    assert "| 1,470 (1,470, 1,270, 1,970) | 4.5 (4.5, 4.5, 4.5) | 2.5 (2.5, 2.5, 2.5) | 400 |" in out
