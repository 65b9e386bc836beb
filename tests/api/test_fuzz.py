"""Schemathesis against the API's own OpenAPI schema, in-process (WSGI) on the test database.

Every operation of the schema is fuzzed as an anonymous client, as a shopper with a token and as
staff with a token, with valid (positive) and invalid (negative) inputs. Every answer must be
a non-5xx status the schema documents, with the documented content type and a body that
conforms to the documented schema; every kind of failure is collected and reported at once.
Hypothesis runs derandomized and without an example database, so a run does not depend on earlier
ones; the examples per run are bounded (2,400 requests in all, about a minute).

Random ids almost never name a product, so three requests in four get real ones (a product
of the small catalog, one of its sizes, the shopper's own order, the shopper's credentials:
bench.fuzzing.swap_ids, which bench.fuzz_live uses too): the recommendations, the orders and the
detail views are really exercised on the active model.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import pytest
import schemathesis
from django.contrib.auth.models import User
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import override_settings
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from bench.fuzzing import RealIds, swap_ids
from shop.models import ProductSize
from shop.services import OrderItem, place_order

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
EXAMPLES_PER_RUN = 40  # per operation, identity and generation mode
MIN_REQUESTS = 1000
SHOPPER_PASSWORD = "fuzz-shopper-password-1"


@dataclass
class Tally:
    requests: int = 0
    statuses: Counter = field(default_factory=Counter)  # (operation, status) -> requests
    failures: dict[tuple[str, str], str] = field(default_factory=dict)  # first report of each kind

    def summary(self) -> str:
        lines = [f"fuzz: {self.requests} requests"]
        for label in sorted({op for op, _ in self.statuses}):
            counts = {status: n for (op, status), n in sorted(self.statuses.items()) if op == label}
            lines.append(f"  {label}: {counts}")
        return "\n".join(lines)

    def record(self, operation: str, error: FailureGroup) -> None:
        for failure in error.exceptions:
            self.failures.setdefault((operation, failure.title), str(error)[:1500])


def fuzz_operation(operation, mode: GenerationMode, headers: dict, data: RealIds, tally: Tally) -> None:
    """Run `EXAMPLES_PER_RUN` generated requests against one operation and check each answer."""

    @settings(
        max_examples=EXAMPLES_PER_RUN,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(
        case=operation.as_strategy(generation_mode=mode),
        realistic=st.integers(0, 3),
        seed=st.integers(0, 999),
    )
    def run(case, realistic: int, seed: int) -> None:
        if realistic:  # three requests in four
            swap_ids(case, data, random.Random(seed))
        response = case.call(headers=headers)
        tally.requests += 1
        tally.statuses[operation.label, response.status_code] += 1
        try:
            case.validate_response(response, checks=CHECKS, headers=headers)
        except FailureGroup as error:  # collected, so one run reports every kind of failure
            tally.record(operation.label, error)

    run()


@pytest.fixture
def realistic(active_model) -> RealIds:
    shopper = User.objects.create_user("fuzz-shopper", password=SHOPPER_PASSWORD)
    sizes = [(s.product_id, s.label) for s in ProductSize.objects.filter(stock__gt=0).order_by("pk")[:40]]
    order = place_order(shopper, [OrderItem(pid, label, 1) for pid, label in sizes[:2]])
    return RealIds(
        sizes=sizes,
        order_ids=[order.pk],
        job_ids=[active_model.pk],
        credentials={"username": shopper.username, "password": SHOPPER_PASSWORD},
    )


@contextmanager
def database_connection_kept_open() -> Iterator[None]:
    """Django closes the database connection after each request, which would end the test's
    transaction; its test client keeps it open the same way (see django.test.client)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _token_for(username: str, **extra) -> dict:
    user = User.objects.filter(username=username).first() or User.objects.create_user(username, **extra)
    return {"Authorization": f"Token {Token.objects.get_or_create(user=user)[0].key}"}


@override_settings(API_RATES={})  # rates have their own tests (test_limits.py); here they'd only 429
def test_fuzz_every_operation_anonymous_and_with_tokens(realistic: RealIds):
    identities: dict[str, Callable[[], dict]] = {
        "anonymous": dict,
        "shopper": lambda: _token_for("fuzz-shopper"),
        "staff": lambda: _token_for("fuzz-staff", is_staff=True),
    }
    tally = Tally()
    with database_connection_kept_open():
        schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application())
        for result in schema.get_all_operations():
            operation = result.ok()
            for headers in (make() for make in identities.values()):
                for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                    fuzz_operation(operation, mode, headers, realistic, tally)
    print(tally.summary())
    assert not tally.failures, "\n\n".join(
        f"{op}: {title}\n{text}" for (op, title), text in tally.failures.items()
    )
    assert tally.requests >= MIN_REQUESTS
    assert not any(status >= 500 for _, status in tally.statuses)
