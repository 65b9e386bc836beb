"""Keyword search in PostgreSQL (weighted full text, trigram "did you mean"), the age-group
filter, sorting, and the catalog's cards, on the real small catalog."""

from __future__ import annotations

import pytest
from django.db import connection
from django.urls import reverse

from shop import search
from shop.models import Product
from shop.selectors import Sort, keyword_results, parse_product_filters, sort_products

CATALOG = reverse("shop:catalog")


def _search(q: str, **params) -> list[Product]:
    products, _, _ = keyword_results(parse_product_filters({"q": q, **params}))
    return list(sort_products(products, Sort.RELEVANCE))


def test_navy_shirt_ranks_navy_shirts_first(catalog):
    navy = catalog.filter(base_colour="Navy Blue")
    navy_shirts = set(navy.filter(article_type="Shirts").values_list("pk", flat=True))
    navy_tshirts = navy.filter(article_type="Tshirts", name__icontains="shirt")
    assert len(navy_shirts) >= 2 and navy_tshirts.exists(), "the small catalog has both"
    found = _search("navy shirt")
    assert {p.pk for p in found[: len(navy_shirts)]} == navy_shirts
    assert {p.article_type for p in found} >= {"Shirts", "Tshirts"}  # t-shirts still match, below


def test_every_word_must_match_and_stemming_helps(catalog):
    assert all("Shirts" == p.article_type or "shirt" in p.name.lower() for p in _search("shirts"))
    jeans = _search("black jeans")
    assert jeans and all(p.article_type == "Jeans" or "jean" in p.name.lower() for p in jeans)


@pytest.mark.parametrize(
    ("typed", "meant"), [("shrt", "shirt"), ("nvy shrt", "navy shirt"), ("blak jeens", "black jeans")]
)
def test_typos_are_corrected_to_catalog_words(catalog, typed, meant):
    assert search.did_you_mean(typed) == meant
    products, used, corrected = keyword_results(parse_product_filters({"q": typed}))
    assert corrected == meant and used.q == meant and products.exists()


def test_words_the_catalog_has_and_stop_words_stay(catalog):
    assert search.did_you_mean("shirt for men") is None
    assert search.did_you_mean("zzzzqx") is None  # nothing close: no suggestion
    _, _, corrected = keyword_results(parse_product_filters({"q": "white shirt"}))
    assert corrected is None


def test_catalog_page_offers_the_correction(client, catalog):
    html = client.get(CATALOG, {"q": "shrt"}).content.decode()
    assert "Nothing matches “shrt”" in html and "did you mean" in html and "?q=shirt" in html
    assert 'class="card"' in html


def test_trigram_similarity_is_pg_trgm_s(db):
    """The same numbers as pg_trgm (its documentation: similarity('word', 'two words') = 0.363636)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT similarity('word', 'two words'), similarity('shrt', 'shirt'), similarity('', 'x')"
        )
        word, shirt, empty = cursor.fetchone()
    assert word == pytest.approx(0.363636, abs=1e-5)
    assert shirt == pytest.approx(0.375) and empty == 0


def test_age_group_filter_keeps_kids_apart(client, catalog):
    kids = client.get(CATALOG, {"age_group": "kids"}).context["page"].paginator.object_list
    assert kids.exists() and all(p.age_group.startswith("Kids-") for p in kids)
    women_adults = client.get(CATALOG, {"gender": "Women", "age_group": "Adults"}).context["page"]
    assert all(p.age_group == "Adults-Women" for p in women_adults.paginator.object_list)
    assert catalog.filter(gender="Women", age_group__startswith="Kids").exists()  # the case it fixes
    bad = client.get(CATALOG, {"age_group": "toddlers"})
    assert bad.status_code == 200 and "age_group" in bad.context["filter_errors"]


@pytest.mark.parametrize("sort", ["price", "-price", "newest", "relevance", "nonsense"])
def test_catalog_sorts(client, catalog, sort):
    page = client.get(CATALOG, {"article_type": "Shirts", "sort": sort}).context["page"]
    products = list(page.object_list)
    prices = [p.selling_price for p in products]
    if sort == "price":
        assert prices == sorted(prices)
    elif sort == "-price":
        assert prices == sorted(prices, reverse=True)
    elif sort == "newest":
        assert [p.pk for p in products] == sorted((p.pk for p in products), reverse=True)
    else:  # relevance, and anything unknown: catalog order
        assert [p.pk for p in products] == sorted(p.pk for p in products)


def test_cards_show_sizes_in_stock_and_quick_add(client, catalog, django_assert_max_num_queries):
    with django_assert_max_num_queries(9):
        response = client.get(CATALOG, {"article_type": "Shirts"})
    html = response.content.decode()
    product = response.context["page"].object_list[0]
    sold_out = [s.label for s in product.sizes.all() if not s.in_stock]
    assert html.count('class="quick-add"') >= 20
    assert f'action="{reverse("shop:cart_add", args=[product.pk])}"' in html
    card = html.split(f'data-product-id="{product.pk}"')[1].split("</article>")[0]
    for size in product.sizes.all():
        assert f">{size.label}</span>" in card
    for label in sold_out:
        assert f'<option value="{label}">' not in card  # quick add offers sizes in stock only


def test_filter_drawer_and_sort_work_without_javascript(client, catalog):
    html = client.get(CATALOG).content.decode()
    assert 'id="filters-open"' in html and 'for="filters-open"' in html  # a checkbox drawer
    assert 'name="sort"' in html and "data-autosubmit-button" in html  # a real submit button too


def test_suggestions_while_typing_are_the_catalogs_types_colours_and_brands(catalog):
    assert ("type", "Shirts") in search.suggestions("shi")
    assert search.suggestions("jea")[0] == ("type", "Jeans")
    assert ("type", "Jeans") in search.suggestions("jeens")  # a typo, by trigram similarity
    assert ("colour", "Navy Blue") in search.suggestions("nav")
    assert ("colour", "Navy Blue") in search.suggestions("blu")  # a word of the value starts so
    brand = catalog.exclude(brand="").order_by("pk").first().brand
    assert ("brand", brand) in search.suggestions(brand[:4], limit=50)
    starts = [label for _, label in search.suggestions("sh")]
    assert starts and all(any(w.lower().startswith("sh") for w in label.split()) for label in starts[:3])
    for nothing in ("s", "%_", "zqxv"):
        assert search.suggestions(nothing) == [], nothing


def test_suggestions_endpoint_links_each_to_its_catalog_page(client, catalog):
    response = client.get(reverse("shop:search_suggestions"), {"q": "shi"})
    assert response.status_code == 200
    found = {s["label"]: s for s in response.json()["suggestions"]}
    assert found["Shirts"] == {"kind": "type", "label": "Shirts", "url": "/?article_type=Shirts"}
    page = client.get(found["Shirts"]["url"])
    assert {p.article_type for p in page.context["page"].object_list} == {"Shirts"}
    colour = client.get(reverse("shop:search_suggestions"), {"q": "navy"}).json()["suggestions"][0]
    assert colour["url"] == "/?colour=Navy+Blue"
    for bad in ("x" * 61, "a\x00b"):
        refused = client.get(reverse("shop:search_suggestions"), {"q": bad})
        assert refused.status_code == 400 and "error" in refused.json()
    assert client.get(reverse("shop:search_suggestions")).json()["suggestions"] == []
