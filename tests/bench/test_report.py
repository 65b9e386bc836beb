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
