"""R@1/R@10/R@50 of "like this, but …" through the shoppers' query path (benchmark/PROTOCOL.md)."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from ml.evaluate import KS
from ml.mining import Triplet, read_triplets
from recommender.lifecycle import evaluation
from recommender.serving import services


class Command(BaseCommand):
    help = "Evaluate retrieval on a triplet file with the ACTIVE model, through the shoppers' query path."

    def add_arguments(self, parser):
        parser.add_argument(
            "--triplets", required=True, help="JSON Lines or JSON list of {candidate, target, captions}"
        )
        parser.add_argument(
            "--gallery-split", default="test", help=f"one of {', '.join(evaluation.GALLERIES)} (default test)"
        )
        parser.add_argument("--method", default="composed", help=f"one of {', '.join(evaluation.METHODS)}")
        parser.add_argument("--limit", type=int, default=50, help="results per query (1..100, default 50)")
        parser.add_argument("--dump", help="write one JSON line per evaluated query with its ranked results")
        parser.add_argument(
            "--json", action="store_true", help="print the summary as one JSON line (last line)"
        )
        parser.add_argument("--exact", action="store_true", help="exact search instead of the HNSW index")

    def handle(self, *args, **opts):
        run = evaluation.Evaluation(
            method=opts["method"],
            gallery_split=opts["gallery_split"],
            limit=opts["limit"],
            exact=opts["exact"],
        )
        _check(run)
        try:
            triplets = read_triplets(opts["triplets"])
        except (OSError, ValueError) as exc:
            raise CommandError(str(exc), returncode=2) from None
        dump = open(opts["dump"], "w") if opts["dump"] else None  # noqa: SIM115 (closed below)

        def write(triplet: Triplet, ids: list[int]) -> None:
            row = {
                "candidate": str(triplet.candidate),
                "target": str(triplet.target),
                "results": [str(i) for i in ids],
            }
            dump.write(json.dumps(row) + "\n")

        progress = tqdm(triplets, desc=f"{run.method} on {run.gallery_split}", disable=opts["json"] or None)
        try:
            summary = evaluation.evaluate(run, progress, on_query=write if dump else None)
        except services.NoActiveModel as exc:
            raise CommandError(str(exc), returncode=2) from None
        finally:
            if dump:
                dump.close()
        self._report(summary, opts["json"])

    def _report(self, summary: dict, as_json: bool) -> None:
        if as_json:
            self.stdout.write(json.dumps(summary))
            return
        recalls = " ".join(f"R@{k}={summary[f'R@{k}']:.4f}" for k in KS)
        self.stdout.write(
            f"{summary['method']} on {summary['gallery_split']} ({summary['model_version']}): "
            f"n={summary['n']} skipped={summary['skipped']} {recalls}"
        )
        for change, row in summary.get("by_change", {}).items():
            recalls = " ".join(f"R@{k}={row[f'R@{k}']:.4f}" for k in KS)
            self.stdout.write(f"  {change:<14} n={row['n']:<5} {recalls}")


def _check(run: evaluation.Evaluation) -> None:
    if run.gallery_split not in evaluation.GALLERIES:
        raise CommandError(
            f"unknown gallery split '{run.gallery_split}' (use one of {', '.join(evaluation.GALLERIES)})",
            returncode=2,
        )
    if run.method not in evaluation.METHODS:
        raise CommandError(
            f"unknown method '{run.method}' (use one of {', '.join(evaluation.METHODS)})", returncode=2
        )
    if not 1 <= run.limit <= services.MAX_LIMIT:
        raise CommandError(f"--limit must be between 1 and {services.MAX_LIMIT}", returncode=2)
