"""The learned polarity reader: for each value a request names, does the shopper want it, want to
avoid it, or only mention it ("navy doesn't suit me", "stripes aren't my thing", "a red-carpet
look")?

The rules (``language``) find the values and their exact catalog meaning; this model decides the
polarity from the whole sentence. It is the shipped MiniLM (the query encoder's weights) fine-tuned
with a small head: the value's tokens are pooled beside the sentence's, and a two-layer head gives
three probabilities (``LABELS``). Fine-tuning, not a head on frozen states: negation lives in how
words attend to each other, and a frozen encoder's states did not carry it to phrasings the head
had not seen (held-out families: 0.67 accuracy frozen, bench.reader).

It learns from ``ml.polarity_corpus`` (generated paraphrase families plus Fashion IQ training
captions) and is scored on the families held out from training. ``build_reader`` trains it once
per corpus, encoder and configuration (cached by their digest), exports it to one ONNX graph with
int8 matrix products (as the query encoder: about 4 ms a request on one core), and writes it into
a folder; ``PolarityReader`` loads that folder and is the ``language.PolarityJudge`` the store
hands to ``language.interpret``.
"""

from __future__ import annotations

import hashlib
import inspect
import json
import logging
import os
import random
import re
import shutil
import warnings
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

import language
from language import Vocabulary
from ml import polarity_corpus, polarity_phrasings
from ml.encoders import TEXT_FEATURE_DIM, get_text_encoder
from ml.polarity_corpus import LABELS, Example

logger = logging.getLogger(__name__)

GRAPH_FILE = "polarity.int8.onnx"
METRICS_FILE = "polarity.json"
# The int8 graph's probabilities stay this close to PyTorch's (checked at export; else float).
INT8_MAX_GAP = 0.05
# A long request's window keeps its value within this many characters of the window's start
# (about 40 tokens of the 64 read), so the words after it are read too ("navy? nah.").
WINDOW_REACH_CHARS = 160


@dataclass(frozen=True)
class PolarityConfig:
    """How the reader is trained (defaults: the store's reader; tests shrink `per_form`)."""

    epochs: int = 3
    lr: float = 1e-4  # the tuned layers'; the head learns 20 times faster
    batch_size: int = 32
    per_form: int = 7  # sentences per surface form of each family
    fashion_iq_limit: int = 1500
    seed: int = 0
    max_tokens: int = 64  # a request is read up to here (longer ones: their start)
    hidden: int = 128
    frozen_layers: int = 3  # MiniLM's first layers kept as shipped (run once per sentence)


class PolarityModel(nn.Module):
    """MiniLM + head: token ids, their mask and one row per value (its tokens marked) -> logits."""

    def __init__(self, encoder: nn.Module, hidden: int = 128, dim: int = TEXT_FEATURE_DIM) -> None:
        super().__init__()
        self.encoder = encoder
        self.head = nn.Sequential(
            nn.Dropout(0.1), nn.Linear(2 * dim, hidden), nn.GELU(), nn.Linear(hidden, len(LABELS))
        )

    def forward(
        self,
        input_ids: torch.Tensor,
        attention_mask: torch.Tensor,
        mention: torch.Tensor,
        text_of: torch.Tensor,
    ) -> torch.Tensor:
        """`mention` [values, tokens]: each value's tokens; `text_of` [values]: its text's row."""
        states = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        return self.pool_and_classify(states, attention_mask, mention, text_of)

    def pool_and_classify(self, states: torch.Tensor, attention_mask: torch.Tensor, mention: torch.Tensor,
                          text_of: torch.Tensor) -> torch.Tensor:
        """The value's tokens pooled beside the sentence's, through the head."""
        states, attention = states[text_of], attention_mask[text_of].unsqueeze(-1).to(states.dtype)
        marked = mention.unsqueeze(-1).to(states.dtype)
        value = (states * marked).sum(1) / marked.sum(1).clamp(min=1.0)
        sentence = (states * attention).sum(1) / attention.sum(1).clamp(min=1.0)
        return self.head(torch.cat([value, sentence], dim=-1))


class _OneText(nn.Module):
    """The exported graph: one text, several values -> probabilities."""

    def __init__(self, model: PolarityModel) -> None:
        super().__init__()
        self.model = model

    def forward(
        self, input_ids: torch.Tensor, attention_mask: torch.Tensor, mention: torch.Tensor
    ) -> torch.Tensor:
        text_of = torch.zeros(mention.shape[0], dtype=torch.long)
        return self.model(input_ids, attention_mask, mention, text_of).softmax(-1)


def mention_mask(offsets: np.ndarray, span: tuple[int, int]) -> np.ndarray:
    """The tokens (of one text's offsets) that overlap the character span."""
    start, end = span
    return (offsets[:, 0] < end) & (offsets[:, 1] > start) & (offsets[:, 1] > offsets[:, 0])


@dataclass
class Batch:
    input_ids: torch.Tensor
    attention_mask: torch.Tensor
    mention: torch.Tensor
    text_of: torch.Tensor
    labels: torch.Tensor


def make_batch(examples: Sequence[Example], tokenizer, max_tokens: int) -> Batch:
    """Tokenised texts and one row per value the tokens reach (a value past max_tokens is left out)."""
    enc = tokenizer(
        [e.text for e in examples],
        padding=True,
        truncation=True,
        max_length=max_tokens,
        return_offsets_mapping=True,
        return_tensors="np",
    )
    mentions, text_of, labels = [], [], []
    for i, example in enumerate(examples):
        for span, label in zip(example.spans, example.labels, strict=True):
            mask = mention_mask(enc["offset_mapping"][i], span)
            if mask.any():
                mentions.append(mask)
                text_of.append(i)
                labels.append(LABELS.index(label))
    width = enc["input_ids"].shape[1]
    return Batch(
        torch.from_numpy(enc["input_ids"].astype(np.int64)),
        torch.from_numpy(enc["attention_mask"].astype(np.int64)),
        torch.from_numpy(np.stack(mentions)) if mentions else torch.zeros(0, width, dtype=torch.bool),
        torch.tensor(text_of, dtype=torch.long),
        torch.tensor(labels, dtype=torch.long),
    )


@dataclass
class Prepared:
    """One training sentence after the frozen layers: their output states, each value's tokens."""

    states: torch.Tensor   # [tokens, 384] float16
    mention: torch.Tensor  # [values, tokens] bool
    labels: torch.Tensor   # [values]


def prepare(
    examples: Sequence[Example], encoder: nn.Module, tokenizer, config: PolarityConfig
) -> list[Prepared]:
    """Run the frozen part of MiniLM (embeddings and the first `frozen_layers` layers) once per
    sentence: training then runs only the layers it tunes (about a third of the cost per step)."""
    out = []
    with torch.no_grad():
        for lo in range(0, len(examples), 64):
            batch = make_batch(examples[lo : lo + 64], tokenizer, config.max_tokens)
            hidden = encoder(batch.input_ids, batch.attention_mask, output_hidden_states=True)
            states = hidden.hidden_states[config.frozen_layers]
            lengths = batch.attention_mask.sum(1)
            for i in range(len(examples[lo : lo + 64])):
                rows = batch.text_of == i
                if rows.any():
                    n = int(lengths[i])
                    out.append(Prepared(states[i, :n].half(), batch.mention[rows, :n], batch.labels[rows]))
    return out


def _tuned_forward(model: PolarityModel, items: Sequence[Prepared], frozen_layers: int) -> tuple:
    """Logits and labels of a batch of prepared sentences through the tuned layers and the head."""
    width = max(len(item.states) for item in items)
    states = torch.zeros(len(items), width, TEXT_FEATURE_DIM)
    attention = torch.zeros(len(items), width, dtype=torch.long)
    mentions, text_of = [], []
    for i, item in enumerate(items):
        n = len(item.states)
        states[i, :n], attention[i, :n] = item.states.float(), 1
        mentions.append(F.pad(item.mention, (0, width - n)))
        text_of += [i] * len(item.labels)
    # The eager attention's additive mask, as MiniLM builds it (checked equal to its own forward).
    additive = (1.0 - attention[:, None, None, :].float()) * torch.finfo(torch.float32).min
    for layer in model.encoder.encoder.layer[frozen_layers:]:
        states = layer(states, attention_mask=additive)
        states = states[0] if isinstance(states, tuple) else states
    logits = model.pool_and_classify(states, attention, torch.cat(mentions), torch.tensor(text_of))
    return logits, torch.cat([item.labels for item in items])


def train_model(examples: Sequence[Example], config: PolarityConfig) -> PolarityModel:
    """MiniLM fine-tuned with the head on `examples` (class-balanced cross-entropy, AdamW, linear
    warm-up and decay); its embeddings and first `frozen_layers` layers stay as shipped."""
    from transformers import AutoModel

    torch.manual_seed(config.seed)
    text_encoder = get_text_encoder("cpu")
    encoder = AutoModel.from_pretrained(text_encoder.model.name_or_path, attn_implementation="eager")
    model = PolarityModel(encoder, config.hidden)
    prepared = prepare(examples, encoder, text_encoder.tokenizer, config)
    tuned = [p for layer in encoder.encoder.layer[config.frozen_layers :] for p in layer.parameters()]
    counts = Counter(label for e in examples for label in e.labels)
    weights = torch.tensor([sum(counts.values()) / (len(LABELS) * max(1, counts[label])) for label in LABELS])
    optimiser = torch.optim.AdamW(
        [{"params": tuned, "lr": config.lr}, {"params": model.head.parameters(), "lr": config.lr * 20}],
        weight_decay=0.01,
    )
    total = max(1, config.epochs * ((len(prepared) + config.batch_size - 1) // config.batch_size))
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimiser, lambda step: min(1.0, (step + 1) / (0.1 * total)) * max(0.0, 1 - step / total)
    )
    rng = random.Random(config.seed)
    model.train()
    for epoch in range(config.epochs):
        rng.shuffle(prepared)
        losses = []
        for lo in range(0, len(prepared), config.batch_size):
            batch = prepared[lo : lo + config.batch_size]
            logits, labels = _tuned_forward(model, batch, config.frozen_layers)
            loss = F.cross_entropy(logits, labels, weight=weights, label_smoothing=0.05)
            optimiser.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(tuned, 1.0)
            optimiser.step()
            schedule.step()
            losses.append(loss.item())
        logger.info("polarity reader: epoch %d, loss %.4f", epoch + 1, sum(losses) / max(1, len(losses)))
    return model.eval()


@torch.inference_mode()
def scores(read, examples: Sequence[Example]) -> dict:
    """Accuracy, per-label recall and the confusion (rows: truth, columns: read as) of `read`
    (text, spans -> [(label, probability)]) on the examples."""
    confusion = [[0] * len(LABELS) for _ in LABELS]
    for example in examples:
        for (label, _), truth in zip(read(example.text, example.spans), example.labels, strict=True):
            confusion[LABELS.index(truth)][LABELS.index(label)] += 1
    total = sum(map(sum, confusion))
    right = sum(confusion[i][i] for i in range(len(LABELS)))
    recall = {LABELS[t]: round(confusion[t][t] / max(1, sum(confusion[t])), 4) for t in range(len(LABELS))}
    return {
        "values": total,
        "accuracy": round(right / max(1, total), 4),
        "recall": recall,
        "confusion": confusion,
        "labels": list(LABELS),
    }


def export_graph(model: PolarityModel, path: Path, tokenizer) -> Path:
    """The model as one ONNX graph with int8 matrix products (float when int8 strays more than
    INT8_MAX_GAP from PyTorch's probabilities), written atomically."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    graph = _OneText(model).eval()
    sample = tokenizer(["navy doesn't suit me"], return_tensors="pt")
    mention = torch.zeros(2, sample["input_ids"].shape[1], dtype=torch.bool)
    mention[0, 1], mention[1, 2] = True, True
    path.parent.mkdir(parents=True, exist_ok=True)
    float_graph, tmp = path.with_suffix(f".{os.getpid()}.float"), path.with_suffix(f".{os.getpid()}.tmp")
    try:
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            torch.onnx.export(
                graph,
                (sample["input_ids"], sample["attention_mask"], mention),
                str(float_graph),
                input_names=["input_ids", "attention_mask", "mention"],
                output_names=["probabilities"],
                dynamic_axes={
                    "input_ids": {1: "tokens"},
                    "attention_mask": {1: "tokens"},
                    "mention": {0: "values", 1: "tokens"},
                },
                opset_version=17,
                dynamo=False,
            )
        quantize_dynamic(
            str(float_graph),
            str(tmp),
            op_types_to_quantize=["MatMul"],
            per_channel=True,
            weight_type=QuantType.QInt8,
        )
        if _parity_gap(OnnxPolarity(tmp, tokenizer), model, tokenizer) > INT8_MAX_GAP:
            logger.warning("the int8 polarity graph strays from PyTorch's: the float graph is used")
            os.replace(float_graph, tmp)
        os.replace(tmp, path)
    finally:
        float_graph.unlink(missing_ok=True)
        tmp.unlink(missing_ok=True)
    return path


PARITY_TEXTS = (
    ("navy doesn't suit me", (0, 4)),
    ("stripes aren't really my thing, checks please", (32, 38)),
    ("a red-carpet look in gold", (2, 5)),
)


@torch.inference_mode()
def _parity_gap(candidate: OnnxPolarity, model: PolarityModel, tokenizer) -> float:
    gap = 0.0
    for text, span in PARITY_TEXTS:
        batch = make_batch([Example(text, (span,), ("want",), "parity")], tokenizer, 64)
        want = model(batch.input_ids, batch.attention_mask, batch.mention, batch.text_of).softmax(-1)[0]
        got = candidate.probabilities(text, [span])[0]
        gap = max(gap, float(np.abs(got - want.numpy()).max()))
    return gap


SENTENCE_END = re.compile(r"[.!?;\n]+\s*")


def window_start(text: str, span: tuple[int, int]) -> int:
    """Where a long request's window for the value at `span` starts: the sentence before the
    value's own ("what i can't stand? stripes."), its own when that one is far back, or a word
    boundary within reach in a very long sentence."""
    starts = [0] + [m.end() for m in SENTENCE_END.finditer(text, 0, span[0]) if m.end() <= span[0]]
    own = starts[-1]
    before = starts[-2] if len(starts) > 1 else own
    # about four characters a token: keep the value well inside the window
    if span[1] - before <= WINDOW_REACH_CHARS:
        return before
    if span[1] - own <= WINDOW_REACH_CHARS:
        return own
    return text.rfind(" ", 0, span[1] - WINDOW_REACH_CHARS) + 1  # a very long sentence: words before it


class OnnxPolarity:
    """The exported graph on ONNX Runtime (CPU): probabilities of each span of one text."""

    def __init__(self, path: str | Path, tokenizer, max_tokens: int = 64) -> None:
        import onnxruntime

        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = torch.get_num_threads()
        options.inter_op_num_threads = 1
        self.session = onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        self.tokenizer = tokenizer
        self.max_tokens = max_tokens

    def probabilities(self, text: str, spans: Sequence[tuple[int, int]]) -> np.ndarray:
        """[spans, 3]. A request longer than max_tokens is read in windows: each value with the
        sentence before its own and what follows, as far as max_tokens reaches (the reader learned
        on sentences of that length, and a value's polarity is said near it); a value no window
        reaches gets no probability (0)."""
        out = np.zeros((len(spans), len(LABELS)), dtype=np.float32)
        whole = self.tokenizer([text], return_offsets_mapping=True, return_tensors="np")
        if whole["input_ids"].shape[1] <= self.max_tokens:
            self._fill(out, text, 0, list(range(len(spans))), spans)
            return out
        by_window: dict[int, list[int]] = {}
        for i, span in enumerate(spans):
            by_window.setdefault(window_start(text, span), []).append(i)
        for start, which in by_window.items():
            self._fill(out, text[start:], start, which, spans)
        return out

    def _fill(self, out: np.ndarray, text: str, shift: int, which: list[int],
              spans: Sequence[tuple[int, int]]) -> None:
        """Write the probabilities of spans `which` (shifted by `shift` into `text`) into `out`."""
        enc = self.tokenizer(
            [text],
            truncation=True,
            max_length=self.max_tokens,
            return_offsets_mapping=True,
            return_tensors="np",
        )
        masks = np.stack([mention_mask(enc["offset_mapping"][0], (spans[i][0] - shift, spans[i][1] - shift))
                          for i in which])
        reached = masks.any(1)
        if reached.any():
            inputs = {
                "input_ids": enc["input_ids"].astype(np.int64),
                "attention_mask": enc["attention_mask"].astype(np.int64),
                "mention": masks[reached],
            }
            out[np.asarray(which)[reached]] = self.session.run(None, inputs)[0]

    def __call__(self, text: str, spans: Sequence[tuple[int, int]]) -> list[tuple[str, float]]:
        if not spans:
            return []
        return [(LABELS[int(p.argmax())], float(p.max())) for p in self.probabilities(text, spans)]


# ------------------------------------------------------------------------------- build and use
def corpus_digest(
    vocabulary: Vocabulary, config: PolarityConfig, encoder_version: str, with_fashion_iq: bool
) -> str:
    """What a trained reader depends on: the corpus code and its phrasings, the rule reader that
    labels it (the language package), the words it fills slots with, the encoder, the model code
    and the configuration."""
    pools = polarity_corpus.Pools.of(vocabulary)
    rules = sorted(Path(language.__file__).parent.glob("*.py"))
    parts = [
        inspect.getsource(polarity_corpus),
        inspect.getsource(polarity_phrasings),
        *(path.read_text(encoding="utf-8") for path in rules),
        inspect.getsource(PolarityModel),
        encoder_version,
        json.dumps(pools.words, sort_keys=True),
        json.dumps(asdict(config), sort_keys=True),
        str(with_fashion_iq),
    ]
    return hashlib.sha1("\n".join(parts).encode()).hexdigest()[:16]


def build_reader(
    out_dir: str | Path,
    cache_root: str | Path,
    fashion_iq_dir: str | Path | None = None,
    config: PolarityConfig | None = None,
) -> dict:
    """Train the polarity reader (or take the one cached for the same digest) into `out_dir`;
    returns its metrics (the held-out families' scores included). Its corpus is written in the
    lexicon's words (polarity_corpus.reader_vocabulary), so one reader serves every catalog."""
    config = config or PolarityConfig()
    vocabulary = polarity_corpus.reader_vocabulary()
    digest = corpus_digest(vocabulary, config, get_text_encoder("cpu").version, fashion_iq_dir is not None)
    cached = Path(cache_root) / "polarity" / digest
    if not (cached / GRAPH_FILE).is_file():
        _train_into(cached, vocabulary, fashion_iq_dir, config, digest)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    if cached.resolve() != out.resolve():
        for name in (METRICS_FILE, GRAPH_FILE):  # the graph last: its presence says the reader is whole
            shutil.copyfile(cached / name, out / name)
    return json.loads((out / METRICS_FILE).read_text())


def _train_into(
    folder: Path,
    vocabulary: Vocabulary,
    fashion_iq_dir: str | Path | None,
    config: PolarityConfig,
    digest: str,
) -> None:
    tokenizer = get_text_encoder("cpu").tokenizer
    generated = list(polarity_corpus.generate(vocabulary, per_form=config.per_form, seed=config.seed))
    train, held_out = polarity_corpus.split(generated)
    train += polarity_corpus.fashion_iq_examples(
        fashion_iq_dir, vocabulary, config.fashion_iq_limit, config.seed
    )
    logger.info("polarity reader: %d training sentences, %d held out", len(train), len(held_out))
    model = train_model(train, config)
    folder.mkdir(parents=True, exist_ok=True)
    graph = export_graph(model, folder / f"{GRAPH_FILE}.{os.getpid()}", tokenizer)
    reader = OnnxPolarity(graph, tokenizer, config.max_tokens)
    metrics = {
        "digest": digest,
        "config": asdict(config),
        "train_sentences": len(train),
        "train_values": dict(Counter(label for e in train for label in e.labels)),
        "held_out_sentences": len(held_out),
        "held_out_families": scores(reader, held_out),
        "held_out_family_names": sorted(polarity_corpus.HELD_OUT_FAMILIES),
        "train_sample": scores(reader, train[:: max(1, len(train) // 1000)]),
    }
    (folder / METRICS_FILE).write_text(json.dumps(metrics, indent=1))
    os.replace(graph, folder / GRAPH_FILE)


class PolarityReader(OnnxPolarity):
    """The reader of a folder (build_reader's), as ``language.PolarityJudge``: (label, probability)
    per span."""

    def __init__(self, folder: str | Path) -> None:
        self.metrics = json.loads((Path(folder) / METRICS_FILE).read_text())
        config = PolarityConfig(**self.metrics["config"])
        super().__init__(Path(folder) / GRAPH_FILE, get_text_encoder("cpu").tokenizer, config.max_tokens)

    @staticmethod
    def exists(folder: str | Path) -> bool:
        return (Path(folder) / GRAPH_FILE).is_file()
