"""Load, before and after: bench.load repeated on several web-server set-ups, in turns.

    python -m bench.load_compare [--repeats 3] [--setups sync threads queued] [--users 32]
                                 [--duration 120] [--out bench/results/load_runs]

Each set-up is one bench.load run (32 shoppers for 2 minutes, all logging in within 4 s, against
the store's database); the set-ups take turns (sync, threads, queued, sync, ...) so that what else
runs on the shared machine weighs on each alike. Every run's full results go to
`<out>/<setup>-<n>.json` (the load average at its start and end and the cores each part used are
in them); `python -m bench.report` renders the medians per set-up (docs/BENCHMARKS.md, "Load").
A run that misses bench.load's own bar (a 5xx, an oversold size, too few orders) is kept and
counted like the others; this script fails only when a run wrote no results.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

from bench.harness import RESULTS_DIR, log

REPO = Path(__file__).resolve().parent.parent
# name -> (what it is, bench.load's arguments for it)
SETUPS: dict[str, tuple[str, list[str]]] = {
    "sync": ("before: 3 sync workers (1 request at a time each), every login hashing at once",
             ["--threads", "1", "--hashing-concurrency", "0"]),
    "threads": ("3 workers × 16 threads, every login hashing at once",
                ["--threads", "16", "--hashing-concurrency", "0"]),
    "queued": ("now: 3 workers × 16 threads, 1 password hash at a time per worker",
               ["--threads", "16", "--hashing-concurrency", "1"]),
    "queued-ramp": ("now, shoppers arriving over 32 s (1 a second) instead of 4 s",
                    ["--threads", "16", "--hashing-concurrency", "1", "--spawn-rate", "1"]),
}  # fmt: skip


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeats", type=int, default=3, help="runs of each set-up (default 3)")
    parser.add_argument("--setups", nargs="+", choices=list(SETUPS), default=["sync", "threads", "queued"])
    parser.add_argument("--users", type=int, default=32)
    parser.add_argument("--duration", type=int, default=120)
    parser.add_argument("--out", type=Path, default=RESULTS_DIR / "load_runs", help="folder of the runs")
    args = parser.parse_args(argv)
    if args.repeats < 1:
        parser.exit(2, "error: --repeats must be positive\n")
    return args


def run_once(args: argparse.Namespace, setup: str, repeat: int) -> Path:
    """One bench.load run of `setup`; the path of its results."""
    out = args.out / f"{setup}-{repeat}.json"
    command = [
        sys.executable, "-m", "bench.load", "--users", str(args.users), "--duration", str(args.duration),
        "--json", str(out), *SETUPS[setup][1],
    ]  # fmt: skip
    log(f"{setup} #{repeat}: {SETUPS[setup][0]}")
    out.unlink(missing_ok=True)
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, check=False)
    print(done.stdout[-1500:], flush=True)
    if not out.is_file():
        raise SystemExit(f"error: bench.load wrote nothing (exit {done.returncode}):\n{done.stderr[-3000:]}")
    if done.returncode:
        log(f"{setup} #{repeat} missed bench.load's bar (exit {done.returncode}); kept")
    result = json.loads(out.read_text())
    result.update(setup=setup, setup_label=SETUPS[setup][0], repeat=repeat, passed=done.returncode == 0)
    out.write_text(json.dumps(result, indent=2) + "\n")
    return out


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for repeat in range(1, args.repeats + 1):
        for setup in args.setups:
            run_once(args, setup, repeat)
            time.sleep(10)  # the store's processes gone and the connections closed before the next
    log(f"results: {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
