"""ml.polarity_corpus, ml.polarity and ml.word_guess: the corpus the polarity reader learns from, and
the trained reader and word guesser the test session builds beside its checkpoint (real MiniLM,
real ONNX Runtime; tests/conftest.py::build_learned_reader)."""

from __future__ import annotations

import json

import pytest

from language import read_mentions
from ml import polarity_corpus as corpus
from ml.polarity import GRAPH_FILE, METRICS_FILE, PolarityReader
from ml.word_guess import GUESS_METRICS_FILE, WordGuesser


@pytest.fixture(scope="module")
def vocabulary():
    return corpus.reader_vocabulary()


def test_every_value_in_a_sentence_is_labelled_and_slots_take_their_familys_label(vocabulary):
    examples = list(corpus.generate(vocabulary, per_form=1, seed=3))
    assert len(examples) > 300
    for example in examples:
        assert set(example.labels) <= set(corpus.LABELS) and len(example.spans) == len(example.labels)
        found = {(m.start, m.end) for m in read_mentions(example.text, vocabulary)}
        assert set(example.spans) <= found, example  # every label sits on a value the rules read
    doesnt_suit = [e for e in examples if e.family == "avoid_suit"]
    assert doesnt_suit and all("avoid" in e.labels for e in doesnt_suit)


def test_held_out_families_never_reach_training(vocabulary):
    train, held_out = corpus.split(corpus.generate(vocabulary, per_form=1, seed=1))
    assert held_out and train
    assert not {f for e in train for f in e.family.split("+")} & corpus.HELD_OUT_FAMILIES
    assert all({f for f in e.family.split("+")} & corpus.HELD_OUT_FAMILIES for e in held_out)


def test_joined_sentences_keep_each_values_label_on_its_own_words():
    first = corpus.Example("navy doesn't suit me", ((0, 4),), ("avoid",), "avoid_suit")
    second = corpus.Example("Checks please", ((0, 6),), ("want",), "want_emphasis")
    import random

    joined = corpus._joined(first, second, random.Random(0))
    assert [joined.text[a:b].lower() for a, b in joined.spans] == ["navy", "checks"]
    assert joined.labels == ("avoid", "want") and joined.family == "avoid_suit+want_emphasis"


def test_the_trained_reader_loads_and_reads_every_span(trained_checkpoint):
    assert (trained_checkpoint / GRAPH_FILE).is_file()
    metrics = json.loads((trained_checkpoint / METRICS_FILE).read_text())
    assert metrics["held_out_families"]["values"] > 0 and 0 <= metrics["held_out_families"]["accuracy"] <= 1
    reader = PolarityReader(trained_checkpoint)  # the tests' small reader: plain cases only
    [(rejected, p)] = reader("navy doesn't suit me", [(0, 4)])
    [(wanted, q)] = reader("in navy please", [(3, 7)])
    assert (rejected, wanted) == ("avoid", "want") and 1 / 3 < min(p, q) <= 1
    assert reader("navy doesn't suit me", []) == []


def test_the_word_guesser_reads_known_phrases_and_leaves_everyday_words_alone(trained_checkpoint):
    from recommender.serving.runtime import encode_texts

    metrics = json.loads((trained_checkpoint / GUESS_METRICS_FILE).read_text())
    assert metrics["negatives_read"] <= 0.03 + 1e-9 and 0.5 < metrics["threshold"] < 1
    guesser = WordGuesser(trained_checkpoint, encode_texts)
    # the session model's tiny catalog sells shirts and t-shirts: "shirts" is one of its phrases
    assert guesser(["shirts", "tomorrow", "computer"]) == ["shirts", None, None]
