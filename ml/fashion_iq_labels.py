"""Read Fashion IQ relative captions as catalog attribute values, like a strict annotator.

    read_caption_attributes(["is solid gray", "has long sleeves"])
    -> {"base_colour": ("Grey", "Grey Melange", "Charcoal"), "Pattern": ("Solid",),
        "Sleeve Length": ("Long Sleeves",)}

Fields read: base_colour, Pattern, Sleeve Length, Neck. Precision over recall:
- A colour counts as the garment's colour only where it describes the garment ("is red",
  "a red shirt", "red in color", "is a darker blue"), never a detail ("white words",
  "a blue logo", "the text is white", "a tan colored bear"). An ambiguous noun after a colour
  makes it a detail.
- Every mention of a field must agree: the values kept are those all mentions allow. Two
  colours ("black and white", "is red" + "is blue"), "long" + "short sleeves", "solid" +
  "graphic" give None (a contradiction), as do "shorter sleeves" + "long sleeves" and
  "longer sleeves" + "sleeveless".
- Negated mentions ("not blue", "no stripes", "isn't red", "without a print") are never
  requests for the value. A pair keeps them only when a value it asks for in the same field
  already excludes them ("is plain white" + "not checked" -> Solid; "is red, not blue" -> Red);
  otherwise it is skipped (None, reason "negated"): the result cannot express an exclusion, and
  keeping the rest would reward a reader that misses the negation. Phrases whose negation
  names a value are read as that value: "no pattern" -> Solid, "no sleeves" -> Sleeveless.
- Relative words ("darker", "longer sleeves", "more colorful", "more stripes") are not values;
  a pair with nothing absolute readable gives None.
- A pair naming a garment outside tops and dresses ("is a pair of pants") gives None.
- Clauses naming nothing checkable ("has a dragon graphic" beyond Printed, "is more fitted")
  are allowed: they are what shoppers write.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

BLUE = ("Blue", "Navy Blue", "Turquoise Blue")
GREEN = ("Green", "Olive", "Sea Green", "Fluorescent Green")
GREY = ("Grey", "Grey Melange", "Charcoal")
BROWN = ("Brown", "Coffee Brown", "Tan", "Taupe")
PINK = ("Pink", "Magenta")
PURPLE = ("Purple", "Lavender", "Mauve")
YELLOW = ("Yellow", "Mustard")
WHITE = ("White", "Off White")
WINE = ("Maroon", "Burgundy")
BEIGE = ("Beige", "Cream", "Khaki")

# Colour phrases (one or two words) -> catalog base colours.
COLOURS: dict[str, tuple[str, ...]] = {
    "black": ("Black",), "white": WHITE, "off white": ("Off White", "Cream", "White"),
    "ivory": ("Cream", "Off White", "White"), "cream": ("Cream", "Off White"),
    "grey": GREY, "gray": GREY, "charcoal": ("Charcoal", "Grey"), "silver": ("Silver", "Grey"),
    "dark grey": ("Charcoal", "Grey"), "dark gray": ("Charcoal", "Grey"),
    "light grey": ("Grey", "Grey Melange"), "light gray": ("Grey", "Grey Melange"),
    "blue": BLUE, "navy": ("Navy Blue",), "navy blue": ("Navy Blue",), "dark blue": ("Navy Blue", "Blue"),
    "light blue": ("Blue", "Turquoise Blue"), "sky blue": ("Blue", "Turquoise Blue"),
    "baby blue": ("Blue", "Turquoise Blue"), "royal blue": ("Blue",),
    "turquoise": ("Turquoise Blue", "Teal", "Blue"), "aqua": ("Turquoise Blue", "Teal", "Blue"),
    "teal": ("Teal", "Turquoise Blue", "Sea Green"),
    "red": ("Red",), "dark red": ("Maroon", "Burgundy", "Red"), "maroon": WINE, "burgundy": WINE,
    "wine": WINE, "crimson": ("Red", "Maroon"), "scarlet": ("Red",),
    "pink": PINK, "hot pink": ("Pink", "Magenta"), "magenta": ("Magenta", "Pink"),
    "fuchsia": ("Magenta", "Pink"), "purple": PURPLE, "violet": PURPLE,
    "lavender": ("Lavender", "Purple"), "lilac": ("Lavender", "Purple"),
    "green": GREEN, "olive": ("Olive", "Green"), "olive green": ("Olive", "Green"),
    "army green": ("Olive", "Green"), "dark green": ("Green", "Olive"), "mint": ("Green", "Sea Green"),
    "yellow": YELLOW, "mustard": ("Mustard", "Yellow"), "gold": ("Gold",), "golden": ("Gold",),
    "orange": ("Orange", "Rust"), "rust": ("Rust", "Orange", "Brown"),
    "peach": ("Peach", "Orange", "Pink"), "coral": ("Peach", "Orange", "Pink"),
    "brown": BROWN, "tan": ("Tan", "Beige", "Khaki", "Brown"), "beige": BEIGE, "khaki": ("Khaki", "Beige"),
    "multicolored": ("Multi",), "multicolor": ("Multi",), "multicoloured": ("Multi",),
}
# "-ish" words count as mentions of the base colour (so "greenish and grey" is two colours).
for _base in ("blue", "green", "grey", "gray", "red", "pink", "purple", "yellow", "brown", "orange"):
    COLOURS[_base + "ish"] = COLOURS[_base]
COLOURS["reddish"] = COLOURS["red"]

GARMENT_NOUNS = {
    "shirt", "shirts", "tshirt", "tshirts", "tee", "tees", "top", "tops", "blouse", "blouses", "dress",
    "dresses", "gown", "tunic", "tank", "tanktop", "cami", "camisole", "sweater", "sweatshirt", "hoodie",
    "jacket", "cardigan", "polo", "henley", "jersey", "one", "version", "item", "outfit", "piece",
    "garment", "romper", "jumpsuit", "shade", "overall", "instead",
}
COLOUR_WORDS = {"color", "colour", "colored", "coloured", "colore", "colors", "colours", "tone", "toned",
                "tones", "hue", "in", "all", "entirely", "mostly", "only", "overall"}
PURE_ADJECTIVES = {
    "striped", "plaid", "checkered", "checked", "solid", "plain", "loose", "fitted", "tight", "long",
    "short", "sleeved", "sleeveless", "cotton", "casual", "buttondown", "vneck", "collared", "halter",
    "sheer", "lace", "lacy", "silky", "satin", "knit", "denim", "flowy", "cropped", "crop", "mini",
    "maxi", "midi", "shiny", "fitting", "womens", "mens", "stripped", "light", "dark", "bright", "pale",
    "deep", "neon", "pastel", "and", "or", "patterned",
}
SLEEVE_LENGTH_WORDS = {"long", "short", "half", "full"}
AMBIGUOUS_NOUNS = {"graphic", "print", "printed", "floral", "pattern", "design", "logo"}
CLAUSE_ENDS = {"without", "no", "that", "which"}
DETAIL_NOUNS = {
    "logo", "logos", "text", "words", "word", "letters", "letter", "lettering", "writing", "font",
    "graphic", "graphics", "print", "prints", "image", "images", "picture", "design", "designs",
    "pattern", "patterns", "stripes", "stripe", "sleeves", "sleeve", "collar", "buttons", "button",
    "trim", "pocket", "pockets", "icon", "icons", "animal", "cartoon", "character", "flowers", "flower",
    "dots", "accents", "accent", "detail", "details", "straps", "strap", "belt", "bow", "band", "hem",
    "neckline", "neck", "background", "skirt", "bodice", "waist", "lining", "slogan", "message",
}
NEGATORS = {"not", "no", "non", "isnt", "without", "never", "nor", "neither", "doesnt", "dont", "lacks"}
RELATIVE_BEFORE = {"more", "less", "fewer", "lesser"}
RELATIVE_WORDS = re.compile(
    r"\b(darker|lighter|brighter|duller|deeper|paler|bolder|longer|shorter|looser|tighter|"
    r"more|less|fewer|busier|simpler|plainer|higher|lower|bigger|smaller)\b"
)
SPLIT_WORDS = {"and", "but", "with", "while", "plus", "or", "also", "though", "although", "yet"}
OFF_TYPE = re.compile(
    r"\b(pants|trousers|jeans|shorts|shoes?|boots?|sneakers|hat|bag|purse|leggings|socks|scarf"
    r"|jackets?|coats?|blazers?|skirts?|vests?|hoodies?|sweaters?|cardigans?|sweatshirts?|jumpsuits?"
    r"|rompers?|kimonos?|shrugs?|tunics?)\b"
)

# (regex, values) per field; matched on a clause's normalised text.
PHRASES: dict[str, list[tuple[re.Pattern, tuple[str, ...]]]] = {
    "Pattern": [
        (re.compile(r"\b(no pattern|one colou?r(ed)?|single colou?r(ed)?|solid|plain)\b"), ("Solid",)),
        (re.compile(r"\b(striped|stripes|stripey|stripy|pinstriped?|pinstripes)\b"), ("Striped",)),
        (re.compile(r"\b(plaid|checkered|checked|gingham|tartan|checks)\b"), ("Checked",)),
        (re.compile(r"\b(floral|flowery|flowered|printed|prints?|graphics?)\b"), ("Printed",)),
    ],
    "Sleeve Length": [
        (re.compile(r"\b(long|full) sleeve[sd]?\b"), ("Long Sleeves",)),
        (re.compile(r"\b(short|half) sleeve[sd]?\b"), ("Short Sleeves",)),
        (re.compile(r"\b(three quarter|3/4|quarter length) sleeve[sd]?\b"), ("Three-Quarter Sleeves",)),
        (re.compile(r"\b(sleeveless|(no|without|(does ?n[o']?t|doesnt) have) sleeve[sd]?|tank ?tops?|tank|"
                    r"strapless|spaghetti straps?)\b"), ("Sleeveless", "No Sleeves")),
    ],
    "Neck": [
        (re.compile(r"\bvneck\b"), ("V-Neck",)),
        (re.compile(r"\b(round|rounded|crew) ?neck(line)?\b"), ("Round Neck",)),
        (re.compile(r"\bscoop ?neck(line)?\b"), ("Scoop Neck",)),
        (re.compile(r"\bboat ?neck(line)?\b"), ("Boat Neck",)),
        (re.compile(r"\bpolo\b"), ("Polo Collar",)),
    ],
}
RELATIVE_SLEEVES = re.compile(r"\b(longer|shorter)( length)? sleeve")


@dataclass(frozen=True)
class Reading:
    """What a caption pair asks for, or why it was skipped (reason: "ok" or a skip reason)."""

    attributes: dict[str, tuple[str, ...]] | None
    reason: str


class _Skip(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def normalise(text: str) -> str:
    """Lower case, one spelling for tees and v-necks, hyphens and apostrophes dropped."""
    text = text.lower().replace("’", "'").replace("3/4", "three quarter")
    text = re.sub(r"\b(t[- ]?shirts?|tee[- ]shirts?)\b", "tshirt", text)
    text = re.sub(r"\bv[- ]?neck(ed|line)?\b", "vneck", text)
    text = re.sub(r"\b(multi)[- ]colou?r(ed|s)?\b", r"\1colored", text)
    text = text.replace("/", " and ")
    text = re.sub(r"\bbutton[- ]?(down|up)\b", "buttondown", text)
    text = text.replace("'", "").replace("-", " ")
    return re.sub(r"\s+", " ", text).strip()


def _joins_colours(tokens: list[str], i: int) -> bool:
    """True for 'and'/'or' between two colour words ("black and white stripes" is one clause)."""
    if tokens[i] not in ("and", "or") or i == 0 or i + 1 >= len(tokens):
        return False
    following = tokens[i + 1:i + 3]
    if following and following[0] in PURE_ADJECTIVES:
        following = following[1:]
    return tokens[i - 1] in COLOURS and bool(following) and following[0] in COLOURS


def clauses(text: str) -> list[list[str]]:
    """Token lists of the clauses of a normalised caption: split at punctuation and at 'and',
    'with', 'but', ..., except an 'and' between two colours."""
    out: list[list[str]] = []
    for chunk in re.split(r"[,.;:!?()&]+", text):
        tokens = chunk.split()
        current: list[str] = []
        for i, token in enumerate(tokens):
            if token in SPLIT_WORDS and not _joins_colours(tokens, i):
                if current:
                    out.append(current)
                current = []
            else:
                current.append(token)
        if current:
            out.append(current)
    return out


def _context(before: list[str]) -> list[str]:
    """The two words before a mention, articles and plain adjectives left out."""
    return [t for t in before if t not in PURE_ADJECTIVES and t not in ("a", "an", "the")][-2:]


def _colour_is_detail(before: list[str], after: list[str]) -> bool:
    """True when the colour describes a detail (words, logo, ...), not the garment."""
    if any(t in DETAIL_NOUNS for t in before):
        return True
    j = 0
    while j < len(after):
        if after[j] in SLEEVE_LENGTH_WORDS and j + 1 < len(after) and after[j + 1].startswith("sleeve"):
            j += 2
        elif after[j] in COLOUR_WORDS or after[j] in PURE_ADJECTIVES or after[j] in COLOURS:
            j += 1
        else:
            break
    if j == len(after) or after[j] in GARMENT_NOUNS or after[j] in CLAUSE_ENDS:
        return False
    if after[j] in AMBIGUOUS_NOUNS:
        rest = [t for t in after[j + 1:] if t not in PURE_ADJECTIVES]
        return not (rest and rest[0] in GARMENT_NOUNS)
    return True


def _colour_mentions(tokens: list[str], found: dict, negated: dict) -> None:
    """Add the clause's garment-colour mentions to found / negated (field base_colour)."""
    i = 0
    while i < len(tokens):
        two = " ".join(tokens[i:i + 2])
        phrase = two if two in COLOURS else tokens[i] if tokens[i] in COLOURS else None
        if phrase is None:
            i += 1
            continue
        width = len(phrase.split())
        window = _context(tokens[:i])
        if not _colour_is_detail(tokens[:i], tokens[i + width:]):
            if any(t in NEGATORS for t in window):
                negated.setdefault("base_colour", set()).update(COLOURS[phrase])
            elif not any(t in RELATIVE_BEFORE for t in window):
                found.setdefault("base_colour", []).append(COLOURS[phrase])
        i += width


def _phrase_mentions(tokens: list[str], found: dict, negated: dict) -> None:
    """Add the clause's pattern, sleeve and neck mentions to found / negated."""
    text = " ".join(tokens)
    for field, table in PHRASES.items():
        for regex, values in table:
            for match in regex.finditer(text):
                window = _context(text[:match.start()].split())
                starts_negated = match.group(0).split()[0] in NEGATORS | {"does"}
                if not starts_negated and any(t in NEGATORS for t in window):
                    negated.setdefault(field, set()).update(values)
                elif not any(t in RELATIVE_BEFORE for t in window):
                    found.setdefault(field, []).append(values)


def _agree(mentions: list[tuple[str, ...]]) -> tuple[str, ...]:
    """Values every mention allows, in the first mention's order (empty: a contradiction)."""
    return tuple(v for v in mentions[0] if all(v in m for m in mentions[1:]))


def _combine(found: dict, negated: dict, text: str) -> dict[str, tuple[str, ...]]:
    """One value tuple per field; raises _Skip on contradictions and bare negations."""
    result = {}
    for field, mentions in found.items():
        values = _agree(mentions)
        if not values:
            raise _Skip("contradiction")
        result[field] = values
    for field, values in negated.items():
        if field not in result or values & set(result[field]):
            raise _Skip("negated")
    sleeves = result.get("Sleeve Length")
    if sleeves:
        for match in RELATIVE_SLEEVES.finditer(text):
            if match.group(1) == "shorter" and sleeves == ("Long Sleeves",):
                raise _Skip("contradiction")
            if match.group(1) == "longer" and set(sleeves) <= {"Sleeveless", "No Sleeves"}:
                raise _Skip("contradiction")
    return result


def read_caption_pair(captions: list[str]) -> Reading:
    """Attribute values a caption pair asks for, with the reason when it is skipped."""
    texts = [normalise(c) for c in captions if c and c.strip()]
    joined = " . ".join(texts)
    found: dict[str, list[tuple[str, ...]]] = {}
    negated: dict[str, set[str]] = {}
    try:
        if OFF_TYPE.search(joined):
            raise _Skip("other_garment")
        for tokens in clauses(joined):
            _colour_mentions(tokens, found, negated)
            _phrase_mentions(tokens, found, negated)
        result = _combine(found, negated, joined)
    except _Skip as skip:
        return Reading(None, skip.reason)
    if not result:
        return Reading(None, "relative_only" if RELATIVE_WORDS.search(joined) else "nothing_readable")
    return Reading(result, "ok")


def read_caption_attributes(captions: list[str]) -> dict[str, tuple[str, ...]] | None:
    """Catalog values each readable clause of a Fashion IQ caption pair asks for; None when the
    pair contradicts itself, negates a value it does not replace, names another kind of garment,
    or has nothing absolute to read (only relative words, or nothing at all)."""
    return read_caption_pair(captions).attributes
