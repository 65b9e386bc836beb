"""The text encoder for one query at a time: the same MiniLM weights run by ONNX Runtime on CPU.

A shopper's new text is encoded alone (a batch of one, ~10-20 tokens), where PyTorch's eager
kernels cost more than the arithmetic: ONNX Runtime runs the same graph about 2.5 times faster
on one core. The exported graph's output is the PyTorch encoder's (checked at export: at most
`PARITY_TOLERANCE` apart), so the encoder keeps PyTorch's `version`. Training keeps PyTorch
(batches, GPUs).

Queries then run that graph with its matrix products in 8 bits (unsigned weights quantised per
output channel, activations per text: ONNX Runtime's dynamic quantisation), about three times faster
again on one core: on a two-core web server the encoding shares the cores with the request's
own work (bench.serving). Its features stay within cosine `QUANTIZED_MIN_COSINE` of PyTorch's
(checked when it is made; bench.text_encoder measures the gap on many texts), and
bench.language measures the store's answers with it against the float graph's.

The graphs are made once from the installed weights into the feature cache, named by the
encoder version, and checked against PyTorch before they are moved into place. Where that is not
possible (no cache folder, a GPU, an export that fails) queries use the PyTorch encoder.
"""

from __future__ import annotations

import logging
import os
import warnings
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from ml.cache import safe_name
from ml.encoders import TEXT_FEATURE_DIM, TextEncoder, get_text_encoder

logger = logging.getLogger(__name__)

PARITY_TOLERANCE = 1e-4  # largest difference from PyTorch's features accepted at export
# Query texts use the int8 graph (QUANTIZE_QUERIES), accepted when every parity text's features
# keep at least this cosine to PyTorch's (measured: 0.99 and more, bench.text_encoder).
QUANTIZE_QUERIES = True
QUANTIZED_MIN_COSINE = 0.98
# Texts of different lengths, padded together: a graph that baked in one length fails the check.
PARITY_TEXTS = (
    "navy",
    "is darker and has short sleeves",
    "like this but cheaper, not black, without stripes and more formal for the office",
)


class _PooledMiniLM(torch.nn.Module):
    """MiniLM + mean pooling + L2 normalisation in one graph (TextEncoder.features)."""

    def __init__(self, model: torch.nn.Module) -> None:
        super().__init__()
        self.model = model

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        out = self.model(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        mask = attention_mask.unsqueeze(-1).to(out.dtype)
        pooled = (out * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
        return F.normalize(pooled, dim=-1)


def graph_path(cache_root: str | Path, encoder: TextEncoder, quantized: bool = False) -> Path:
    # ".u8w": unsigned weights; graphs cached under the old name had signed ones.
    suffix = ".int8.u8w.onnx" if quantized else ".onnx"
    return Path(cache_root) / "onnx" / f"{safe_name(encoder.version)}{suffix}"


def _parity_features(encoder: TextEncoder) -> torch.Tensor:
    with torch.inference_mode():
        return encoder.features(list(PARITY_TEXTS)).cpu()


def export_graph(encoder: TextEncoder, path: Path) -> Path:
    """Export the encoder to `path` (atomically), after checking it against PyTorch."""
    from transformers import AutoModel

    # Eager attention: the traced SDPA path fixes the sequence length it saw into the graph.
    eager = AutoModel.from_pretrained(encoder.model.name_or_path, attn_implementation="eager").eval()
    sample = encoder.tokenizer(list(PARITY_TEXTS[:1]), return_tensors="pt")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    try:
        # The tracer warns about shapes and indices it cannot generalise: the parity check below
        # (padded texts of three lengths) is what decides whether the graph is used.
        with torch.inference_mode(False), torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            torch.onnx.export(
                _PooledMiniLM(eager),
                (sample["input_ids"], sample["attention_mask"]),
                str(tmp),
                input_names=["input_ids", "attention_mask"],
                output_names=["features"],
                dynamic_axes={name: {0: "batch", 1: "tokens"} for name in ("input_ids", "attention_mask")},
                opset_version=17,
                dynamo=False,
            )
        candidate = OnnxTextEncoder(tmp, encoder)
        gap = float((candidate.features(list(PARITY_TEXTS)) - _parity_features(encoder)).abs().max())
        if gap > PARITY_TOLERANCE:
            raise RuntimeError(f"the exported text encoder differs from PyTorch by {gap:.2g}")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def quantize_graph(encoder: TextEncoder, graph: Path, path: Path) -> Path:
    """`graph` with its matrix products in 8 bits (dynamic quantisation, weights per channel),
    written to `path` (atomically) after checking its features against PyTorch's.

    Weights are unsigned: on CPUs without VNNI (AVX2 only, as this project's machines) ONNX
    Runtime's signed-weight kernel saturates its 16-bit sums; measured on bench.text_encoder's
    140 texts, the lowest cosine to PyTorch's features was 0.975 with signed weights, 0.983 with
    unsigned ones (median 0.991 -> 0.993) at the same speed."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    try:
        quantize_dynamic(
            str(graph), str(tmp), op_types_to_quantize=["MatMul"], per_channel=True,
            weight_type=QuantType.QUInt8,
        )
        features = OnnxTextEncoder(tmp, encoder).features(list(PARITY_TEXTS))
        cosine = float((features * _parity_features(encoder)).sum(-1).min())
        if cosine < QUANTIZED_MIN_COSINE:
            raise RuntimeError(f"the int8 text encoder's features are at cosine {cosine:.3f} of PyTorch's")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


class OnnxTextEncoder:
    """TextEncoder.features on ONNX Runtime (CPU, as many threads as torch is given)."""

    dim = TEXT_FEATURE_DIM

    def __init__(self, path: str | Path, encoder: TextEncoder) -> None:
        import onnxruntime

        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = torch.get_num_threads()
        options.inter_op_num_threads = 1
        options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
        self.session = onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        self.tokenizer = encoder.tokenizer
        self.max_length = encoder.max_length
        self.version = encoder.version
        self.device = torch.device("cpu")

    def features(self, texts: Sequence[str]) -> torch.Tensor:
        """List of strings -> [N,384] L2-normalised mean-pooled features (as TextEncoder)."""
        enc = self.tokenizer(
            list(texts), padding=True, truncation=True, max_length=self.max_length, return_tensors="np"
        )
        inputs = {name: enc[name].astype(np.int64) for name in ("input_ids", "attention_mask")}
        return torch.from_numpy(self.session.run(None, inputs)[0])


def ensure_graph(cache_root: str | Path, quantized: bool = False) -> Path:
    """The exported graph of the installed text encoder in `cache_root` (`quantized`: its int8
    form), made if missing (the training pipeline calls it, so web processes find it there)."""
    encoder = get_text_encoder("cpu")
    path = graph_path(cache_root, encoder)
    if not path.is_file():
        export_graph(encoder, path)
    if not quantized:
        return path
    int8 = graph_path(cache_root, encoder, quantized=True)
    return int8 if int8.is_file() else quantize_graph(encoder, path, int8)


# (process id, cache folder) -> encoder: a forked web worker builds its own session.
_query_encoders: dict[tuple[int, str], OnnxTextEncoder | TextEncoder] = {}


def get_query_text_encoder(device: str, cache_root: str | Path | None) -> OnnxTextEncoder | TextEncoder:
    """The encoder for query texts: ONNX Runtime on CPU (its graph in `cache_root`, made on first
    use; int8 when QUANTIZE_QUERIES), else PyTorch's."""
    if device != "cpu" or cache_root is None:
        return get_text_encoder(device)
    key = (os.getpid(), str(cache_root))
    if key not in _query_encoders:
        try:
            graph = ensure_graph(cache_root, quantized=QUANTIZE_QUERIES)
            _query_encoders[key] = OnnxTextEncoder(graph, get_text_encoder("cpu"))
        except Exception:  # no runtime, or a failed export: slower, (nearly) the same answers
            logger.warning("query texts fall back to the PyTorch encoder", exc_info=True)
            _query_encoders[key] = get_text_encoder("cpu")
    return _query_encoders[key]
