"""Request rates per client: a fixed-window counter in the cache (Redis INCR, O(1) per request).

DRF's built-in throttles keep every request's timestamp per client, which grows with the rate;
a counter stays cheap at the hundreds of requests per second a benchmark client sends. Views
name a ``throttle_scope``; ``settings.API_RATES`` gives "N/s", "N/min", "N/hour" or "N/day" per
``<scope>.anon`` (per address) and ``<scope>.user`` (per account). A missing or empty rate
means no limit. Over the limit: 429 with Retry-After (the seconds left in the window).
"""

from __future__ import annotations

import logging
import time

from django.conf import settings
from django.core.cache import cache
from redis.exceptions import RedisError
from rest_framework.throttling import BaseThrottle

from shop.security import client_ip

logger = logging.getLogger(__name__)

PERIODS = {"s": 1, "sec": 1, "second": 1, "min": 60, "minute": 60, "hour": 3600, "day": 86400}


def parse_rate(rate: str | None) -> tuple[int, int] | None:
    """'100/s' -> (100, 1); None or '' -> None. Raises ValueError for a malformed rate."""
    if not rate:
        return None
    count, _, period = rate.partition("/")
    if period not in PERIODS or not count.isascii() or not count.isdigit() or int(count) < 1:
        raise ValueError(f"bad rate {rate!r}: use N/s, N/min, N/hour or N/day")
    return int(count), PERIODS[period]


# With the cache (Redis) down a request is let through, not failed: a limit that cannot be
# counted must not take the store down with it. Logged at most once a minute per process.
_last_warning = [0.0]


def count_hit(key: str, period: int) -> int | None:
    """Count one request in `key`'s window; None when the cache cannot be reached."""
    try:
        if cache.add(key, 1, timeout=period + 1):
            return 1
        try:
            return cache.incr(key)
        except ValueError:  # the key expired between add and incr
            cache.add(key, 1, timeout=period + 1)
            return 1
    except (RedisError, OSError) as exc:
        if time.monotonic() - _last_warning[0] > 60:
            _last_warning[0] = time.monotonic()
            logger.warning("request rates not counted, the cache is unreachable: %s", exc)
        return None


def over_limit(scope: str, audience: str, ident: str) -> float | None:
    """Count a request of `ident` (an address or an account) against ``API_RATES[<scope>.<audience>]``;
    the seconds until its window ends when it is over the limit, else None."""
    rate = parse_rate(settings.API_RATES.get(f"{scope}.{audience}"))
    if rate is None:
        return None
    limit, period = rate
    now = time.time()
    window = int(now // period)
    count = count_hit(f"throttle:{scope}:{ident}:{period}:{window}", period)
    if count is None or count <= limit:
        return None
    return (window + 1) * period - now


class WindowRateThrottle(BaseThrottle):
    audience = "anon"  # "anon": clients without an account, by address; "user": by account

    def applies_to(self, request) -> bool:
        return request.user.is_authenticated == (self.audience == "user")

    def get_ident(self, request) -> str:
        """The client's address as the proxy setting gives it (NUM_PROXIES, shop.security)."""
        return client_ip(request)

    def ident(self, request) -> str:
        return f"user:{request.user.pk}" if self.audience == "user" else f"addr:{self.get_ident(request)}"

    def allow_request(self, request, view) -> bool:
        scope = getattr(view, "throttle_scope", None)
        if scope is None or not self.applies_to(request):
            return True
        self._retry_after = over_limit(scope, self.audience, self.ident(request))
        return self._retry_after is None

    def wait(self) -> float | None:
        return max(1.0, getattr(self, "_retry_after", None) or 1.0)


class AnonRateThrottle(WindowRateThrottle):
    audience = "anon"


class UserRateThrottle(WindowRateThrottle):
    audience = "user"
