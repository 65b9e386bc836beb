"""Property tests (Hypothesis) of the query-parameter parsers and the product filters.

Whatever a client sends, a parser returns a value within its bounds or raises ParamError (a
400), never anything else; the product filters either refuse the input with FilterError or
build a query that runs on the real database and returns only products that match.
"""

from decimal import Decimal
from urllib.parse import urlencode

import pytest
from django.http import QueryDict
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from shop.models import Gender
from shop.params import MAX_ID, MAX_PRICE, ParamError, is_id, parse_bool, parse_decimal, parse_id, parse_int
from shop.selectors import MAX_QUERY_LENGTH, FilterError, filter_products, parse_product_filters

# What arrives from a query string or a JSON body: text of any kind (Unicode digits, exponents,
# signs, NUL), numbers of any size, booleans, null, lists and objects.
json_scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=50)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
)
number_like_text = st.from_regex(r"\A\s*[-+]?[0-9²³¹٣.]{0,30}([eE][-+]?[0-9]{1,8})?\s*\Z")
raw_values = json_values | number_like_text | st.decimals()

FILTER_NAMES = ("q", "gender", "article_type", "colour", "min_price", "max_price", "size", "in_stock")
# Values a shopper would send, in any letter case, so that many filters reach the database.
PLAUSIBLE = {
    "q": st.sampled_from(["shirt", "blue nike", "dress", "", "  jeans  "]),
    "gender": st.sampled_from(Gender.values).map(str.upper),
    "article_type": st.sampled_from(["Tshirts", "shirts", "DRESSES", "Jeans", "Handbags"]),
    "colour": st.sampled_from(["Blue", "black", "WHITE", "Red"]),
    "min_price": st.decimals(min_value=0, max_value=2000, places=2).map(str),
    "max_price": st.decimals(min_value=0, max_value=5000, places=2).map(str),
    "size": st.sampled_from(["S", "m", "L", "XL", "32", "One size"]),
    "in_stock": st.sampled_from(["1", "true", "0", "off", True, False]),
}
# Plausible values for some filters, and at most one arbitrary value among them.
filter_params = st.builds(
    lambda plausible, arbitrary: {**plausible, **arbitrary},
    st.fixed_dictionaries({}, optional=PLAUSIBLE),
    st.dictionaries(st.sampled_from(FILTER_NAMES), raw_values, max_size=1),
)
DB_SETTINGS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _whole_number(raw) -> int | None:
    """What a whole-number parameter means, worked out independently of shop.params: an int (not
    a bool), or text of ASCII digits (surrounding white space ignored), at most 19 characters (a
    bigint's digits); None for anything else."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw if len(str(raw)) <= 19 else None
    if isinstance(raw, str):
        text = raw.strip()
        if text and len(text) <= 19 and all(c in "0123456789" for c in text):
            return int(text)
    return None


@given(raw=raw_values, low=st.integers(-(2**70), 2**70), span=st.integers(0, 2**70))
def test_parse_int_is_within_bounds_or_a_param_error(raw, low, span):
    expected = _whole_number(raw)
    try:
        value = parse_int(raw, "n", minimum=low, maximum=low + span)
    except ParamError as exc:
        assert exc.name == "n" and exc.message
        assert expected is None or not low <= expected <= low + span, f"{raw!r} refused"
        return
    assert type(value) is int and low <= value <= low + span
    assert value == expected


@given(value=st.integers(0, 10**19 - 1), below=st.integers(0, 2**70), above=st.integers(0, 2**70),
       pad=st.sampled_from(["", " ", "\t", " \n"]), as_text=st.booleans())
def test_parse_int_accepts_every_whole_number_within_bounds(value, below, above, pad, as_text):
    raw = f"{pad}{value}{pad}" if as_text else value
    assert parse_int(raw, "n", minimum=value - below, maximum=value + above) == value


@pytest.mark.parametrize(
    "raw", ["4.2", "1e3", "²", "٣", "0x10", "+5", "-5", "", " ", "1 2", True, 2.0, None, [1]]
)
def test_parse_int_refuses_what_is_not_a_plain_whole_number(raw):
    with pytest.raises(ParamError):
        parse_int(raw, "n", minimum=-(10**6), maximum=10**6)


def test_parse_int_refuses_values_outside_its_bounds():
    assert parse_int("10", "n", minimum=10, maximum=20) == 10
    assert parse_int(20, "n", minimum=10, maximum=20) == 20
    for raw in ("9", 21, -1):
        with pytest.raises(ParamError, match="between 10 and 20"):
            parse_int(raw, "n", minimum=10, maximum=20)


@given(value=st.integers(1, MAX_ID), pad=st.sampled_from(["", " ", "\t", " \n"]))
def test_ids_round_trip_through_text(value, pad):
    assert parse_id(f"{pad}{value}{pad}", "id") == value
    assert is_id(str(value))


@given(raw=raw_values | st.integers(-(2**64), 2**64) | st.integers(1, MAX_ID).map(str))
def test_parse_id_accepts_only_bigint_ids(raw):
    expected = _whole_number(raw)
    is_bigint_id = expected is not None and 1 <= expected <= MAX_ID
    if isinstance(raw, str):
        assert is_id(raw) == is_bigint_id
    try:
        value = parse_id(raw, "id")
    except ParamError:
        assert not is_bigint_id, f"{raw!r} refused"
        return
    assert is_bigint_id and value == expected


@pytest.mark.parametrize("raw", ["0", 0, -1, str(MAX_ID + 1), MAX_ID + 1, "1.0", "abc"])
def test_parse_id_refuses_what_no_bigint_id_can_be(raw):
    with pytest.raises(ParamError):
        parse_id(raw, "id")


@given(raw=raw_values)
def test_parse_decimal_is_a_price_or_a_param_error(raw):
    try:
        value = parse_decimal(raw, "price")
    except ParamError as exc:
        assert exc.name == "price" and exc.message
        return
    assert isinstance(value, Decimal) and value.is_finite()
    assert Decimal(0) <= value <= MAX_PRICE


@given(value=st.decimals(min_value=0, max_value=MAX_PRICE, places=2))
def test_prices_round_trip_through_text(value):
    assert parse_decimal(format(value, "f"), "price") == value


BOOL_SPELLINGS = {"1": True, "true": True, "yes": True, "on": True,
                  "0": False, "false": False, "no": False, "off": False, "": False}  # fmt: skip


@given(raw=raw_values | st.sampled_from(list(BOOL_SPELLINGS)))
def test_parse_bool_is_a_bool_or_a_param_error(raw):
    expected = raw if isinstance(raw, bool) else BOOL_SPELLINGS.get(str(raw).strip().lower())
    try:
        value = parse_bool(raw, "flag")
    except ParamError as exc:
        assert exc.name == "flag" and expected is None, f"{raw!r} refused"
        return
    assert value is expected


@given(spelling=st.sampled_from(list(BOOL_SPELLINGS)),
       case=st.sampled_from([str.lower, str.upper, str.title]), pad=st.sampled_from(["", " ", "\t"]))
def test_parse_bool_reads_every_spelling_in_any_case(spelling, case, pad):
    assert parse_bool(f"{pad}{case(spelling)}{pad}", "flag") is BOOL_SPELLINGS[spelling]


@pytest.mark.parametrize("raw", ["maybe", "2", "tru", "yes please", None, [True]])
def test_parse_bool_refuses_other_words(raw):
    with pytest.raises(ParamError, match="not a boolean"):
        parse_bool(raw, "flag")


def _check_bounds(filters) -> None:
    assert len(filters.q) <= MAX_QUERY_LENGTH
    assert filters.gender is None or filters.gender in Gender.values
    for price in (filters.min_price, filters.max_price):
        assert price is None or Decimal(0) <= price <= MAX_PRICE
    if filters.min_price is not None and filters.max_price is not None:
        assert filters.min_price <= filters.max_price
    for text in (filters.q, filters.article_type, filters.colour, filters.size):
        assert text is None or "\x00" not in text


@pytest.mark.django_db
@DB_SETTINGS
@given(params=filter_params)
def test_filters_from_json_refuse_or_match_on_the_database(catalog, params):
    try:
        filters = parse_product_filters(params)
    except FilterError as exc:
        assert exc.errors and set(exc.errors) <= set(FILTER_NAMES)
        return
    _check_bounds(filters)
    _check_matches(filters)


query_strings = st.lists(
    st.sampled_from(FILTER_NAMES).flatmap(
        lambda name: st.tuples(st.just(name) | st.text(max_size=5), PLAUSIBLE[name] | st.text(max_size=30))
    )
    | st.tuples(st.sampled_from(FILTER_NAMES), number_like_text),
    max_size=6,
).map(urlencode)


@pytest.mark.django_db
@DB_SETTINGS
@given(query=query_strings)
def test_filters_from_query_strings_refuse_or_match_on_the_database(catalog, query):
    try:
        filters = parse_product_filters(QueryDict(query))
    except FilterError as exc:
        assert exc.errors and set(exc.errors) <= set(FILTER_NAMES)
        return
    _check_bounds(filters)
    _check_matches(filters)


def _check_matches(filters) -> None:
    """The query runs (no database error) and every product it returns meets the filters."""
    products = list(filter_products(filters).prefetch_related("sizes")[:20])
    event(f"{bool(products)} products")
    for product in products:
        price = product.selling_price
        assert filters.min_price is None or price >= filters.min_price
        assert filters.max_price is None or price <= filters.max_price
        assert filters.gender is None or product.gender == filters.gender
        assert filters.article_type is None or product.article_type.lower() == filters.article_type.lower()
        assert filters.colour is None or product.base_colour.lower() == filters.colour.lower()
        sizes = [
            s for s in product.sizes.all() if not filters.size or s.label.lower() == filters.size.lower()
        ]
        if filters.size or filters.in_stock:
            assert any(s.stock > 0 for s in sizes) if filters.in_stock else sizes


# --- the pages that read these parameters: a page or a friendly 400, never a 500 -----------------

page_query_strings = st.lists(
    st.sampled_from([*FILTER_NAMES, "page", "reference", "text", "fragment"]).flatmap(
        lambda name: st.tuples(st.just(name), PLAUSIBLE.get(name, st.text(max_size=30)) | number_like_text)
    ),
    max_size=6,
).map(urlencode)


@pytest.mark.django_db
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=page_query_strings)
def test_the_catalog_page_answers_any_query_string(client, catalog, query):
    response = client.get(f"/?{query}")
    assert response.status_code == 200


@pytest.mark.slow
@pytest.mark.django_db
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=page_query_strings, reference=st.sampled_from(["", "first"]))
def test_the_recommendations_page_answers_any_query_string(client, active_model, query, reference):
    if reference:  # half the requests name a real product, so the model really runs
        query = f"{query}&reference={catalog_product_id()}"
    response = client.get(f"/recommendations/?{query}")
    event(f"status {response.status_code}")
    assert response.status_code in (200, 400), response.content[:300]


def catalog_product_id() -> int:
    from shop.models import Product

    return Product.objects.filter(is_active=True).order_by("pk").values_list("pk", flat=True).first()
