"""Locust scenario of bench.load: logged-in shoppers browsing, asking for recommendations with
texts never sent before, adding to the cart and checking out, over plain HTTP on loopback.

Run by ``python -m bench.load`` (which writes the plan and reads the samples); it is a locustfile,
so importing it patches the standard library for gevent: nothing else imports it. It uses no
Django: only the plan (LOAD_PLAN, JSON) and HTTP.

Every request's outcome is classified here: a 5xx, a refused connection or a status the shopper
should never see is a failure; a sold-out size (400 on add-to-cart) or a checkout refused for
stock (back to the cart) is an expected answer under contention, counted by name.
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


@events.request.add_listener
def _record(name: str, response_time: float, response=None, **_kwargs) -> None:
    status = getattr(response, "status_code", 0) or 0
    SAMPLES.append((name, response_time, status, round(time.monotonic() - STARTED, 3)))


@events.quitting.add_listener
def _write_samples(**_kwargs) -> None:
    Path(os.environ["LOAD_SAMPLES"]).write_text(json.dumps(SAMPLES))


def new_text(rng: random.Random) -> str:
    """A request no server process has encoded before (the text encoder runs every time)."""
    first, second = rng.sample(PLAN["texts"], 2)
    return f"{first} and {second} {next(NEW_TEXT)}"


class Shopper(HttpUser):
    wait_time = between(0.5, 2.0)  # think time between a shopper's requests

    def on_start(self) -> None:
        account = PLAN["accounts"][next(NEXT_ACCOUNT) % len(PLAN["accounts"])]
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
            expect(response, {302, 400})  # 400: that size sold out meanwhile (the form says so)
            if response.status_code == 302:
                self.cart.add((product, size))

    @task(1)
    def checkout(self) -> None:
        if not self.cart:
            return
        with self.client.get("/checkout/", name="checkout page", catch_response=True) as response:
            expect(response, {200})
        with self.client.post(
            "/checkout/",
            data={"csrfmiddlewaretoken": self.csrf()},
            name="checkout",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            expect(response, {302})
        if not response.headers.get("Location", "").endswith("/purchases/"):
            self.empty_cart()  # refused for stock (back to the cart): start over, as a shopper would
        self.cart.clear()

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
