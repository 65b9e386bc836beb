"""Words the lexicon does not list, read by meaning: "trackies", "kicks", "for the missus".

Every phrase the rule reader knows for a colour, a product type, an audience, an occasion, a
season or a garment detail is a prototype; an unknown word is encoded by the query encoder
(MiniLM) and read as its nearest prototype when the cosine similarity clears a threshold. The
threshold is calibrated, not chosen: it is the lowest at which at most ``max_false_share`` of
common English words that name nothing in a shop ("window", "happy", "tomorrow") would be read
as something, and the metrics say how often a lexicon phrase hidden from the prototypes is then
read as what it means (leave-one-out). ``build_guesser`` writes the prototypes' vectors and the
threshold into a model version's folder; ``WordGuesser`` loads them and is the guesser the store
hands to ``language.interpret``, whose answer shows each guess as a chip of its own kind.
"""

from __future__ import annotations

import json
import random
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from language import Vocabulary

GUESSER_FILE = "word_guess.npz"
GUESS_METRICS_FILE = "word_guess.json"
# Kinds of phrase an unknown word may be read as (brands and price words are never guessed).
GUESS_KINDS = ("audience", "type", "occasion", "colour", "attr", "season", "collar")


@dataclass(frozen=True)
class GuessConfig:
    negatives: int = 600  # common English words used to calibrate the threshold
    max_false_share: float = 0.03  # of them, at most this share may be read as something
    held_out: int = 600  # lexicon phrases hidden one at a time to measure the reading
    min_precision: float = 0.8  # of the hidden phrases read, at least this share read right
    seed: int = 0


def prototypes(vocabulary: Vocabulary) -> list[tuple[str, str, str]]:
    """(phrase, kind, meaning) of every phrase the rules read as one of GUESS_KINDS; `meaning`
    identifies what it reads as (two phrases with the same meaning are synonyms)."""
    out = []
    for key, senses in sorted(vocabulary.phrases.items()):
        phrase = " ".join(key)
        if len(phrase) < 3 or not phrase.replace(" ", "").isalpha():
            continue
        sense = next((s for s in senses if s.kind in GUESS_KINDS), None)
        if sense is not None:
            out.append((phrase, sense.kind, f"{sense.kind}:{sorted(sense.values)}:{sense.extra}"))
    return out


def _negatives(vocabulary: Vocabulary, count: int, seed: int) -> list[str]:
    """Common English words the lexicon does not know (they name nothing a shop sells)."""
    from wordfreq import top_n_list

    words = [
        w
        for w in top_n_list("en", 20_000)[2000:]
        if w.isalpha() and len(w) >= 4 and w not in vocabulary.known_words
    ]
    return random.Random(seed).sample(words, min(count, len(words)))


def _nearest(queries: np.ndarray, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    similarity = queries @ keys.T
    best = similarity.argmax(1)
    return best, similarity[np.arange(len(queries)), best]


def build_guesser(
    vocabulary: Vocabulary, out_dir: str | Path, encode, config: GuessConfig | None = None
) -> dict:
    """Encode the prototypes (`encode`: texts -> [n, d] L2-normalised), calibrate the threshold and
    write both into `out_dir`; returns the metrics. The threshold is the higher of two: the one
    at which at most `max_false_share` of common non-fashion words are read as something, and
    the one at which hidden lexicon phrases, when read, are read right `min_precision` of the time."""
    config = config or GuessConfig()
    protos = prototypes(vocabulary)
    vectors = np.asarray(encode([p for p, _, _ in protos]), dtype=np.float32)
    negatives = _negatives(vocabulary, config.negatives, config.seed)
    _, negative_best = _nearest(np.asarray(encode(negatives), dtype=np.float32), vectors)
    false_reads = float(np.quantile(negative_best, 1 - config.max_false_share))
    similarity, right = _leave_one_out(protos, vectors, config)
    threshold = max(false_reads, _precise_from(similarity, right, config.min_precision))
    read = similarity >= threshold
    metrics = {
        "config": asdict(config), "prototypes": len(protos), "threshold": round(threshold, 4),
        "threshold_for_false_reads": round(false_reads, 4),
        "negatives_read": round(float((negative_best >= threshold).mean()), 4),
        "held_out_phrases": len(similarity), "held_out_read": round(float(read.mean()), 4),
        "held_out_read_right": round(float(right[read].mean()) if read.any() else 0.0, 4),
    }  # fmt: skip
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(out / GUESSER_FILE, phrases=np.array([p for p, _, _ in protos]),
                        kinds=np.array([k for _, k, _ in protos]), vectors=vectors.astype(np.float16),
                        threshold=np.float32(threshold))  # fmt: skip
    (out / GUESS_METRICS_FILE).write_text(json.dumps(metrics, indent=1))
    return metrics


def _leave_one_out(
    protos: list[tuple[str, str, str]], vectors: np.ndarray, config: GuessConfig
) -> tuple[np.ndarray, np.ndarray]:
    """Hide each sampled phrase (and every phrase sharing a word with it) from the prototypes:
    the similarity of its nearest remaining prototype, and whether that one means the same."""
    picked = random.Random(config.seed).sample(range(len(protos)), min(config.held_out, len(protos)))
    similarity, right = [], []
    for i in picked:
        words = set(protos[i][0].split())
        allowed = np.array([not (words & set(p.split())) for p, _, _ in protos])
        if not allowed.any():
            continue
        scores = vectors[allowed] @ vectors[i]
        best = int(scores.argmax())
        similarity.append(float(scores[best]))
        right.append([m for (_, _, m), ok in zip(protos, allowed, strict=True) if ok][best] == protos[i][2])
    return np.array(similarity), np.array(right, dtype=bool)


def _precise_from(similarity: np.ndarray, right: np.ndarray, min_precision: float) -> float:
    """The lowest threshold above which the reads are right at least `min_precision` of the time."""
    order = np.argsort(-similarity)
    precision = np.cumsum(right[order]) / np.arange(1, len(order) + 1)
    good = np.nonzero(precision >= min_precision)[0]
    return float(similarity[order][good[-1]]) if len(good) else 1.0


class WordGuesser:
    """Unknown words -> the lexicon phrase each reads as (None: no guess). `encode` is the query
    encoder (texts -> [n, d] L2-normalised features)."""

    def __init__(self, folder: str | Path, encode, remember: int = 4096) -> None:
        saved = np.load(Path(folder) / GUESSER_FILE)
        self.phrases = [str(p) for p in saved["phrases"]]
        self.vectors = saved["vectors"].astype(np.float32)
        self.threshold = float(saved["threshold"])
        self.encode = encode
        # Unknown words recur across requests ("trackies", "lol"): each is encoded once per process
        # (a MiniLM pass of about 4 ms), up to `remember` words.
        self.remember = remember
        self.known: OrderedDict[str, str | None] = OrderedDict()
        self._lock = threading.Lock()  # a web process answers on several threads

    @staticmethod
    def exists(folder: str | Path) -> bool:
        return (Path(folder) / GUESSER_FILE).is_file()

    def __call__(self, words: Sequence[str]) -> list[str | None]:
        with self._lock:
            new = list(dict.fromkeys(w for w in words if w not in self.known))
        read: dict[str, str | None] = {}
        if new:  # encoded outside the lock: threads do not wait for each other's MiniLM passes
            best, similarity = _nearest(np.asarray(self.encode(new), dtype=np.float32), self.vectors)
            read = {w: self.phrases[b] if s >= self.threshold else None
                    for w, b, s in zip(new, best, similarity, strict=True)}
        with self._lock:
            self.known.update(read)
            answer = []
            for word in words:
                # a word forgotten by another thread meanwhile (4,096 newer ones) goes unguessed once
                answer.append(self.known[word] if word in self.known else read.get(word))
                if word in self.known:
                    self.known.move_to_end(word)
            while len(self.known) > self.remember:
                self.known.popitem(last=False)  # the word asked about longest ago
        return answer
