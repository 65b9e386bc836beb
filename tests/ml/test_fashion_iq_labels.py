"""ml/fashion_iq_labels.py on real Fashion IQ caption pairs, all taken from cap.*.train.json."""

from __future__ import annotations

import json

import pytest

from bench.shared_data import fashion_iq_dir
from ml.fashion_iq_labels import BLUE, GREEN, GREY, PURPLE, WHITE, read_caption_attributes, read_caption_pair

SLEEVELESS = ("Sleeveless", "No Sleeves")

# (captions, expected attributes) -- every pair is verbatim from a Fashion IQ train file.
ACCEPTED = [
    # plain colour
    (["is more manly", "is black"], {"base_colour": ("Black",)}),
    (["is more ethnic", "is blue"], {"base_colour": BLUE}),
    (["The shirt is purple with white lettering.", "it is purple"], {"base_colour": PURPLE}),
    (["is grey with a koala", "is dark gray and has a koala bear on the front"],
     {"base_colour": ("Grey", "Charcoal")}),
    (["Is blue with shorter sleeves", "is a turquoise color"], {"base_colour": ("Blue", "Turquoise Blue")}),
    (["Is dark navy blue", "has horizontal stripes"],
     {"base_colour": ("Navy Blue",), "Pattern": ("Striped",)}),
    # a colour that names a detail is not the garment's colour
    (["is black with white words", "is shorter sleeved with a different logo"], {"base_colour": ("Black",)}),
    (["is gray with yellow words", "is a gray tshirt"], {"base_colour": GREY}),
    (["Is a darker blue with fewer graphic colors", "has white words with green icons"],
     {"base_colour": BLUE}),
    (["is green with white stripes", "Is looser"], {"base_colour": GREEN, "Pattern": ("Striped",)}),
    (["Has a red graphic", "has a red logo"], {"Pattern": ("Printed",)}),
    # colour + sleeve (+ neck)
    (["is more contrasting", "is white and has long sleeve"],
     {"base_colour": WHITE, "Sleeve Length": ("Long Sleeves",)}),
    (["has half sleeves and is grey", "is grey and full fit"],
     {"base_colour": GREY, "Sleeve Length": ("Short Sleeves",)}),
    (["is shorter with straps", "is red with black trim and sleeveless"],
     {"base_colour": ("Red",), "Sleeve Length": SLEEVELESS}),
    (["Is white and has no sleeves", "is v-neck"],
     {"base_colour": WHITE, "Sleeve Length": SLEEVELESS, "Neck": ("V-Neck",)}),
    (["is a yellow long sleeve shirt with a snake on it", "has longer sleeves"],
     {"base_colour": ("Yellow", "Mustard"), "Sleeve Length": ("Long Sleeves",)}),
    (["has off-shoulder and color is blue", "Has spaghetti straps and is light blue"],
     {"base_colour": ("Blue", "Turquoise Blue"), "Sleeve Length": SLEEVELESS}),
    (["is a green loose polo", "is green with no pockets"], {"base_colour": GREEN, "Neck": ("Polo Collar",)}),
    # solid / plaid
    (["is orange with buttons down", "Solid orange short sleeved shirt"],
     {"base_colour": ("Orange", "Rust"), "Pattern": ("Solid",), "Sleeve Length": ("Short Sleeves",)}),
    (["The shirt is a purple plaid shirt.", "is plaid and with longer sleeves"],
     {"base_colour": PURPLE, "Pattern": ("Checked",)}),
    (["is all one color with no pattern", "Has less stripes and shorter sleeves"], {"Pattern": ("Solid",)}),
    # a negation implied by the value asked for is fine ("plain" excludes "checked")
    (["is plain white", "It is white and not checked"], {"base_colour": WHITE, "Pattern": ("Solid",)}),
]

REJECTED = [
    # contradictions
    (["is more geometric and has sleeves", "is black and white checkered"], "contradiction"),
    (["is more casual", "is black and white stripped with a bow"], "contradiction"),
    (["is red and has stripes", "is a red plaid button-up"], "contradiction"),
    (["is long sleeved and striped", " paisley print"], "contradiction"),
    (["black with different band graphic", "Desired item is dark grey with red and yellow text"],
     "contradiction"),
    # only relative words
    (["A darker shirt.", "is much darker in color"], "relative_only"),
    (["is lighter colored  and has a symbol on it", "is lighter colored"], "relative_only"),
    (["has longer sleeves and button", "has longer sleeves and is a darker color"], "relative_only"),
    (["is darker with black lettering", "has darker lettering"], "relative_only"),
    # negations that no requested value implies
    (["is more plain and not striped", "is navey blue with short sleeves"], "negated"),
    (["Has stripes and a collar.", "has stripes and is not blue"], "negated"),
    (["is black and not striped", "is a mostly black"], "negated"),
    (["is a vest", "is a tank top and doesn't have stripes"], "other_garment"),
    (["white", "is a tank top with no print"], "negated"),
    # another kind of garment, or nothing at all
    (["is tan and is pants", "is a pair of cargo pants"], "other_garment"),
    (["is exactly the same", "is the same"], "nothing_readable"),
]


@pytest.mark.parametrize(("captions", "expected"), ACCEPTED)
def test_accepted_pairs(captions, expected):
    assert read_caption_attributes(captions) == expected


@pytest.mark.parametrize(("captions", "reason"), REJECTED)
def test_rejected_pairs(captions, reason):
    assert read_caption_attributes(captions) is None
    assert read_caption_pair(captions).reason == reason


def test_examples_are_real_train_captions():
    folder = fashion_iq_dir() / "captions"
    if not folder.is_dir():
        pytest.skip(f"Fashion IQ captions not available at {folder}")
    train = set()
    for category in ("dress", "shirt", "toptee"):
        for row in json.loads((folder / f"cap.{category}.train.json").read_text()):
            train.add(tuple(row["captions"]))
    missing = [c for c, _ in ACCEPTED + REJECTED if tuple(c) not in train]
    assert not missing
    assert len(ACCEPTED) + len(REJECTED) >= 25


def test_empty_and_blank_captions():
    assert read_caption_attributes([]) is None
    assert read_caption_attributes(["", "  "]) is None
