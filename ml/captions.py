"""Relative captions in shoppers' words, for training and for the generated evaluation sets.

A caption says what the target has where the reference differs: one or two attribute changes
(colour, pattern, sleeves, neck, fit), each in one of many phrasings — plain values, "X instead
of Y", "same but X", negations of the reference's value, relative words ("darker", "longer
sleeves"), Fashion IQ-style descriptions ("is navy and has short sleeves") — with synonyms for
the values ("plaid", "half sleeves", "crew neck") and sometimes a clause that names nothing the
catalog can check ("with a small logo").

Phrasings come in FAMILIES. TRAIN_FAMILIES are used for training and for the in-template val
set; HELD_OUT_FAMILIES never appear in training and make the held-out phrasing set, which says
how the model does on wordings it never saw.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence

# Shopper words per catalog value (the first is the plain name). Values without an entry are
# said by their catalog name in lower case.
COLOUR_WORDS: dict[str, tuple[str, ...]] = {
    "Navy Blue": ("navy blue", "navy", "dark blue"),
    "Grey": ("grey", "gray"),
    "Grey Melange": ("grey melange", "heather grey"),
    "Off White": ("off-white", "off white", "ivory"),
    "Maroon": ("maroon", "wine", "deep red"),
    "Burgundy": ("burgundy", "wine red"),
    "Charcoal": ("charcoal", "charcoal grey", "dark grey"),
    "Olive": ("olive", "olive green"),
    "Turquoise Blue": ("turquoise", "turquoise blue"),
    "Multi": ("multicoloured", "multi-colour", "colourful"),
    "Coffee Brown": ("coffee brown", "dark brown"),
    "Beige": ("beige", "sand"),
    "Cream": ("cream", "ivory"),
    "Khaki": ("khaki",),
    "Mustard": ("mustard", "mustard yellow"),
    "Peach": ("peach",),
    "Lavender": ("lavender", "lilac"),
    "Magenta": ("magenta", "fuchsia"),
    "Teal": ("teal",),
}
# value -> (adjectives, noun phrases after "with")
PATTERN_WORDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "Solid": (
        ("plain", "solid", "solid-coloured", "single-colour"),
        ("no pattern", "no print", "a plain finish"),
    ),
    "Printed": (("printed", "patterned"), ("a print", "a printed design", "a graphic print")),
    "Checked": (
        ("checked", "plaid", "checkered", "tartan"),
        ("checks", "a check pattern", "a plaid pattern"),
    ),
    "Striped": (("striped", "stripy", "pinstriped"), ("stripes", "a striped pattern")),
    "Self Design": (("self-design", "textured"), ("a self-design pattern", "a subtle texture")),
    "Embellished": (("embellished", "embroidered"), ("embellishments", "some embroidery")),
}
SLEEVE_WORDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "Short Sleeves": (("short-sleeved", "half-sleeved"), ("short sleeves", "half sleeves")),
    "Long Sleeves": (("long-sleeved", "full-sleeved"), ("long sleeves", "full sleeves")),
    "Sleeveless": (("sleeveless",), ("no sleeves",)),
    "No Sleeves": (("sleeveless",), ("no sleeves",)),
    "Three-Quarter Sleeves": (("three-quarter sleeved",), ("three-quarter sleeves", "3/4 sleeves")),
}
NECK_WORDS: dict[str, tuple[str, ...]] = {
    "Round Neck": ("a round neck", "a crew neck"),
    "V-Neck": ("a v-neck", "a v neck"),
    "Polo Collar": ("a polo collar", "a collar"),
    "Mandarin Collar": ("a mandarin collar", "a band collar"),
    "Scoop Neck": ("a scoop neck",),
    "Boat Neck": ("a boat neck",),
    "Shirt Collar": ("a shirt collar",),
    "Hood": ("a hood",),
    "High Neck": ("a high neck",),
    "Cowl Neck": ("a cowl neck",),
}
FIT_WORDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "Slim Fit": (("slim fit", "slim", "fitted"), ("a slim fit", "a fitted cut")),
    "Regular Fit": (("regular fit", "regular", "classic fit"), ("a regular fit", "a classic fit")),
    "Skinny Fit": (("skinny fit", "skinny"), ("a skinny fit",)),
    "Loose Fit": (("loose fit", "loose"), ("a loose fit", "a relaxed cut")),
    "Relaxed Fit": (("relaxed fit", "relaxed"), ("a relaxed fit",)),
    "Tight Fit": (("tight fit", "tight"), ("a tight fit",)),
}
SLEEVE_ORDER = {
    "Sleeveless": 0,
    "No Sleeves": 0,
    "Short Sleeves": 1,
    "Three-Quarter Sleeves": 2,
    "Long Sleeves": 3,
}
FIT_ORDER = {
    "Skinny Fit": 0,
    "Tight Fit": 0,
    "Slim Fit": 1,
    "Regular Fit": 2,
    "Relaxed Fit": 3,
    "Loose Fit": 3,
}
# Clauses that name nothing the catalog checks (real requests carry them).
ASIDES = (
    "with a small logo",
    "in a similar style",
    "nothing too flashy",
    "with a nice feel to it",
    "that i can wear every day",
    "similar cut",
    "please",
    "thanks",
    "if you have it",
    "with a neat finish",
)

# "is_has" is listed twice: Fashion IQ's own captions speak this way ("is red", "has short
# sleeves"), so it is drawn twice as often as the others. (It used to be a second family,
# "fashion_iq", identical to "is_has"; naming it twice keeps every generated caption the same.)
TRAIN_FAMILIES = ("terse", "is_has", "instead", "same_but", "negate", "relative", "is_has")
HELD_OUT_FAMILIES = ("make", "question", "polite")


class Change:
    """One attribute change: its kind, the reference's value and the target's, and how to say them."""

    def __init__(self, kind: str, source: str, target: str, lightness: dict[str, float] | None = None):
        self.kind, self.source, self.target = kind, source, target
        self.lightness = lightness or {}

    def adjective(self, value: str, rng: random.Random) -> str:
        """The value as an adjective ("navy", "striped", "short-sleeved", "slim fit")."""
        if self.kind == "colour":
            return rng.choice(COLOUR_WORDS.get(value, (value.lower(),)))
        if self.kind in ("pattern", "sleeve", "fit"):
            return rng.choice(self._table().get(value, ((value.lower(),), ()))[0])
        return rng.choice(NECK_WORDS.get(value, (f"a {value.lower()}",))).removeprefix("a ")

    def phrase(self, value: str, rng: random.Random) -> str:
        """The value as what a product "has" ("stripes", "short sleeves", "a v-neck", "a slim fit")."""
        if self.kind == "colour":
            return f"a {self.adjective(value, rng)} colour"
        if self.kind in ("pattern", "sleeve", "fit"):
            return rng.choice(self._table().get(value, ((), ()))[1] or (value.lower(),))
        return rng.choice(NECK_WORDS.get(value, (f"a {value.lower()}",)))

    def _table(self) -> dict[str, tuple[tuple[str, ...], tuple[str, ...]]]:
        return {"pattern": PATTERN_WORDS, "sleeve": SLEEVE_WORDS, "fit": FIT_WORDS}[self.kind]

    def relative(self) -> str | None:
        """A relative word for this change, when one fits ("darker", "longer sleeves")."""
        if self.kind == "colour":
            a, b = self.lightness.get(self.source), self.lightness.get(self.target)
            if a is not None and b is not None and abs(a - b) >= 12:
                return "darker" if b < a else "lighter"
        orders = {
            "sleeve": (SLEEVE_ORDER, "longer sleeves", "shorter sleeves"),
            "fit": (FIT_ORDER, "looser", "tighter"),
        }
        if self.kind in orders:
            order, up, down = orders[self.kind]
            a, b = order.get(self.source), order.get(self.target)
            if a is not None and b is not None and a != b:
                return up if b > a else down
        return None


Template = Callable[[Change, random.Random], str]


def _in_or_with(c: Change, rng: random.Random) -> str:
    return f"in {c.adjective(c.target, rng)}" if c.kind == "colour" else f"with {c.phrase(c.target, rng)}"


FAMILIES: dict[str, tuple[Template, ...]] = {
    "terse": (lambda c, r: c.adjective(c.target, r), _in_or_with),
    "is_has": (lambda c, r: f"is {c.adjective(c.target, r)}", lambda c, r: f"has {c.phrase(c.target, r)}"),
    "instead": (
        lambda c, r: f"{c.adjective(c.target, r)} instead of {c.adjective(c.source, r)}",
        lambda c, r: f"{c.phrase(c.target, r)} rather than {c.phrase(c.source, r)}",
    ),
    "same_but": (
        lambda c, r: f"same but {c.adjective(c.target, r)}",
        lambda c, r: f"like this but {_in_or_with(c, r)}",
    ),
    "negate": (
        lambda c, r: f"{c.adjective(c.target, r)}, not {c.adjective(c.source, r)}",
        lambda c, r: f"not {c.adjective(c.source, r)}, {_in_or_with(c, r)}",
    ),
    "relative": (lambda c, r: c.relative() or f"{_in_or_with(c, r)} instead",),
    "make": (
        lambda c, r: f"make it {c.adjective(c.target, r)}",
        lambda c, r: f"change it to {c.phrase(c.target, r)}",
    ),
    "question": (
        lambda c, r: f"do you have this {_in_or_with(c, r)}?",
        lambda c, r: f"is there a {c.adjective(c.target, r)} version?",
    ),
    "polite": (
        lambda c, r: f"could you show me one {_in_or_with(c, r)}",
        lambda c, r: f"i would prefer {c.phrase(c.target, r)}",
    ),
}
JOINERS = (" and ", ", ", " with ", "; ")


def caption(changes: Sequence[Change], rng: random.Random, families: Sequence[str] = TRAIN_FAMILIES) -> str:
    """One caption for the changes, phrased in one of `families` (per change), joined like
    shoppers join clauses, sometimes with an aside that names nothing checkable."""
    parts = [rng.choice(FAMILIES[rng.choice(families)])(change, rng) for change in changes]
    text = parts[0]
    for part in parts[1:]:
        joiner = rng.choice(JOINERS)
        if joiner == " with ":  # "in red with short sleeves"; an adjective is joined by "and"
            joiner, part = (
                (" with ", part.removeprefix("with ")) if part.startswith("with ") else (" and ", part)
            )
        text += joiner + part
    if rng.random() < 0.15:
        text = f"{text}, {rng.choice(ASIDES)}" if rng.random() < 0.7 else f"{rng.choice(ASIDES)}, {text}"
    return " ".join(text.lower().split())
