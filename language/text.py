"""Tokenising shoppers' text: words, numbers ("1.5k", "1,500", "3/4") and the symbols that matter
(currency, comparison, list joiners, clause ends), each with its character span in the text as typed.

Hyphens and other punctuation separate words ("v-neck" reads "v neck"); a hyphen between two numbers
is kept ("500-1000" is a range). A possessive "'s" is dropped ("women's" reads "women").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from language.lexicon import APPROVAL_EMOJI, FOREIGN_CURRENCIES, MONEY_NOUNS, POSTFIX_MARK, REJECTION_EMOJI

MAX_TOKENS = 160  # longer requests are read up to here (a request is a sentence or two)

_TOKEN = re.compile(
    r"""w/o|w/(?=\s)
      | rs\.(?=\s?\d)
      | \d/\d(?:th)?
      | \d+(?:[.,]\d+)*(?:\s?k\b)?
      | [^\W\d_]+(?:'[^\W\d_]+)*
      | ->|=>|[→⇒➡⟶]
      | <=|>=|[<>≤≥%₹$€£¥~&/,.;:!?+\-–]
      | [❌🚫👎🙅⛔✖🤮🤢✅👍✔😍❤🔥💯]""",
    re.VERBOSE | re.IGNORECASE,
)
_CURRENCY = {"₹", "rs", "$", "€", "£", "¥", "inr"}
ARROWS = frozenset({"->", "=>", "→", "⇒", "➡", "⟶"})
_QUOTES = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'"})


@dataclass(frozen=True, slots=True)
class Token:
    """One token: ``norm`` is its lower-case reading, ``start``/``end`` its span in the typed text."""

    norm: str
    start: int
    end: int
    possessive: bool = False

    @property
    def is_number(self) -> bool:
        return self.norm[:1].isdigit()

    @property
    def is_word(self) -> bool:
        return self.norm[:1].isalpha()


def tokenize(text: str) -> list[Token]:
    """Tokens of ``text`` (at most ``MAX_TOKENS``), spans pointing into ``text`` itself."""
    clean = text.translate(_QUOTES)  # same length: spans stay valid
    raw: list[Token] = []
    for m in _TOKEN.finditer(clean):
        word = m.group().lower()
        possessive = False
        if word.endswith("'s") and len(word) > 2:
            word, possessive = word[:-2], True
        elif word.endswith("s'") and len(word) > 2:
            word, possessive = word[:-1], True
        if word == "rs.":
            word = "rs"
        elif word in ARROWS:
            word = "→"  # "pink -> green", "pink ➡️ green": one arrow
        elif word.startswith(tuple("0123456789")) and "/" in word:
            word = word[:3]  # 3/4th -> 3/4
        elif word in REJECTION_EMOJI:  # after a word: a mark on it ("navy ❌"); else "no" ("🚫 navy")
            word = POSTFIX_MARK if raw and (raw[-1].is_word or raw[-1].norm == POSTFIX_MARK) else "no"
        elif word in APPROVAL_EMOJI:
            word = "yes"
        raw.append(Token(word, m.start(), m.end(), possessive))
        if len(raw) >= MAX_TOKENS + 1:
            break
    raw = merge_number_words(raw[:MAX_TOKENS])
    out: list[Token] = []
    for i, tok in enumerate(raw):
        if tok.norm in MONEY_NOUNS:  # "a tenner": a currency and a number, both spanning the word
            if out and out[-1].norm in ("a", "an"):
                out.pop()
            out += [Token(part, tok.start, tok.end) for part in MONEY_NOUNS[tok.norm]]
            continue
        if tok.norm in {"-", "–"}:
            prev_num = i > 0 and raw[i - 1].is_number
            j = i + 1
            while j < len(raw) and raw[j].norm in _CURRENCY:
                j += 1
            if not (prev_num and j < len(raw) and raw[j].is_number):
                continue
        out.append(tok)
    return out


_UNITS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen".split())}
_TENS = {w: 10 * (i + 2)
         for i, w in enumerate("twenty thirty forty fifty sixty seventy eighty ninety".split())}
# Words for money after an amount in words ("twenty quid"): the lexicon's currencies, one word each.
_MONEY_WORDS = frozenset({w for w in FOREIGN_CURRENCIES if " " not in w} | {"rupees", "rupee", "rs", "inr"})
_SCALES = {"hundred": 100, "thousand": 1000, "grand": 1000, "lakh": 100_000, "lakhs": 100_000}


def merge_number_words(tokens: list[Token]) -> list[Token]:
    """"five hundred", "2 thousand", "a thousand", "one lakh" -> one number token. Only a run with a
    scale word counts ("this one" stays a word)."""
    out: list[Token] = []
    i = 0
    while i < len(tokens):
        j, total, current, scaled = i, 0.0, 0.0, False
        while j < len(tokens):
            w = tokens[j].norm
            if w in _SCALES and (current or j > i):
                total, current, scaled = total + max(current, 1) * _SCALES[w], 0.0, True
            elif w in _UNITS or w in _TENS:
                current += _UNITS.get(w, 0) + _TENS.get(w, 0)
            elif tokens[j].is_number and "/" not in w and j == i and parse_number(w) is not None:
                current = parse_number(w) or 0.0
            elif w in ("a", "an") and j == i:
                current = 1.0
            elif w == "and" and j > i and j + 1 < len(tokens) and tokens[j + 1].norm in _UNITS | _TENS:
                pass
            else:
                break
            j += 1
        # "twenty quid", "fifty bucks": number words alone are a number before a currency word
        priced = j > i and current and j < len(tokens) and tokens[j].norm in _MONEY_WORDS \
            and all(t.norm in _UNITS or t.norm in _TENS or t.norm == "and" for t in tokens[i:j])
        if scaled or priced:
            value = total + current
            out.append(Token(f"{value:g}", tokens[i].start, tokens[j - 1].end))
            i = j
        else:
            out.append(tokens[i])
            i += 1
    return out


def phrase_key(phrase: str) -> tuple[str, ...]:
    """A lexicon or catalog phrase tokenised like the shopper's text ("V-Neck" -> ("v", "neck"),
    "U.S. Polo Assn." -> ("u", "s", "polo", "assn")); a phrase of symbols only keeps them ("<=")."""
    words = tuple(t.norm for t in tokenize(phrase))
    kept = tuple(w for w in words if w not in {".", ",", "-", "–"})
    return kept or words


def parse_number(word: str) -> float | None:
    """ "800" -> 800, "1,500" -> 1500, "1.5k" -> 1500, "2 k" -> 2000; None when not a number."""
    w = word.replace(" ", "").lower()
    scale = 1.0
    if w.endswith("k"):
        w, scale = w[:-1], 1000.0
    if re.fullmatch(r"\d{1,3}(,\d{3})+(\.\d+)?", w):
        w = w.replace(",", "")
    elif "," in w:
        w = w.replace(",", ".") if re.fullmatch(r"\d+,\d{1,2}", w) else w.replace(",", "")
    try:
        return float(w) * scale
    except ValueError:
        return None
