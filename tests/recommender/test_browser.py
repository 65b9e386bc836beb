"""A logged-in shopper types into the "Like this, but …" box on a product page and sees results
(headless Debian Chromium driven by Playwright, against a live server on the test database)."""

import os
import shutil

import pytest
from django.contrib.auth.models import User

from shop.models import Product
from tests.conftest import make_version

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser_page():
    playwright = pytest.importorskip("playwright.sync_api")
    if not os.path.exists(CHROMIUM):
        pytest.fail("Chromium is missing: `make browser` installs Debian's chromium")
    # Playwright's sync API runs an event loop in this thread; the ORM work is done before it starts.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        page = browser.new_page(viewport={"width": 1280, "height": 1000})
        yield page
        browser.close()


def test_shopper_finds_products_from_the_search_box(
    catalog, trained_checkpoint, live_server, browser_page, tmp_path
):
    make_version(trained_checkpoint)
    User.objects.create_user("carol", password="browser-pass-1")
    shirt = Product.objects.filter(article_type="Shirts").order_by("pk").first()
    page = browser_page

    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "carol")
    page.fill("input[name=password]", "browser-pass-1")
    page.click("form button[type=submit]:has-text('Log in'), form input[type=submit]")
    page.wait_for_load_state()
    assert "carol" in page.content()

    page.goto(f"{live_server.url}/products/{shirt.pk}/")
    box = page.locator("form[data-like-this] input[name=text]")
    box.fill("in black with short sleeves")
    cards = page.locator("[data-like-this-grid] article")
    cards.first.wait_for(timeout=15000)
    ids = [int(x) for x in cards.evaluate_all("els => els.map(e => e.dataset.productId)")]
    assert len(ids) == 20 and shirt.pk not in ids
    page.screenshot(path=str(tmp_path / "like-this.png"), full_page=False)

    # Each result keeps the query, so the shopper can refine from there.
    cards.first.locator("a").click()
    page.wait_for_load_state()
    assert (
        page.locator("form[data-like-this] input[name=text]").input_value() == "in black with short sleeves"
    )
