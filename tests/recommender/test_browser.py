"""The store in headless Debian Chromium (Playwright) against a live server on the test
database, at desktop (1280×800) and phone (390×844) sizes: the product first, typing into
"Like this, but …" (one request per pause, one redraw), removable chips, the refinement trail,
checkout with an address, the admin's review; no page scrolls sideways at 360 px."""

from __future__ import annotations

import os
import shutil

import pytest
from django.contrib.auth.models import User
from django.core import mail

from recommender.models import ModelVersion
from shop.models import Order, Product
from tests.conftest import make_version

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
WIDE = {"width": 1600, "height": 900}
NARROW = 360
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser():
    playwright = pytest.importorskip("playwright.sync_api")
    if not os.path.exists(CHROMIUM):
        pytest.fail("Chromium is missing: `make browser` installs Debian's chromium")
    # Playwright's sync API runs an event loop in this thread; the ORM work is done before it starts.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with playwright.sync_playwright() as p:
        args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
        browser = p.chromium.launch(executable_path=CHROMIUM, args=args)
        yield browser
        browser.close()


def open_page(browser, viewport: dict):
    """A fresh browser window; it records CSP violations (every page must keep the policy)."""
    page = browser.new_page(viewport=viewport)
    page.csp_errors = []
    page.on("console", lambda m: "Content Security Policy" in m.text and page.csp_errors.append(m.text))
    return page


def in_view(page, selector: str) -> bool:
    """Whether the element is entirely inside the viewport, without scrolling."""
    box = page.locator(selector).first.bounding_box()
    size = page.viewport_size
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= size["height"] and (
        box["x"] >= 0 and box["x"] + box["width"] <= size["width"]
    )


def assert_product_first(page) -> None:
    page.evaluate("window.scrollTo(0, 0)")
    for selector in (".product-image img", ".product-info .price-now", "button:has-text('Add to cart')"):
        assert in_view(page, selector), f"{selector} is not visible without scrolling at {page.viewport_size}"


def assert_no_sideways_scroll(page) -> None:
    """At 360 px wide the page never scrolls sideways (then the viewport is put back)."""
    size = page.viewport_size
    page.set_viewport_size({"width": NARROW, "height": size["height"]})
    page.wait_for_timeout(100)
    width = page.evaluate("document.documentElement.scrollWidth")
    page.set_viewport_size(size)
    assert width <= NARROW, f"{page.url} is {width} px wide at {NARROW} px"


def log_in(page, base: str, username: str, password: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("form button[type=submit]:has-text('Log in')")
    page.wait_for_load_state()


PAUSE_MS = 600  # like_this.js: the box asks after this long without a keystroke


def type_slowly_and_count(page, text: str) -> tuple[int, int, int]:
    """Type like a slow typist (120 ms a key) and wait past the pause: (pauses the page saw —
    one at the end, plus any gap of PAUSE_MS between keys on a busy machine —, requests, redraws)."""
    requests: list[str] = []
    listener = lambda r: "fragment=1" in r.url and requests.append(r.url)  # noqa: E731
    page.on("request", listener)
    page.evaluate(
        """() => { window.redraws = 0; window.keys = [];
             new MutationObserver(() => window.redraws++)
               .observe(document.querySelector('[data-like-this-results]'), {childList: true});
             document.querySelector('form[data-like-this] input[name=text]')
               .addEventListener('input', () => window.keys.push(performance.now())); }"""
    )
    page.locator("form[data-like-this] input[name=text]").press_sequentially(text, delay=120)
    page.locator("[data-like-this-grid] article").first.wait_for(timeout=20000)
    page.wait_for_timeout(1200)  # past another pause: nothing more may be asked or drawn
    page.remove_listener("request", listener)
    keys = page.evaluate("window.keys")
    pauses = 1 + sum(1 for a, b in zip(keys, keys[1:], strict=False) if b - a >= PAUSE_MS)
    return pauses, len(requests), page.evaluate("window.redraws")


def shopper_refines(page, base: str, shirt: Product) -> None:
    """Product page -> type -> chips -> remove one -> open a result -> the trail."""
    page.goto(f"{base}/products/{shirt.pk}/")
    assert_product_first(page)
    assert_no_sideways_scroll(page)

    pauses, requests, redraws = type_slowly_and_count(page, "in navy with short sleeves")
    assert 1 <= requests <= pauses and redraws <= requests, "at most one request and redraw per pause"
    cards = page.locator("[data-like-this-grid] article")
    assert cards.count() == 20
    assert page.locator(".like-this-reference img").is_visible()  # the reference beside its results
    labels = [text.rstrip("×").strip() for text in page.locator(".chips .chip").all_inner_texts()]
    assert {"colour: navy blue", "sleeves: short"} <= set(labels)
    assert_no_sideways_scroll(page)

    # Removing a chip asks again without its words.
    with page.expect_request(lambda r: "fragment=1" in r.url) as rerun:
        page.locator(".chip:has-text('sleeves: short') a[data-chip]").click()
    assert "text=in+navy&" in rerun.value.url or rerun.value.url.endswith("text=in+navy")
    page.locator(".chip:has-text('sleeves: short')").wait_for(state="detached")
    assert page.locator("form[data-like-this] input[name=text]").input_value() == "in navy"

    # A result opens with the trail; the product first again, the box empty for the next step.
    first = int(cards.first.get_attribute("data-product-id"))
    cards.first.locator("a.card-link").click()
    page.wait_for_url(f"**/products/{first}/?step=*")
    assert_product_first(page)
    assert page.locator("form[data-like-this] input[name=text]").input_value() == ""
    trail = page.locator(".like-this-trail")
    assert trail.locator(".trail-text").inner_text() == "“in navy”"
    trail.locator(".trail-text a").click()  # each step is clickable
    page.wait_for_url(f"**/recommendations/?reference={shirt.pk}&text=in+navy*")
    assert page.locator("[data-like-this-grid] article").count() == 20
    assert_no_sideways_scroll(page)


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_product_first_then_like_this_with_chips_and_trail(
    catalog, trained_checkpoint, live_server, browser, viewport
):
    make_version(trained_checkpoint)
    shirt = Product.objects.filter(article_type="Shirts", gender="Men").order_by("pk").first()
    page = open_page(browser, viewport)
    shopper_refines(page, live_server.url, shirt)
    assert not page.csp_errors, page.csp_errors


def test_like_this_sits_beside_the_product_on_wide_screens(catalog, trained_checkpoint, live_server, browser):
    make_version(trained_checkpoint)
    shirt = Product.objects.filter(article_type="Shirts", gender="Men").order_by("pk").first()
    page = open_page(browser, WIDE)
    page.goto(f"{live_server.url}/products/{shirt.pk}/")
    assert_product_first(page)
    info, panel = (page.locator(s).first.bounding_box() for s in (".product-info", ".like-this-panel"))
    assert panel["x"] >= info["x"] + info["width"], "the panel is beside the product"
    assert in_view(page, "form[data-like-this] input[name=text]")
    page.locator("form[data-like-this] input[name=text]").fill("in navy")
    page.locator("[data-like-this-grid] article").first.wait_for(timeout=20000)
    card = page.locator("[data-like-this-grid] article").first.bounding_box()
    assert card["x"] >= info["x"] + info["width"], "its results stay in the panel's column"

    page.set_viewport_size(DESKTOP)  # narrower: the panel goes below the product
    page.wait_for_timeout(100)
    info, panel = (page.locator(s).first.bounding_box() for s in (".product-info", ".like-this-panel"))
    assert panel["y"] >= info["y"] + info["height"]
    assert not page.csp_errors, page.csp_errors


def test_checkout_with_an_address_on_a_phone(catalog, live_server, browser):
    product = Product.objects.filter(sizes__stock__gt=2).order_by("pk").first()
    base, page = live_server.url, open_page(browser, PHONE)
    page.goto(f"{base}/")
    assert_no_sideways_scroll(page)
    page.click("label.drawer-open")  # the filters: a drawer on phones
    page.locator(".filters select[name=age_group]").wait_for(state="visible", timeout=3000)
    assert_no_sideways_scroll(page)
    page.click(".filters .drawer-close")

    page.goto(f"{base}/products/{product.pk}/")
    page.locator(".sizes label:not(.sold-out)").first.click()
    page.click("button:has-text('Add to cart')")
    page.wait_for_url(f"{base}/cart/")
    assert_no_sideways_scroll(page)
    page.click("a:has-text('Create an account')")  # from the cart: sign up, then back to checkout
    page.fill("input[name=username]", "dana")
    page.fill("input[name=password1]", "a-long-browser-pass-7")
    page.fill("input[name=password2]", "a-long-browser-pass-7")
    page.click("button:has-text('Sign up')")
    page.wait_for_url(f"{base}/checkout/address/")
    assert_no_sideways_scroll(page)
    fields = {"name": "Dana K", "line1": "4 Park Street", "city": "Kolkata", "postcode": "700016",
              "phone": "9830012345", "email": "dana@example.com"}  # fmt: skip
    for name, value in fields.items():
        page.fill(f"form.address-form [name={name}]", value)
    page.click("button:has-text('Continue to review')")
    page.wait_for_url(f"{base}/checkout/")
    assert page.locator("text=4 Park Street").is_visible()
    assert page.locator(".review-box strong:has-text('Pay on delivery')").is_visible()
    assert_no_sideways_scroll(page)
    page.click("button:has-text('Place order')")
    page.wait_for_url("**/orders/*/placed/")
    order = Order.objects.get(user__username="dana")
    assert page.locator(f"text=Order #{order.pk} is placed").is_visible()
    assert order.ship_city == "Kolkata" and mail.outbox and mail.outbox[-1].to == ["dana@example.com"]
    page.reload()  # post/redirect/get: a reload places nothing twice
    assert Order.objects.filter(user__username="dana").count() == 1
    for path in ("/purchases/", "/?q=shrt", "/accounts/login/", "/accounts/signup/", "/cart/"):
        page.goto(f"{base}{path}")
        assert_no_sideways_scroll(page)
    assert not page.csp_errors, page.csp_errors


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_admin_reviews_a_candidate_before_it_serves(
    catalog, trained_checkpoint, live_server, browser, viewport
):
    serving = make_version(trained_checkpoint)
    candidate = make_version(trained_checkpoint, activate=False)
    User.objects.create_superuser("root", "root@example.com", "a-long-admin-pass-9")
    base, page = live_server.url, open_page(browser, viewport)
    page.goto(f"{base}/admin/login/?next=/admin/recommender/modelversion/")
    page.fill("input[name=username]", "root")
    page.fill("input[name=password]", "a-long-admin-pass-9")
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/recommender/modelversion/")
    assert page.locator("button:has-text('Roll back to previous')").is_disabled()
    page.click(f".mv-awaiting a:has-text('compare it with {serving.name}')")
    page.wait_for_url(f"**/modelversion/{candidate.pk}/change/")
    rows = page.locator(".mv-compare tbody tr")
    assert rows.count() >= 4
    for side in (2, 3):  # candidate and serving, each with pictures that loaded
        images = rows.first.locator(f"td:nth-child({side}) img")
        assert images.count() == 5
        assert images.first.evaluate("img => img.complete && img.naturalWidth > 0")
    assert page.locator("input[name=_save]").count() == 0
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    page.click(f"button:has-text('Activate {candidate.name}')")
    page.wait_for_url("**/admin/recommender/modelversion/")
    assert page.locator(f"text={candidate.name} is now serving shoppers.").is_visible()
    assert ModelVersion.objects.get(status="active") == candidate
    assert page.locator(f"button:has-text('Roll back to {serving.name}')").is_enabled()
    assert not page.csp_errors, page.csp_errors
