"""``interpret``: what a shopper's "like this, but ..." request asks for, relative to a reference product.

    interpret("in navy, under 800, not Nike", reference, vocabulary) -> Interpretation

The result is a tuple of ``Constraint``s the store turns into SQL: hard ones (price, brand, category,
negations) are conditions; soft ones (colour, pattern, sleeves, fit, fabric, occasion, season) are
wishes that rank. The reference's article type, gender and age group are kept (``from_text`` "") unless
the request changes them. Pure Python; the work is split into ``reading`` (text -> items) and
``resolve`` (items + reference -> constraints).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

from language import lexicon as lx
from language.reading import Item, Reader, segment
from language.resolve import Out, Ref, Resolver
from language.text import Token, phrase_key, tokenize
from language.vocabulary import Vocabulary

MAX_CHARS = 1000  # longer requests are cut (a request is a sentence or two)

# Kinds of value whose polarity a judge decides: wanted, avoided, or only mentioned ("red" in "a
# red-carpet look"). Prices, audiences, discounts and product types are the rules' alone: on the
# dev suites a judge dropped real asks ("got any flip flops?", "for my wife") more often than it
# caught mere mentions, and its rejections of a type ("sick of black tees": the tees) moved whole
# answers out of the reference's category; the rules read "not a dress", type changes by their
# cues, and "budget isn't a problem" and its kin (STYLE_PHRASES).
JUDGED_KINDS = frozenset({"colour", "attr", "brand", "occasion", "season", "collar"})
# The kinds the training corpus labels (ml.polarity_corpus): the judged ones and product types.
MENTION_KINDS = JUDGED_KINDS | {"type"}
# A judge's reading replaces the rules' only when it is this sure (its probability). Turning a
# value the rules read as wanted into a rejection, or a rejection with a cue ("not") into a wish,
# undoes the rules where they are usually right: the learned reader must be surer there than for
# a rejection with no cue the rules could see.
JUDGE_SURE = {("want", "avoid"): 0.6, ("avoid", "want"): 0.9, ("want", "other"): 0.7,
              ("avoid", "other"): 0.9, ("want", "want"): 0.0, ("avoid", "avoid"): 0.0}
POLARITIES = ("want", "avoid", "other")
# A value the reference itself has ("navy" on a navy shirt) is rarely asked for (the answer is
# like the reference already), and is often what the shopper is turning away from ("navy doesn't
# suit me"): there the judge's rejection or "only mentioned" needs less certainty to stand.
OWN_VALUE_SURE = {("want", "avoid"): 0.45, ("want", "other"): 0.5}
# A value whose own words carry its negation ("no graphics": plain, "sleeveless") is read by the
# rules alone: a judge hears the "no" and would reject the very value it names.
OCCASION_SURE = 0.9  # an occasion read as a rejection
SELF_NEGATING = frozenset({"no", "not", "non", "without", "w/o", "less"})
# Words around values that ask for them and say nothing else ("in navy please").
BARE_ASK_WORDS = frozenset({"a", "an", "the", "in", "with", "please", "pls", "plz", "one", "and", ",", ".",
                            "!", "?", "!!", "??", "…", "...", "&", "+"})


class WordGuesser(Protocol):
    """Reads unknown words by meaning: for each, the lexicon phrase it stands for, or None."""

    def __call__(self, words: Sequence[str]) -> Sequence[str | None]: ...


class PolarityJudge(Protocol):
    """Reads, for each value the text names (character spans), whether the shopper wants it,
    wants to avoid it, or only mentions it: one (polarity, probability) per span, POLARITIES."""

    def __call__(self, text: str, spans: Sequence[tuple[int, int]]) -> Sequence[tuple[str, float]]: ...


@dataclass(frozen=True)
class Mention:
    """A value the text names: its kind, its characters in the text, and the rules' reading."""

    kind: str
    start: int
    end: int
    negated: bool

_ATTRIBUTE_LABELS = {"Sleeve Length": ("sleeves", " Sleeves"), "Fit": ("fit", " Fit"),
                     "base_colour": ("colour", ""), "usage": ("occasion", ""), "season": ("season", "")}


@dataclass(frozen=True)
class Constraint:
    """One condition (``hard``) or wish on a product field or attribute key."""

    field: str
    op: str                           # "in" | "not_in" | "lt" | "lte" | "gt" | "gte"
    value: tuple[str, ...] | float    # catalog values (in/not_in) or a number (INR price, discount %)
    from_text: str                    # the request's words it came from; "" when implied by the reference
    hard: bool
    # A short chip text for the UI: "colour: navy blue", "under ₹800", "not Nike", "Men · Shirts".
    label: str = field(default="", compare=False)
    # The unknown word this was read from by meaning ("nan"): a guess the shopper can remove.
    guessed: str = field(default="", compare=False)


@dataclass(frozen=True)
class Interpretation:
    """What was understood: constraints, the content words that were not, and the text to encode."""

    understood: bool
    constraints: tuple[Constraint, ...]
    ignored: tuple[str, ...]
    text: str
    wish_text: str
    # Words naming a value that the request only mentions ("red" in "a red-carpet look").
    mentioned: tuple[str, ...] = ()
    # (chip label, reason) of what the request asked for but the answer does not hold to: a
    # contradiction settled here; the store adds the conditions it relaxes to avoid an empty answer.
    relaxed: tuple[tuple[str, str], ...] = ()
    # The article types of a companion item asked for ("matching trousers", "a belt to go with it").
    companion: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "mentioned": list(self.mentioned),
            "relaxed": [{"label": label, "reason": reason} for label, reason in self.relaxed],
            "companion": list(self.companion),
            "understood": self.understood,
            "constraints": [
                {"field": c.field, "op": c.op,
                 "value": list(c.value) if isinstance(c.value, tuple) else c.value,
                 "from_text": c.from_text, "hard": c.hard, "label": c.label or constraint_label(c),
                 "guessed": c.guessed}
                for c in self.constraints
            ],
            "ignored": list(self.ignored),
            "text": self.text,
            "wish_text": self.wish_text,
        }


def _read(text: str, vocabulary: Vocabulary, currency_rates: Mapping[str, float] | None = None,
          ) -> tuple[list[Token], list[Token], Reader]:
    """The typed tokens, their corrected forms, and what the rules read in them."""
    raw = tokenize(text)
    tokens = [_corrected(t, vocabulary) for t in raw]
    reader = Reader(segment(tokens, vocabulary), tokens, vocabulary, currency_rates).read()
    named = frozenset(i for i, t in enumerate(raw) if text[t.start:t.start + 1].isupper())
    if not reader.understood and named:  # nothing else read: a capitalised brand name is the request
        retry = Reader(segment(tokens, vocabulary, named), tokens, vocabulary, currency_rates).read()
        reader = retry if retry.understood else reader
    return raw, tokens, reader


def _chars(raw: list[Token], core: tuple[int, int]) -> tuple[int, int]:
    return raw[core[0]].start, raw[core[1] - 1].end


def read_mentions(text: str, vocabulary: Vocabulary) -> list[Mention]:
    """The values ``text`` names, where, and whether the rules read them as negated (what a
    polarity judge is asked about, and what its training sentences are labelled on)."""
    text = text[:MAX_CHARS] if isinstance(text, str) else ""
    raw, _, reader = _read(text, vocabulary)
    return [Mention(it.kind, *_chars(raw, it.core), it.negated) for it in reader.items
            if it.kind in MENTION_KINDS and it.core[1] > it.core[0]]


def _names_reference(item: Item, ref: Ref) -> bool:
    """Whether the item names a value the reference itself has ("navy" on a navy shirt)."""
    if item.kind == "colour":
        return ref.colour in item.values
    if item.kind == "brand":
        return ref.brand in item.values
    return item.kind in ("attr", "collar") and any(v in item.values for v in ref.attributes.values())


def _judge(reader: Reader, text: str, raw: list[Token], judge: PolarityJudge, ref: Ref) -> list[str]:
    """Apply the judge's polarities to the items it is asked about; the words of items it reads
    as mere mentions are returned (and the items dropped)."""
    asked = [it for it in reader.items
             if it.kind in JUDGED_KINDS and it.core[1] > it.core[0] and not it.settled
             and not {t.norm for t in raw[it.core[0]:it.core[1]]} & SELF_NEGATING]
    if not asked or _values_only(reader, asked):
        return []
    fixed_text, spans = _corrected_text(text, raw, reader.tokens)  # "bleu" is judged as "blue"
    verdicts = judge(fixed_text, [(spans[it.core[0]][0], spans[it.core[1] - 1][1]) for it in asked])
    mentioned: list[str] = []
    dropped: set[int] = set()
    for item, (polarity, probability) in zip(asked, verdicts, strict=True):
        reading = decide(item.kind, item.negated, polarity, probability, own=_names_reference(item, ref))
        if reading == "other":
            dropped.add(id(item))
            start, end = _chars(raw, item.core)
            mentioned.append(text[start:end])
        else:
            _set_polarity(item, reading == "avoid")
    reader.items = [it for it in reader.items if id(it) not in dropped]
    return mentioned


def _values_only(reader: Reader, asked: list) -> bool:
    """"checked", "in navy please", "slim fit!": the request names its values and nothing else, so
    there is nothing to hear them in but the asking (a judge once read a lone "checked" as a
    rejection)."""
    named = {i for it in asked for i in range(*it.core)}
    return all(i in named or t.norm in BARE_ASK_WORDS for i, t in enumerate(reader.tokens))


def _corrected_text(text: str, raw: list[Token], fixed: list[Token]) -> tuple[str, list[tuple[int, int]]]:
    """The text with the reader's corrections in place (typos, stretched letters, emoji read as
    words) and each token's character span in it; words the reader kept stay as typed."""
    out: list[str] = []
    spans: list[tuple[int, int]] = []
    at = length = 0
    for typed, read in zip(raw, fixed, strict=True):
        if typed.start < at and spans:  # one typed word read as two tokens ("a tenner": £ 10)
            spans.append(spans[-1])
            continue
        gap = text[at:typed.start]
        kept = read.norm == typed.norm and typed.end > typed.start
        word = text[typed.start:typed.end] if kept else read.norm
        out += [gap, word]
        spans.append((length + len(gap), length + len(gap) + len(word)))
        length += len(gap) + len(word)
        at = typed.end
    out.append(text[at:])
    return "".join(out), spans


def decide(kind: str, negated: bool, polarity: str, probability: float,
           thresholds: Mapping[tuple[str, str], float] | None = None, own: bool = False) -> str:
    """The store's reading of one value ("want", "avoid" or "other") from the rules' (``negated``)
    and a judge's verdict with its probability (``thresholds``: JUDGE_SURE when None; then
    OCCASION_SURE; OWN_VALUE_SURE where the value is the reference's own, ``own``)."""
    rules = "avoid" if negated else "want"
    if kind not in JUDGED_KINDS or (kind == "occasion" and polarity == "other"):
        return rules  # "shoes to wear with these to work": an occasion named is an occasion asked
    sure = (JUDGE_SURE if thresholds is None else thresholds)[(rules, polarity)]
    if own:
        sure = min(sure, OWN_VALUE_SURE.get((rules, polarity), sure))
    if kind == "occasion":
        sure = max(sure, OCCASION_SURE)  # "for the office": usually really asked for
    return polarity if probability >= sure else rules


def _set_polarity(item: Item, negated: bool) -> None:
    if item.negated != negated:
        item.negated = negated
        item.modifier = 0  # "darker" / "less" belong to a wish, not to a rejection
        item.span = item.core  # the rules' cue words ("not") no longer say what it is


def interpret(text: str, reference: Mapping, vocabulary: Vocabulary, judge: PolarityJudge | None = None,
              currency_rates: Mapping[str, float] | None = None,
              guesser: WordGuesser | None = None) -> Interpretation:
    """Read ``text`` relative to ``reference`` (a product dict with the catalog's keys). With a
    ``judge``, whether each named value is wanted, avoided or only mentioned is the judge's call
    where it is sure (JUDGE_SURE), the rules' otherwise. With a ``guesser``, words the
    lexicon does not know are read as the phrase it says they mean (the constraints they give say
    so: ``Constraint.guessed``). ``currency_rates``: INR per unit of other currencies
    (lexicon.DEFAULT_CURRENCY_RATES when None)."""
    text = text[:MAX_CHARS] if isinstance(text, str) else ""
    raw, tokens, reader = _read(text, vocabulary, currency_rates)
    guessed = _guess(reader, tokens, vocabulary, guesser) if reader.unknown_at else {}
    if guessed:
        phrases = {i: phrase for i, (_, phrase) in guessed.items()}
        segments = segment(tokens, vocabulary, guesses=phrases)
        reader = Reader(segments, tokens, vocabulary, currency_rates).read()
    ref = Ref.of(reference)
    mentioned = _judge(reader, text, raw, judge, ref) if judge is not None else []
    resolver = Resolver(reader.items, ref, vocabulary)
    outs = resolver.resolve()
    constraints = _constraints(text, raw, tokens, outs, guessed)
    settled = _constraints(text, raw, tokens, resolver.settled, guessed)
    understood = reader.understood or any(c.from_text for c in constraints)
    hard_tokens = {i for o in outs if o.hard for s in o.spans for i in range(*s)}
    hard_tokens |= {i for start, end in reader.idioms for i in range(start, end)}  # no wish either
    return Interpretation(
        understood=understood,
        constraints=constraints,
        ignored=tuple(dict.fromkeys(reader.ignored + resolver.unused_words(tokens))),
        text=_rebuild(text, raw, tokens),
        wish_text=_wish_text(tokens, hard_tokens, text),
        mentioned=tuple(dict.fromkeys(mentioned)),
        relaxed=tuple((c.label, CONTRADICTED) for c in settled) + tuple(
            (text[slice(*_chars(raw, it.core))], CORRECTED) for it in reader.corrected),
        companion=resolver.companion,
    )


def _guess(reader: Reader, tokens: list[Token], vocabulary: Vocabulary, guesser: WordGuesser | None,
           ) -> dict[int, tuple[str, tuple[str, ...]]]:
    """Token position -> (the unknown word, the phrase key it is read as): a word run together
    from two the lexicon knows ("poloshirt", "grandmum": the content word, the last one first),
    else the guesser's reading by meaning."""
    out: dict[int, tuple[str, tuple[str, ...]]] = {}
    for i in reader.unknown_at:
        split = _compound(tokens[i].norm, vocabulary)
        if split:
            out[i] = (tokens[i].norm, split)
    rest = [i for i in reader.unknown_at if i not in out]
    if guesser is not None and rest:
        words = [tokens[i].norm for i in rest]
        for i, word, phrase in zip(rest, words, guesser(words), strict=True):
            if phrase:
                out[i] = (word, phrase_key(phrase))
    return out


_CONTENT_KINDS = frozenset({"colour", "attr", "type", "audience", "occasion", "season", "collar"})


def _compound(word: str, vocabulary: Vocabulary) -> tuple[str, ...] | None:
    """The phrase a word run together from two known words stands for: the two as one phrase
    ("poloshirt": "polo shirt"), else the second, else the first, when it names a value."""
    def names_value(key: tuple[str, ...]) -> bool:
        return any(sense.kind in _CONTENT_KINDS for sense in vocabulary.phrases.get(key, ()))

    for cut in range(3, len(word) - 2):
        head, tail = word[:cut], word[cut:]
        if head not in vocabulary.known_words or tail not in vocabulary.known_words:
            continue
        for key in ((head, tail), (tail,), (head,)):
            if names_value(key):
                return key
    return None


CONTRADICTED = "contradicted by what the request says after it"
CORRECTED = "changed by what the request says after it"


def _constraints(text: str, raw: list[Token], tokens: list[Token], outs: list[Out],
                 guessed: dict[int, tuple[str, tuple[str, ...]]]) -> tuple[Constraint, ...]:
    """The resolver's constraints with the words they came from, their chip labels (read from
    the corrected words: "bleu" -> "colour: blue") and the unknown word a guess was read from."""
    constraints = [
        Constraint(o.field, o.op, o.value if isinstance(o.value, tuple) else float(o.value),
                   _from_text(text, raw, o.spans), o.hard,
                   guessed=next((guessed[i][0] for a, b in o.spans for i in range(a, b) if i in guessed), ""))
        for o in outs
    ]
    gender = next((c.value for c in constraints if c.field == "gender" and c.op == "in"), ())
    fixed_text = " ".join(t.norm for t in tokens)
    return tuple(
        replace(c, label=constraint_label(c, gender, _from_text(fixed_text, _respan(tokens), o.spans),
                                          o.shown))
        for c, o in zip(constraints, outs, strict=True)
    )


def _respan(tokens: list[Token]) -> list[Token]:
    """The tokens re-spanned onto " ".join of their corrected words."""
    out, pos = [], 0
    for t in tokens:
        out.append(Token(t.norm, pos, pos + len(t.norm)))
        pos += len(t.norm) + 1
    return out


_STRETCHED = re.compile(r"([^\W\d_])\1{2,}")  # a letter typed three times or more: "navyyy", "sooo"


def _corrected(tok: Token, vocabulary: Vocabulary) -> Token:
    """The token as the lexicon spells it: stretched letters shrunk ("navyyy" -> "navy", "greeeen"
    -> "green"), then typos corrected."""
    word = tok.norm
    if tok.is_word and _STRETCHED.search(word) and word not in lx.SIZE_WORDS:  # "xxxl" is a size
        doubled, single = _STRETCHED.sub(r"\1\1", word), _STRETCHED.sub(r"\1", word)
        word = doubled if doubled in vocabulary.known_words else single
    fixed = vocabulary.correct(word) if tok.is_word else word
    return tok if fixed == tok.norm else Token(fixed, tok.start, tok.end, tok.possessive)


def _from_text(text: str, tokens: list[Token], spans: tuple[tuple[int, int], ...]) -> str:
    """The typed words of the spans; touching spans read as one ("not black" + "or navy")."""
    joined: list[list[int]] = []
    for a, b in sorted(s for s in spans if 0 <= s[0] < s[1] <= len(tokens)):
        if joined and all(t.norm in _JOINERS for t in tokens[joined[-1][1]:a]):
            joined[-1][1] = max(joined[-1][1], b)
        else:
            joined.append([a, b])
    parts = [text[tokens[a].start:tokens[b - 1].end] for a, b in joined]
    return ", ".join(dict.fromkeys(" ".join(p.split()) for p in parts))


def _rebuild(text: str, raw: list[Token], fixed: list[Token]) -> str:
    """The typed text, lower case, typos replaced, whitespace collapsed."""
    out, pos = [], 0
    for r, f in zip(raw, fixed, strict=True):
        if r.norm != f.norm:
            out += [text[pos:r.start], f.norm]
            pos = r.end
    out.append(text[pos:])
    return " ".join("".join(out).lower().split())


_CONNECTORS = {"and", "or", "but", "with", "also", "plus", "nor", "&", "/", "+"}
_JOINERS = {"and", "or", "nor", ",", "/", "&"}
_ARTICLES = {"a", "an", "the", "some", "pair", "of"}


def _wish_text(tokens: list[Token], hard: set[int], text: str) -> str:
    """The text without the tokens that became hard conditions; "" when no content word is left.
    Words are the corrected ones; numbers stay as typed ("five hundred")."""
    tokens = [Token(" ".join(text[t.start:t.end].lower().split()), t.start, t.end) if t.is_number else t
              for t in tokens]
    hard = set(hard)
    for i in sorted(hard, reverse=True):  # "a jacket" -> drop the "a" too
        while i > 0 and i - 1 not in hard and tokens[i - 1].norm in _ARTICLES:
            i -= 1
            hard.add(i)
    kept = [t.norm for i, t in enumerate(tokens) if i not in hard]
    if not hard:
        return " ".join(re.sub(r"\s+([,.;:!?%])", r"\1", " ".join(kept)).split())
    if not any(w not in lx.STOPWORDS and w not in _CONNECTORS and re.search(r"\w", w) for w in kept):
        return ""
    text = " ".join(kept)
    text = re.sub(r"\s+([,.;:!?%])", r"\1", text)
    text = re.sub(r"([,;:])(\s*[,;:.])+", r"\1", text)
    words = text.split()
    while words and (words[0].strip(",.;:!?") in _CONNECTORS or words[0] in {",", ".", ";", ":"}):
        words.pop(0)
    while words and (words[-1].strip(",.;:!?") in _CONNECTORS or words[-1] in {",", ";", ":"}):
        words.pop()
    return " ".join(words).strip(" ,;:")


def _values_label(values: tuple[str, ...], strip: str = "") -> str:
    names = [v.removesuffix(strip).lower() if strip and len(v) - len(strip) > 2 else v.lower()
             for v in values]
    shown = " / ".join(names[:3])
    return shown + (f" +{len(names) - 3}" if len(names) > 3 else "")


def _money(value: float) -> str:
    return f"₹{value:,.0f}"


def constraint_label(c: Constraint | Out, gender: tuple[str, ...] | Any = (), words: str = "",
                     shown: str = "") -> str:
    """Chip text for a constraint; the article type's chip names the gender too ("Men · Shirts"); a
    colour family or relative colour reads as the request's (corrected) ``words`` ("colour: darker")."""
    if c.field == "price":
        money = f"{shown} (≈ {_money(c.value)})" if shown else _money(c.value)
        return {"lt": f"under {money}", "lte": f"up to {money}", "gt": f"over {money}",
                "gte": f"{money} or more"}[c.op]
    if c.field == "size":
        return f"size {' / '.join(c.value)} in stock"
    if c.field == "discount":
        return "on sale" if c.op == "gt" and not c.value else f"{c.value:g}%+ off"
    values = tuple(c.value)
    if c.field == "brand":
        return ("not " if c.op == "not_in" else "") + " / ".join(values)
    if c.field == "article_type":
        types = " / ".join(values[:3]) + (f" +{len(values) - 3}" if len(values) > 3 else "")
        prefix = f"{gender[0]} · " if c.op == "in" and len(gender) == 1 else ""
        return ("not " if c.op == "not_in" else "") + prefix + types
    if c.field == "gender":
        return " / ".join(values)
    if c.field == "age_group":
        return _age_label(values)
    if c.op == "not_in" and all(lx.COLLAR_VALUE_WORD in v.lower() for v in values):
        return "no collar"
    name, strip = _ATTRIBUTE_LABELS.get(c.field, (c.field.lower(), ""))
    shown = _values_label(values, strip)
    if c.field == "base_colour" and len(values) > 2 and (words or c.from_text):
        shown = _strip_cue(re.sub(r"\s+([,;:!?])", r"\1", (words or c.from_text).lower()))
    return f"not {shown}" if c.op == "not_in" else f"{name}: {shown}"


def _strip_cue(words: str) -> str:
    for cue in sorted(lx.NEGATION_CUES, key=len, reverse=True):
        if words.startswith(cue + " "):
            return words[len(cue) + 1:]
    return words


def _age_label(values: tuple[str, ...]) -> str:
    """"Adults-Men" -> "adults", "Kids-Boys" -> "boys", several kids' groups -> "kids"."""
    names = []
    for v in values:
        kind, _, who = v.lower().partition("-")
        name = "kids" if kind.startswith("kid") and (who == "unisex" or len(values) > 1) else \
            who if kind.startswith("kid") else kind
        names.append(name)
    return " / ".join(dict.fromkeys(names))
