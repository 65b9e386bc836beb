"""The learned reader of requests, on its own: how it reads ways of speaking it never saw, against
the rules, and what it costs a request.

    python -m bench.reader            # the active version's reader (make demo once)

- Polarity on the held-out paraphrase families (ml.polarity_corpus.HELD_OUT_FAMILIES, never in
  its training): accuracy and recall per label of the learned reader, beside the rules' reading
  of the same values (the rules say "avoid" where they see a negation cue, else "want"; they have
  no "only mentioned"), and the store's reading, rules and judge combined
  (language.parser.decide), with a sweep of the threshold at which a judge turns a wanted value
  into a rejection: how often a rejection is still read as wanted, and a wish as a rejection.
- The word guesser's calibration (threshold, share of common non-fashion words it would read,
  how often a hidden lexicon phrase is read, and read right), as measured when it was built.
- Time: the polarity reader and the guesser per request text (the shopper suite's texts), medians
  and p99, one thread.

Results: bench/results/reader.json.
"""

from __future__ import annotations

import argparse
import statistics
from pathlib import Path

from bench.harness import log, machine_info, print_table, setup_django, timed, write_results

DATA = Path(__file__).resolve().parent / "data"


def held_out_examples() -> list:
    """The held-out families' sentences, drawn afresh (another seed than training's scoring)."""
    from ml import polarity_corpus

    held_out = [f for f in polarity_corpus.FAMILIES if f.name in polarity_corpus.HELD_OUT_FAMILIES]
    return list(polarity_corpus.generate(polarity_corpus.reader_vocabulary(), per_form=10, seed=1,
                                         families=held_out))


def rules_reading(vocabulary):
    """The rules' polarity of each span: "avoid" where they read a negation, else "want"."""
    from language import read_mentions

    def read(text: str, spans) -> list[tuple[str, float]]:
        negated = {(m.start, m.end): m.negated for m in read_mentions(text, vocabulary)}
        return [("avoid" if negated.get(tuple(span)) else "want", 1.0) for span in spans]

    return read


# want -> avoid thresholds tried (the others as in language.parser.JUDGE_SURE)
SWEEP = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)


def store_reading(judge, vocabulary, examples: list, want_to_avoid: float | None = None) -> dict:
    """How the store reads each held-out value once rules and judge are combined
    (language.parser.decide), as a confusion against the truth; with `want_to_avoid`, at that
    threshold for turning a value the rules read as wanted into a rejection. `rejection_read_as_want`
    is where an answer asks for what the shopper rejected; `want_read_as_rejection` where it
    excludes what they asked for."""
    from language import read_mentions
    from language.parser import JUDGE_SURE, decide
    from ml.polarity_corpus import LABELS

    thresholds = dict(JUDGE_SURE)
    if want_to_avoid is not None:
        thresholds[("want", "avoid")] = want_to_avoid
    confusion = [[0] * len(LABELS) for _ in LABELS]
    for example in examples:
        rules = {(m.start, m.end): m for m in read_mentions(example.text, vocabulary)}
        verdicts = judge(example.text, example.spans)
        for span, (polarity, probability), truth in zip(example.spans, verdicts, example.labels, strict=True):
            mention = rules.get(tuple(span))
            if mention is None:
                continue
            read = decide(mention.kind, mention.negated, polarity, probability, thresholds)
            confusion[LABELS.index(truth)][LABELS.index(read)] += 1
    avoid, want = LABELS.index("avoid"), LABELS.index("want")
    right = sum(confusion[i][i] for i in range(len(LABELS)))
    return {
        "want_to_avoid": thresholds[("want", "avoid")],
        "accuracy": round(right / max(1, sum(map(sum, confusion))), 4),
        "rejection_read_as_want": round(confusion[avoid][want] / max(1, sum(confusion[avoid])), 4),
        "want_read_as_rejection": round(confusion[want][avoid] / max(1, sum(confusion[want])), 4),
        "confusion": confusion,
    }


def timings(read, texts: list[str], vocabulary) -> dict:
    from language import read_mentions

    spans = [[(m.start, m.end) for m in read_mentions(t, vocabulary)] for t in texts]
    times = []
    for _ in range(3):
        for text, text_spans in zip(texts, spans, strict=True):
            with timed() as clock:
                read(text, text_spans)
            times.append(clock.seconds * 1000)
    times.sort()
    return {
        "texts": len(texts),
        "ms_p50": statistics.median(times),
        "ms_p99": times[int(0.99 * (len(times) - 1))],
    }


def main(argv: list[str] | None = None) -> int:
    argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    ).parse_args(argv)
    setup_django()
    import json

    import torch

    from ml.polarity import scores
    from recommender.serving import runtime
    from recommender.serving.services import active_version
    from recommender.serving.understanding import catalog_vocabulary

    torch.set_num_threads(1)
    version = active_version()
    judge, guesser = runtime.load_reader(version.checkpoint_path)
    if judge is None:
        log(f"version {version.name} has no learned reader (trained before it existed)")
        return 2
    vocabulary = catalog_vocabulary()
    examples = held_out_examples()
    texts = [
        json.loads(line)["text"] for line in (DATA / "shopper_requests_dev.jsonl").read_text().splitlines()
    ]
    result = {
        "benchmark": "reader", "model_version": version.name, "reader_digest": judge.metrics["digest"],
        "held_out_families": {
            "learned": scores(judge, examples), "rules": scores(rules_reading(vocabulary), examples),
        },
        "store_reading": store_reading(judge, vocabulary, examples),
        "want_to_avoid_sweep": [store_reading(judge, vocabulary, examples, t) for t in SWEEP],
        "held_out_family_names": judge.metrics["held_out_family_names"],
        "trained_on": {
            "sentences": judge.metrics["train_sentences"], "values": judge.metrics["train_values"],
        },
        "word_guess": json.loads((Path(version.checkpoint_path) / "word_guess.json").read_text()),
        "time": {"polarity": timings(judge, texts, vocabulary), "guess_one_word": timings(
            lambda text, spans: guesser([text.split()[-1]]), texts, vocabulary)},
        "machine": machine_info(),
    }  # fmt: skip
    rows = [{"reader": name, "values": s["values"], "accuracy": s["accuracy"], **s["recall"]}
            for name, s in result["held_out_families"].items()]  # fmt: skip
    print_table(rows, list(rows[0]), "polarity on the held-out families (recall per label)")
    sweep = [{k: v for k, v in r.items() if k != "confusion"} for r in result["want_to_avoid_sweep"]]
    print_table(sweep, list(sweep[0]), "rules and judge combined, by the want -> avoid threshold")
    print(f"word guesser: {result['word_guess']}")
    print(f"time: {result['time']}")
    log(f"wrote {write_results('reader', result)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
