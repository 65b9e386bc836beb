"""Screenshots of the store's main pages, at desktop (1280×800) and phone (390×844) sizes.

Run against a running store with the demo catalog, demo users and an active model (``make demo``):

    .venv/bin/python docs/screenshots/take.py [--url http://127.0.0.1:8000] [--out docs/screenshots]

It drives Debian's Chromium through Playwright, logs in as the demo shopper ``bob`` and the
demo staff ``admin``, and places one order (pay on delivery) to show the checkout. The admin's
review screenshot needs a version waiting for review (Retrain model with "wait for my review");
the phone's trail screenshot is taken after two refinements, so the trail scrolls and shows it.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import urllib.request
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def reference_id(base: str) -> int:
    """A white men's shirt of the catalog, found through the store's own API."""
    url = f"{base}/api/v1/products/?q=white+shirt&article_type=Shirts&gender=Men&page_size=1"
    with urllib.request.urlopen(url) as response:
        return json.load(response)["results"][0]["id"]


def log_in(page: Page, base: str, username: str, password: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("form button[type=submit]:has-text('Log in')")
    page.wait_for_load_state()


ADDRESS = {
    "name": "Bob Demo", "line1": "12 MG Road, Indiranagar", "city": "Bengaluru", "postcode": "560038",
    "phone": "+91 98765 43210", "email": "bob@example.com",
}  # fmt: skip


def to_top(page: Page, selector: str) -> None:
    """Scroll so that `selector` starts at the top of the viewport (below the sticky header)."""
    page.locator(selector).first.evaluate("e => e.scrollIntoView({block: 'start'})")
    page.wait_for_timeout(200)


def shoot(page: Page, out: Path, name: str, full_page: bool = False) -> None:
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(out / f"{name}.png"), full_page=full_page)
    print(f"  {name}.png")


def ask(page: Page, text: str) -> None:
    """Type a request into the product page's box and wait for its answer."""
    page.fill("form[data-like-this] input[name=text]", text)
    page.locator("[data-like-this-grid] article").first.wait_for(timeout=20000)
    page.wait_for_timeout(300)


def shopper_pages(page: Page, base: str, out: Path, size: str, product: int) -> None:
    page.goto(f"{base}/")
    shoot(page, out, f"catalog-{size}")
    page.goto(f"{base}/?q=navy+shirt&sort=relevance")
    shoot(page, out, f"search-navy-shirt-{size}")
    page.goto(f"{base}/?q=shrt")
    shoot(page, out, f"search-did-you-mean-{size}")
    page.goto(f"{base}/products/{product}/")
    shoot(page, out, f"product-{size}")
    ask(page, "in navy with short sleeves under 1500")
    to_top(page, "[data-like-this-panel]")
    shoot(page, out, f"like-this-box-{size}")
    to_top(page, "[data-like-this-results]")
    shoot(page, out, f"like-this-chips-{size}")
    page.locator("[data-like-this-grid] article a.card-link").first.click()
    page.wait_for_load_state()
    shoot(page, out, f"product-after-refinement-{size}")
    ask(page, "in red")  # a second step: a trail longer than a phone is wide
    page.locator("[data-like-this-grid] article a.card-link").first.click()
    page.wait_for_load_state()
    to_top(page, "[data-like-this-panel]")
    shoot(page, out, f"refinement-trail-{size}")
    page.goto(f"{base}/recommendations/?reference={product}&text=asdf")
    shoot(page, out, f"not-understood-{size}")
    page.goto(f"{base}/")
    page.fill(".header-search input[name=q]", "shi")
    page.locator("#search-suggestions [role=option]").first.wait_for()
    shoot(page, out, f"search-suggestions-{size}")
    page.goto(f"{base}/purchases/")
    to_top(page, "[data-like-this-panel]")
    shoot(page, out, f"purchases-start-{size}")


def checkout_pages(page: Page, base: str, out: Path, product: int) -> None:
    """Phone: the filter drawer, then cart → address → review → placed."""
    page.goto(f"{base}/")
    page.click("label.drawer-open")
    shoot(page, out, "catalog-filters-drawer-phone")
    page.goto(f"{base}/products/{product}/")
    page.locator(".sizes label:not(.sold-out)").first.click()
    page.click("button:has-text('Add to cart')")
    page.locator(".message.success").wait_for()
    shoot(page, out, "added-to-cart-phone")  # still on the product page, with a confirmation
    page.click("a:has-text('View cart and check out')")
    page.wait_for_load_state()
    shoot(page, out, "cart-phone")
    page.click("a:has-text('Check out')")
    page.wait_for_load_state()
    for name, value in ADDRESS.items():
        field = page.locator(f"form.address-form [name={name}]")
        if not field.input_value():
            field.fill(value)
    shoot(page, out, "checkout-address-phone", full_page=True)
    page.click("button:has-text('Continue to review')")
    page.wait_for_load_state()
    shoot(page, out, "checkout-review-phone", full_page=True)
    page.click("button:has-text('Place order')")
    page.wait_for_load_state()
    shoot(page, out, "order-placed-phone")


def admin_pages(page: Page, base: str, out: Path, size: str = "desktop") -> None:
    page.goto(f"{base}/admin/recommender/modelversion/")
    shoot(page, out, f"admin-model-versions-{size}")
    page.goto(f"{base}/admin/recommender/modelversion/retrain/")
    shoot(page, out, f"admin-retrain-confirm-{size}")  # only asks: nothing is queued
    page.goto(f"{base}/admin/recommender/modelversion/")
    candidate = page.locator(".mv-awaiting a").first
    if candidate.count():
        candidate.click()
        page.wait_for_load_state()
        shoot(page, out, f"admin-review-{size}", full_page=True)
    else:
        print(f"  (no version waits for review: skipped admin-review-{size}.png)")
    if size != "desktop":
        return
    page.goto(f"{base}/admin/recommender/modelversion/?status__exact=active")
    page.locator("#result_list tbody tr th a").first.click()
    page.wait_for_load_state()
    shoot(page, out, f"admin-version-metrics-{size}", full_page=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent)
    args = parser.parse_args(argv)
    base = args.url.rstrip("/")
    args.out.mkdir(parents=True, exist_ok=True)
    product = reference_id(base)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for size, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
            page = browser.new_page(viewport=viewport)
            log_in(page, base, "bob", "shopper-bob")
            shopper_pages(page, base, args.out, size, product)
            if size == "phone":
                checkout_pages(page, base, args.out, product)
            page.close()
        for size, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
            page = browser.new_page(viewport=viewport)
            log_in(page, base, "admin", "admin-demo")
            admin_pages(page, base, args.out, size)
            page.close()
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
