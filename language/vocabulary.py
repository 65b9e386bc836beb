"""The constraint vocabulary: the catalog's own values plus the English lexicon that reaches them.

``Vocabulary.from_records`` reads plain product dicts once (well under a second for ~10k products) and
precomputes everything ``interpret`` looks up: a phrase table (token tuple -> senses), the catalog
values per field, which attribute keys each article type uses, colour families, shopper colour words
mapped to catalog colours by CIEDE2000 distance, and the typo-correction dictionary. A Vocabulary is
read-only after construction (only its typo cache grows) and pickles, so it can be cached per process.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from rapidfuzz import process
from rapidfuzz.distance import OSA
from wordfreq import zipf_frequency

from language import lexicon as lx
from language.colour import (
    catalog_colour_lab,
    load_colour_lightness,
    named_colours,
    nearest_catalog_colours,
)
from language.text import phrase_key

COMMON_ZIPF = 3.0        # English words at least this frequent are never "corrected" (but see below)
SHADE_LIGHTNESS_GAP = 8  # a named shade this much lighter/darker (L*) than its basic hue takes a half


@dataclass(frozen=True, slots=True)
class Sense:
    """One reading of a phrase. ``kind`` says what it is; ``values`` are catalog values (colours,
    article types, attribute values as "Value" or "Key=Value", brands, seasons); ``extra`` is a
    kind-specific detail (a direction, an operator, a usage, whether a brand needs a cue)."""

    kind: str
    values: tuple[str, ...] = ()
    extra: object = None


@dataclass(frozen=True)
class Vocabulary:
    """Catalog values + phrase table. Build with ``Vocabulary.from_records``; treat as read-only."""

    fields: dict[str, tuple[str, ...]]                 # base_colour, brand, article_type, ... -> values
    attribute_values: dict[str, frozenset[str]]        # attribute key -> values
    attribute_keys_by_type: dict[str, frozenset[str]]  # article type -> attribute keys it uses
    attribute_values_by_type: dict[str, dict[str, frozenset[str]]]  # type -> key -> values
    sub_category_of_type: dict[str, str]
    master_of_type: dict[str, str]
    types_by_sub_category: dict[str, tuple[str, ...]]
    audiences_of_type: dict[str, frozenset[tuple[str, str]]]  # type -> {(gender, age_group)}
    colour_lightness: dict[str, float]
    colour_families: dict[str, tuple[str, ...]]        # family word -> catalog colours
    phrases: dict[tuple[str, ...], tuple[Sense, ...]]
    max_phrase_len: int
    known_words: frozenset[str]
    correction_targets: tuple[str, ...]
    fashion_words: frozenset[str]
    sizes_by_type: dict[str, frozenset[str]] = field(default_factory=dict)  # type -> size labels offered
    _corrections: dict[str, str] = field(default_factory=dict, compare=False, repr=False)

    # ------------------------------------------------------------------ construction
    @classmethod
    def from_records(cls, records: Iterable[Mapping],
                     colour_lightness: Mapping[str, float] | None = None) -> Vocabulary:
        """Build from product dicts with the catalog's keys. ``colour_lightness`` (L* per base colour)
        defaults to the committed measured table, then to the named colours' L*."""
        stats = _CatalogStats.collect(records)
        lightness = dict(colour_lightness) if colour_lightness is not None else load_colour_lightness()
        named = named_colours()
        cat_lab = catalog_colour_lab([c for c in stats.colours if c.lower() not in lx.NON_HUE_COLOURS],
                                     named, lx.CATALOG_COLOUR_ALIASES)
        for colour, lab in cat_lab.items():
            lightness.setdefault(colour, round(lab[0], 1))
        lightness = {c: v for c, v in lightness.items() if c in stats.colours
                     and c.lower() not in lx.NON_HUE_COLOURS}
        builder = _PhraseBuilder(stats, lightness)
        builder.add_attributes()
        builder.add_types()
        builder.add_colours(named, cat_lab)  # after: a fabric or type word is never a named colour
        builder.add_brands()
        builder.add_cues()
        phrases = builder.finish()
        words = {w for key in phrases for w in key}
        targets = tuple(sorted(w for w in words if len(w) >= 3 and w.isalpha()))
        return cls(
            fields=stats.fields(), attribute_values={k: frozenset(v) for k, v in stats.attrs.items()},
            attribute_keys_by_type={t: frozenset(k) for t, k in stats.values_by_type.items()},
            attribute_values_by_type={t: {k: frozenset(v) for k, v in kv.items()}
                                      for t, kv in stats.values_by_type.items()},
            sub_category_of_type=stats.sub_of_type, master_of_type=stats.master_of_type,
            types_by_sub_category={s: tuple(sorted(t)) for s, t in stats.types_by_sub.items()},
            audiences_of_type={t: frozenset(a) for t, a in stats.audiences.items()},
            colour_lightness=lightness, colour_families=builder.families, phrases=phrases,
            max_phrase_len=max((len(k) for k in phrases), default=1),
            known_words=frozenset(words | lx.STOPWORDS), correction_targets=targets,
            fashion_words=frozenset(builder.fashion_words),
            sizes_by_type={t: frozenset(labels) for t, labels in stats.sizes.items()},
        )

    @classmethod
    def from_jsonl(cls, path: str | Path, **kwargs) -> Vocabulary:
        """Convenience: build from a products.jsonl file."""
        with open(path, encoding="utf-8") as f:
            return cls.from_records((json.loads(line) for line in f if line.strip()), **kwargs)

    # ------------------------------------------------------------------ lookups
    def values_of(self, field_name: str) -> frozenset[str]:
        """Every catalog value of a product field or attribute key (empty for numeric fields)."""
        if field_name in self.fields:
            return frozenset(self.fields[field_name])
        return self.attribute_values.get(field_name, frozenset())

    def keys_with_value(self, value: str) -> tuple[str, ...]:
        """Attribute keys whose catalog values include ``value``."""
        return tuple(k for k, vs in self.attribute_values.items() if value in vs)

    def correct(self, word: str) -> str:
        """The fashion word a typo stands for, or ``word`` itself.

        Only words of 4+ letters that the lexicon does not know are corrected, by OSA distance (adjacent
        transpositions count 1): at most 1 edit up to 6 letters (and the same first letter below 6), 2
        from 7 letters. A frequent English word (zipf >= 3) is left alone unless it is a fashion word
        with a doubled or undoubled letter ("stripped" -> "striped", "lose" -> "loose")."""
        if len(word) < 4 or not word.isalpha() or word in self.known_words:
            return word
        cached = self._corrections.get(word)
        if cached is not None:
            return cached
        result = self._find_correction(word)
        if len(self._corrections) < 50_000:
            self._corrections[word] = result
        return result

    def _find_correction(self, word: str) -> str:
        max_d = 1 if len(word) <= 6 else 2
        found = process.extract(word, self.correction_targets, scorer=OSA.distance,
                                score_cutoff=max_d, limit=20)
        if not found:
            return word
        best_d = min(d for _, d, _ in found)
        cands = [c for c, d, _ in found if d == best_d and abs(len(c) - len(word)) <= max_d]
        if len(word) <= 5:
            cands = [c for c in cands if c[0] == word[0]]
        if not cands:
            return word
        if zipf_frequency(word, "en") >= COMMON_ZIPF:
            cands = [c for c in cands if c in self.fashion_words and _doubling(word, c)]
            if not cands:
                return word
        return max(cands, key=lambda c: (_doubling(word, c), sorted(c) == sorted(word),
                                         c in self.fashion_words, zipf_frequency(c, "en"), c))


def _doubling(a: str, b: str) -> bool:
    """True when a and b differ only by one doubled letter ("stripped"/"striped")."""
    if abs(len(a) - len(b)) != 1:
        return False
    long, short = (a, b) if len(a) > len(b) else (b, a)
    for i in range(1, len(long)):
        if long[i] == long[i - 1] and long[:i] + long[i + 1:] == short:
            return True
    return False


# ====================================================================== catalog statistics

@dataclass
class _CatalogStats:
    colours: set[str] = field(default_factory=set)
    values: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    attrs: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    values_by_type: dict[str, dict[str, set[str]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(set)))
    sub_of_type: dict[str, str] = field(default_factory=dict)
    master_of_type: dict[str, str] = field(default_factory=dict)
    types_by_sub: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    audiences: dict[str, set[tuple[str, str]]] = field(default_factory=lambda: defaultdict(set))
    sizes: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))

    FIELDS = ("article_type", "sub_category", "master_category", "gender", "age_group", "base_colour",
              "brand", "season", "usage")

    @classmethod
    def collect(cls, records: Iterable[Mapping]) -> _CatalogStats:
        s = cls()
        sub_counts: dict[str, Counter] = defaultdict(Counter)
        master_counts: dict[str, Counter] = defaultdict(Counter)
        for r in records:
            for f in cls.FIELDS:
                v = r.get(f)
                if v:
                    s.values[f][str(v)] += 1
            t = str(r.get("article_type") or "")
            if t:
                sub_counts[t][str(r.get("sub_category") or "")] += 1
                master_counts[t][str(r.get("master_category") or "")] += 1
                s.audiences[t].add((str(r.get("gender") or ""), str(r.get("age_group") or "")))
            if t and r.get("sizes"):
                s.sizes[t].update(str(label) for label in r["sizes"])
            for k, v in (r.get("attributes") or {}).items():
                if v:
                    s.attrs[str(k)].add(str(v))
                    if t:
                        s.values_by_type[t][str(k)].add(str(v))
        s.colours = set(s.values["base_colour"])
        for t, c in sub_counts.items():
            s.sub_of_type[t] = c.most_common(1)[0][0]
            s.types_by_sub[s.sub_of_type[t]].add(t)
        s.master_of_type = {t: c.most_common(1)[0][0] for t, c in master_counts.items()}
        return s

    def fields(self) -> dict[str, tuple[str, ...]]:
        return {f: tuple(v for v, _ in self.values[f].most_common()) for f in self.FIELDS}


# ====================================================================== phrase table

class _PhraseBuilder:
    """Collects phrase -> senses from the catalog values and the lexicon."""

    def __init__(self, stats: _CatalogStats, lightness: dict[str, float]):
        self.stats = stats
        self.lightness = lightness
        self.table: dict[tuple[str, ...], list[Sense]] = defaultdict(list)
        self.families: dict[str, tuple[str, ...]] = {}
        self.fashion_words: set[str] = set()
        self.all_attr_values = {v for vs in stats.attrs.values() for v in vs}

    def add(self, phrase: str | tuple[str, ...], sense: Sense, fashion: bool = True) -> None:
        key = phrase if isinstance(phrase, tuple) else phrase_key(phrase)
        if key and sense not in self.table[key]:
            self.table[key].append(sense)
            if fashion:
                self.fashion_words.update(w for w in key if w not in lx.STOPWORDS)

    def finish(self) -> dict[tuple[str, ...], tuple[Sense, ...]]:
        out = {k: tuple(v) for k, v in self.table.items()}
        for key, senses in list(out.items()):  # singular/plural of the last word
            for variant in _number_variants(key[-1]):
                vkey = (*key[:-1], variant)
                if vkey not in out:
                    out[vkey] = senses
        return out

    # -------------------------------------------------------------- colours
    def add_colours(self, named: Mapping[str, list], cat_lab: Mapping[str, tuple]) -> None:
        colours = sorted(self.stats.colours)
        for fam, members in lx.COLOUR_FAMILIES.items():
            found = tuple(c for c in colours if c.lower() not in lx.NON_HUE_COLOURS
                          and any(_contains_words(c.lower(), m) for m in members))
            if found:
                self.families[fam] = found
        for fam, found in self.families.items():  # a basic colour word means its family
            self.add(fam, Sense("colour", found, fam))
        for form, fam in lx.COLOUR_FAMILY_FORMS.items():
            if fam in self.families:
                self.add(form, Sense("colour", self.families[fam], fam))
        for colour in colours:
            if colour.lower() not in lx.NON_HUE_COLOURS and phrase_key(colour) not in self.table:
                self.add(colour.lower(), Sense("colour", (colour,)))
        for phrase, names in lx.COLOUR_SYNONYMS.items():
            found = tuple(c for c in names if c in self.stats.colours)
            if found and phrase_key(phrase) not in self.table:
                self.add(phrase, Sense("colour", found))
        multi = tuple(c for c in colours if c.lower() == "multi")
        for word in lx.MULTI_COLOUR_WORDS:
            self.add(word, Sense("colour", multi) if multi else Sense("style"))
        self._add_named_colours(named, cat_lab)
        for word, direction in lx.LIGHTNESS_WORDS.items():
            self.add(word, Sense("lightness", extra=direction))
        for word in lx.DARK_MODIFIERS:
            self.add(word, Sense("colour_mod", extra=-1))
        for word in lx.LIGHT_MODIFIERS:
            self.add(word, Sense("colour_mod", extra=1))

    def _add_named_colours(self, named: Mapping[str, list], cat_lab: Mapping[str, tuple]) -> None:
        family_forms = {**{f: f for f in self.families}, **lx.COLOUR_FAMILY_FORMS}
        for name, labs in named.items():
            key = phrase_key(name)
            if not key or key in self.table or name in lx.NOT_COLOUR_NAMES:
                continue
            fam = next((family_forms[w] for w in key if family_forms.get(w) in self.families), None)
            if fam is not None and len(key) > 1:
                values = self._shade_of_family(fam, labs[0][0], named)
            else:
                values = nearest_catalog_colours(labs, cat_lab)
            if values:
                self.add(key, Sense("colour", values, "named"), fashion=False)

    def _shade_of_family(self, fam: str, shade_l: float, named: Mapping[str, list]) -> tuple[str, ...]:
        """"sky blue": the blue family, keeping the lighter half when the shade is clearly lighter than
        plain "blue" (the darker half when darker), halves split at the family colour's lightness."""
        members = self.families[fam]
        head = next((c for c in members if c.lower() == fam), None)
        if head is None or fam not in named or head not in self.lightness:
            return members
        gap = shade_l - named[fam][0][0]
        head_l = self.lightness[head]
        if gap > SHADE_LIGHTNESS_GAP:
            return tuple(c for c in members if self.lightness.get(c, head_l) >= head_l - 3)
        if gap < -SHADE_LIGHTNESS_GAP:
            return tuple(c for c in members if self.lightness.get(c, head_l) <= head_l + 3)
        return members

    # -------------------------------------------------------------- attributes
    def add_attributes(self) -> None:
        for key, values in self.stats.attrs.items():
            if key in lx.SKIP_AUTO_KEYS:
                continue
            for value in values:
                if value.lower() not in lx.GENERIC_ATTRIBUTE_VALUES:
                    self.add(value.lower(), Sense("attr", (value,)))
        for table in (lx.PATTERNS, lx.SLEEVES, lx.NECKS, lx.FITS, lx.FABRICS, lx.LENGTHS, lx.TYPE_VALUES):
            for phrase, values in table.items():
                kept = self._attr_values(values)
                generic = "generic" if phrase in lx.GENERIC_PATTERN_WORDS else None
                self.add(phrase, Sense("attr", kept, generic) if kept else Sense("style"))
        for phrase, (scale, direction) in lx.RELATIVE_ATTRIBUTES.items():
            if scale in self.stats.attrs:
                self.add(phrase, Sense("relative", (scale,), direction))
            else:
                self.add(phrase, Sense("style"))
        for word in lx.COLLAR_WORDS:
            self.add(word, Sense("collar", extra=1))
        for word in lx.COLLARLESS_WORDS:
            self.add(word, Sense("collar", extra=-1))
        for word in ("longer", "shorter"):
            self.add(word, Sense("length", extra=1 if word == "longer" else -1))

    def _attr_values(self, values: Iterable[str]) -> tuple[str, ...]:
        out = []
        for v in values:
            key, _, val = v.rpartition("=")
            if (val in self.stats.attrs.get(key, ())) if key else (val in self.all_attr_values):
                out.append(v)
        return tuple(out)

    # -------------------------------------------------------------- types
    def add_types(self) -> None:
        types = set(self.stats.values["article_type"])
        for t in types:
            self.add(t.lower(), Sense("type", (t,), ()))
        for sub, members in self.stats.types_by_sub.items():  # "headwear", "bottomwear"
            if sub and phrase_key(sub) not in self.table:
                self.add(sub.lower(), Sense("type", tuple(sorted(members)), ()))
        for phrase, wanted in lx.TYPE_WORDS.items():
            kept = tuple(t for t in wanted if t in types)
            implies = self._attr_values(lx.TYPE_IMPLIES.get(phrase, ()))
            if kept:
                self.add(phrase, Sense("type", kept, implies))

    # -------------------------------------------------------------- brands
    def add_brands(self) -> None:
        named = {k for k, senses in self.table.items() if all(x.extra == "named" for x in senses)}
        lexicon_words = {w for k in self.table if k not in named for w in k} | lx.STOPWORDS
        for brand in self.stats.values["brand"]:
            key = phrase_key(brand)
            if not key:
                continue
            self.add(key, Sense("brand", (brand,), _brand_needs_cue(key, lexicon_words)))
            for alias in lx.BRAND_ALIASES.get(brand, ()):  # a lexicon alias of several words is a name
                akey = phrase_key(alias)
                needs_cue = len(akey) == 1 and _brand_needs_cue(akey, lexicon_words)
                self.add(akey, Sense("brand", (brand,), needs_cue))

    # -------------------------------------------------------------- cue words
    def add_cues(self) -> None:
        groups: list[tuple[Iterable[str], Sense]] = [
            (lx.NEGATION_CUES, Sense("negation")), (lx.CORRECTION_CUES, Sense("correction")),
            (lx.CHEAPER_WORDS, Sense("price_rel", extra=-1)),
            (lx.PRICIER_WORDS, Sense("price_rel", extra=1)),
            (lx.HALF_PRICE_WORDS, Sense("price_rel", extra=0)),
            (lx.DISCOUNT_WORDS, Sense("discount")), (lx.CURRENCY_WORDS, Sense("currency")),
            (lx.BRAND_BEFORE, Sense("brand_before")), (lx.BRAND_AFTER, Sense("brand_after")),
            (lx.CHANGE_BEFORE, Sense("change_before")), (lx.CHANGE_AFTER, Sense("change_after")),
            (lx.NON_CHANGE_BEFORE, Sense("non_change")), (lx.SAME_WORDS, Sense("same")),
            (lx.COMPANION_BEFORE, Sense("companion_before")), (lx.COMPANION_AFTER, Sense("companion_after")),
            (lx.DIFFERENT_WORDS, Sense("different")), (lx.MORE_WORDS, Sense("more")),
            (lx.LESS_WORDS, Sense("less")), (lx.BOUNDARIES, Sense("boundary")),
            (lx.NEGATION_JOINERS, Sense("joiner")), (lx.AUDIENCE_CUES, Sense("audience_cue")),
            (lx.STYLE_WORDS, Sense("style")), (lx.STYLE_PHRASES, Sense("style")),
        ]
        for words, sense in groups:
            for w in words:
                self.add(w, sense, fashion=False)
        for phrase, code in lx.FOREIGN_CURRENCIES.items():
            self.add(phrase, Sense("currency", extra=code), fashion=False)
        for phrase, op in lx.PRICE_CUES.items():
            self.add(phrase, Sense("price_cue", extra=op), fashion=False)
        for phrase, meaning in lx.IDIOMS.items():
            if meaning in ("cheaper", "pricier"):
                sense = Sense("price_rel", extra=-1 if meaning == "cheaper" else 1)
            else:
                sense = Sense("occasion", extra=meaning) if meaning else Sense("idiom")
            self.add(phrase, sense, fashion=False)
        for phrase, audience in lx.AUDIENCE_WORDS.items():
            self.add(phrase, Sense("audience", extra=audience))
        usages = set(self.stats.values["usage"])
        for phrase, usage in lx.OCCASIONS.items():
            known = usage in usages or usage in self.stats.attrs.get("Occasion", ()) or \
                bool(usages & set(lx.OCCASION_GROUPS.get(usage, ())))
            self.add(phrase, Sense("occasion", extra=usage) if known else Sense("style"))
        seasons = set(self.stats.values["season"])
        for phrase, wanted in lx.SEASONS.items():
            kept = tuple(s for s in wanted if s in seasons)
            self.add(phrase, Sense("season", kept) if kept else Sense("style"))
        for phrase, fld in lx.FIELD_WORDS.items():
            self.add(phrase, Sense("field", extra=fld), fashion=False)


def _contains_words(name: str, words: str) -> bool:
    """"navy blue" contains "navy" and "blue", not "lue"."""
    return f" {words} " in f" {name} "


def _number_variants(word: str) -> tuple[str, ...]:
    if len(word) <= 2 or not word.isalpha():
        return ()
    if word.endswith("ss"):
        return (word + "es",)
    if word.endswith("es") and word[:-2].endswith(("s", "x", "z", "ch", "sh")):
        return (word[:-2], word[:-1])
    if word.endswith("s"):
        return (word[:-1],)
    return (word + ("es" if word.endswith(("x", "ch", "sh")) else "s"),)


def _brand_needs_cue(key: tuple[str, ...], lexicon_words: set[str]) -> bool:
    """Whether a brand name is also ordinary English ("W", "Basics", "Turtle", "Red Tape"), so only a
    cue ("from", "by", "brand") or a following product word makes it the brand.

    One word: three letters or fewer, digits, a word the lexicon knows, a very common word (zipf >= 4.5),
    or a common English word (zipf >= 2.5) clearly more frequent in English than in German and French
    (0.55 zipf; international brand names like Nike or Puma are about as frequent everywhere).
    Several words: when one is a lexicon word and all are common English ("Red Tape", "Mother Earth")."""
    if len(key) > 1:
        return any(w in lexicon_words for w in key) and all(
            w in lexicon_words or zipf_frequency(w, "en") >= COMMON_ZIPF or not w.isalpha() for w in key)
    word = key[0]
    if len(word) <= 3 or not word.isalpha() or word in lexicon_words:
        return True
    en = zipf_frequency(word, "en")
    if en < 2.5 or en >= 4.5:
        return en >= 4.5
    others = (zipf_frequency(word, "de") + zipf_frequency(word, "fr")) / 2
    return en - others >= 0.55
