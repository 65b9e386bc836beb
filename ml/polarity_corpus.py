"""The generated corpus the polarity reader learns from: shopper sentences in many paraphrase
families, each value in them labelled wanted, avoided or only mentioned.

A family is one way of saying something ("X doesn't suit me", "X instead of Y", "a red-carpet
look"), written in a few surface forms; its slots are filled with words the rule reader knows
(colours, patterns, sleeves and other features, product types, brands, price words, audiences).
Every value the rule reader finds in a generated sentence is labelled: a slot's value takes the
family's label for that slot, any other value in the sentence is a mere mention ("other"): in "a
red-carpet look" the rules read a colour that nobody asked for. Families in HELD_OUT_FAMILIES
never reach training: the reader is scored on them (``ml.polarity.evaluate``), so the score says
how it does on ways of speaking it has not seen. Fashion IQ training captions add real wording
(``fashion_iq_examples``), labelled by the rules where they are plain ("is red", "is not
striped").
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from language import Vocabulary, lexicon, read_mentions
from ml.polarity_phrasings import EXTRA_FAMILIES

WANT, AVOID, OTHER = "want", "avoid", "other"
LABELS = (WANT, AVOID, OTHER)


@dataclass(frozen=True)
class Example:
    """One sentence, the character spans of the values in it, and each value's polarity."""

    text: str
    spans: tuple[tuple[int, int], ...]
    labels: tuple[str, ...]
    family: str


@dataclass(frozen=True)
class Family:
    """A way of saying something: slot -> (kind of word, polarity), and its surface forms."""

    name: str
    slots: dict[str, tuple[str, str]]
    forms: tuple[str, ...]


def _family(name: str, slots: str, *forms: str) -> Family:
    """`slots` as "X:colour:want Y:any:avoid"."""
    parsed = {}
    for slot in slots.split():
        key, kind, label = slot.split(":")
        parsed[key] = (kind, label)
    return Family(name, parsed, forms)


# Kinds: colour, pattern, feature (sleeves, neck, fit, fabric), type, brand, any (colour, pattern
# or feature), price (a price word: cheaper, premium), who (an audience: my wife, kids).
FAMILIES: tuple[Family, ...] = (
    # ---------------------------------------------------------------- wanted
    _family(
        "want_in",
        "X:any:want",
        "in {X}",
        "same but in {X}",
        "can i get this in {X}",
        "do you have it in {X}?",
        "this in {X} please",
        "one in {X}",
        "would love this in {X}",
    ),
    _family(
        "want_desire",
        "X:any:want",
        "i'd love {X}",
        "i really want {X}",
        "i'm after something {X}",
        "looking for {X}",
        "need {X}",
        "i want {X}",
        "after {X} ones",
    ),
    _family(
        "want_make",
        "X:any:want",
        "make it {X}",
        "switch it to {X}",
        "change it to {X}",
        "go for {X}",
        "let's do {X}",
        "turn it {X}",
    ),
    _family(
        "want_prefer",
        "X:any:want",
        "i prefer {X}",
        "{X} would be better",
        "{X} is more my style",
        "i'd rather have {X}",
        "{X} is what i'm after",
        "prefer it {X}",
    ),
    _family(
        "want_question",
        "X:any:want",
        "any {X} ones?",
        "got anything {X}?",
        "is there a {X} version?",
        "what about {X}?",
        "how about {X}",
        "anything similar in {X}?",
    ),
    _family(
        "want_only",
        "X:any:want",
        "only {X}",
        "{X} only",
        "has to be {X}",
        "must be {X}",
        "strictly {X}",
        "needs to be {X}",
    ),
    _family(
        "want_love",
        "X:any:want",
        "i love {X}",
        "{X} is my favourite",
        "big fan of {X}",
        "i'm all about {X}",
        "obsessed with {X} lately",
        "{X} is my thing",
    ),
    _family(
        "want_suits",
        "X:any:want",
        "{X} really suits me",
        "i look good in {X}",
        "{X} works for me",
        "{X} goes with everything i own",
        "{X} always looks great on me",
    ),
    _family(
        "want_with",
        "X:feature:want",
        "with {X}",
        "one that has {X}",
        "one with {X}",
        "but with {X}",
        "something with {X} instead",
    ),
    _family(
        "want_emphasis",
        "X:any:want",
        "{X}!!!",
        "{X} pls",
        "def {X}",
        "ideally {X}",
        "{X} {X} {X}",
        "{X} please!!",
    ),
    _family(
        "want_fine",
        "X:any:want",
        "{X} is fine",
        "{X} would work",
        "{X} is ok",
        "happy with {X}",
        "{X} will do",
    ),
    _family(
        "want_type",
        "X:type:want",
        "show me a {X} like this",
        "as a {X}",
        "i need a {X}",
        "looking for a {X} instead",
        "make it a {X}",
        "same vibe but a {X}",
    ),
    _family(
        "want_brand",
        "X:brand:want",
        "from {X}",
        "anything by {X}",
        "i only wear {X}",
        "{X} please",
        "do you have {X}?",
    ),
    _family(
        "want_price",
        "X:price:want",
        "{X} please",
        "something {X}",
        "a {X} one",
        "find me something {X}",
        "need it {X}",
    ),
    _family(
        "want_who",
        "X:who:want",
        "for {X}",
        "it's for {X}",
        "a present for {X}",
        "buying for {X}",
        "something {X} would wear",
    ),
    _family(
        "want_craving",
        "X:any:want",
        "dying for something {X}",
        "been wanting {X} for ages",
        "my heart says {X}",
        "{X} is calling me",
        "can't get enough of {X}",
    ),
    _family(
        "want_yes",
        "X:any:want",
        "{X}? yes please",
        "{X}, definitely",
        "{X} for sure",
        "{X}, absolutely",
        "oh {X} would be perfect",
    ),
    _family(
        "want_gift",
        "X:any:want",
        "she adores {X}",
        "he only ever wears {X}",
        "they love {X}",
        "she is really into {X}",
    ),
    # ---------------------------------------------------------------- avoided
    _family(
        "avoid_not",
        "X:any:avoid",
        "not {X}",
        "not in {X}",
        "nothing {X}",
        "no {X}",
        "without {X}",
        "anything but {X}",
        "except {X}",
        "other than {X}",
        "no {X} please",
    ),
    _family(
        "avoid_suit",
        "X:any:avoid",
        "{X} doesn't suit me",
        "{X} does not suit me",
        "{X} never suits me",
        "{X} just doesn't work on me",
        "i don't look good in {X}",
        "{X} looks bad on me",
    ),
    _family(
        "avoid_thing",
        "X:any:avoid",
        "{X} isn't really my thing",
        "{X} aren't my thing",
        "{X} is not my style",
        "{X} is not for me",
        "i'm not a {X} person",
        "{X} really isn't me",
    ),
    _family(
        "avoid_tired",
        "X:any:avoid",
        "i'm tired of {X}",
        "sick of {X}",
        "i've had enough of {X}",
        "i already own too much {X}",
        "i've got enough {X} ones",
        "bored of {X}",
    ),
    _family(
        "avoid_nothanks",
        "X:any:avoid",
        "{X}? no thanks",
        "{X}, no thank you",
        "{X}? nope",
        "{X}? not for me",
        "{X} - pass",
        "{X}? nah",
    ),
    _family(
        "avoid_cant",
        "X:colour:avoid",
        "the one colour i can't wear is {X}",
        "i can't wear {X}",
        "{X} is a no-go for me",
        "{X} is off the table",
        "{X} washes me out",
    ),
    _family(
        "avoid_hate",
        "X:any:avoid",
        "i hate {X}",
        "can't stand {X}",
        "i really dislike {X}",
        "{X} is awful on me",
        "not a fan of {X}",
        "i don't like {X}",
    ),
    _family(
        "avoid_drop",
        "X:any:avoid",
        "avoid {X}",
        "stay away from {X}",
        "skip the {X}",
        "lose the {X}",
        "ditch the {X}",
        "get rid of the {X}",
    ),
    _family(
        "avoid_type",
        "X:type:avoid",
        "not a {X}",
        "i don't want a {X}",
        "no {X} please",
        "anything except a {X}",
        "i have enough {X}s",
    ),
    _family(
        "avoid_brand",
        "X:brand:avoid",
        "not {X}",
        "nothing from {X}",
        "no {X} stuff",
        "i'm done with {X}",
        "any brand except {X}",
    ),
    _family(
        "avoid_wrong",
        "X:any:avoid",
        "{X} makes me look washed out",
        "{X} clashes with my skin",
        "{X} is so not me",
        "please spare me the {X}",
        "{X} really isn't working for me",
        "keep the {X} away from me",
    ),
    _family(
        "avoid_last",
        "X:any:avoid",
        "the last thing i want is {X}",
        "{X}? hard pass",
        "no more {X} please",
        "done with {X}",
        "i'd never wear {X}",
        "{X} is a dealbreaker",
    ),
    # ---------------------------------------------------------------- two values: one wanted, one not
    _family(
        "swap_instead",
        "X:any:want Y:any:avoid",
        "{X} instead of {Y}",
        "{X} rather than {Y}",
        "not {Y} but {X}",
        "{X}, not {Y}",
        "i'd take {X} over {Y}",
    ),
    _family(
        "swap_change",
        "X:any:want Y:any:avoid",
        "swap the {Y} for {X}",
        "change {Y} to {X}",
        "replace {Y} with {X}",
        "from {Y} to {X}",
        "{Y} -> {X}",
    ),
    _family(
        "swap_wrong",
        "X:any:want Y:any:avoid",
        "{Y} is wrong, show me {X}",
        "{Y} doesn't suit me, maybe {X}",
        "i said {Y} but i meant {X}",
        "less {Y}, more {X}",
        "{Y} is too much, {X} would be nicer",
    ),
    _family(
        "swap_hedge",
        "X:any:want Y:any:avoid",
        "maybe {Y}, or not, actually {X}",
        "{Y}... no wait, {X}",
        "thought {Y} but now i'm leaning {X}",
        "{Y}? on second thought {X}",
    ),
    _family(
        "swap_type",
        "X:type:want Y:type:avoid",
        "a {X} instead of a {Y}",
        "not a {Y}, a {X}",
        "i don't need a {Y}, i need a {X}",
        "swap the {Y} for a {X}",
    ),
    _family(
        "avoid_list",
        "X:any:avoid Y:any:avoid",
        "not {X} or {Y}",
        "no {X}, no {Y}",
        "neither {X} nor {Y}",
        "anything but {X} and {Y}",
        "i don't want {X} or {Y}",
    ),
    _family(
        "want_list",
        "X:any:want Y:any:want",
        "{X} or {Y}",
        "{X} and {Y}",
        "{X} with {Y}",
        "either {X} or {Y} is fine",
        "{X}, maybe {Y}",
    ),
    _family(
        "mixed_tired",
        "X:any:want Y:any:avoid",
        "tired of {Y}, give me {X}",
        "enough {Y}, i want {X}",
        "{Y} bores me, {X} please",
        "over {Y}, into {X} now",
    ),
    # ---------------------------------------------------------------- mentions, not wishes
    _family(
        "mention_idiom",
        "X:any:want",
        "going for a red-carpet look, in {X}",
        "for my white-collar job, {X} please",
        "feeling blue, cheer me up with {X}",
        "{X}, it's for a black tie do",
        "black friday deal on {X}?",
        "once in a blue moon i treat myself, {X} this time",
        "green light for {X}",
    ),
    _family(
        "mention_wrong",
        "X:any:want",
        "great but the colour is wrong, show me {X}",
        "the colour is off, {X} would be better",
        "love it but the colour's not right, {X}?",
        "the shade doesn't work, {X} instead",
    ),
    _family(
        "mention_reference",
        "X:any:want M:any:other",
        "my {M} one is great, now i want {X}",
        "i already have it in {M}, show me {X}",
        "love my {M} version, one in {X} too",
        "bought the {M} last time, {X} now",
    ),
    _family(
        "mention_companion",
        "X:any:want M:any:other",
        "{X}, to go with my {M} trousers",
        "{X} to match my {M} jacket",
        "in {X}, my skirt is {M}",
        "{X}, i'll wear it with {M} jeans",
    ),
    _family(
        "mention_price",
        "X:any:want P:price:other",
        "a {X} one, {P} isn't a problem",
        "{X} please, {P} doesn't matter",
        "money is no object, i want {X}",
        "{X}, price is not an issue",
    ),
    _family(
        "mention_who",
        "X:any:want W:who:other",
        "my {W} has this, i want it in {X}",
        "{W} said {X} suits me",
        "borrowed this from {W}, need my own in {X}",
    ),
    _family(
        "mention_question",
        "X:any:want M:any:other",
        "is the {M} one sold out? {X} then",
        "does {M} come in my size? else {X}",
        "{M} was out of stock so {X}",
    ),

    # more ways of wanting
    _family("want_show", "X:any:want", "show me {X}", "let me see {X} ones", "can you show {X}",
            "pull up {X} options", "i'd like to see it in {X}", "got it in {X}?"),
    _family("want_need", "X:any:want", "i need it {X}", "it needs {X}", "really need {X} for this",
            "{X} is a must", "{X} is essential", "i'm looking for {X} specifically"),
    _family("want_better", "X:any:want", "{X} would look better", "{X} would be nicer",
            "i think {X} works better",
            "{X} would suit me more", "go {X} instead", "{X} is the better choice"),
    _family("want_hope", "X:any:want", "hoping for {X}", "fingers crossed for {X}", "wish it came in {X}",
            "if only it was {X}", "would kill for this in {X}"),
    _family("want_casual", "X:any:want", "{X} pls thx", "{X} 🙏", "ok {X}", "{X} yeah", "yes {X}",
            "gimme {X}", "wanna see {X}"),
    _family("want_after_no", "X:any:want", "no problem with {X}", "don't mind {X}", "{X} is no issue at all",
            "no objection to {X}", "can't go wrong with {X}"),
    _family("want_type_casual", "X:type:want", "got a {X} like this?", "need a {X} in this style",
            "this but as a {X}", "{X} version of this", "something like this but a {X}"),
    # more ways of rejecting
    _family("avoid_already", "X:any:avoid", "i already have {X}", "got loads of {X} already",
            "my wardrobe is full of {X}", "i own way too much {X}",
            "already bought {X} last week, something else"),
    _family("avoid_looks", "X:any:avoid", "{X} makes me look bigger", "{X} is unflattering on me",
            "i look awful in {X}", "{X} looks cheap", "{X} is too loud for me", "{X} feels too boring"),
    _family("avoid_please_no", "X:any:avoid", "please no {X}", "please, not {X}",
            "anything other than {X} please",
            "steer clear of {X}", "nothing with {X}", "minus the {X}"),
    _family("avoid_dont", "X:any:avoid", "don't show me {X}", "don't want {X}", "do not want {X}",
            "i don't need {X}", "don't like {X} at all", "i do not want it {X}"),
    _family("avoid_never", "X:any:avoid", "never {X}", "never again {X}", "{X} never again",
            "i never wear {X}",
            "{X} is never my choice"),
    _family("avoid_over", "X:any:avoid", "i'm over {X}", "so over {X}", "{X} is so last year", "{X} is dated",
            "{X} is out for me", "moving on from {X}"),
    _family("avoid_allergic", "X:any:avoid", "allergic to {X}", "{X} gives me a rash",
            "{X} irritates my skin",
            "i react badly to {X}", "my skin hates {X}"),
    _family("avoid_office", "X:any:avoid", "{X} breaks the dress code at my job", "my boss hates {X}",
            "{X} is against the rules at my school", "the dress code says no {X}"),
    _family("avoid_type_casual", "X:type:avoid", "not another {X}", "i don't need more {X}s",
            "no {X}, something else", "enough {X}s already"),
    _family("avoid_ugh", "X:any:avoid", "ugh {X}", "{X}? yuck", "{X}, eww", "{X} is gross", "{X}? meh",
            "not {X}, ugh"),
    # two values
    _family("swap_but", "X:any:want Y:any:avoid", "{X} but not {Y}", "{X} yes, {Y} no", "want {X}, hate {Y}",
            "{X} please, {Y} no thanks", "{X} is fine as long as it isn't {Y}"),
    _family("swap_ditch", "X:any:want Y:any:avoid", "ditch the {Y}, add {X}", "lose the {Y} and make it {X}",
            "same but {X} without the {Y}", "keep the shape, drop {Y}, go {X}"),
    _family("swap_love_hate", "X:any:want Y:any:avoid", "i love {X} but {Y} doesn't suit me",
            "{Y} isn't my thing, {X} is", "not a {Y} person, more of a {X} person",
            "{Y} washes me out, {X} doesn't"),
    _family("swap_prefer", "X:any:want Y:any:avoid", "prefer {X} to {Y}", "{X} over {Y} any day",
            "{X} beats {Y}", "i'd pick {X} not {Y}"),
    _family("avoid_list_more", "X:any:avoid Y:any:avoid", "no {X} and no {Y}", "without {X} or {Y}",
            "i'm tired of {X} and {Y}", "{X} and {Y} don't suit me", "skip {X} and {Y}"),
    _family("want_list_more", "X:any:want Y:any:want", "{X} with {Y} please", "both {X} and {Y}",
            "{X} and also {Y}", "ideally {X} plus {Y}"),
    # more mentions that are not wishes
    _family("mention_idiom_more", "X:any:want", "out of the blue i fancy {X}", "not a grey area: {X}",
            "red flag if it isn't {X}", "in {X}, for a white wedding", "my green thumb says {X}",
            "golden hour photos, {X} please", "silver lining: {X} exists"),
    _family("mention_reference_more", "X:any:want M:any:other", "the {M} is nice but i want {X}",
            "this {M} one is lovely, {X} though", "like the {M} but {X} would be better",
            "{M} is ok, {X} is better", "my friend has the {M} one, i want {X}"),
    _family("mention_outfit", "X:any:want M:any:other", "in {X}, it's for my {M} outfit",
            "{X}, my shoes are {M}", "{X} to go with a {M} skirt", "i'll pair it with {M} pants, so {X}"),
    _family("mention_wrong_more", "X:any:want", "wrong colour, {X}?", "colour's not quite right, {X}",
            "the colour is a bit off, try {X}", "the shade is wrong, {X} please"),
    _family("mention_budget", "X:any:want P:price:other", "{P} is no issue, just {X}",
            "don't worry about {P}, {X}", "forget {P}, i want {X}", "{X} please, {P} is not a concern"),

    # occasions and places wanted, in many words
    _family("want_occasion", "X:occasion:want", "for {X}", "something for {X}", "i need it for {X}",
            "good for {X}", "to wear for {X}", "perfect for {X}", "suitable for {X} please"),
    _family("want_occasion_more", "X:occasion:want", "going to {X} next week", "it's for {X}",
            "need an outfit for {X}", "heading out for {X}, what works", "planning {X}, need something"),
    _family("want_who_mine", "X:who:want", "{X} would love this", "buying it for {X}", "{X} needs one",
            "{X}'s birthday is coming"),
    # more ways of rejecting without "not X"
    _family("avoid_keen", "X:any:avoid", "not keen on {X}", "not really into {X}", "i'd rather not have {X}",
            "{X} does nothing for me", "never liked {X}", "{X} is a no from me", "i'll pass on {X}"),
    _family("avoid_colour_me", "X:colour:avoid", "{X} is not my colour", "{X} isn't my colour at all",
            "{X} makes me look pale", "{X} never looks right on me", "{X} drains me",
            "{X} is so unflattering"),
    _family("avoid_much", "X:any:avoid", "{X} is a bit much for me", "{X} is too much", "{X} feels too busy",
            "{X} is way too loud", "{X} looks too boring", "{X} feels dated"),
    _family("avoid_anything", "X:any:avoid", "anything without {X}", "avoid anything {X}",
            "anything that isn't {X}", "no {X} at all please", "absolutely no {X}", "zero {X}"),

    # idioms whose colour or garment word is no wish, then the real ask
    _family("mention_idiom_colour", "X:any:want", "feeling blue today, cheer me up with {X}",
            "i'm green with envy of my sister's one, {X} please",
            "the company is in the red so something {X} and cheap",
            "a white lie: i said i'd wear {X}", "black sheep of the family here, {X} for me",
            "red flag: it has to be {X}",
            "blue monday mood, {X} helps", "going to the silver screen premiere, in {X}",
            "golden opportunity to try {X}",
            "white christmas party coming, {X} ideas?", "purple patch at work, treating myself to {X}"),
    _family("mention_people", "X:any:want W:who:other", "{W} says i look good in {X}",
            "{W} has one in {X} too",
            "{W} thinks {X} suits me", "{W} bought me one, now i want {X}", "like the one {W} wears but {X}"),
    _family("avoid_people", "X:any:avoid W:who:other", "{W} says i look like a waiter in {X}",
            "{W} hates me in {X}", "{W} says {X} washes me out", "{W} thinks {X} is awful on me"),
    _family("avoid_fan", "X:any:avoid", "not a fan of {X}", "i'm not a fan of {X} at all",
            "never been a fan of {X}",
            "big no to {X}", "{X} is not really me", "i'm not into {X} these days"),
    _family("avoid_season_gone", "X:any:avoid", "{X} is so last season", "{X} feels old",
            "{X} is out of fashion",
            "{X} has had its day", "nobody wears {X} anymore"),
)
# Families written apart from the rules and the suites (ml.polarity_phrasings): every fifth is held out.
_EXTRA = tuple(_family(name, slots, *forms) for name, slots, forms in EXTRA_FAMILIES)
FAMILIES += _EXTRA
HELD_OUT_FAMILIES = frozenset({
    "want_craving", "want_yes", "want_gift", "want_hope", "avoid_wrong", "avoid_last", "avoid_over",
    "avoid_allergic", "swap_hedge", "mixed_tired", "swap_love_hate", "mention_question", "mention_who",
    "mention_idiom_more", "mention_budget", "avoid_season_gone",
    *(family.name for family in _EXTRA[4::5]),
})

# Words filling the `price` and `who` slots (the rules read them as price words and audiences).
PRICE_WORDS = (
    "cheaper",
    "more affordable",
    "less expensive",
    "budget",
    "pricier",
    "more expensive",
    "premium",
    "cheap",
    "affordable",
    "luxury",
)
WHO_WORDS = (
    "my wife",
    "my husband",
    "my son",
    "my daughter",
    "kids",
    "women",
    "men",
    "my mom",
    "my dad",
    "my sister",
    "my brother",
    "my girlfriend",
    "my boyfriend",
    "a boy",
    "a girl",
    "her",
    "him",
)
FEATURE_ATTRIBUTES = ("Sleeve Length", "Neck", "Fit", "Fabric", "Collar", "Material", "Sleeve Styling")
PREFIXES = ("", "", "", "hi, ", "hmm ", "ok so ", "nice, but ", "love this but ", "same vibe, ", "honestly ")
# Chatter around a request, with no value in it: long requests bury their asks in it.
CHATTER = (
    "i bought this last month and loved it.", "it fits really well.", "my friend recommended your store.",
    "thanks in advance!", "hope you can help.", "quick question.", "not sure if this is possible but",
    "the quality is great.", "i've been looking everywhere.", "sorry for the long message.",
    "it arrived on time and looks lovely.", "i need it by next week.", "my size is usually medium.",
    "love your stuff.", "this is my third order.", "any help appreciated", "cheers", "thank you so much",
    "been browsing for ages", "so this one is almost perfect.", "what do you think?", "just wondering,",
)
CHATTER_SHARE = 0.35  # of sentences get chatter before or after them


# Most colours a slot takes are everyday ones (the catalog's own names and the basic hues); the
# phrase table's ~2,000 named shades ("light seafoam green") fill the rest.
EVERYDAY_COLOUR_SHARE = 0.75
# Phrase-table forms no shopper writes ("printeds", "skinnys"), and phrases that carry their own
# negation ("no design" is a wish for plain): never a slot's word.
ODD_ENDINGS = ("eds", "ys", "ings", "ers", "ss")
NEGATING_WORDS = frozenset({"no", "not", "non", "without", "less"})


# The corpus is written in the lexicon's words, not one catalog's: the reader learns how shoppers
# say yes and no, which no catalog changes, so one trained reader serves every catalog (and is
# cached once per machine). These stand in for a catalog's colour names and brands.
READER_COLOURS = (
    "Black", "White", "Grey", "Navy Blue", "Blue", "Red", "Maroon", "Pink", "Purple", "Brown", "Beige",
    "Yellow", "Orange", "Green", "Olive", "Teal", "Cream", "Off White", "Charcoal", "Silver", "Gold", "Multi",
    "Mustard", "Peach", "Lavender", "Magenta", "Khaki", "Tan", "Rust", "Turquoise Blue", "Burgundy",
    "Coffee Brown", "Grey Melange", "Sea Green", "Mauve", "Skin", "Nude", "Taupe", "Copper", "Bronze",
    "Metallic", "Steel",
)
READER_BRANDS = ("Nike", "Puma", "Adidas", "Reebok", "Levis", "Fila", "Wrangler", "Titan", "Fastrack",
                 "Catwalk", "Arrow", "Van Heusen", "Peter England", "Allen Solly", "Louis Philippe", "Mango")
_ATTRIBUTE_TABLES = (("Pattern", "PATTERNS"), ("Sleeve Length", "SLEEVES"), ("Neck", "NECKS"),
                     ("Fit", "FITS"), ("Fabric", "FABRICS"), ("Length", "LENGTHS"), ("Type", "TYPE_VALUES"))


def reader_vocabulary() -> Vocabulary:
    """A vocabulary of every value the lexicon names (its types, attribute values, occasions and
    seasons, READER_COLOURS and READER_BRANDS), built from records that hold each of them once."""
    types = sorted({t for values in lexicon.TYPE_WORDS.values() for t in values})
    attributes: dict[str, list[str]] = {}
    for default_key, table in _ATTRIBUTE_TABLES:
        for values in getattr(lexicon, table).values():
            for value in values:
                key, _, name = value.rpartition("=")
                attributes.setdefault(key or default_key, [])
                if name not in attributes[key or default_key]:
                    attributes[key or default_key].append(name)
    usages = ("Casual", "Formal", "Sports", "Ethnic", "Smart Casual", "Travel", "Party")
    audiences = (("Men", "Adults-Men"), ("Women", "Adults-Women"), ("Unisex", "Adults-Unisex"),
                 ("Men", "Kids-Boys"), ("Women", "Kids-Girls"), ("Unisex", "Kids-Unisex"))
    count = max(len(types), len(READER_COLOURS), *(len(v) for v in attributes.values())) * 2
    records = [{
        "id": i, "article_type": types[i % len(types)],
        "base_colour": READER_COLOURS[i % len(READER_COLOURS)],
        "brand": READER_BRANDS[i % len(READER_BRANDS)], "usage": usages[i % len(usages)],
        "season": ("Summer", "Winter", "Fall", "Spring")[i % 4], "gender": audiences[i % 6][0],
        "age_group": audiences[i % 6][1], "attributes": {k: v[i % len(v)] for k, v in attributes.items()},
    } for i in range(count)]  # fmt: skip
    return Vocabulary.from_records(records)


@dataclass(frozen=True)
class Pools:
    """Words the rule reader knows, by the slot kinds of FAMILIES."""

    words: dict[str, tuple[str, ...]]
    everyday_colours: tuple[str, ...]

    @classmethod
    def of(cls, vocabulary: Vocabulary) -> Pools:
        kinds = ("colour", "pattern", "feature", "type", "brand", "occasion")
        pools: dict[str, set[str]] = {k: set() for k in kinds}
        for key, senses in vocabulary.phrases.items():
            phrase = " ".join(key)
            if (
                not phrase.replace(" ", "").isalpha()
                or len(phrase) < 3
                or set(key) & NEGATING_WORDS
                or (len(key[-1]) > 4 and key[-1].endswith(ODD_ENDINGS))
            ):
                continue
            for sense in senses:
                kind = _pool_of(sense, vocabulary)
                if kind:
                    pools[kind].add(phrase)
        pools["price"], pools["who"] = set(PRICE_WORDS), set(WHO_WORDS)
        everyday = {c.lower() for c in vocabulary.fields.get("base_colour", ())} | set(
            vocabulary.colour_families
        )
        everyday = tuple(sorted(c for c in everyday if c in pools["colour"]))
        return cls({k: tuple(sorted(v)) for k, v in pools.items()}, everyday)

    def pick(self, kind: str, rng: random.Random) -> str:
        if kind == "any":
            kind = rng.choice(("colour", "colour", "pattern", "feature"))
        if kind == "colour" and self.everyday_colours and rng.random() < EVERYDAY_COLOUR_SHARE:
            return rng.choice(self.everyday_colours)
        return rng.choice(self.words[kind])


def _pool_of(sense, vocabulary: Vocabulary) -> str | None:
    if sense.kind == "colour":
        return "colour"
    if sense.kind == "type":
        return "type"
    if sense.kind == "occasion":
        return "occasion"
    if sense.kind == "brand" and not sense.extra:  # a brand that is no ordinary word
        return "brand"
    if sense.kind in ("attr", "collar"):
        keys = {
            k
            for v in sense.values
            for k in ([v.split("=")[0]] if "=" in v else vocabulary.keys_with_value(v))
        }
        if "Pattern" in keys:
            return "pattern"
        if keys & set(FEATURE_ATTRIBUTES) or sense.kind == "collar":
            return "feature"
    return None


def _fill(form: str, family: Family, pools: Pools, rng: random.Random) -> tuple[str, dict[str, list]]:
    """The sentence and each slot's character spans in it."""
    words = {slot: pools.pick(kind, rng) for slot, (kind, _) in family.slots.items()}
    prefix = rng.choice(PREFIXES)
    text, spans = prefix, {slot: [] for slot in words}
    rest = form
    while "{" in rest:
        head, _, tail = rest.partition("{")
        slot, _, rest = tail.partition("}")
        text += head
        spans[slot].append((len(text), len(text) + len(words[slot])))
        text += words[slot]
    text += rest
    if rng.random() < CHATTER_SHARE:  # chatter before (spans shift) or after
        chatter = rng.choice(CHATTER)
        if rng.random() < 0.5:
            shift = len(chatter) + 1
            text = f"{chatter} {text}"
            spans = {slot: [(a + shift, b + shift) for a, b in ranges] for slot, ranges in spans.items()}
        else:
            text = f"{text}. {chatter}"
    if rng.random() < 0.3:
        text = text[:1].upper() + text[1:]
    return text, spans


def generate(
    vocabulary: Vocabulary, per_form: int = 12, seed: int = 0, families: Iterable[Family] = FAMILIES,
    composed_share: float = 0.5,
) -> Iterator[Example]:
    """Sentences of every family's forms (`per_form` each), labelled on what the rules read; then
    `composed_share` as many again, each two of them joined ("navy doesn't suit me, checks please"):
    which words a value hears depends on where its clause ends. Two sentences are joined only when
    both come from training families or both from held-out ones."""
    rng = random.Random(seed)
    pools = Pools.of(vocabulary)
    singles = []
    for family in families:
        for form in family.forms:
            for _ in range(per_form):
                text, slot_spans = _fill(form, family, pools, rng)
                example = _labelled(text, slot_spans, family, vocabulary)
                if example is not None:
                    singles.append(example)
    yield from singles
    for group in split(singles):
        for _ in range(int(len(group) * composed_share)):
            if len(group) > 1:
                joined = _joined(*rng.sample(group, 2), rng)
                # the rules read the joined sentence afresh: its values must still be where the parts put them
                found = {(m.start, m.end) for m in read_mentions(joined.text, vocabulary)}
                if set(joined.spans) <= found:
                    yield joined


JOINERS = (", ", " and ", ". ", " but ", " - ", "; also ", ", oh and ", " ", "! ")


def _joined(first: Example, second: Example, rng: random.Random) -> Example:
    """Two sentences as one, their values' labels kept (the second's spans shifted)."""
    joiner = rng.choice(JOINERS)
    head = first.text.rstrip(" .!?") if joiner.strip(" ") in (",", "and", "but", "-", ";also") else first.text
    shift = len(head) + len(joiner)
    spans = tuple(s for s in first.spans if s[1] <= len(head))
    labels = first.labels[: len(spans)]
    return Example(head + joiner + second.text[:1].lower() + second.text[1:],
                   spans + tuple((a + shift, b + shift) for a, b in second.spans), labels + second.labels,
                   f"{first.family}+{second.family}")


def _labelled(
    text: str, slot_spans: dict[str, list], family: Family, vocabulary: Vocabulary
) -> Example | None:
    """Each value the rules find labelled by the slot it falls in (OTHER outside every slot);
    None when the rules did not find a value in some slot (the word reads otherwise there)."""
    mentions = list({(m.start, m.end): m for m in read_mentions(text, vocabulary)}.values())
    spans, labels, found = [], [], set()
    for m in mentions:
        label = OTHER
        for slot, ranges in slot_spans.items():
            if any(m.start < end and start < m.end for start, end in ranges):
                label = family.slots[slot][1]
                found.add(slot)
        spans.append((m.start, m.end))
        labels.append(label)
    if found != set(slot_spans):
        return None
    return Example(text, tuple(spans), tuple(labels), family.name)


def fashion_iq_examples(
    fashion_iq_dir: str | Path | None, vocabulary: Vocabulary, limit: int = 3000, seed: int = 0
) -> list[Example]:
    """Fashion IQ *train* captions, labelled by the rules where they are plain: a caption with no
    negation word is all wanted; one starting "is not" / "has no" / "not" / "no" names one
    avoided value. Others are left out (the rules are not sure enough to teach)."""
    if fashion_iq_dir is None:
        return []
    captions: list[str] = []
    for path in sorted(Path(fashion_iq_dir, "captions").glob("cap.*.train.json")):
        for pair in json.loads(path.read_text(encoding="utf-8")):
            captions += [c.strip() for c in pair.get("captions", []) if isinstance(c, str) and c.strip()]
    random.Random(seed).shuffle(captions)
    out = []
    for caption in captions:
        example = _caption_example(caption.lower(), vocabulary)
        if example is not None:
            out.append(example)
            if len(out) >= limit:
                break
    return out


NEGATION_STARTS = ("is not ", "isn't ", "has no ", "not ", "no ", "without ")
NEGATION_WORDS = frozenset(
    {
        "not",
        "no",
        "isn't",
        "without",
        "never",
        "nor",
        "don't",
        "doesn't",
        "instead",
        "rather",
        "less",
        "but",
        "than",
    }
)


def _caption_example(caption: str, vocabulary: Vocabulary) -> Example | None:
    mentions = list({(m.start, m.end): m for m in read_mentions(caption, vocabulary)}.values())
    if not mentions or len(mentions) > 3:
        return None
    words = set(caption.replace(",", " ").split())
    if not words & NEGATION_WORDS:
        return Example(
            caption, tuple((m.start, m.end) for m in mentions), (WANT,) * len(mentions), "fashion_iq"
        )
    if (
        caption.startswith(NEGATION_STARTS)
        and len(mentions) == 1
        and mentions[0].negated
        and len(words & NEGATION_WORDS) == 1
    ):
        return Example(caption, ((mentions[0].start, mentions[0].end),), (AVOID,), "fashion_iq")
    return None


def split(examples: Iterable[Example]) -> tuple[list[Example], list[Example]]:
    """(training examples, held-out examples): the held-out families' sentences apart."""
    train, held_out = [], []
    for example in examples:
        families = set(example.family.split("+"))
        (held_out if families & HELD_OUT_FAMILIES else train).append(example)
    return train, held_out
