"""Request understanding: a shopper's "like this, but ..." text, read relative to a reference product,
as structured constraints the store turns into SQL. Pure Python (no Django, no torch).

    from language import Vocabulary, interpret
    vocab = Vocabulary.from_records(products)          # once per process (pickles)
    interpretation = interpret("in navy, under 800", reference_product, vocab)
    interpretation.to_dict()                           # JSON for the UI: constraints + chip labels

Modules: ``lexicon`` (English words -> catalog values, plain data), ``vocabulary`` (catalog values +
phrase table + typo correction), ``colour`` (Lab colour science, measured colour lightness; CLI
``python -m language.colour``), ``text`` (tokens), ``reading`` (text -> items), ``resolve`` (items +
reference -> constraints), ``parser`` (``interpret``, ``Constraint``, ``Interpretation``).
"""

from language.parser import (
    POLARITIES,
    Constraint,
    Interpretation,
    Mention,
    PolarityJudge,
    WordGuesser,
    interpret,
    read_mentions,
)
from language.vocabulary import Vocabulary

__all__ = [
    "POLARITIES", "Constraint", "Interpretation", "Mention", "PolarityJudge", "Vocabulary", "WordGuesser",
    "interpret", "read_mentions",
]
