import json

from ml.mining import (
    ATTRIBUTES,
    attribute_value,
    join_captions,
    mine_split,
    mine_triplets,
    read_triplets,
    write_triplets_jsonl,
)


def test_join_captions_protocol_rule():
    assert join_captions([" Is green ", "Has short sleeves"]) == "Is green and has short sleeves"
    assert join_captions(["is red"]) == "is red"
    assert join_captions(["", "  "]) == ""


def test_split_discipline_and_determinism(catalog):
    split = {p.id: p.split for p in catalog}
    train = mine_split(catalog, "train", per_product=2, seed=3)
    val = mine_split(catalog, "val", per_product=2, seed=3)
    assert train and val
    for trips, name in ((train, "train"), (val, "val")):
        for t in trips:
            assert split[t.candidate] == name and split[t.target] == name
            assert split[t.candidate] != "test"
    assert [vars(t) for t in val] == [vars(t) for t in mine_split(catalog, "val", per_product=2, seed=3)]
    try:
        mine_split(catalog, "test")
    except ValueError as exc:
        assert "test" in str(exc)
    else:
        raise AssertionError("mining the test split must be refused")


def test_triplets_differ_in_one_or_two_attributes(catalog):
    by_id = {p.id: p for p in catalog}
    val = mine_split(catalog, "val", per_product=3, seed=0)
    changes = {t.change for t in val}
    assert {"colour", "pattern", "sleeve", "neck"} <= changes
    for t in val[:500]:
        a, b = by_id[t.candidate], by_id[t.target]
        assert (a.article_type, a.gender, a.age_group) == (b.article_type, b.gender, b.age_group)
        assert len(t.captions) == 1 and t.captions[0].strip() == t.captions[0] != ""
        assert t.change in set(ATTRIBUTES) | {"two_changes"}
        differing = [
            c
            for c in ATTRIBUTES
            if attribute_value(a, c)
            and attribute_value(b, c)
            and attribute_value(a, c).lower() != attribute_value(b, c).lower()
        ]
        assert len(differing) == (2 if t.change == "two_changes" else 1)


# A marker of each training phrasing family (ml.captions.TRAIN_FAMILIES) in a colour change, and of
# each held-out family (never in generated training or in-template val captions).
TRAINING_PHRASINGS = {
    "is_has": r"\b(is|has) ",
    "instead": r" (instead of|rather than) ",
    "same_but": r"\b(same but|like this but)\b",
    "negate": r"(, not |^not )",
    "relative": r"\b(lighter|darker)\b|instead$",
}
HELD_OUT_PHRASINGS = (
    r"\b(make it|change it to|do you have this|is there a|could you show me|i would prefer)\b"
)


def test_varied_phrasing(catalog):
    """Colour changes are said in every training family's words, none more than a third of the
    time, and never in a held-out family's (distinct first words alone pass with one template:
    the colour names vary)."""
    import re

    val = mine_triplets([p for p in catalog if p.split == "val"], per_product=3, seed=0)
    texts = [t.text.lower() for t in val if t.change == "colour"]
    assert len(texts) > 200
    for family, marker in TRAINING_PHRASINGS.items():
        share = sum(bool(re.search(marker, text)) for text in texts) / len(texts)
        assert 0.05 < share < 1 / 3, (family, share)
    assert not [text for text in texts if re.search(HELD_OUT_PHRASINGS, text)]


def test_jsonl_round_trip(tmp_path, catalog):
    val = mine_split(catalog, "val", per_product=1, seed=0)[:20]
    f = tmp_path / "val.jsonl"
    assert write_triplets_jsonl(val, f) == 20
    first = json.loads(f.read_text().splitlines()[0])
    assert set(first) == {"candidate", "target", "captions", "change"}
    assert isinstance(first["candidate"], str)
    back = read_triplets(f)
    assert [(t.candidate, t.target, t.captions, t.change) for t in back] == [
        (t.candidate, t.target, t.captions, t.change) for t in val
    ]
