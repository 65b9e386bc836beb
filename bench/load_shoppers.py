"""Locust scenario of bench.load: logged-in shoppers browsing, asking for recommendations with
texts never sent before, adding to the cart and checking out, over plain HTTP on loopback.

Run by ``python -m bench.load`` (which writes the plan and reads the samples); it is a locustfile,
so importing it patches the standard library for gevent: nothing else imports it. It uses no
Django: only the plan (LOAD_PLAN, JSON) and HTTP.

Checkout is the store's: the address form, the review page, Place order, then the confirmation
page (``/orders/<id>/placed/``), which must show that order. Every request's outcome is
classified here: a 5xx, a refused connection or a status the shopper should never see is a
failure; a sold-out size (add-to-cart back to the product page) or an order refused for stock
(back to the cart) is an expected answer under contention (bench.load counts the refused orders).
"""

from __future__ import annotations

import html
import itertools
import json
import os
import random
import re
import time
from collections import Counter
from pathlib import Path

from locust import HttpUser, between, events, task

PLAN = json.loads(Path(os.environ["LOAD_PLAN"]).read_text())
# (request name, milliseconds, status or 0 for no answer, seconds since the start when it ended,
# the server's own timings in milliseconds from its Server-Timing header: app, cpu, db)
SAMPLES: list[tuple[str, float, int, float, dict[str, float]]] = []
# What shoppers decided, not requests: a checkout skipped with an empty cart, a size the page
# showed sold out (not added), an add the store refused, a checkout abandoned after a refusal.
DECISIONS: Counter = Counter()
STARTED = time.monotonic()
NEXT_ACCOUNT = itertools.count()
NEW_TEXT = itertools.count()
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
PLACED = re.compile(r"/orders/([0-9]+)/placed/$")


@events.request.add_listener
def _record(name: str, response_time: float, response=None, **_kwargs) -> None:
    status = getattr(response, "status_code", 0) or 0
    timing = server_timing(response.headers.get("Server-Timing", "")) if response is not None else {}
    SAMPLES.append((name, response_time, status, round(time.monotonic() - STARTED, 3), timing))


SERVER_TIMING = re.compile(r"(?:^|,)\s*(app|cpu|db);dur=([0-9.]+)")


def server_timing(header: str) -> dict[str, float]:
    """The store's app, cpu and db milliseconds from a Server-Timing header (config.middleware)."""
    return {name: float(ms) for name, ms in SERVER_TIMING.findall(header)}


@events.quitting.add_listener
def _write_samples(**_kwargs) -> None:
    Path(os.environ["LOAD_SAMPLES"]).write_text(json.dumps({"samples": SAMPLES, "decisions": DECISIONS}))


# A delivery address the address form accepts (a 6-digit PIN code, a phone of 10+ digits).
ADDRESS = {
    "name": "Load Shopper", "line1": "12 MG Road", "line2": "", "city": "Bengaluru",
    "postcode": "560001", "phone": "+91 98765 43210",
}  # fmt: skip


def new_text(rng: random.Random) -> str:
    """A request no server process has encoded before (the text encoder runs every time)."""
    first, second = rng.sample(PLAN["texts"], 2)
    return f"{first} and {second} {next(NEW_TEXT)}"


class Shopper(HttpUser):
    wait_time = between(0.5, 2.0)  # think time between a shopper's requests

    def on_start(self) -> None:
        account = PLAN["accounts"][next(NEXT_ACCOUNT) % len(PLAN["accounts"])]
        self.username = account["username"]
        self.rng = random.Random(f"{PLAN['seed']}-{account['username']}")
        self.cart: set[tuple[int, str]] = set()  # (product, size) in this shopper's cart
        page = self.client.get("/accounts/login/", name="login page")
        token = CSRF_FIELD.search(page.text)
        form = {**account, "csrfmiddlewaretoken": token.group(1) if token else ""}
        with self.client.post(
            "/accounts/login/", data=form, name="login", allow_redirects=False, catch_response=True
        ) as response:
            expect(response, {302})

    def csrf(self) -> str:
        return self.client.cookies.get("csrftoken", "")

    @task(4)
    def browse_catalog(self) -> None:
        params = {"page": self.rng.randint(1, PLAN["catalog_pages"])}
        if self.rng.random() < 0.5:
            params["article_type"] = self.rng.choice(PLAN["article_types"])
        with self.client.get("/", params=params, name="catalog page", catch_response=True) as response:
            expect(response, {200})

    @task(3)
    def product_page(self) -> None:
        product = self.rng.choice(PLAN["products"])
        with self.client.get(f"/products/{product}/", name="product page", catch_response=True) as response:
            expect(response, {200})

    @task(2)
    def api_recommendations(self) -> None:
        body = {"reference_product": self.rng.choice(PLAN["products"]), "text": new_text(self.rng)}
        with self.client.post(
            "/api/v1/recommendations/",
            json=body,
            headers={"X-CSRFToken": self.csrf()},
            name="api recommendations",
            catch_response=True,
        ) as response:
            expect(response, {200})

    @task(2)
    def recommendations_fragment(self) -> None:
        params = {"reference": self.rng.choice(PLAN["products"]), "text": new_text(self.rng), "fragment": 1}
        with self.client.get(
            "/recommendations/", params=params, name="recommendations fragment", catch_response=True
        ) as response:
            expect(response, {200})

    @task(2)
    def add_to_cart(self) -> None:
        """As a person adds: on the product page, a size the page offers (a sold-out size cannot
        be chosen), at most as many as it says are left; then back on the page, whose message
        says whether it went into the cart."""
        product, size = self.rng.choice(PLAN["hot_sizes"])
        with self.client.get(f"/products/{product}/", name="product page", catch_response=True) as page:
            expect(page, {200})
        left = sizes_left(page.text).get(size, 0) if page.status_code == 200 else 0
        if left < 1:  # sold out meanwhile: the page does not let anyone choose it
            DECISIONS["size sold out on the product page"] += 1
            return
        quantity = min(self.rng.choice([1, 1, 2]), left)
        form = {"size": size, "quantity": quantity, "csrfmiddlewaretoken": self.csrf()}
        with self.client.post(
            f"/cart/add/{product}/", data=form, name="add to cart", allow_redirects=False, catch_response=True
        ) as response:
            expect(response, {302})
        if response.status_code != 302:
            return
        # Back where the shopper was (the product page), with the confirmation or the reason
        # it was refused (the last units taken meanwhile, or the cart already holds them all).
        back = response.headers.get("Location", "")
        with self.client.get(back, name="product page", catch_response=True) as page:
            expect(page, {200})
        if ADDED in page.text:
            self.cart.add((product, size))
        else:
            DECISIONS["add to cart refused"] += 1

    @task(1)
    def checkout(self) -> None:
        """The cart page, then the store's checkout: the address form, the review, Place order
        and the confirmation page. An order refused for stock goes back to the cart, whose
        message names the size: the shopper lowers that line to what is left (or removes it) as
        the cart page allows, and places the rest, as a person would (at most three tries)."""
        if not self.cart:
            DECISIONS["checkout with an empty cart: skipped"] += 1
            return
        DECISIONS["checkouts started"] += 1
        if self.step("GET", "/cart/", "cart page", {200}) is None:
            return
        if not self.give_address():
            return
        for _attempt in range(3):
            if self.step("GET", "/checkout/", "checkout review", {200}) is None:
                return
            form = {"csrfmiddlewaretoken": self.csrf()}
            placed = self.step("POST", "/checkout/", "place order", {302}, form)
            if placed is None:
                return
            order = PLACED.search(placed.headers.get("Location", ""))
            if order is not None:
                self.confirmation(order.group(1))
                self.cart.clear()
                return
            if not self.fix_cart():  # refused for stock: back on the cart page
                DECISIONS["checkout abandoned: nothing left in the cart"] += 1
                self.cart.clear()
                return

    def fix_cart(self) -> bool:
        """On the cart page after a refusal: every line holding more than its size has left
        (the quantity field's maximum) is lowered to that, or removed when none is left.
        Whether anything is left to order."""
        page = self.step("GET", "/cart/", "cart page", {200})
        if page is None:
            return False
        lines = cart_lines(page.text)
        for product, size, quantity, most in lines:
            if quantity <= most:
                continue
            form = {"product_id": product, "size": size, "csrfmiddlewaretoken": self.csrf()}
            if most < 1:
                self.step("POST", "/cart/remove/", "cart remove", {302}, form)
                self.cart.discard((product, size))
            else:
                # 400: fewer left again since the page was shown (the page says so; next try)
                self.step("POST", "/cart/update/", "cart update", {302, 400}, {**form, "quantity": most})
        return any(most >= 1 for _, _, _, most in lines)

    def confirmation(self, order: str) -> None:
        """Checkout, done: the confirmation page names the order just placed."""
        page = f"/orders/{order}/placed/"
        with self.client.get(page, name="order placed page", catch_response=True) as response:
            if response.status_code == 200 and f"Order #{order} is placed" in response.text:
                response.success()
            else:
                response.failure(f"HTTP {response.status_code}: not the confirmation of order {order}")

    def give_address(self) -> bool:
        """Checkout, step 1: the address form (filled in from the last order, posted anew)."""
        if self.step("GET", "/checkout/address/", "checkout address page", {200}) is None:
            return False
        form = {**ADDRESS, "email": f"{self.username}@example.com", "csrfmiddlewaretoken": self.csrf()}
        return self.step("POST", "/checkout/address/", "checkout address", {302}, form) is not None

    def step(self, method: str, path: str, name: str, statuses: set[int], form: dict | None = None):
        """One checkout request; the response when its status was expected, else None."""
        with self.client.request(
            method, path, data=form, name=name, allow_redirects=False, catch_response=True
        ) as response:
            expect(response, statuses)
        return response if response.status_code in statuses else None


SIZE_INPUT = re.compile(
    r'<input type="radio" name="size" value="([^"]*)"\s*([^>]*)>\s*'
    r"<span>[^<]*</span>\s*<small>([^<]*)</small>"
)
CART_LINE = re.compile(
    r'name="product_id" value="([0-9]+)">\s*<input type="hidden" name="size" value="([^"]*)">\s*'
    r'<input type="number" name="quantity" id="qty-[0-9]+" value="([0-9]+)" min="1" max="([0-9]+)"'
)
ADDED = 'class="message success">Added '


def sizes_left(page: str) -> dict[str, int]:
    """What the product page offers: each size and how many are left (0: sold out, disabled)."""
    left = {}
    for label, attributes, note in SIZE_INPUT.findall(page):
        count = re.search(r"[0-9]+", note)
        left[html.unescape(label)] = 0 if "disabled" in attributes or count is None else int(count.group())
    return left


def cart_lines(page: str) -> list[tuple[int, str, int, int]]:
    """The cart page's lines: (product, size, quantity, the most its size allows now)."""
    return [(int(p), html.unescape(s), int(q), int(m)) for p, s, q, m in CART_LINE.findall(page)]


def expect(response, statuses: set[int]) -> None:
    """Mark the answer a success or a failure (a 5xx is always one)."""
    if response.status_code in statuses:
        response.success()
    elif response.status_code == 0:  # no answer: say why (refused, reset, closed without a reply)
        response.failure(f"no answer: {type(response.error).__name__}: {str(response.error)[:160]}")
    else:
        response.failure(f"HTTP {response.status_code}")
