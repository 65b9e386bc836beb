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

import itertools
import json
import os
import random
import re
import time
from pathlib import Path

from locust import HttpUser, between, events, task

PLAN = json.loads(Path(os.environ["LOAD_PLAN"]).read_text())
# (request name, milliseconds, status or 0 for no answer, seconds since the start when it ended)
SAMPLES: list[tuple[str, float, int, float]] = []
STARTED = time.monotonic()
NEXT_ACCOUNT = itertools.count()
NEW_TEXT = itertools.count()
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
PLACED = re.compile(r"/orders/([0-9]+)/placed/$")


@events.request.add_listener
def _record(name: str, response_time: float, response=None, **_kwargs) -> None:
    status = getattr(response, "status_code", 0) or 0
    SAMPLES.append((name, response_time, status, round(time.monotonic() - STARTED, 3)))


@events.quitting.add_listener
def _write_samples(**_kwargs) -> None:
    Path(os.environ["LOAD_SAMPLES"]).write_text(json.dumps(SAMPLES))


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
        product, size = self.rng.choice(PLAN["hot_sizes"])
        form = {"size": size, "quantity": self.rng.choice([1, 1, 2]), "csrfmiddlewaretoken": self.csrf()}
        with self.client.post(
            f"/cart/add/{product}/", data=form, name="add to cart", allow_redirects=False, catch_response=True
        ) as response:
            expect(response, {302})
            # Added: on to the cart. Refused (that size sold out meanwhile): back to the product
            # page, whose message says so; the cart is unchanged.
            if response.headers.get("Location", "").endswith("/cart/"):
                self.cart.add((product, size))

    @task(1)
    def checkout(self) -> None:
        if not self.cart:
            return
        if not self.give_address() or self.step("GET", "/checkout/", "checkout review", {200}) is None:
            return
        placed = self.step("POST", "/checkout/", "place order", {302}, {"csrfmiddlewaretoken": self.csrf()})
        order = PLACED.search(placed.headers.get("Location", "")) if placed is not None else None
        if order is None:  # refused for stock (back to the cart): start over, as a shopper would
            self.empty_cart()
        else:
            self.confirmation(order.group(1))
        self.cart.clear()

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

    def empty_cart(self) -> None:
        for product, size in sorted(self.cart):
            form = {"product_id": product, "size": size, "csrfmiddlewaretoken": self.csrf()}
            with self.client.post(
                "/cart/remove/", data=form, name="cart remove", allow_redirects=False, catch_response=True
            ) as response:
                expect(response, {302})


def expect(response, statuses: set[int]) -> None:
    """Mark the answer a success or a failure (a 5xx is always one)."""
    if response.status_code in statuses:
        response.success()
    else:
        response.failure(f"HTTP {response.status_code}")
