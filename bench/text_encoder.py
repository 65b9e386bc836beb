"""The query text encoder: PyTorch (eager) against ONNX Runtime, one text at a time, one thread.

    python -m bench.text_encoder [--passes 3] [--json bench/results/text_encoder.json]

What a shopper's new text costs the store (the `encode` of bench.serving): every text of the dev
shopper-requests suite and of bench.serving's pool, encoded alone, as a request does, by the same
MiniLM weights on each runtime (the same inputs for both). Reports p50/p99 per text over all
passes and how far the ONNX features are from PyTorch's (largest difference, lowest cosine).
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import numpy as np

from bench.harness import log, percentiles, print_table, write_results
from bench.serving import TEXTS

SUITE = Path(__file__).resolve().parent / "data" / "shopper_requests_dev.jsonl"


def request_texts() -> list[str]:
    suite = [json.loads(line)["text"] for line in SUITE.read_text().splitlines() if line.strip()]
    return sorted({t for t in suite + TEXTS if t.strip()})


def run(args: argparse.Namespace) -> dict:
    import torch

    from ml.encoders import get_text_encoder
    from ml.text_onnx import OnnxTextEncoder, ensure_graph

    torch.set_num_threads(1)  # as a web worker (TORCH_THREADS=1); ONNX Runtime follows it
    texts = request_texts()
    pytorch = get_text_encoder("cpu")
    with tempfile.TemporaryDirectory() as cache:
        onnx = OnnxTextEncoder(ensure_graph(cache), pytorch)
        encoders = {"PyTorch (eager)": pytorch, "ONNX Runtime": onnx}
        rows, features = [], {}
        with torch.inference_mode():
            for name, encoder in encoders.items():
                features[name] = np.concatenate([encoder.features([t]).numpy() for t in texts])  # warm-up too
                times = []
                for _ in range(args.passes):
                    for text in texts:
                        started = time.perf_counter()
                        encoder.features([text])
                        times.append(time.perf_counter() - started)
                rows.append({"runtime": name, "texts": len(texts), "passes": args.passes,
                             **percentiles(times, (50, 99))})  # fmt: skip
                log(f"{name}: p50 {rows[-1]['p50']:.2f} ms")
    reference, other = features["PyTorch (eager)"], features["ONNX Runtime"]
    tokens = [len(pytorch.tokenizer(t)["input_ids"]) for t in texts]
    return {
        "benchmark": "text_encoder",
        "encoder": pytorch.version,
        "threads": 1,
        "tokens_median": float(np.median(tokens)),
        "tokens_max": int(max(tokens)),
        "results": rows,
        "onnx_vs_pytorch": {
            "max_abs_difference": float(np.abs(other - reference).max()),
            "min_cosine": float((other * reference).sum(axis=1).min()),
        },
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--passes", type=int, default=3, help="times each text is encoded per runtime")
    parser.add_argument("--json", default=None, help="results file (default bench/results/text_encoder.json)")
    args = parser.parse_args(argv)
    if args.passes < 1:
        parser.error("--passes must be at least 1")
    report = run(args)
    print_table(report["results"], ["runtime", "texts", "passes", "p50", "p99"])
    print(f"ONNX vs PyTorch features: {report['onnx_vs_pytorch']}")
    log(f"wrote {write_results('text_encoder', report, args.json)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
