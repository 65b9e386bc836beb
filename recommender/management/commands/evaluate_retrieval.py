"""R@1/R@10/R@50 of "like this, but …" through the store's own SQL path (../shared/benchmark/PROTOCOL.md)."""

from __future__ import annotations

import json
from collections import defaultdict

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from recommender import services
from shop.models import Product

KS = (1, 10, 50)
GALLERIES = ("test", "val", "train", "all")


def _recalls(ranks: list[int | None]) -> dict[str, float]:
    """Fraction of queries whose target is within the top k (None = not in the list)."""
    n = len(ranks)
    return {f"R@{k}": (sum(1 for r in ranks if r is not None and r < k) / n if n else 0.0) for k in KS}


class Command(BaseCommand):
    help = "Evaluate retrieval on a triplet file with the ACTIVE model, through the shoppers' SQL query path."

    def add_arguments(self, parser):
        parser.add_argument(
            "--triplets", required=True, help="JSON Lines or JSON list of {candidate, target, captions}"
        )
        parser.add_argument(
            "--gallery-split", default="test", help=f"one of {', '.join(GALLERIES)} (default test)"
        )
        parser.add_argument("--method", default="composed", help=f"one of {', '.join(services.METHODS)}")
        parser.add_argument("--limit", type=int, default=50, help="results per query (1..100, default 50)")
        parser.add_argument("--dump", help="write one JSON line per evaluated query with its ranked results")
        parser.add_argument(
            "--json", action="store_true", help="print the summary as one JSON line (last line)"
        )
        parser.add_argument("--exact", action="store_true", help="exact search instead of the HNSW index")

    def handle(self, *args, **opts):
        from ml.mining import join_captions, read_triplets

        split, method, limit = opts["gallery_split"], opts["method"], opts["limit"]
        if split not in GALLERIES:
            raise CommandError(
                f"unknown gallery split '{split}' (use one of {', '.join(GALLERIES)})", returncode=2
            )
        if method not in services.METHODS:
            raise CommandError(
                f"unknown method '{method}' (use one of {', '.join(services.METHODS)})", returncode=2
            )
        if not 1 <= limit <= services.MAX_LIMIT:
            raise CommandError(f"--limit must be between 1 and {services.MAX_LIMIT}", returncode=2)
        try:
            triplets = read_triplets(opts["triplets"])
        except (OSError, ValueError) as exc:
            raise CommandError(str(exc), returncode=2) from None
        try:
            version = services.active_version()
        except services.NoActiveModel as exc:
            raise CommandError(str(exc), returncode=2) from None

        gallery = Product.objects.filter(is_active=True, embeddings__model_version=version)
        if split != "all":
            gallery = gallery.filter(split=split)
        gallery_ids = set(gallery.values_list("pk", flat=True))
        products = Product.objects.in_bulk([t.candidate for t in triplets if isinstance(t.candidate, int)])

        ranks: list[int | None] = []
        by_change: dict[str, list[int | None]] = defaultdict(list)
        skipped = 0
        dump = open(opts["dump"], "w") if opts["dump"] else None  # noqa: SIM115 (closed below)
        try:
            for triplet in tqdm(triplets, desc=f"{method} on {split}", disable=opts["json"] or None):
                if triplet.candidate not in gallery_ids or triplet.target not in gallery_ids:
                    skipped += 1
                    continue
                result = services.recommend(
                    reference=products[triplet.candidate],
                    text=join_captions(triplet.captions),
                    limit=max(limit, max(KS)),  # R@50 needs 50 results
                    exclude_purchased=False,
                    method=method,
                    split=None if split == "all" else split,
                    exact=opts["exact"],
                )
                ids = [p.pk for p, _ in result.results]
                rank = ids.index(triplet.target) if triplet.target in ids else None
                ranks.append(rank)
                by_change[triplet.change].append(rank)
                if dump:
                    dump.write(
                        json.dumps(
                            {
                                "candidate": str(triplet.candidate),
                                "target": str(triplet.target),
                                "results": [str(i) for i in ids[:limit]],
                            }
                        )
                        + "\n"
                    )
        finally:
            if dump:
                dump.close()

        summary = {
            "method": method,
            "model_version": version.name,
            "gallery_split": split,
            "n": len(ranks),
            "skipped": skipped,
            **_recalls(ranks),
        }
        if len(by_change) > 1 or "unknown" not in by_change:
            summary["by_change"] = {c: {"n": len(r), **_recalls(r)} for c, r in sorted(by_change.items())}
        if opts["json"]:
            self.stdout.write(json.dumps(summary))
        else:
            self.stdout.write(
                f"{method} on {split} ({version.name}): n={summary['n']} skipped={skipped} "
                + " ".join(f"R@{k}={summary[f'R@{k}']:.4f}" for k in KS)
            )
            for change, row in summary.get("by_change", {}).items():
                self.stdout.write(
                    f"  {change:<14} n={row['n']:<5} " + " ".join(f"R@{k}={row[f'R@{k}']:.4f}" for k in KS)
                )
