"""bench.load's summary of the shoppers' samples: percentiles over the whole run and after the
login burst, and where the time went by the store's Server-Timing (no server needed)."""

from __future__ import annotations

from bench.load import logins_done, summarize

# bench.load_shoppers (which reads the header) is a locustfile: importing it patches the standard
# library for gevent, so it is checked by the smoke run (tests/bench/test_bench_load.py) instead.


def test_summary_splits_the_login_burst_and_says_where_the_slowest_answers_waited():
    """Product pages answered during the logins waited outside Django (gunicorn's queue); those
    after them did not. The slowest 1% are the burst's: client 900 ms, of which 8 ms in the app."""
    burst, later = {"app": 8.0, "cpu": 6.0, "db": 2.0}, {"app": 30.0, "cpu": 9.0, "db": 2.0}
    samples = [("login", 2000.0, 302, 3.0, {"app": 1900.0, "cpu": 400.0, "db": 5.0})]
    samples += [("product page", 900.0, 200, 1.0 + n / 100, burst) for n in range(5)]
    samples += [("product page", 40.0, 200, 10.0 + n, later) for n in range(95)]
    assert logins_done(samples) == 3.0
    rows = {row["request"]: row for row in summarize(samples, duration=120)}
    page = rows["product page"]
    assert page["requests"] == 100 and page["5xx"] == 0 and page["statuses"] == {"200": 100}
    assert page["p99_ms"] > 800 and page["after_logins_p99_ms"] == 40.0
    assert page["server"]["all"] == {"app_ms": 30.0, "cpu_ms": 9.0, "db_ms": 2.0, "waiting_ms": 10.0,
                                     "client_ms": 40.0}  # fmt: skip
    slowest = page["server"]["slowest_1pct"]
    assert slowest["client_ms"] == 900.0 and slowest["app_ms"] == 8.0 and slowest["waiting_ms"] == 892.0
    assert rows["all"]["requests"] == 101 and rows["login"]["after_logins_p50_ms"] is None


def test_answers_without_server_timing_have_no_split():
    rows = summarize([("login", 10.0, 302, 1.0, {}), ("product page", 5.0, 200, 2.0, {})], duration=10)
    assert all(row["server"] == {} for row in rows)
