"""bench.reader's combined reading: rules and judge through language.parser.decide, counted as the
truth says (no database: the reader vocabulary and a judge that always says one thing)."""

from __future__ import annotations

from bench.reader import store_reading
from ml.polarity_corpus import FAMILIES, generate, reader_vocabulary


def test_store_reading_counts_rejections_read_as_wants_by_the_threshold():
    vocabulary = reader_vocabulary()
    family = next(f for f in FAMILIES if f.name == "avoid_keen")  # "not keen on X": no cue the rules see
    examples = [e for e in generate(vocabulary, per_form=2, families=[family], composed_share=0)
                if set(e.labels) == {"avoid"}]
    assert examples

    def judge(text, spans):
        return [("avoid", 0.65)] * len(spans)

    trusted = store_reading(judge, vocabulary, examples, want_to_avoid=0.6)
    doubted = store_reading(judge, vocabulary, examples, want_to_avoid=0.7)
    assert trusted["rejection_read_as_want"] < doubted["rejection_read_as_want"]
    assert doubted["rejection_read_as_want"] > 0.5 and trusted["accuracy"] > 0.5
