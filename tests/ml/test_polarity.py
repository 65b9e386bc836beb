"""ml.polarity_corpus, ml.polarity and ml.word_guess: the corpus the polarity reader learns from, and
the trained reader and word guesser the test session builds beside its checkpoint (real MiniLM,
real ONNX Runtime; tests/conftest.py::build_learned_reader)."""

from __future__ import annotations

import json

import pytest

from language import read_mentions
from ml import polarity_corpus as corpus
from ml.polarity import GRAPH_FILE, METRICS_FILE, PolarityReader, window_start
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


def test_a_long_request_is_read_in_windows_that_reach_every_value(trained_checkpoint):
    import numpy as np

    reader = PolarityReader(trained_checkpoint)
    story = "so i bought this for my cousin's wedding last spring and everyone loved it. " * 4
    text = story + "navy doesn't suit me though. in red please"
    navy, red = text.index("navy"), text.index("red please")
    probabilities = reader.probabilities(text, [(navy, navy + 4), (red, red + 3)])
    assert np.allclose(probabilities.sum(1), 1, atol=1e-3)  # past 64 tokens: read all the same
    start = window_start(text, (navy, navy + 4))
    alone = reader.probabilities(text[start:], [(navy - start, navy - start + 4)])
    assert start > 0 and np.allclose(probabilities[0], alone[0], atol=1e-4)  # read in its window
    assert reader.probabilities(story + "in red please", [(0, 2)]).sum() > 0.99  # the first word too


def test_a_window_starts_a_sentence_before_its_value_when_that_fits():
    text = "hi. i bought one last year. what can't i stand? stripes. show me red"
    stripes = text.index("stripes")
    assert text[window_start(text, (stripes, stripes + 7)):].startswith("what can't i stand?")
    endless = "and " * 100 + "navy"
    start = window_start(endless, (400, 404))
    assert 0 < start < 400 and 404 - start <= 160 and endless[start - 1] == " "


def test_the_word_guesser_reads_known_phrases_and_leaves_everyday_words_alone(trained_checkpoint):
    from recommender.serving.runtime import encode_texts

    metrics = json.loads((trained_checkpoint / GUESS_METRICS_FILE).read_text())
    assert metrics["negatives_read"] <= 0.03 + 1e-9 and 0.5 < metrics["threshold"] < 1
    guesser = WordGuesser(trained_checkpoint, encode_texts)
    # the session model's tiny catalog sells shirts and t-shirts: "shirts" is one of its phrases
    assert guesser(["shirts", "tomorrow", "computer"]) == ["shirts", None, None]


def test_the_word_guesser_encodes_each_word_once(trained_checkpoint):
    from recommender.serving.runtime import encode_texts

    encoded: list[str] = []

    def counting(texts):
        encoded.extend(texts)
        return encode_texts(texts)

    guesser = WordGuesser(trained_checkpoint, counting, remember=2)
    first = guesser(["shirts", "tomorrow"])
    assert guesser(["tomorrow", "shirts"]) == first[::-1] and encoded == ["shirts", "tomorrow"]
    guesser(["computer"])  # remembers two words: "tomorrow" was asked about longest ago
    guesser(["shirts"])
    guesser(["tomorrow"])
    assert encoded == ["shirts", "tomorrow", "computer", "tomorrow"]
