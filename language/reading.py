"""First stage of ``interpret``: tokens -> phrase segments -> items.

Segmentation is greedy longest-match against the vocabulary's phrase table (a brand that is also an
ordinary word only counts next to a cue). Reading walks the segments once, left to right, and turns
each understood phrase into an ``Item`` (a colour, an attribute value, a product type mention, a
price bound, ...) with the token span it came from, its cue words included. Negation is a small
state: a cue ("not", "without", "anything but") negates the next item and the items of the same kind
joined to it by "or"/"and"/","/"/" ("not black or navy"); anything else ends it ("no logo, plain").
Nothing here looks at the reference product; ``resolve`` does.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from language import lexicon as lx
from language.text import Token, parse_number
from language.vocabulary import Sense, Vocabulary

CONTENT_KINDS = frozenset({"colour", "colour_mod", "lightness", "attr", "relative", "length", "collar",
                           "type", "audience", "occasion", "season", "brand", "price_rel", "discount",
                           "style", "field", "idiom"})
ARTICLES = frozenset({"a", "an", "the", "some", "pair", "of", "one", "these", "those", "my", "pair of",
                      "it", "them", "this"})
SLEEVE_WORDS = frozenset({"sleeve", "sleeves", "sleeved", "arms"})
COLOUR_NOUNS = frozenset({"colour", "colours", "color", "colors", "shade", "shades", "tone", "tones",
                          "coloured", "colored", "hue", "hues"})
KEPT_KINDS = frozenset({"colour", "attr", "brand", "collar"})  # values a shopper can settle on
RELATIVE_SIZE = frozenset({"up", "down", "bigger", "smaller", "larger", "more", "less"})
NEGATED_BOUND = {"gt": "lte", "gte": "lt", "lt": "gte", "lte": "gt"}  # "nothing over", "not under"
CLAUSE_MARKS = frozenset({",", ".", "?", "!", ";", "..."})
UNIT_WORDS = frozenset({"year", "years", "yr", "yrs", "month", "months", "size", "sizes", "cm", "inch",
                        "inches", "mm", "kg", "pcs", "pieces", "pack", "yo", "days", "day", "x", "xl"})
BRAND_CUE_WORDS = frozenset({"from", "by", "brand", "branded", "label"})
RELATIVE_GLUE = frozenset({"are", "is", "that", "which", "should", "be", "to", "bit", "little", "much",
                           "slightly", "lot", "way", "even", "more", "made", "get", "go"})
MIN_PLAIN_PRICE = 50.0  # a bare number below this (no currency) is not read as a price
TAIL_WORDS = frozenset({"max", "maximum", "max.", "at most", "min", "minimum", "at least"})  # "800 max"


@dataclass(frozen=True, slots=True)
class Segment:
    """Tokens ``start:end`` read as one phrase with its possible senses."""

    start: int
    end: int
    words: tuple[str, ...]
    senses: tuple[Sense, ...]

    def get(self, kind: str) -> Sense | None:
        return next((s for s in self.senses if s.kind == kind), None)

    def has(self, *kinds: str) -> bool:
        return any(s.kind in kinds for s in self.senses)


@dataclass
class Item:
    """One understood piece of the request. ``span`` is a token range (cue words included)."""

    kind: str
    values: tuple = ()
    extra: object = None
    span: tuple[int, int] = (0, 0)
    negated: bool = False
    modifier: int = 0  # colours: -1 darker / +1 lighter than the reference; attributes: -1 "less"
    core: tuple[int, int] = (0, 0)  # the tokens naming the value itself, cue words left out
    # polarity fixed by the request's structure (a correction, a swap): no judge overrides it
    settled: bool = False


@dataclass
class _Negation:
    start: int                 # first token of the cue
    field: str | None = None   # the kind of the first negated item
    last: int = -1             # segment index of the last negated item


def segment(tokens: list[Token], vocab: Vocabulary, named: frozenset[int] = frozenset(),
            guesses: dict[int, tuple[str, ...]] | None = None) -> list[Segment]:
    """Greedy longest-match segmentation of the (typo-corrected) tokens. A brand that is an
    ordinary word needs a cue ("from", "brand", …), except at positions in `named` (typed with a
    capital letter, when nothing else in the text was read: "Arrow makes something like this?").
    `guesses`: token position -> the lexicon phrase an unknown word there was read as by meaning
    (the word then reads as that phrase)."""
    out: list[Segment] = []
    i = 0
    while i < len(tokens):
        guess = (guesses or {}).get(i)
        if guess is not None and vocab.phrases.get(guess):
            out.append(Segment(i, i + 1, guess, vocab.phrases[guess]))
            i += 1
            continue
        seg = _match_at(tokens, i, vocab, i in named)
        out.append(seg)
        i = seg.end
    return out


def _match_at(tokens: list[Token], i: int, vocab: Vocabulary, any_brand: bool) -> Segment:
    for k in range(min(vocab.max_phrase_len, len(tokens) - i), 0, -1):
        words = tuple(t.norm for t in tokens[i:i + k])
        senses = vocab.phrases.get(words)
        if senses and not any_brand and any(s.kind == "brand" for s in senses):
            senses = tuple(s for s in senses if s.kind != "brand" or _brand_cued(tokens, i, i + k, s, vocab))
        if senses:
            return Segment(i, i + k, words, senses)
    tok = tokens[i]
    if tok.is_number:
        kind = "number"
    elif tok.norm in lx.STOPWORDS:
        kind = "stop"
    elif tok.is_word:
        kind = "unknown"
    else:
        kind = "symbol"
    return Segment(i, i + 1, (tok.norm,), (Sense(kind),))


def _brand_cued(tokens: list[Token], start: int, end: int, sense: Sense, vocab: Vocabulary) -> bool:
    """A brand phrase counts when a cue is next to it ("from W", "Red Tape shoes", "Nike brand"), or,
    for brands that are not ordinary words, when it is not naming a print ("batman logo")."""
    j = start - 1
    if j >= 0 and tokens[j].norm == "the":
        j -= 1
    if j >= 0 and tokens[j].norm in BRAND_CUE_WORDS:
        return True
    if end - start == 1 and tokens[start].norm in lx.STOPWORDS | lx.NEGATION_JOINERS:
        return False  # "AND", "ID": only after "from"/"by"
    nxt = tokens[end].norm if end < len(tokens) else ""
    if nxt in lx.BRAND_AFTER or (end < len(tokens) and tokens[end].possessive is False and any(
            s.kind == "type" for s in vocab.phrases.get((nxt,), ()))):
        return True
    if end > start and tokens[end - 1].possessive:
        return not sense.extra
    return not sense.extra and nxt not in lx.DETAIL_NOUNS


class Reader:
    """Walks the segments once and collects items, ignored words and whether anything was read."""

    def __init__(self, segments: list[Segment], tokens: list[Token], vocab: Vocabulary,
                 currency_rates: Mapping[str, float] | None = None):
        self.currency_rates = lx.DEFAULT_CURRENCY_RATES if currency_rates is None else currency_rates
        self.segs = segments
        self.tokens = tokens
        self.vocab = vocab
        self.items: list[Item] = []
        self.ignored: list[str] = []
        self.understood = False
        self.consumed: set[int] = set()
        self._neg: _Negation | None = None
        self._reading: tuple[int, int] | None = None  # the segment being read: an item's core
        self.unknown_at: list[int] = []  # token positions of the words in `ignored`
        self.corrections: list[int] = []  # token positions of "actually", "no wait", "i mean"
        self.idioms: list[tuple[int, int]] = []  # token spans of set phrases that name nothing

    def read(self) -> Reader:
        SizeReader(self).read()  # first: "size 10" is no price
        PriceReader(self).read()
        for idx, seg in enumerate(self.segs):
            if idx in self.consumed:
                continue
            content = [s for s in seg.senses if s.kind in CONTENT_KINDS]
            if content:
                self._reading = (seg.start, seg.end)
                for sense in content:
                    getattr(self, f"_read_{sense.kind}")(idx, seg, sense)
                self._reading = None
            elif seg.has("correction") or self._correcting_no(seg):
                self._neg = None
                self.corrections.append(seg.start)
            elif seg.has("negation"):
                self._neg = _Negation(seg.start)
            elif seg.has("boundary"):
                self._neg = None
            elif seg.has("unknown"):
                if 1 < len(seg.words[0]) <= 40:
                    self.ignored.append(seg.words[0])
                    self.unknown_at.append(seg.start)
                self._negated(idx, f"unknown:{idx}")
        self.corrected = self._apply_corrections()
        self._kept_choices()
        self._story_mentions()
        self._person_by_pronoun()
        self._child_by_age()
        self._postfix_rejections()
        self._swaps()
        self._contrasts()
        self._companions_in_context()
        self._service_question()
        return self

    def _service_question(self) -> None:
        """"when will my jacket be delivered", "how do I return this shirt", "write me a poem about
        shoes": a question for customer service or no shopping at all names a product without asking
        for one; with nothing else read, the request is not understood (the store says so)."""
        norms = {t.norm for t in self.tokens}
        if not norms & lx.NOT_SHOPPING_WORDS:
            return
        opening = " ".join(t.norm for t in self.tokens[:3])
        asks_service = opening.startswith(lx.SERVICE_QUESTIONS)  # "how do I get stains out of a white kurta"
        if not asks_service and any(it.kind != "type" for it in self.items):
            return
        self.items = []
        self.understood = False

    def _contrasts(self) -> None:
        """"olive green, not black", "not red, in white", "checked, not striped": a wanted value
        right beside a value of its kind that a cue rejects; the rules read the contrast exactly,
        so both are settled (a judge hearing the "not" would reject the wish too)."""
        glue = {",", "and", "but", "-", ";", "in", "a", "an", "with", "please", "pls"}
        for wanted in [it for it in self.items if not it.negated]:
            for rejected in [it for it in self.items if it.negated and it.kind == wanted.kind]:
                after = [t.norm for t in self.tokens[wanted.core[1]:rejected.span[0]]]
                before = [t.norm for t in self.tokens[rejected.core[1]:wanted.core[0]]]
                if (rejected.span[0] >= wanted.core[1] and set(after) <= glue and len(after) <= 2) or (
                        wanted.core[0] >= rejected.core[1] and set(before) <= glue and len(before) <= 2):
                    wanted.settled = rejected.settled = True

    def _correcting_no(self, seg: Segment) -> bool:
        """"blue or green, whichever... no, green": "no" and a comma answer what came before."""
        following = self.tokens[seg.end].norm if seg.end < len(self.tokens) else ""
        return " ".join(seg.words) in lx.CORRECTING_NO and following == ","

    def _swaps(self) -> None:
        """"pink → green", "swap the stripes for checks", "round neck over polo any day": the value
        given up is avoided, where a value of the same kind is named in its place."""
        norms = [t.norm for t in self.tokens]
        for at, word in enumerate(norms):
            if word == "→":
                self._give_up(at, lo=self._clause_start(at))
            elif word in lx.SWAP_VERBS:
                ahead = range(at + 1, min(len(norms), at + 8))
                joiner = next((k for k in ahead if norms[k] in lx.SWAP_JOINERS), None)
                if joiner is not None:
                    self._give_up(joiner, lo=at + 1, named=True)
            else:
                clause = set(norms[self._clause_start(at):at])
                # "X over Y", "X > Y", "rather X than Y", "prefer X to Y", "switch to X from Y"
                if word in ("over", ">") or (word == "than" and "rather" in clause) or (
                        word == "to" and clause & lx.PREFER_WORDS) or (
                        word == "from" and "to" in clause and clause & lx.SWAP_VERBS):
                    self._prefer(at)

    def _prefer(self, at: int) -> None:
        """The value right after the word at `at` is given up for the one right before it (colours
        and attributes only)."""
        before = [it for it in self.items if it.core[1] == at and not it.negated]
        after = [it for it in self.items if it.core[0] == at + 1 and not it.negated]
        for kept in before:
            for lost in after:
                if kept.kind == lost.kind and kept.kind in ("colour", "attr"):
                    lost.negated, lost.modifier = True, 0
                    kept.settled = lost.settled = True

    def _child_by_age(self) -> None:
        """"for my 6 year old", "a 10-year-old": a child's age names a child when nothing else
        says who it is for."""
        if any(it.kind == "audience" for it in self.items):
            return
        norms = [t.norm for t in self.tokens]
        for k, word in enumerate(norms):
            age = parse_number(word) if self.tokens[k].is_number else None
            width = 2 if tuple(norms[k + 1:k + 3]) in lx.AGE_WORDS else 1
            said = tuple(norms[k + 1:k + 1 + width]) in lx.AGE_WORDS
            following = norms[k + 1 + width] if k + 1 + width < len(norms) else ""
            garment = any(sense.kind == "type" for sense in self.vocab.phrases.get((following,), ()))
            # not "my 2 year old jacket": the jacket's age
            if age is not None and said and 0 < age <= lx.CHILD_AGE_MAX and not garment:
                self.add("audience", (), "kids", (k, k + 3))
                self.ignored = [w for w in self.ignored if w not in norms[k + 1:k + 3]]  # "4yo"
                return

    def _postfix_rejections(self) -> None:
        """"navy? no thanks", "stripes - pass", "navy ❌ white ✅": a rejection right after a value
        rejects it; a word does when nothing but thanks follows it before the clause ends, a
        rejection emoji always."""
        norms = [t.norm for t in self.tokens]
        k = 0
        while k < len(norms):
            width = next((w for w in (3, 2, 1)
                          if k + w <= len(norms) and " ".join(norms[k:k + w]) in lx.POSTFIX_REJECTIONS), 0)
            mark = norms[k] == lx.POSTFIX_MARK
            if not (width or mark):
                k += 1
                continue
            j = k
            while j > 0 and norms[j - 1] in lx.POSTFIX_GAP:
                j -= 1
            end = k + max(width, 1)
            while end < len(norms) and norms[end] in lx.POSTFIX_TAIL:
                end += 1
            # a phrase ("pink is out, green please") may close at a comma; a lone "no," corrects;
            # a full stop in the tail closes it too ("navy? nope. grey please")
            closes = end == len(norms) or norms[end] in lx.BOUNDARIES or (width > 1 and norms[end] == ",") \
                or any(norms[m] in lx.BOUNDARIES for m in range(k + max(width, 1), end))
            rejected = [it for it in self.items
                        if it.core[1] == j and not it.negated and not it.settled and (mark or closes)]
            for item in rejected:
                item.negated, item.modifier, item.settled = True, 0, True
            if rejected:  # "pass", "nope", "way": read, not ignored
                self.ignored = [w for w in self.ignored if w not in norms[k:end]]
            k = end

    def _clause_start(self, at: int) -> int:
        for k in range(at - 1, -1, -1):
            if self.tokens[k].norm in (".", ";", "!", "?", "but"):
                return k + 1
        return 0

    def _give_up(self, at: int, lo: int, named: bool = False) -> None:
        """Negate the wanted items in [lo, at) whose kind a wanted item right after ``at`` names;
        after a swap verb (``named``: "swap the short sleeves for long") what it names is given up
        even when the rules cannot read its replacement."""
        after = next((it for it in self.items if it.core[0] >= at and not it.negated), None)
        if after is None:
            for item in self.items:
                if named and lo <= item.core[0] and item.core[1] <= at and item.kind in ("colour", "attr") \
                        and not item.negated:
                    item.negated, item.modifier, item.settled = True, 0, True
            return
        for item in self.items:
            if lo <= item.core[0] and item.core[1] <= at and item.kind == after.kind and not item.negated:
                item.negated, item.modifier, item.settled = True, 0, True
                after.settled = True

    def _companions_in_context(self) -> None:
        """"what would go well with this? maybe a belt", "a watch to complete the look": once the
        request speaks of something to go with the reference, a product type it names without a
        cue of its own is that companion."""
        speaks = any(seg.has("companion_before") or (seg.has("companion_after") and self._refers_back(i))
                     for i, seg in enumerate(self.segs))
        if not speaks:
            return
        for item in self.items:
            if item.kind == "type" and not item.negated and item.extra[0] in ("", "alone"):
                item.extra = ("companion", *item.extra[1:])

    def _refers_back(self, idx: int) -> bool:
        """The words after a companion cue name the reference ("it", "this", "the look") or end."""
        words = [w for seg in self.segs[idx + 1:idx + 3] for w in seg.words]
        return not words or words[0] in {",", "?", "!", "."} or words[0] in lx.COMPANION_OBJECTS \
            or " ".join(words[:2]) in lx.COMPANION_OBJECTS
    def _apply_corrections(self) -> list[Item]:
        """"blue, no wait, green", "smarter, actually no, casual": a correction drops the values of
        the kind named right after it that came before it (the shopper changed their mind); the
        dropped items are returned (the answer says so)."""
        dropped: list[Item] = []
        for at in self.corrections:
            after = next((it for it in self.items if it.core[0] >= at), None)
            if self._retracts(at) and not self._named_right_after(at, after):
                # "cheaper. actually scratch that, price is fine", "short kurti maybe? actually no,
                # this length is fine": nothing named after it, the clause before it goes
                start = self._clause_before(at)
                for item in [it for it in self.items if start <= it.core[0] and it.core[1] <= at]:
                    self.items.remove(item)
                    dropped.append(item)
                continue
            if after is None:
                continue
            after.settled = True  # "no wait, green": what the shopper settled on
            for item in [it for it in self.items if it.core[1] <= at and it.kind == after.kind]:
                self.items.remove(item)
                dropped.append(item)
        return dropped

    def _story_mentions(self) -> None:
        """"I bought a red one last year and loved it, want something similar in blue", "was at a
        wedding last week and everyone wore navy, so anything but navy": a value told in a story
        clause gives way to the request clauses. Its colours and features go where the request
        names a colour or a feature; its occasions go where the request asks for anything."""
        clauses = self._clauses()
        story = [c for c in clauses
                 if self._tells(c, lx.STORY_MARKERS) and not self._tells(c, lx.ASK_MARKERS)]
        if not story or len(story) == len(clauses):
            return
        told = [it for it in self.items if any(a <= it.core[0] < b for a, b in story)]
        asked = [it for it in self.items if it not in told]
        if not asked:
            return
        looks = any(other.kind in ("colour", "attr") for other in asked)
        for item in told:  # what the story rejects still goes ("had enough of black")
            if item.negated or item.settled:
                continue
            if (item.kind in ("colour", "attr") and looks) or item.kind == "occasion":
                self.items.remove(item)

    def _clauses(self) -> list[tuple[int, int]]:
        """Token ranges split at clause marks and at "but"/"so" (where a story turns to the ask)."""
        cuts = [i for i, t in enumerate(self.tokens) if t.norm in CLAUSE_MARKS or t.norm in ("but", "so")]
        bounds = [-1, *cuts, len(self.tokens)]
        return [(a + 1, b) for a, b in zip(bounds, bounds[1:], strict=False) if b > a + 1]

    def _tells(self, clause: tuple[int, int], markers: frozenset[str]) -> bool:
        norms = [t.norm for t in self.tokens[clause[0]:clause[1]]]
        pairs = {" ".join(norms[i:i + 2]) for i in range(len(norms))}
        return bool(markers & (set(norms) | pairs))

    def _person_by_pronoun(self) -> None:
        """"for my partner, she loves blue": a person named without a gender, then "she" or "he"."""
        people = [it for it in self.items if it.kind == "audience" and it.extra == "person"]
        if not people or any(it.kind == "audience" and it.extra != "person" for it in self.items):
            return
        for i in range(people[0].span[1], len(self.tokens)):
            pronoun = lx.PERSON_PRONOUNS.get(self.tokens[i].norm)
            if pronoun:
                self.items.append(Item("audience", (), pronoun, (i, i + 1), False, 0, (i, i + 1)))
                return

    def _kept_choices(self) -> None:
        """"ugh fine, keep it black", "stick with navy", "navy it is": a value the shopper settles on
        is wanted whatever was said of it before, and earlier readings of it give way."""
        norms = [t.norm for t in self.tokens]
        for item in list(self.items):
            a, b = item.core
            before = {" ".join(norms[max(0, a - w):a]) for w in (1, 2)}
            kept = before & lx.KEEP_CUES or " ".join(norms[b:b + 2]) == "it is"
            refused = any(w in lx.NEGATION_CUES for w in norms[max(0, a - 4):a])  # "don't keep the black"
            if not kept or refused or item.kind not in KEPT_KINDS:
                continue
            item.negated, item.modifier, item.settled = False, 0, True
            for earlier in [it for it in self.items if it is not item and it.kind == item.kind
                            and it.values == item.values and it.core[1] <= a]:
                self.items.remove(earlier)

    def _cue_at(self, at: int) -> Segment | None:
        """The correction cue's segment that starts at token `at`."""
        return next((s for s in self.segs if s.start == at), None)

    def _retracts(self, at: int) -> bool:
        """The correction cue at token `at` takes back what came before ("scratch that", "actually no")."""
        seg = self._cue_at(at)
        return seg is not None and " ".join(seg.words) in lx.RETRACTION_CUES

    def _named_right_after(self, at: int, item: Item | None) -> bool:
        """`item` is what the words right after the cue at `at` name ("no wait, black"), not a
        later clause ("scratch that, price is fine, just slim fit")."""
        seg = self._cue_at(at)
        i = seg.end if seg is not None else at + 1
        while i < len(self.tokens) and self.tokens[i].norm in CLAUSE_MARKS:
            i += 1
        return item is not None and item.span[0] <= i

    def _clause_before(self, at: int) -> int:
        """The first token of the clause before the cue at `at` (cues and marks right before it skipped)."""
        i = at - 1
        while i >= 0 and (self.tokens[i].norm in CLAUSE_MARKS or i + 1 in self.corrections):
            i -= 1
        while i >= 0 and self.tokens[i].norm not in CLAUSE_MARKS:
            i -= 1
        return i + 1

    # ------------------------------------------------------------------ helpers
    def add(self, kind: str, values: tuple = (), extra: object = None, span: tuple[int, int] = (0, 0),
            negated: bool = False, modifier: int = 0) -> Item:
        core = self._reading if self._reading is not None else span
        item = Item(kind, tuple(values), extra, span, negated, modifier, core)
        self.items.append(item)
        self.understood = True
        return item

    def _negated(self, idx: int, field_key: str) -> bool:
        """Whether the item at segment ``idx`` falls under the current negation (and update it)."""
        return self._negation(idx, self.segs[idx], field_key)[0]

    def _negation(self, idx: int, seg: Segment, field_key: str) -> tuple[bool, int]:
        """(negated, span start): the first negated item's span starts at the cue ("not black")."""
        neg = self._neg
        if neg is None:
            return False, seg.start
        if neg.field is None:
            neg.field, neg.last = field_key, idx
            return True, neg.start
        between = [s.words[0] if s.has("joiner", "stop") or s.words[0] in lx.NEGATION_JOINERS else None
                   for s in self.segs[neg.last + 1:idx]]
        # "not black, navy or grey" continues; "not a dress, a skirt" starts anew after the comma,
        # and "no heels, I want flat ones" after a word saying what is wanted
        glue = None not in between and not any(
            a == "," and b in ("a", "an", "the") for a, b in zip(between, between[1:], strict=False)
        ) and not any(w in lx.NEGATION_BREAKERS for w in between)
        # after a bare comma the list goes on only where an "or" follows ("not black, navy or grey"),
        # not in "not black, navy please"
        if glue and "," in between and not {"or", "nor"} & set(between):
            glue = self._or_follows(idx)
        if field_key == neg.field and glue:
            start = self.segs[neg.last + 1].start if neg.last + 1 < idx else seg.start
            neg.last = idx
            return True, start
        self._neg = None
        return False, seg.start

    def _or_follows(self, idx: int) -> bool:
        """An "or"/"nor" after segment idx, before the clause ends."""
        for seg in self.segs[idx + 1:]:
            if seg.has("boundary") or seg.words[0] == ",":
                return False
            if seg.words[0] in ("or", "nor"):
                return True
        return False

    def prev(self, idx: int, skip: frozenset[str] = ARTICLES) -> int:
        """Index of the previous segment, skipping articles ("as a", "in the")."""
        j = idx - 1
        while j >= 0 and self.segs[j].words[0] in skip and len(self.segs[j].words) == 1 \
                and self.segs[j].has("stop"):
            j -= 1
        return j

    def next(self, idx: int, skip: frozenset[str] = ARTICLES) -> int:
        j = idx + 1
        while j < len(self.segs) and self.segs[j].words[0] in skip and self.segs[j].has("stop"):
            j += 1
        return j

    def seg_at(self, j: int) -> Segment | None:
        return self.segs[j] if 0 <= j < len(self.segs) else None

    def _in_clause(self, lo: int, hi: int) -> bool:
        """No clause boundary strictly between segments lo and hi."""
        return not any(self.segs[j].has("boundary") or self.segs[j].words[0] == ","
                       for j in range(lo + 1, hi))

    # ------------------------------------------------------------------ colours
    def _read_colour(self, idx: int, seg: Segment, sense: Sense) -> None:
        nxt = self.seg_at(idx + 1)
        before = self.seg_at(self.prev(idx))
        detail_after_with = before is not None and before.words[0] in ("with", "w/") and any(
            it.kind == "colour" and not it.negated for it in self.items)
        if (nxt is not None and nxt.words[0] in lx.DETAIL_NOUNS) or detail_after_with:
            self.understood = True  # "white stripes", "black with red": the colour of a detail
            return
        start, values = seg.start, sense.values
        before = self.seg_at(idx - 1)
        if before is not None and before.has("less"):  # "less yellow": a soft "not yellow"
            self.add("colour_less", values, sense.extra, (before.start, seg.end))
            return
        if before is not None and before.has("colour_mod") and sense.extra in self.vocab.colour_families:
            values = self._family_half(sense.extra, before.get("colour_mod").extra)
            start = before.start
        modifier, light_idx = self._lightness_before(idx)
        if light_idx is not None:
            start = min(start, self.segs[light_idx].start)
        negated, neg_start = self._negation(idx, seg, "base_colour")
        if negated:
            start = min(start, neg_start)
        self.add("colour", values, sense.extra, (start, seg.end), negated, 0 if negated else modifier)

    def _family_half(self, family: str, direction: int) -> tuple[str, ...]:
        """"dark green": the family's colours darker (or, for "light", lighter) than the family's median."""
        members = self.vocab.colour_families[family]
        light = self.vocab.colour_lightness
        known = sorted(light[c] for c in members if c in light)
        if len(known) < 2:
            return members
        mid = known[len(known) // 2] if direction > 0 else known[(len(known) - 1) // 2]
        kept = tuple(c for c in members
                     if c in light and (light[c] >= mid if direction > 0 else light[c] <= mid))
        return kept or members

    def _lightness_before(self, idx: int) -> tuple[int, int | None]:
        """A "darker"/"lighter" up to three segments before this colour, in the same clause."""
        for j in range(idx - 1, max(-1, idx - 4), -1):
            s = self.segs[j]
            if s.has("boundary") or s.words[0] == ",":
                break
            if s.has("lightness"):
                return s.get("lightness").extra, j
        return 0, None

    def _read_colour_mod(self, idx: int, seg: Segment, sense: Sense) -> None:
        nxt = self.seg_at(idx + 1)
        if nxt is not None and nxt.has("colour"):
            return  # the colour reads its modifier
        if nxt is not None and nxt.words[0] in COLOUR_NOUNS:
            after = self.seg_at(idx + 2)
            if after is not None and after.words[0] in lx.DETAIL_NOUNS:
                self.understood = True  # "a light coloured graphic": the colour of a detail
                return
            self.add("tone", (), sense.extra, (seg.start, nxt.end), self._negated(idx, "base_colour"))
            return
        self.understood = True

    def _read_lightness(self, idx: int, seg: Segment, sense: Sense) -> None:
        nxt = self.seg_at(self.next(idx))
        if nxt is not None and nxt.has("attr", "collar", "relative") and not nxt.has("colour"):
            self.understood = True  # "a deeper v neck": not a colour
            return
        for j in range(idx + 1, min(len(self.segs), idx + 4)):
            s = self.segs[j]
            if s.has("boundary") or s.words[0] == ",":
                break
            if s.has("colour"):
                return  # "a darker blue": the colour reads it
        for item in reversed(self.items):  # "blue but darker" / "in blue, darker"
            if item.kind == "colour" and not item.negated and item.span[1] >= seg.start - 3:
                item.modifier = item.modifier or sense.extra
                item.span = (item.span[0], seg.end)
                self.understood = True
                return
        self.add("lightness", (), sense.extra, (seg.start, seg.end))

    # ------------------------------------------------------------------ attributes
    def _read_attr(self, idx: int, seg: Segment, sense: Sense) -> None:
        if seg.words[-1] in SLEEVE_WORDS and self._sleeve_length_after(idx, seg):
            return
        keys = sorted({k for v in sense.values for k in self._keys(v)})
        negated, start = self._negation(idx, seg, "attr:" + "|".join(keys))
        before = self.seg_at(idx - 1)
        if not negated and before is not None and before.has("less"):  # "not so tight": a soft "not"
            self.add("attr", sense.values, sense.extra, (before.start, seg.end), True, modifier=-1)
            return
        self.add("attr", sense.values, sense.extra, (start, seg.end), negated)

    def _keys(self, value: str) -> tuple[str, ...]:
        key, _, val = value.rpartition("=")
        return (key,) if key else self.vocab.keys_with_value(val)

    def _sleeve_length_after(self, idx: int, seg: Segment) -> bool:
        """"sleeves (that are) longer": a relative sleeve length."""
        j = self.next(idx, ARTICLES | RELATIVE_GLUE)
        s = self.seg_at(j)
        if s is None or not s.has("length"):
            return False
        self.consumed.add(j)
        self.add("relative", ("Sleeve Length",), s.get("length").extra, (seg.start, s.end))
        return True

    def _read_relative(self, idx: int, seg: Segment, sense: Sense) -> None:
        self._negated(idx, f"relative:{idx}")
        self.add("relative", sense.values, sense.extra, (seg.start, seg.end))

    def _read_length(self, idx: int, seg: Segment, sense: Sense) -> None:
        """Bare "longer"/"shorter": sleeves when a sleeve word is next to it, else a wish for the encoder."""
        j = self.next(idx, ARTICLES | {"in", "the"})
        s = self.seg_at(j)
        if s is not None and s.words[-1] in SLEEVE_WORDS:
            self.consumed.add(j)
            self.add("relative", ("Sleeve Length",), sense.extra, (seg.start, s.end))
            return
        self._negated(idx, f"style:{idx}")
        self.understood = True

    def _read_collar(self, idx: int, seg: Segment, sense: Sense) -> None:
        negated, start = self._negation(idx, seg, "collar")
        direction = -sense.extra if negated else sense.extra
        self.add("collar", (), direction, (start, seg.end))

    # ------------------------------------------------------------------ category
    def _read_type(self, idx: int, seg: Segment, sense: Sense) -> None:
        if self._verb(idx, seg):
            self.understood = True  # "i dress like a grandad", "navy doesn't suit me": no garment
            return
        if seg.words == ("shades",) and self._of_colour(idx):
            return  # "only wears blue shades", "shades of green": tones, not sunglasses
        negated, neg_start = self._negation(idx, seg, "article_type")
        start, end, cue = seg.start, seg.end, ""
        before = self.seg_at(self.prev(idx))
        after = self.seg_at(self.next(idx, ARTICLES | {"one"}))
        if before is not None and before.has("companion_before"):
            cue, start = "companion", before.start
        elif before is not None and before.has("change_before"):
            cue, start = "explicit", before.start
        elif before is not None and (before.has("non_change") or before.has("companion_after")):
            cue = "non_change"  # "goes with my jeans": the jeans are what it goes with
        elif before is not None and before.words in (("is",), ("it's",), ("its",), ("be",)):
            cue = "describes"  # "is a tank top with stripes": a caption describing the garment
        if after is not None and (after.has("change_after") or after.words in (("instead", "of"),
                                                                               ("rather", "than"))):
            cue, end = "explicit", after.end if after.has("change_after") else end
        if cue != "non_change" and self._companion_after(idx):
            cue = "companion"
        elif cue == "" and self._asked_alone(idx):
            cue = "alone"
        if negated:
            start = neg_start
        self.add("type", sense.values, (cue, sense.extra, " ".join(seg.words)), (start, end), negated)

    def _asked_alone(self, idx: int) -> bool:
        """The type word is its clause's request ("a belt", "got any socks?", "shoes for this dress"),
        not a word of a description ("red with tie belt", "a shoe logo", "bow tie waist")."""
        j = idx - 1
        while j >= 0 and " ".join(self.segs[j].words) in lx.ASKING_WORDS:
            j -= 1
        if j >= 0 and self.segs[j].words[-1] not in CLAUSE_MARKS:
            return False
        after = self.seg_at(idx + 1)
        return after is None or after.words[0] in CLAUSE_MARKS or after.words[0] in lx.AFTER_ASKED_TYPE

    def _of_colour(self, idx: int) -> bool:
        """A colour right before the word, or "of" and a colour right after it."""
        before, after = self.seg_at(idx - 1), self.seg_at(idx + 1)
        if after is not None and (after.has("change_after") or after.has("companion_after")):
            return False  # "black shades instead": sunglasses
        return (before is not None and before.has("colour")) or (
            after is not None and after.words == ("of",) and (self.seg_at(idx + 2) or after).has("colour"))

    def _verb(self, idx: int, seg: Segment) -> bool:
        """A type word used as a verb: after a subject or a modal, or before "up", "like", "me"."""
        if seg.words != (seg.words[-1],) or seg.words[-1] not in lx.VERBAL_TYPE_WORDS:
            return False
        before = self.segs[idx - 1].words[-1] if idx > 0 else None
        after = self.segs[idx + 1].words[0] if idx + 1 < len(self.segs) else None
        where = " ".join(w for s in self.segs[idx + 1:idx + 3] for w in s.words)
        # "ties in the front": where a garment ties, not neckties
        placed = where.startswith(("in the", "in front"))
        return before in lx.VERB_LEADERS or after in lx.VERB_FOLLOWERS or placed

    def _companion_after(self, idx: int) -> bool:
        """"a belt to go with it", "what bag goes with this": the type is wanted beside the reference."""
        j = idx + 1
        if j < len(self.segs) and self.segs[j].words[0] in ("one", "ones"):
            j += 1
        cue = self.seg_at(j)
        if cue is None or not cue.has("companion_after"):
            return False
        return self._refers_back(j)

    def _read_audience(self, idx: int, seg: Segment, sense: Sense) -> None:
        cue = next((j for j in range(idx - 1, max(-1, idx - 5), -1)
                    if self.segs[j].has("audience_cue")), None)
        if cue is not None and not self._in_clause(cue, idx):
            cue = None  # "for my 10 year old son", not across a comma
        # "my missus would love it", "the hubby", "mum needs a new one": a kin word with a possessive,
        # "the", or opening the request names who it is for
        before = self.segs[idx - 1].words[-1] if idx > 0 else None
        mine = before in ("my", "our") or (
            seg.words[-1] in lx.KIN_WORDS and (before is None or before in lx.KIN_DETERMINERS)
        )
        if seg.words[-1] in lx.AUDIENCE_NEEDS_CUE and cue is None and not mine \
                and not self.tokens[seg.end - 1].possessive:
            self.understood = True
            return
        if self._negated(idx, "audience"):
            return
        if self._company(idx) or (cue is None and self._speaker(idx)):
            self.understood = True
            return
        start = self.segs[cue].start if cue is not None else seg.start
        self.add("audience", (), sense.extra, (start, seg.end))

    def _speaker(self, idx: int) -> bool:
        """"my wife says i dress like a grandad": the person gives an opinion; the shopper still
        shops for themself."""
        if idx + 1 >= len(self.segs):
            return False
        following = self.segs[idx + 1].words
        return following[0] in lx.SPEAKER_VERBS or " ".join(following[:2]) in lx.SPEAKER_VERBS or (
            idx + 2 < len(self.segs) and f"{following[-1]} {self.segs[idx + 2].words[0]}" in lx.SPEAKER_VERBS)

    def _company(self, idx: int) -> bool:
        """"brunch with the girls", "out with my mates": the people named are company, not who it
        is for."""
        before = self.prev(idx, frozenset({"the", "my", "our", "a", "some"}))
        seg = self.seg_at(before)
        return seg is not None and seg.words[-1] in ("with", "alongside")

    def _for_start(self, idx: int, seg: Segment) -> int:
        """Span start including a leading "for (the/a)" ("for the gym", "for summer")."""
        before = self.seg_at(self.prev(idx))
        return before.start if before is not None and before.words[0] == "for" else seg.start

    def _read_occasion(self, idx: int, seg: Segment, sense: Sense) -> None:
        """An occasion; "less formal" (modifier -1) and "not formal" (negated) read as its opposite
        (resolve)."""
        if seg.words[-1] in lx.VERBAL_OCCASION_WORDS and self._occasion_verb(idx):
            self.understood = True  # "navy doesn't work for me", "would green work?": no office
            return
        before = self.seg_at(idx - 1)
        start, modifier = self._for_start(idx, seg), 0
        if before is not None and before.has("less"):
            start, modifier = before.start, -1
        elif before is not None and before.has("more"):
            start = before.start
        negated = self._negated(idx, "usage")
        self.add("occasion", (), sense.extra, (start, seg.end), negated, modifier)

    def _occasion_verb(self, idx: int) -> bool:
        """"work" as a verb: after a subject, a modal or a thing ("that works", "it'd work"), or
        before "for me", "on me", "nicely", or at the end of a question ("would green work?")."""
        before = self.segs[idx - 1].words[-1] if idx > 0 else None
        after = self.segs[idx + 1].words if idx + 1 < len(self.segs) else ("",)
        if before in ("for", "to", "at", "from", "after", "before", "the", "my", "of"):
            return False  # "for work", "at work", "after work"
        return before in lx.VERB_LEADERS or before in lx.OCCASION_VERB_SUBJECTS \
            or " ".join(after[:2]) in ("for me", "on me", "for you", "on you", "for him", "for her") \
            or after[0] in ("nicely", "well", "better", "out", "?")

    def _read_season(self, idx: int, seg: Segment, sense: Sense) -> None:
        negated = self._negated(idx, "season")  # "not for winter": no season wish (resolve)
        self.add("season", sense.values, None, (self._for_start(idx, seg), seg.end), negated)

    # ------------------------------------------------------------------ brand, price, other
    def _read_brand(self, idx: int, seg: Segment, sense: Sense) -> None:
        start, end = seg.start, seg.end
        before = self.seg_at(self.prev(idx, frozenset({"the"})))
        if before is not None and before.has("brand_before"):
            start = before.start
        after = self.seg_at(idx + 1)
        if after is not None and after.has("brand_after") and not after.has("type"):
            end = after.end
            self.consumed.add(idx + 1)
        negated, neg_start = self._negation(idx, seg, "brand")
        if negated:
            start = min(start, neg_start)
        self.add("brand", sense.values, None, (start, end), negated)

    def _read_price_rel(self, idx: int, seg: Segment, sense: Sense) -> None:
        negated, start = self._negation(idx, seg, "price")
        if " ".join(seg.words) in lx.IDIOMS:  # "don't want to break the bank": the idiom's meaning holds
            negated, start = False, seg.start
        direction = sense.extra
        before = self.seg_at(idx - 1)
        if before is not None and before.has("less") and direction == 1:  # "but not too expensive"
            direction, start = -1, before.start
        elif negated:
            if direction != 1:
                return
            direction = -1  # "not more expensive"
        self.add("price_rel", (), direction, (start, seg.end))

    def _read_discount(self, idx: int, seg: Segment, sense: Sense) -> None:
        if not self._negated(idx, "discount"):
            self.add("discount", (), ("gt", 0.0), (seg.start, seg.end))

    def _read_idiom(self, idx: int, seg: Segment, sense: Sense) -> None:
        """"feeling blue", "a red flag": understood, and nothing to look for."""
        self.idioms.append((seg.start, seg.end))
        self.understood = True

    def _read_style(self, idx: int, seg: Segment, sense: Sense) -> None:
        self._negated(idx, f"style:{idx}")
        self.understood = True

    def _read_field(self, idx: int, seg: Segment, sense: Sense) -> None:
        """"same colour", "a different brand"."""
        before = self.seg_at(self.prev(idx))
        if before is None:
            return
        this = self.seg_at(idx - 1)
        if self._neg is not None and this is not None and this.words[-1] in ("this", "that", "these", "same"):
            self.add("different", (), sense.extra, (self._neg.start, seg.end))  # "not this brand"
            self._neg = None
        elif before.has("same"):
            self.add("same", (), sense.extra, (before.start, seg.end))
        elif before.has("different") and seg.words[-1] in lx.MOTIF_WORDS:
            self.understood = True  # "a different print": another motif, still a print
        elif before.has("different"):
            self.add("different", (), sense.extra, (before.start, seg.end))


class PriceReader:
    """Numbers with price cues: "under 800", "₹500-1000", "between 1k and 2k", "1000+", "30% off"."""

    def __init__(self, reader: Reader):
        self.r = reader
        self.segs = reader.segs

    def read(self) -> None:
        for idx, seg in enumerate(self.segs):
            if idx not in self.r.consumed and seg.has("number"):
                value = parse_number(seg.words[0])
                if value is not None:
                    self._read_at(idx, value)

    def _currency_back(self, j: int) -> int:
        while j >= 0 and self.segs[j].has("currency"):
            j -= 1
        return j

    def _currency_fwd(self, j: int) -> int:
        while j < len(self.segs) and self.segs[j].has("currency"):
            j += 1
        return j

    def _number(self, j: int) -> float | None:
        s = self.r.seg_at(j)
        return parse_number(s.words[0]) if s is not None and s.has("number") else None

    def _read_at(self, idx: int, value: float) -> None:
        if self._percent(idx, value):
            return
        after = self.r.seg_at(idx + 1)
        if after is not None and after.words[0] in UNIT_WORDS:
            return
        j = self._currency_back(idx - 1)
        cue_seg = self.r.seg_at(j)
        cue = cue_seg.get("price_cue").extra if cue_seg is not None and cue_seg.has("price_cue") else None
        if cue in ("lte_after", "gte_after"):  # "over 500 and under 900": the cue of the number after it
            cue = lx.TAIL_CUES_BEFORE_A_NUMBER.get(" ".join(cue_seg.words))
        k = self._currency_fwd(idx + 1)
        currency = j < idx - 1 or k > idx + 1
        first = j if cue else j + 1
        denied = self.r.seg_at(j - 1)
        if cue in NEGATED_BOUND and denied is not None and denied.words[-1] in ("nothing", "not", "none"):
            cue, first = NEGATED_BOUND[cue], j - 1  # "nothing over 2 grand": at most 2,000
        hi_idx, hi = self._range_end(k)
        # "between 20 and 40 euros": a currency after the range is both ends'
        currency = currency or (hi is not None and self._currency_fwd(hi_idx + 1) > hi_idx + 1)
        if hi is not None and (cue in (None, "between", "approx") and (currency or value >= MIN_PLAIN_PRICE)):
            last = self._currency_fwd(hi_idx + 1) - 1
            self._emit(first, last, ("gte", value), ("lte", hi))
            return
        tail = self.r.seg_at(k)
        tail_op = tail.get("price_cue").extra if tail is not None and tail.has("price_cue") else None
        if tail is not None and tail.words[0] == "+":
            tail_op = "gte_after"
        elif tail_op in ("lt", "lte", "gt", "gte") and tail.words[0] in TAIL_WORDS:
            tail_op = tail_op[:2].replace("lt", "lte").replace("gt", "gte") + "_after"  # "800 max"
        plain_ok = currency or value >= MIN_PLAIN_PRICE
        if cue in ("lt", "lte", "gt", "gte") and (plain_ok or cue_seg.words[0] != "for"):
            # "my budget is 5000 tops": a cue after the number too is part of the price (no Tops)
            self._emit(first, k if tail_op is not None else k - 1, (cue, value))
        elif cue == "approx" and (currency or value >= MIN_PLAIN_PRICE):
            self._emit(first, k - 1, ("gte", round(value * 0.8, 2)), ("lte", round(value * 1.2, 2)))
        elif cue == "between":
            self._emit(first, k - 1, ("gte", value))
        elif tail_op in ("lte_after", "gte_after"):
            self._emit(idx if not currency else min(idx, j + 1), k, (tail_op[:3], value))
        elif currency:
            self._emit(j + 1, k - 1, ("lte", value))

    def _range_end(self, k: int) -> tuple[int, float | None]:
        s = self.r.seg_at(k)
        if s is None or s.words[0] not in lx.RANGE_JOINERS:
            return -1, None
        m = self._currency_fwd(k + 1)
        return m, self._number(m)

    def _percent(self, idx: int, value: float) -> bool:
        """"30% off", "at least 40 percent discount", "discount of 25%"."""
        pct = self.r.seg_at(idx + 1)
        if pct is None or pct.words[0] not in ("%", "percent", "pc", "pct"):
            return False
        off = self.r.seg_at(idx + 2)
        before = self.r.seg_at(self.r.prev(idx, frozenset({"of", "a", "an"})))
        is_off = off is not None and (off.words[0] == "off" or off.has("discount"))
        if not (is_off or (before is not None and before.has("discount"))) or not 0 < value < 100:
            return False
        op = before.get("price_cue").extra if before is not None and before.has("price_cue") else "gte"
        op = op if op in ("gt", "gte") else "gte"
        first = self.r.prev(idx, frozenset({"of", "a", "an"})) if before is not None and (
            before.has("price_cue") or before.has("discount")) else idx
        last = idx + 2 if is_off else idx + 1
        for j in range(first, last + 1):
            self.r.consumed.add(j)
        self.r.add("discount", (), (op, value), (self.segs[first].start, self.segs[last].end))
        return True

    def _emit(self, first: int, last: int, *bounds: tuple[str, float]) -> None:
        first, last = max(first, 0), min(last, len(self.segs) - 1)
        for j in range(first, last + 1):
            self.r.consumed.add(j)
        span = (self.segs[first].start, self.segs[last].end)
        code = next((sense.extra for seg in self.segs[first:last + 1] for sense in seg.senses
                     if sense.kind == "currency" and sense.extra), None)
        rate = 1.0
        if code is not None:  # another currency: at the store's rate, never as rupees
            rate = self.r.currency_rates.get(code) or 0.0
            if not rate:
                self.r.ignored.append(" ".join(w for seg in self.segs[first:last + 1] for w in seg.words))
                return
        symbol = lx.CURRENCY_SYMBOLS.get(code, code) if code else ""
        for op, value in bounds:
            shown = f"{symbol}{float(value):,.2f}".removesuffix(".00") if code else ""
            self.r.add("price", (), (op, round(float(value) * rate, 2), shown), span)



class SizeReader:
    """Sizes: "in XL", "size 10", "UK 9", "in a medium", "in 42", "2xl". A letter size of two
    letters or more stands alone; one letter or a word ("m", "medium") needs "in" or "size", and a
    number "size", "in" or a system ("uk", "eu"). The resolver turns the label into the catalog's
    spelling for the product type ("9" on shoes: UK9)."""

    def __init__(self, reader: Reader):
        self.r = reader
        self.segs = reader.segs

    def read(self) -> None:
        i = 0
        while i < len(self.segs):
            found = self._size_at(i)
            if found is None:
                i += 1
                continue
            first, last, label, system = found
            for j in range(first, last + 1):
                self.r.consumed.add(j)
            self.r.add("size", (label,), system, (self.segs[first].start, self.segs[last].end))
            i = last + 1

    def _phrase(self, i: int) -> str:
        seg = self.r.seg_at(i)
        return " ".join(seg.words) if seg is not None else ""

    def _number(self, i: int) -> str | None:
        seg = self.r.seg_at(i)
        if seg is None or not seg.has("number") or i in self.r.consumed:
            return None
        value = parse_number(seg.words[0])
        after = self._phrase(i + 1)
        if value is None or not 0 < value <= lx.SIZE_NUMBER_MAX or after in UNIT_WORDS | {"%", "percent"} \
                or (self.r.seg_at(i + 1) is not None and self.r.seg_at(i + 1).has("currency")):
            return None
        return f"{value:g}"

    def _centimetres_to_inches(self, i: int) -> str | None:
        """"97 cm waist" -> "38"."""
        seg = self.r.seg_at(i)
        if seg is None or not seg.has("number") or i in self.r.consumed or self._phrase(i + 1) != "cm" \
                or self._phrase(i + 2) not in lx.SIZE_MEASURES:
            return None
        value = parse_number(seg.words[0])
        return f"{round(value / 2.54)}" if value is not None and 50 <= value <= 160 else None

    def _only_words(self, first: int, last: int) -> bool:
        """"small please", "medium?": the size word is all the request says."""
        return all(seg.has("stop") or seg.has("symbol") or " ".join(seg.words) in lx.POLITE_WORDS
                   for j, seg in enumerate(self.segs) if not first <= j <= last)

    def _cue(self, i: int) -> int | None:
        """The segment of a cue right before i ("in", "in a", "size"), or None."""
        for j in (i - 1, i - 2):
            phrase = self._phrase(j)
            if phrase in ("size", "sized", "sz", "in", "in a", "in an"):
                return j
            if phrase not in ("a", "an"):
                return None
        return None

    def _size_at(self, i: int) -> tuple[int, int, str, str | None] | None:
        phrase, cue = self._phrase(i), self._cue(i)
        if phrase in lx.SIZE_SYSTEMS:
            number = self._number(i + 1)
            if number is not None:
                return (cue if cue is not None else i), i + 1, number, lx.SIZE_SYSTEMS[phrase]
            return None
        if self._phrase(i + 1) == "xl" and phrase in ("2", "3"):  # "2xl"
            return (cue if cue is not None else i), i + 1, lx.SIZE_WORDS[phrase + "xl"], None
        inches = self._centimetres_to_inches(i)
        if inches is not None:  # "a 97 cm waist": the catalog labels waists in inches
            return (cue if cue is not None else i), i + 2, inches, None
        measured = self._measure_in_inches(i)
        if measured is not None:  # "28 inch waist", "my waist is 28 inches"
            return measured
        number = self._number(i)
        if number is not None:
            if self._phrase(i + 1) in lx.POLITE_WORDS and self._only_words(i, i + 1):  # "46 please"
                return i, i, number, None
            if self._phrase(i + 1) in lx.SIZE_MEASURES:  # "a 36 waist", "46 collar"
                return (cue if cue is not None else i), i + 1, number, None
            if self._phrase(i - 1) in lx.SIZE_MEASURES and i - 1 not in self.r.consumed:  # "waist 36"
                return i - 1, i, number, None
            return (cue, i, number, None) if cue is not None and cue not in self.r.consumed else None
        for width in (3, 2, 1):
            words = " ".join(self._phrase(j) for j in range(i, i + width))
            label = lx.SIZE_WORDS.get(words)
            if label is None or (words == "one size" and self._phrase(i + width) in RELATIVE_SIZE):
                continue  # "one size up": bigger than the shopper's own, which the store does not know
            last = i + width - 1
            alone = width == 1 and len(phrase) >= 2 and phrase[-1] in "sl" and phrase[0] in "x23"
            # "small please": a spelled-out size that is all the request says; a lone "m" may be anything
            by_itself = len(words) > 1 and self._only_words(i, last)
            # "extra small pls, i'm tiny": a two-word size ending its clause ("an extra large logo" goes on)
            said = width > 1 and self._phrase(last + 1) in lx.AFTER_WORN_SIZE
            if alone or cue is not None or self._phrase(last + 1) == "size" or by_itself or said:
                return (cue if cue is not None else i), last, label, None
            worn = self._worn_cue(i) if len(words) > 2 else None  # "i'm a medium", "my usual is a large"
            ends = self._phrase(last + 1) in lx.AFTER_WORN_SIZE  # not "there is a large logo"
            if worn is not None and ends:
                return worn, last, label, None
        return None

    def _measure_in_inches(self, i: int) -> tuple[int, int, str, None] | None:
        """"28 inch waist", "waist 28 inches", "my waist is 28 inches": (first, last, label, None)."""
        seg = self.r.seg_at(i)
        if seg is None or not seg.has("number") or i in self.r.consumed \
                or self._phrase(i + 1) not in ("inch", "inches", "in", "\""):
            return None
        value = parse_number(seg.words[0])
        if value is None or not 10 <= value <= lx.SIZE_NUMBER_MAX:
            return None
        label = f"{value:g}"
        if self._phrase(i + 2) in lx.SIZE_MEASURES:
            return i, i + 2, label, None
        for measure in (i - 1, i - 2):  # "waist 28 inches", "waist is 28 inches"
            joined = measure == i - 1 or self._phrase(i - 1) == "is"
            if self._phrase(measure) in lx.SIZE_MEASURES and joined:
                return measure, i + 1, label, None
        return None

    def _worn_cue(self, i: int) -> int | None:
        """The start of "i'm a", "i wear a", "my usual is a" right before a spelled-out size."""
        prev = self._phrase(i - 1)
        if prev in ("a", "an"):
            return i - 2 if self._phrase(i - 2) in lx.WORN_SIZE_CUES else None
        return i - 1 if prev in lx.WORN_SIZE_CUES and prev != "is" else None


