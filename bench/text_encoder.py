"""The query text encoder: PyTorch (eager) against ONNX Runtime (the float graph and its int8 form,
the store's), one text at a time, one thread.

    python -m bench.text_encoder [--passes 3] [--json bench/results/text_encoder.json]

What a shopper's new text costs the store (the `encode` of bench.serving): every text of the dev
shopper-requests suite and of bench.serving's pool, encoded alone, as a request does, by the same
MiniLM weights on each runtime (the same inputs for all). Reports p50/p99 per text over all
passes and how far each ONNX graph's features are from PyTorch's (largest difference, lowest and
median cosine). What the int8 features do to the store's answers is bench.language's
`--query-encoder float` run beside its default one.
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
        encoders = {
            "PyTorch (eager)": pytorch,
            "ONNX Runtime": OnnxTextEncoder(ensure_graph(cache), pytorch),
            "ONNX Runtime int8": OnnxTextEncoder(ensure_graph(cache, quantized=True), pytorch),
        }
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
    reference = features["PyTorch (eager)"]
    tokens = [len(pytorch.tokenizer(t)["input_ids"]) for t in texts]
    return {
        "benchmark": "text_encoder",
        "encoder": pytorch.version,
        "threads": 1,
        "tokens_median": float(np.median(tokens)),
        "tokens_max": int(max(tokens)),
        "results": rows,
        "onnx_vs_pytorch": _gap(features["ONNX Runtime"], reference),
        "int8_vs_pytorch": _gap(features["ONNX Runtime int8"], reference),
    }


def _gap(features: np.ndarray, reference: np.ndarray) -> dict:
    cosines = (features * reference).sum(axis=1)  # both L2-normalised
    return {
        "max_abs_difference": float(np.abs(features - reference).max()),
        "min_cosine": float(cosines.min()),
        "median_cosine": float(np.median(cosines)),
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
    print(f"ONNX int8 vs PyTorch features: {report['int8_vs_pytorch']}")
    log(f"wrote {write_results('text_encoder', report, args.json)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
