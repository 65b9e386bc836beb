"""The long tail in the browser (headless Chromium, Playwright, live server on the test database):
an impossible request is relaxed and the page says what it shows instead; a word read by meaning
is a chip of its own kind the shopper can remove; a lone emoji gets an answer, never the
previous one left on screen."""

from __future__ import annotations

import pytest

from shop.models import Product
from tests.conftest import make_version
from tests.recommender.test_browser import PHONE, browser, open_page  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def ask(page, text: str) -> None:
    """Type into the box and wait for the answer to `text` to be drawn."""
    box = page.locator("form[data-like-this] input[name=text]")
    with page.expect_response(lambda r: "fragment=1" in r.url and "text=" in r.url):
        box.fill(text)
    page.locator(".like-this-summary", has_text=text).wait_for(timeout=20000)


def test_relaxed_answer_guess_chip_and_emoji(catalog, trained_checkpoint, live_server, browser):  # noqa: F811
    make_version(trained_checkpoint)
    shirt = Product.objects.filter(article_type="Shirts", gender="Men").order_by("pk").first()
    page = open_page(browser, PHONE)
    page.goto(f"{live_server.url}/products/{shirt.pk}/")

    ask(page, "under 50 rupees")
    note = page.locator(".relaxed-note").first
    assert "under ₹50" in note.inner_text() and "showing from ₹" in note.inner_text()
    assert page.locator("[data-like-this-grid] article").count() == 20

    ask(page, "womenswear")
    guess = page.locator(".chip-guess", has_text="reading ‘womenswear’ as Women")
    assert guess.count() == 1
    with page.expect_response(lambda r: "fragment=1" in r.url):
        guess.locator("a[data-chip]").click()  # removing the guess asks again without the word
    assert page.locator("form[data-like-this] input[name=text]").input_value() == ""

    ask(page, "💙")
    assert page.locator(".not-understood").is_visible()
    assert not page.locator(".chip-guess").count() and not page.locator(".relaxed-note").count()
    assert not page.csp_errors, page.csp_errors
