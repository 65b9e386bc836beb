"""What the two fuzz runs share: the real values swapped into the requests schemathesis generates.

Random ids almost never name a product, an order or a model version, so both runs give most
requests real ones and the views do real work rather than 404: ``tests/api/test_fuzz.py``
(in-process, one shopper) and ``python -m bench.fuzz_live`` (over HTTP, ids and credentials
per account).
"""

from __future__ import annotations

import copy
import random
from dataclasses import dataclass, field


@dataclass
class RealIds:
    """Values that exist in the store under fuzz, as one client sees them."""

    sizes: list[tuple[int, str]]  # (product id, size label or "" for one-size products)
    job_ids: list[int]  # model versions
    order_ids: list[int]  # the client's own orders
    credentials: dict[str, str]  # the client's username and password
    product_ids: list[int] = field(init=False)

    def __post_init__(self) -> None:
        self.product_ids = sorted({pid for pid, _ in self.sizes})


def swap_ids(case, real: RealIds, rng: random.Random) -> None:
    """Replace generated ids and credentials by real ones, keeping the rest of the request. The
    generated values are copied first: Hypothesis may hand the same objects to a later example,
    and a changed one makes its generation inconsistent."""
    case.path_parameters = copy.deepcopy(case.path_parameters)
    case.body = copy.deepcopy(case.body)
    params = case.path_parameters or {}
    if "id" in params:
        ids = real.job_ids if "/admin/" in case.path else real.order_ids if "/orders/" in case.path else None
        params["id"] = rng.choice(ids or real.product_ids)
    body = case.body
    if not isinstance(body, dict):
        return
    if "reference_product" in body or case.path.endswith("/recommendations/"):
        body["reference_product"] = rng.choice(real.product_ids)
    if case.path.endswith("/auth/token/"):
        body.update(real.credentials)
    lines = body.get("lines")
    if isinstance(lines, list):
        for line in lines:
            if isinstance(line, dict):
                line["product"], line["size"] = rng.choice(real.sizes)
                line["quantity"] = 1
