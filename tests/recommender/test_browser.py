"""The store in headless Debian Chromium (Playwright) against a live server on the test
database, at desktop (1280×800) and phone (390×844) sizes: the product first, typing into
"Like this, but …" (one request per pause, one redraw), removable chips, the refinement trail,
adding to the cart without leaving the product, checkout with an address, any purchase as the
start, the admin's review; a shopper using the keyboard alone; no page scrolls sideways at
360 px. Every walk runs axe-core on the pages it passes (no serious or critical violation), checks
touch targets on phones, and that no request of the page fails (the favicon included)."""

from __future__ import annotations

import os
import shutil

import pytest
from django.contrib.auth.models import User
from django.core import mail

from recommender.models import ModelVersion
from shop.models import Order, Product
from shop.services import OrderItem, place_order
from tests.conftest import make_version
from tests.recommender.browser_checks import (
    assert_accessible,
    assert_focus_kept,
    assert_focus_ring,
    assert_touch_targets,
    focused,
    tab_to,
)

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
    """A fresh browser window; it records CSP violations (every page must keep the policy) and
    the page's requests that failed (a favicon's 404 too)."""
    page = browser.new_page(viewport=viewport)
    page.csp_errors, page.failed = [], []
    page.on("console", lambda m: _record_csp(page, m))
    page.on("response", lambda r: r.status >= 400 and page.failed.append(f"{r.status} {r.url}"))
    return page


def _record_csp(page, message) -> None:
    # A violation of the page's own (its HTML's or scripts') has their URL; axe-core, evaluated by
    # the test through DevTools, has none and is not the store's.
    if "Content Security Policy" in message.text and message.location.get("url"):
        page.csp_errors.append(f"{page.url}: {message.text}")


def assert_clean(page) -> None:
    """The walk kept the CSP and every request it made was answered."""
    assert not page.csp_errors, page.csp_errors
    assert not page.failed, page.failed


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


def is_phone(page) -> bool:
    return page.viewport_size["width"] < 600


def ask_and_read_chips(page) -> None:
    """Type a request on the product page: one request per pause, the answer beside its reference,
    chips, and a short announcement of the answer for screen readers."""
    pauses, requests, redraws = type_slowly_and_count(page, "in navy with short sleeves")
    assert 1 <= requests <= pauses and redraws <= requests, "at most one request and redraw per pause"
    assert page.locator("[data-like-this-grid] article").count() == 20
    assert page.locator(".like-this-reference img").is_visible()  # the reference beside its results
    labels = [text.rstrip("×").strip() for text in page.locator(".chips .chip").all_inner_texts()]
    assert {"colour: navy blue", "sleeves: short"} <= set(labels)
    assert "20 suggestions" in page.locator("[data-like-this-status]").inner_text()  # announced
    assert_accessible(page, "a product page with an answer and its chips")
    if is_phone(page):
        assert_touch_targets(page)
    assert_no_sideways_scroll(page)


def remove_a_chip(page) -> None:
    """Removing a chip asks again without its words; the focus goes to the chip in its place (or
    the box), never to the page."""
    with page.expect_request(lambda r: "fragment=1" in r.url) as rerun:
        page.locator(".chip:has-text('sleeves: short') a[data-chip]").click()
    assert "text=in+navy&" in rerun.value.url or rerun.value.url.endswith("text=in+navy")
    page.locator(".chip:has-text('sleeves: short')").wait_for(state="detached")
    assert page.locator("form[data-like-this] input[name=text]").input_value() == "in navy"
    assert page.evaluate("document.activeElement.matches('a[data-chip], input[name=text]')"), focused(page)


def assert_trail_shows_its_last_step(page) -> None:
    """Phones: the trail scrolls sideways, shows that it does, and starts at the product shown."""
    steps = page.locator(".like-this-trail ol")
    if steps.evaluate("ol => ol.scrollWidth > ol.clientWidth"):
        current, row = page.locator(".trail-current").bounding_box(), steps.bounding_box()
        assert row["x"] <= current["x"] and current["x"] + current["width"] <= row["x"] + row["width"] + 1
    for row in (steps, page.locator(".like-this-filters")):
        assert "gradient" in row.evaluate("e => getComputedStyle(e).backgroundImage")  # the edge shadows


def add_to_cart_and_stay(page) -> str:
    """Add to cart keeps the shopper on the product page, trail and all, with a confirmation;
    "Continue shopping" in the cart comes back here."""
    url = page.url
    page.locator(".sizes label:not(.sold-out)").first.click()
    page.click("button:has-text('Add to cart')")
    page.locator(".message.success:has-text('to your cart')").wait_for()
    assert page.url == url and page.locator(".like-this-trail").is_visible()
    page.click("a:has-text('View cart and check out')")
    page.wait_for_url("**/cart/")
    assert_accessible(page, "the cart")
    page.click("a:has-text('Continue shopping')")
    page.wait_for_url(url)
    return url


def shopper_refines(page, base: str, shirt: Product) -> None:
    """Product page -> type -> chips -> remove one -> open a result -> add it to the cart -> the trail."""
    page.goto(f"{base}/products/{shirt.pk}/")
    assert_product_first(page)
    assert_no_sideways_scroll(page)
    ask_and_read_chips(page)
    remove_a_chip(page)

    # A result opens with the trail; the product first again, the box empty for the next step.
    cards = page.locator("[data-like-this-grid] article").filter(has_not=page.locator(".sold-out-note"))
    first = int(cards.first.get_attribute("data-product-id"))
    cards.first.locator("a.card-link").click()
    page.wait_for_url(f"**/products/{first}/?step=*")
    assert_product_first(page)
    assert page.locator("form[data-like-this] input[name=text]").input_value() == ""
    trail = page.locator(".like-this-trail")
    assert trail.locator(".trail-text").inner_text() == "“in navy”"
    if is_phone(page):
        assert_trail_shows_its_last_step(page)
    add_to_cart_and_stay(page)
    trail.locator(".trail-text a").click()  # each step is clickable
    page.wait_for_url(f"**/recommendations/?reference={shirt.pk}&text=in+navy*")
    assert page.locator("[data-like-this-grid] article").count() == 20
    assert page.title().startswith(f"20 like {shirt.name}, but “in navy”")  # the title says what is shown
    assert_accessible(page, "the results page with chips")
    if is_phone(page):
        assert_touch_targets(page)
    assert_no_sideways_scroll(page)


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_product_first_then_like_this_with_chips_and_trail(
    catalog, trained_checkpoint, live_server, browser, viewport
):
    make_version(trained_checkpoint)
    shirt = Product.objects.filter(article_type="Shirts", gender="Men").order_by("pk").first()
    page = open_page(browser, viewport)
    shopper_refines(page, live_server.url, shirt)
    assert_clean(page)


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


def walk_as_a_phone_shopper(page, base: str, path: str, what: str) -> None:
    """Open a page: axe-core, touch targets and no sideways scrolling."""
    if path:
        page.goto(f"{base}{path}")
    assert_accessible(page, what)
    assert_touch_targets(page)
    assert_no_sideways_scroll(page)


def cart_on_a_phone(page, base: str, product: Product) -> None:
    """Add to cart stays on the product page; the cart changes the quantity."""
    page.goto(f"{base}/products/{product.pk}/")
    walk_as_a_phone_shopper(page, base, "", "a product page")
    page.locator(".sizes label:not(.sold-out)").first.click()
    page.click("button:has-text('Add to cart')")
    page.locator(".message.success:has-text('to your cart')").wait_for()
    assert page.url == f"{base}/products/{product.pk}/"
    page.click("a:has-text('View cart and check out')")
    page.wait_for_url(f"{base}/cart/")
    page.fill("input[name=quantity]", "2")
    page.click("button:has-text('Update')")
    page.locator(".message.success:has-text('quantity now 2')").wait_for()
    assert page.locator("[data-cart-count]").inner_text() == "2"
    walk_as_a_phone_shopper(page, base, "", "the cart")


def address_on_a_phone(page, base: str) -> None:
    """The address step names autocomplete tokens and opens the right keyboards."""
    page.wait_for_url(f"{base}/checkout/address/")
    walk_as_a_phone_shopper(page, base, "", "checkout: address")
    attributes = page.eval_on_selector_all(
        "form.address-form input:not([type=hidden])",
        "inputs => Object.fromEntries(inputs.map(i => [i.name, [i.autocomplete, i.inputMode, i.type]]))",
    )
    assert attributes["postcode"] == ["postal-code", "numeric", "text"]
    assert attributes["phone"] == ["tel", "tel", "tel"]
    assert attributes["line1"][0] == "address-line1" and attributes["email"][0] == "email"
    fields = {"name": "Dana K", "line1": "4 Park Street", "city": "Kolkata", "postcode": "700016",
              "phone": "9830012345", "email": "dana@example.com"}  # fmt: skip
    for name, value in fields.items():
        page.fill(f"form.address-form [name={name}]", value)
    page.click("button:has-text('Continue to review')")
    page.wait_for_url(f"{base}/checkout/")
    assert page.locator("text=4 Park Street").is_visible()
    assert page.locator(".review-box strong:has-text('Pay on delivery')").is_visible()
    walk_as_a_phone_shopper(page, base, "", "checkout: review")


def test_checkout_with_an_address_on_a_phone(catalog, live_server, browser):
    product = Product.objects.filter(sizes__stock__gt=2).order_by("pk").first()
    base, page = live_server.url, open_page(browser, PHONE)
    walk_as_a_phone_shopper(page, base, "/", "the catalog")
    page.click("label.drawer-open")  # the filters: a drawer on phones
    page.locator(".filters select[name=age_group]").wait_for(state="visible", timeout=3000)
    assert_no_sideways_scroll(page)
    page.click(".filters .drawer-close")

    cart_on_a_phone(page, base, product)
    page.click("a:has-text('Create an account')")  # from the cart: sign up, then back to checkout
    page.fill("input[name=username]", "dana")
    page.fill("input[name=password1]", "a-long-browser-pass-7")
    page.fill("input[name=password2]", "a-long-browser-pass-7")
    page.click("button:has-text('Sign up')")
    address_on_a_phone(page, base)
    page.click("button:has-text('Place order')")
    page.wait_for_url("**/orders/*/placed/")
    order = Order.objects.get(user__username="dana")
    assert page.locator(f"text=Order #{order.pk} is placed").is_visible()
    assert order.ship_city == "Kolkata" and mail.outbox and mail.outbox[-1].to == ["dana@example.com"]
    walk_as_a_phone_shopper(page, base, "", "checkout: placed")
    back = page.locator("a:has-text('Continue shopping')").get_attribute("href")
    assert back.endswith(f"/products/{product.pk}/")  # where the shopper added from
    page.reload()  # post/redirect/get: a reload places nothing twice
    assert Order.objects.filter(user__username="dana").count() == 1
    for path, what in (("/purchases/", "my purchases"), ("/?q=shrt", "a search"), ("/cart/", "empty cart")):
        walk_as_a_phone_shopper(page, base, path, what)
    page.click("button:has-text('Log out')")
    for path, what in (("/accounts/login/", "log in"), ("/accounts/signup/", "sign up")):
        walk_as_a_phone_shopper(page, base, path, what)
    assert_clean(page)


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
    assert_accessible(page, "the admin's model versions")
    page.click("button:has-text('Retrain model')")  # asks first, and says how long it takes
    page.wait_for_url("**/modelversion/retrain/*")
    assert page.locator(".mv-estimate").is_visible() and page.title().startswith("Retrain the model?")
    assert_accessible(page, "the admin's retrain question")
    page.click("a:has-text('No, go back')")
    assert not ModelVersion.objects.filter(status="queued").exists()
    page.click(f".mv-awaiting a:has-text('compare it with {serving.name}')")
    page.wait_for_url(f"**/modelversion/{candidate.pk}/change/")
    assert page.locator(".mv-words li").first.inner_text().startswith("Finds the requested product")
    assert page.locator(".mv-better-summary, .mv-worse-summary").is_visible()  # what got worse, if anything
    assert_accessible(page, "the admin's review of a candidate")
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
    assert_clean(page)


def keyboard_search_suggestion(page) -> None:
    """The header's search suggests the catalog's types while typing; Down and Enter open one."""
    tab_to(page, "e.getAttribute('role') === 'combobox'")
    page.keyboard.type("shi")
    page.locator("#search-suggestions [role=option]").first.wait_for()
    labels = page.locator("#search-suggestions [role=option] span").all_inner_texts()
    for _ in range(labels.index("Shirts") + 1):
        page.keyboard.press("ArrowDown")
    assert page.locator("input[role=combobox]").get_attribute("aria-activedescendant")
    page.keyboard.press("Enter")
    page.wait_for_url("**/?article_type=Shirts")
    assert_accessible(page, "the catalog")


def keyboard_asks_and_refines(page) -> None:
    """On a product page: ask, remove a chip with Enter, refine in words and with a filter."""
    tab_to(page, "e.matches('input[name=text]')")
    assert_focus_ring(page)
    page.keyboard.type("in navy with short sleeves")
    page.locator("[data-like-this-grid] article").first.wait_for(timeout=20000)
    page.locator(".chip:has-text('sleeves: short')").wait_for()
    assert "suggestions" in page.locator("[data-like-this-status]").inner_text()
    assert_accessible(page, "a product page with an answer and its chips")
    tab_to(page, "e.matches('a[data-chip]') && e.closest('.chip').textContent.includes('sleeves')")
    page.keyboard.press("Enter")
    page.locator(".chip:has-text('sleeves: short')").wait_for(state="detached")
    assert page.evaluate("document.activeElement.matches('a[data-chip], input[name=text]')"), focused(page)
    tab_to(page, "e.matches('input[name=text]')", backwards=True)
    page.keyboard.press("End")
    page.keyboard.type(" under 3000")
    page.locator(".chip:has-text('3,000')").wait_for(timeout=20000)
    tab_to(page, "e.name === 'sort'")
    with page.expect_response(lambda r: "fragment=1" in r.url and "sort=price" in r.url):
        page.keyboard.press("ArrowDown")  # Relevance -> Price: low to high
    assert_focus_kept(page)


def keyboard_adds_to_cart(page) -> str:
    """Open a result, pick a size, add it: the page stays (trail and all), the confirmation has the focus."""
    in_stock = "!e.closest('article').querySelector('.sold-out-note')"
    tab_to(page, f"e.matches('[data-like-this-grid] a.card-link') && {in_stock}")
    page.keyboard.press("Enter")
    page.wait_for_url("**/products/*/?step=*")
    url = page.url
    tab_to(page, "e.name === 'size' && e.type === 'radio'")
    page.keyboard.press("Space")
    tab_to(page, "e.textContent.trim() === 'Add to cart'")
    page.keyboard.press("Enter")
    page.locator(".message.success:has-text('to your cart')").wait_for()
    assert page.url == url and page.evaluate("document.activeElement.matches('[data-focus-on-load]')")
    return url


def _enter_on(page, target: str, url: str, where: str) -> None:
    """Tab to `target` (a JS test of element e), press Enter, wait for `url`, check the page."""
    tab_to(page, target)
    page.keyboard.press("Enter")
    page.wait_for_url(url)
    assert_accessible(page, where)


def keyboard_checks_out(page) -> None:
    """Cart -> address -> review -> placed, with the keyboard alone."""
    _enter_on(page, "e.matches('a.message-action')", "**/cart/", "the cart")
    _enter_on(page, "e.textContent.trim() === 'Check out'", "**/checkout/address/", "checkout: address")
    fields = {"name": "Kim L", "line1": "7 Lake Road", "city": "Pune", "postcode": "411001",
              "phone": "9820012345", "email": "kim@example.com"}  # fmt: skip
    for name, value in fields.items():
        tab_to(page, f"e.name === '{name}'")
        page.keyboard.press("Control+a")
        page.keyboard.type(value)
    _enter_on(page, "e.textContent.trim() === 'Continue to review'", "**/checkout/", "checkout: review")
    _enter_on(page, "e.textContent.trim() === 'Place order'", "**/orders/*/placed/", "checkout: placed")


def keyboard_starts_from_an_older_purchase(page, older: Product) -> None:
    """My purchases: the arrow keys pick a purchase that is not the last one to start from."""
    tab_to(page, "e.textContent.trim() === 'My purchases'")
    page.keyboard.press("Enter")
    page.wait_for_url("**/purchases/")
    assert_accessible(page, "my purchases")
    tab_to(page, "e.name === 'reference' && e.type === 'radio'")
    assert page.evaluate("document.activeElement.checked")  # the newest purchase first
    for _ in range(12):
        if page.evaluate("document.activeElement.value") == str(older.pk):
            break
        page.keyboard.press("ArrowRight")
    tab_to(page, "e.matches('input[name=text]')")
    page.keyboard.type("in black")
    page.locator("[data-like-this-grid] article").first.wait_for(timeout=20000)
    reference = page.locator(".like-this-reference a").first.get_attribute("href")
    assert reference == older.get_absolute_url()


def test_a_shopper_with_the_keyboard_alone(catalog, trained_checkpoint, live_server, browser):
    """Log in, search with suggestions, ask, remove a chip, refine, add to cart, check out and
    start from an older purchase, with the keyboard alone; the focus is never lost to <body>."""
    make_version(trained_checkpoint)
    kim = User.objects.create_user("kim", password="a-long-browser-pass-8")
    shirts = Product.objects.filter(article_type="Shirts", sizes__stock__gt=0).distinct().order_by("pk")
    older, newer = shirts[:2]
    for product in (older, newer):
        place_order(kim, [OrderItem(product.pk, product.sizes.filter(stock__gt=0).first().label, 1)])
    base, page = live_server.url, open_page(browser, DESKTOP)
    page.goto(f"{base}/accounts/login/?next=/")
    assert_accessible(page, "log in")
    tab_to(page, "e.name === 'username'")
    page.keyboard.type("kim")
    page.keyboard.press("Tab")
    page.keyboard.type("a-long-browser-pass-8")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/")
    keyboard_search_suggestion(page)
    page.keyboard.press("Tab")  # the first stop: a skip link to the page's content
    assert focused(page) == "a Skip to content" and in_view(page, ".skip-link")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    tab_to(page, "e.matches('a.card-link')")
    page.keyboard.press("Enter")
    page.wait_for_url("**/products/*/")
    keyboard_asks_and_refines(page)
    keyboard_adds_to_cart(page)
    keyboard_checks_out(page)
    keyboard_starts_from_an_older_purchase(page, older)
    assert_clean(page)
