"""Second stage of ``interpret``: items read from the text + the reference product -> constraints.

Everything relative happens here: "darker" against the reference's colour lightness, "longer
sleeves" against its sleeve length, "cheaper" against its selling price, "more formal" against the
types of its sub-category, and the category (type, gender, age group) kept from it unless the
request changes it. Attribute wishes are only emitted for attribute keys the target article type
uses in the catalog.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from language import lexicon as lx
from language.reading import Item
from language.vocabulary import Vocabulary

LIGHTNESS_MARGIN = 6.0   # L* a colour must be below/above the reference's to be "darker"/"lighter"
DARK_MAX_L = 45.0        # "a dark colour"
LIGHT_MIN_L = 65.0       # "a light colour"
CHROMATIC_FAMILIES = ("blue", "green", "red", "pink", "purple", "brown", "yellow", "orange")
# "cheaper" / "pricier" mean noticeably so: at least this share below / above the reference's price
# (₹4 less is not cheaper to a shopper).
PRICE_STEP = 0.1


@dataclass
class Out:
    """A constraint before formatting: ``spans`` are the token ranges it came from (none if implied)."""

    field: str
    op: str
    value: tuple[str, ...] | float
    spans: tuple[tuple[int, int], ...]
    hard: bool
    shown: str = ""  # a price typed in another currency, as typed ("$50"): its chip says both


@dataclass(frozen=True)
class Ref:
    """The reference product's fields that requests are relative to."""

    article_type: str | None
    gender: str | None
    age_group: str | None
    colour: str | None
    brand: str | None
    price: float | None
    attributes: dict[str, str]

    @classmethod
    def of(cls, ref: Mapping | None) -> Ref:
        ref = ref if isinstance(ref, Mapping) else {}
        attrs = ref.get("attributes")
        attrs = {str(k): str(v) for k, v in attrs.items() if v} if isinstance(attrs, Mapping) else {}

        def text(key: str) -> str | None:
            v = ref.get(key)
            return str(v) if v not in (None, "") else None

        return cls(text("article_type"), text("gender"), text("age_group"), text("base_colour"),
                   text("brand"), selling_price(ref), attrs)


def selling_price(ref: Mapping) -> float | None:
    """The price a shopper pays: ``discounted_price`` when set (> 0), else ``price``."""
    for key in ("discounted_price", "price"):
        try:
            value = float(ref.get(key) or 0)
        except (TypeError, ValueError):
            continue
        if value > 0:
            return value
    return None


class Resolver:
    """Turns items into constraints for one reference."""

    def __init__(self, items: list[Item], ref: Ref, vocab: Vocabulary):
        self.items = items
        self.ref = ref
        self.v = vocab
        self.out: list[Out] = []
        self.changed: tuple[str, ...] = ()
        self.change_spans: list[tuple[int, int]] = []
        self.drop_ref_type = False
        self.settled: list[Out] = []  # constraints dropped because later words contradict them
        self.companion: tuple[str, ...] = ()  # the types of a companion item asked for
        self.unused: list[tuple[int, int]] = []  # spans of product types read but not acted on
        self.restated: list[Out] = []  # price bounds typed again later ("under 1000? ok 1500 max")

    def of_kind(self, *kinds: str) -> list[Item]:
        return [it for it in self.items if it.kind in kinds]

    def emit(self, field: str, op: str, value: tuple[str, ...] | float,
             spans: list[tuple[int, int]], hard: bool) -> None:
        if isinstance(value, tuple) and not value:
            return
        self.out.append(Out(field, op, value, tuple(spans), hard))

    def resolve(self) -> list[Out]:
        self._types()
        self._occasions()
        self._category()
        self._brands()
        self._prices()
        self._sizes()
        self._colours()
        self._attributes()
        self._same_different()
        for it in self.of_kind("season"):
            if not it.negated:
                self.emit("season", "in", it.values, [it.span], False)
        outs, settled = settle_prices(merge(self.out))
        self.settled = self.restated + settled
        return outs

    # ------------------------------------------------------------------ category
    def _types(self) -> None:
        ref_type = self.ref.article_type
        changed: list[str] = []
        elsewhere: list[Item] = []  # types of another kind of product, named with no cue
        # "a tee like this, not a shirt" on a shirt: once the reference's own type is rejected, a
        # loose word for a top is a change, not the same item said loosely
        self.ref_type_rejected = any(it.negated and ref_type in it.values for it in self.of_kind("type"))
        for it in self.of_kind("type"):
            cue, implies, words = it.extra
            if it.negated:
                if ref_type is None or ref_type in it.values or self._same_sub(it.values):
                    self.emit("article_type", "not_in", it.values, [it.span], True)
                    self.drop_ref_type |= ref_type in it.values
                continue
            if cue == "companion" and ref_type in it.values:
                continue  # "a shirt that goes with these jeans" on jeans: the jeans are the reference
            if cue == "companion":
                self.companion += tuple(t for t in it.values if t not in self.companion)
            if cue == "companion" or self._changes_type(it.values, cue, words):
                changed += [t for t in it.values if t not in changed]
                self.change_spans.append(it.span)
            elif cue != "non_change" and ref_type not in it.values:
                elsewhere.append(it)
            if implies:
                self.items.append(Item("attr", implies, None, it.span))
        changed_by_cue = bool(changed)
        for it in elsewhere:
            if changed_by_cue or it.extra[0] != "alone" or not self._other_master(it.values):
                self.unused.append(it.span)  # "joggers" beside "shorts instead": read, not acted on
                continue
            # "a belt" on jeans, "shoes for this dress": another kind of product named alone is
            # wanted beside the reference, as "matching trousers" is
            self.companion += tuple(t for t in it.values if t not in self.companion)
            changed += [t for t in it.values if t not in changed]
            self.change_spans.append(it.span)
        self.changed = tuple(changed)

    def _other_master(self, types: tuple[str, ...]) -> bool:
        """Every type is of another master category than the reference's (footwear on a shirt)."""
        ref_master = self.v.master_of_type.get(self.ref.article_type or "")
        return ref_master is not None and all(self.v.master_of_type.get(t) != ref_master for t in types)

    def unused_words(self, tokens: list) -> list[str]:
        """The words of product types the request named without changing to them: shown as not
        understood rather than dropped silently."""
        return [" ".join(t.norm for t in tokens[a:b]) for a, b in self.unused]

    def _changes_type(self, types: tuple[str, ...], cue: str, words: str = "") -> bool:
        ref_type = self.ref.article_type
        if cue == "non_change" or (ref_type is not None and ref_type in types):
            return False
        if cue == "explicit" or ref_type is None:
            return True
        # "a darker shirt" on a t-shirt, "is a tank top with stripes" on a top: the same item, said
        # loosely; "joggers" on jeans is a change
        loose = words in lx.LOOSE_TYPE_WORDS or cue == "describes" or ref_type in lx.LOOSE_WHATEVER_THE_WORD
        same_group = any(ref_type in g and all(t in g for t in types) for g in lx.LOOSE_TYPE_GROUPS)
        if loose and same_group and not self.ref_type_rejected:
            return False
        masters = {self.v.master_of_type.get(t) for t in types}
        return masters == {self.v.master_of_type.get(ref_type)}  # "sandals" on a shirt needs a cue

    def _same_sub(self, types: tuple[str, ...]) -> bool:
        sub = self.v.sub_category_of_type.get(self.ref.article_type or "")
        return any(self.v.sub_category_of_type.get(t) == sub for t in types)

    def _occasions(self) -> None:
        usages = set(self.v.fields.get("usage", ()))
        occasion_values = self.v.attribute_values.get("Occasion", frozenset())
        for it in self.of_kind("occasion"):
            usage = lx.OCCASION_OPPOSITES.get(it.extra) if it.negated or it.modifier < 0 else it.extra
            if usage is None:
                continue
            group = tuple(u for u in lx.OCCASION_GROUPS.get(usage, ()) if u in usages)
            named = () if self.changed or group else self._types_named_after(usage)
            if not self.changed and not it.negated:
                named = self._footwear_for(usage) or named
            if named:
                self.changed, self.change_spans = named, [it.span]
            elif group:
                self.emit("usage", "in", group, [it.span], False)
            elif usage in usages:
                self.emit("usage", "in", (usage,), [it.span], False)
            elif usage in occasion_values:
                self.items.append(Item("attr", (f"Occasion={usage}",), None, it.span))

    def _footwear_for(self, usage: str) -> tuple[str, ...]:
        """"something for the pool" on shoes: the footwear the occasion calls for, sold to the
        reference's audience (nothing when the reference is already one of them or is no footwear)."""
        ref = self.ref
        wanted = lx.OCCASION_FOOTWEAR.get(usage, ())
        if ref.article_type is None or ref.article_type in wanted:
            return ()
        master = self.v.master_of_type.get(ref.article_type)
        return tuple(
            t for t in wanted
            if self.v.master_of_type.get(t) == master and (
                ref.gender is None or ref.age_group is None
                or (ref.gender, ref.age_group) in self.v.audiences_of_type.get(t, frozenset()))
        )

    def _types_named_after(self, usage: str) -> tuple[str, ...]:
        """Types of the reference's sub-category named after the occasion ("Formal Shoes"), sold to the
        reference's audience."""
        ref = self.ref
        if ref.article_type is None:
            return ()
        words = usage.lower().split()
        if all(w in ref.article_type.lower().split() for w in words):
            return ()
        sub = self.v.sub_category_of_type.get(ref.article_type)
        found = []
        for t in self.v.types_by_sub_category.get(sub, ()):
            audiences = self.v.audiences_of_type.get(t, frozenset())
            fits = ref.gender is None or ref.age_group is None or (ref.gender, ref.age_group) in audiences
            if all(w in t.lower().split() for w in words) and fits:
                found.append(t)
        return tuple(found)

    def target_types(self) -> tuple[str, ...]:
        if self.changed:
            return self.changed
        return (self.ref.article_type,) if self.ref.article_type else ()

    def _category(self) -> None:
        ref = self.ref
        if self.changed:
            self.emit("article_type", "in", self.changed, self.change_spans, True)
        elif ref.article_type and not self.drop_ref_type:
            self.emit("article_type", "in", (ref.article_type,), [], True)
        audiences = self.of_kind("audience")
        if audiences and any(it.extra != "person" for it in audiences):
            self._audiences(audiences)
            return
        combos = set().union(*(self.v.audiences_of_type.get(t, set()) for t in self.changed)) \
            if self.changed else None
        both = combos is None or (ref.gender, ref.age_group) in combos
        if ref.gender and both:
            self.emit("gender", "in", (ref.gender,), [], True)
        if ref.age_group and (both or any(a == ref.age_group for _, a in combos)):
            self.emit("age_group", "in", (ref.age_group,), [], True)

    def _audiences(self, items: list[Item]) -> None:
        genders: list[str] = []
        ages: list[str] = []
        gender_free = False
        names = {it.extra for it in items}
        child = bool(names & {"kids", "boys", "girls"})
        items = [it for it in items if it.extra != "person"]  # "for my partner, she…": the pronoun says
        if "kids" in names and names & {"him", "her", "boys", "girls"}:
            # "my little one ... for her", "my son ... in kids sizes": the child is a girl, a boy
            items = [it for it in items if it.extra != "kids"]
        for it in items:
            g, a = self._audience(it.extra, child)
            gender_free |= not g
            genders += [x for x in g if x not in genders]
            ages += [x for x in a if x not in ages]
        spans = [it.span for it in items]
        known_g, known_a = set(self.v.fields.get("gender", ())), set(self.v.fields.get("age_group", ()))
        if genders and not gender_free:
            self.emit("gender", "in", tuple(x for x in genders if x in known_g), spans, True)
        self.emit("age_group", "in", tuple(x for x in ages if x in known_a), spans, True)

    def _audience(self, name: str, child: bool = False) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """`child`: the request names a child too (then "her" is a girl)."""
        ref_age = self.ref.age_group or ""
        kids = ref_age.lower().startswith("kid") or (child and name in ("him", "her"))
        if name in ("him", "her"):  # a pronoun names the gender; a kid stays a kid
            pronouns = {("him", True): "boys", ("her", True): "girls", ("him", False): "men"}
            name = pronouns.get((name, kids), "women")
        if name == "adults":
            if not kids:
                return ((self.ref.gender,) if self.ref.gender else ()), ((ref_age,) if ref_age else ())
            name = {"boys": "men", "girls": "women"}.get(ref_age.split("-")[-1].lower(), "unisex")
        genders, ages = lx.AUDIENCES[name]
        if name == "unisex" and ref_age:
            ages = tuple(a for a in ages if a.lower().startswith("kid") == kids) or ages
        return genders, ages

    # ------------------------------------------------------------------ brand and price
    def _brands(self) -> None:
        for it in self.of_kind("brand"):
            self.emit("brand", "not_in" if it.negated else "in", it.values, [it.span], True)

    def _prices(self) -> None:
        price = self.ref.price
        typed = self.of_kind("price")
        for it in typed:
            op, value, shown = it.extra
            self.emit("price", op, value, [it.span], True)
            self.out[-1].shown = shown
            # "under 1000? or 1500. ok 1500 max": a bound typed again in the same direction
            # replaces the earlier one (the shopper settled on it), as a correction does
            side = BOUND_SIDE.get(op)
            if side and any(BOUND_SIDE.get(later.extra[0]) == side and later.span[0] > it.span[0]
                            for later in typed):
                self.restated.append(self.out.pop())
        for it in self.of_kind("price_rel"):
            if price is None:
                continue
            if it.extra < 0:
                self.emit("price", "lt", round(price * (1 - PRICE_STEP), 2), [it.span], True)
            elif it.extra > 0:
                self.emit("price", "gt", round(price * (1 + PRICE_STEP), 2), [it.span], True)
            else:
                self.emit("price", "lte", round(price / 2, 2), [it.span], True)
        for it in self.of_kind("discount"):
            op, value = it.extra
            self.emit("discount", op, value, [it.span], True)

    def _sizes(self) -> None:
        """A size asked for, spelled as the catalog spells it for the target types ("9" on shoes:
        UK9; "42": 42 or EURO42), in stock (the store's condition)."""
        offered = set().union(*(self.v.sizes_by_type.get(t, set()) for t in self.target_types()))
        for it in self.of_kind("size"):
            label, system = it.values[0], it.extra
            spellings = [f"{system}{label}"] if system else [label, f"UK{label}", f"EURO{label}"]
            if label in lx.SIZE_WORDS.values():
                spellings = [label, *lx.SIZE_LABEL_ALIASES.get(label, ())]  # XXL is also 2XL
            elif not system:
                spellings += _collar_in_cm(label)  # "a 15.5 collar": inches, the catalog's 39
            elif system == "US":  # the catalog labels shoes in UK sizes: US is UK + 1 (men), + 2 (women)
                spellings += _us_to_uk(label, self.ref.gender)
            known = [s for s in spellings if s in offered] if offered else spellings[:1]
            self.emit("size", "in", tuple(known or spellings[:1]), [it.span], True)

    # ------------------------------------------------------------------ colours
    def _colours(self) -> None:
        for it in self.of_kind("colour"):
            if it.negated:
                self.emit("base_colour", "not_in", it.values, [it.span], True)
            else:
                values = self._shift(it.values, it.modifier) if it.modifier else it.values
                self.emit("base_colour", "in", values, [it.span], False)
        for it in self.of_kind("colour_less"):
            self.emit("base_colour", "not_in", it.values, [it.span], False)
        for it in self.of_kind("lightness"):
            self.emit("base_colour", "in", self._relative_lightness(it.extra), [it.span], False)
        light = self.v.colour_lightness
        for it in self.of_kind("tone"):
            values = tuple(c for c, v in sorted(light.items(), key=lambda kv: kv[1])
                           if (v <= DARK_MAX_L if it.extra < 0 else v >= LIGHT_MIN_L))
            self.emit("base_colour", "not_in" if it.negated else "in", values, [it.span], it.negated)

    def _shift(self, values: tuple[str, ...], direction: int) -> tuple[str, ...]:
        """Colours of ``values`` darker (direction -1) or lighter (+1) than the reference's colour."""
        light = self.v.colour_lightness
        ref_l = light.get(self.ref.colour or "")
        if ref_l is None:
            return values
        for margin in (LIGHTNESS_MARGIN, -LIGHTNESS_MARGIN):
            kept = tuple(c for c in values if c in light and direction * (light[c] - ref_l) >= margin)
            if kept:
                return kept
        return values

    def _relative_lightness(self, direction: int) -> tuple[str, ...]:
        """Bare "darker": colours clearly darker than the reference's; within its hue family when the
        reference has a hue ("darker" on red: maroon, burgundy) and the family has such colours."""
        light = self.v.colour_lightness
        ref_l = light.get(self.ref.colour or "")
        if ref_l is None:
            return ()
        ordered = sorted(light, key=lambda c: light[c], reverse=direction < 0)
        darker = tuple(c for c in ordered if direction * (light[c] - ref_l) >= LIGHTNESS_MARGIN)
        for fam in CHROMATIC_FAMILIES:
            members = self.v.colour_families.get(fam, ())
            if self.ref.colour in members:
                same_hue = tuple(c for c in darker if c in members)
                return same_hue or darker
        return darker

    # ------------------------------------------------------------------ attributes
    def _target_keys(self) -> set[str] | None:
        """Attribute keys the target types use; None (any key) for no type or a type the catalog lacks."""
        types = [t for t in self.target_types() if t in self.v.attribute_keys_by_type]
        if not types:
            return None
        return set().union(*(self.v.attribute_keys_by_type.get(t, set()) for t in types))

    def _type_values(self, key: str) -> frozenset[str] | None:
        """Values of ``key`` the target types have (None when there is no target type)."""
        types = self.target_types()
        if not types:
            return None
        return frozenset().union(*(self.v.attribute_values_by_type.get(t, {}).get(key, ()) for t in types))

    def _attributes(self) -> None:
        keys = self._target_keys()
        attrs = self.of_kind("attr")
        specific = [it for it in attrs if it.extra != "generic" and not it.negated]
        for it in attrs:
            if it.extra == "generic" and any(set(it.values) & set(s.values) for s in specific):
                continue  # "leopard print pattern": the print says which pattern
            by_key: dict[str, list[str]] = {}
            for v in it.values:
                key, _, val = v.rpartition("=")
                for k in (key,) if key else self.v.keys_with_value(val):
                    if (keys is None or k in keys) and val not in by_key.setdefault(k, []):
                        by_key[k].append(val)
            hard = it.negated and it.modifier >= 0  # "less striped" only ranks down
            for k, vals in self._choose_keys(by_key).items():
                self.emit(k, "not_in" if it.negated else "in", tuple(vals), [it.span], hard)
        for it in self.of_kind("relative"):
            key = it.values[0]
            if keys is None or key in keys:
                self.emit(key, "in", self._for_type(key, self._scale_step(key, it.extra)), [it.span], False)
        for it in self.of_kind("collar"):
            for k in self._collar_keys(keys):
                vals = tuple(sorted(v for v in self.v.attribute_values[k] if _is_collar(v)))
                self.emit(k, "in" if it.extra > 0 else "not_in", vals, [it.span], it.extra < 0)

    def _for_type(self, key: str, values: tuple[str, ...]) -> tuple[str, ...]:
        """The values the target type has for this key, or all of them when it has none of them."""
        have = self._type_values(key) or frozenset()
        return tuple(v for v in values if v in have) or tuple(values)

    def _choose_keys(self, by_key: dict[str, list[str]]) -> dict[str, list[str]]:
        """A value under several keys ("No Sleeves": Sleeve Length and Sleeve Styling) goes to the keys
        where the target type has it; a wish the type has never had stays on the first key (a dress may
        still be wished with a scoop neck)."""
        if len(by_key) <= 1:
            return by_key
        kept = {k: vals for k, vals in by_key.items() if any(v in (self._type_values(k) or ()) for v in vals)}
        return kept or dict([next(iter(by_key.items()))])

    def _scale_step(self, key: str, direction: int) -> tuple[str, ...]:
        """"longer sleeves": the scale's steps beyond the reference's value (beyond the middle when the
        reference has none)."""
        scale = lx.SCALES[key]
        current = self.ref.attributes.get(key)
        pos = next((i for i, step in enumerate(scale) if current in step), None)
        centre = (len(scale) - 1) / 2 if pos is None else pos
        steps = [s for i, s in enumerate(scale) if (i > centre if direction > 0 else i < centre)]
        steps = steps or [scale[-1] if direction > 0 else scale[0]]  # already the longest: keep it
        known = self.v.attribute_values.get(key, frozenset())
        return tuple(v for s in steps for v in s if v in known)

    def _collar_keys(self, keys: set[str] | None) -> list[str]:
        return [k for k, vals in self.v.attribute_values.items()
                if (keys is None or k in keys) and any(_is_collar(v) for v in vals)]

    def _same_different(self) -> None:
        ref = self.ref
        for it in self.of_kind("same", "different"):
            fld = it.extra
            value = {"base_colour": ref.colour, "brand": ref.brand}.get(fld, ref.attributes.get(fld))
            if not value:
                continue
            hard = fld == "brand"
            if it.kind == "same":
                self.emit(fld, "in", (value,), [it.span], hard)
            else:
                self.emit(fld, "not_in", (value,), [it.span], hard)


_FIELD_ORDER = {f: i for i, f in enumerate(("article_type", "gender", "age_group", "brand", "price",
                                             "discount", "base_colour"))}


def _is_collar(value: str) -> bool:
    return lx.COLLAR_VALUE_WORD in value.lower() and value not in lx.COLLAR_EXCLUDED_VALUES


def merge(outs: list[Out]) -> list[Out]:
    """One constraint per (field, op, hard): value lists united, bounds tightened; wished colours or
    attribute values that are also excluded are dropped from the wish, unless that leaves nothing
    of it: then the wish is the more specific request ("olive green rather than green": olive is
    wanted, the other greens are not)."""
    merged: dict[tuple[str, str, bool], Out] = {}
    for o in outs:
        key = (o.field, o.op, o.hard)
        if key not in merged:
            merged[key] = Out(o.field, o.op, o.value, o.spans, o.hard, o.shown)
            continue
        m = merged[key]
        m.spans = tuple(dict.fromkeys(m.spans + o.spans))
        if isinstance(m.value, tuple):
            m.value = tuple(dict.fromkeys(m.value + o.value))
        elif (o.value < m.value) == (o.op in ("lt", "lte")):  # the tighter bound, as typed
            m.value, m.shown = o.value, o.shown
    for wish in [o for o in merged.values() if o.op == "in" and not o.hard]:
        for o in merged.values():
            if o.op == "not_in" and o.field == wish.field and set(wish.value) <= set(o.value):
                o.value = tuple(v for v in o.value if v not in wish.value)
    merged = {k: o for k, o in merged.items() if not isinstance(o.value, tuple) or o.value}
    excluded: dict[str, set[str]] = {}
    for o in merged.values():
        if o.op == "not_in":
            excluded.setdefault(o.field, set()).update(o.value)
    result = []
    for o in sorted(merged.values(), key=lambda o: _FIELD_ORDER.get(o.field, len(_FIELD_ORDER))):
        if o.op == "in" and not o.hard and o.field in excluded:
            o.value = tuple(v for v in o.value if v not in excluded[o.field])
            if not o.value:
                continue
        result.append(o)
    return result


BOUND_SIDE = {"lt": "ceiling", "lte": "ceiling", "gt": "floor", "gte": "floor"}


def settle_prices(outs: list[Out]) -> tuple[list[Out], list[Out]]:
    """A price floor at or above a price ceiling cannot both hold ("a pricier one, under ₹500"):
    the bound typed later stands (shoppers correct themselves as they type) and the other goes.
    Returns (the constraints kept, the ones dropped)."""
    floors = [o for o in outs if o.field == "price" and o.op in ("gt", "gte")]
    ceilings = [o for o in outs if o.field == "price" and o.op in ("lt", "lte")]
    if not floors or not ceilings:
        return outs, []
    floor, ceiling = max(floors, key=lambda o: o.value), min(ceilings, key=lambda o: o.value)
    if floor.value < ceiling.value:
        return outs, []
    later = max(floor.spans + ceiling.spans)
    beaten = floors if later in ceiling.spans else ceilings
    return [o for o in outs if o not in beaten], beaten


def _collar_in_cm(label: str) -> list[str]:
    """A shirt collar in inches (13 to 19.5) as the centimetres the catalog labels collars in:
    15.5 -> 39; 16 (40.6 cm) -> 40 or 41."""
    try:
        inches = float(label)
    except ValueError:
        return []
    if not 13 <= inches <= 19.5:
        return []
    cm = inches * 2.54
    near = {round(cm)} if abs(cm - round(cm)) < 0.3 else {int(cm), int(cm) + 1}
    return [str(c) for c in sorted(near)]


def _us_to_uk(label: str, gender: str | None) -> list[str]:
    try:
        us = float(label)
    except ValueError:
        return []
    uk = us - (2 if gender == "Women" else 1)
    return [f"UK{uk:g}"] if uk > 0 else []
