"""Request rates per client: a fixed-window counter in the cache (Redis INCR, O(1) per request).

DRF's built-in throttles keep every request's timestamp per client, which grows with the rate;
a counter stays cheap at the hundreds of requests per second a benchmark client sends. Views
name a ``throttle_scope``; ``settings.API_RATES`` gives "N/s", "N/min", "N/hour" or "N/day" per
``<scope>.anon`` (per address) and ``<scope>.user`` (per account). A missing or empty rate
means no limit. Over the limit: 429 with Retry-After (the seconds left in the window).
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
from rest_framework.throttling import BaseThrottle

PERIODS = {"s": 1, "sec": 1, "second": 1, "min": 60, "minute": 60, "hour": 3600, "day": 86400}


def parse_rate(rate: str | None) -> tuple[int, int] | None:
    """'100/s' -> (100, 1); None or '' -> None. Raises ValueError for a malformed rate."""
    if not rate:
        return None
    count, _, period = rate.partition("/")
    if period not in PERIODS or not count.isascii() or not count.isdigit() or int(count) < 1:
        raise ValueError(f"bad rate {rate!r}: use N/s, N/min, N/hour or N/day")
    return int(count), PERIODS[period]


class WindowRateThrottle(BaseThrottle):
    audience = "anon"  # "anon": clients without an account, by address; "user": by account

    def applies_to(self, request) -> bool:
        return request.user.is_authenticated == (self.audience == "user")

    def ident(self, request) -> str:
        return f"user:{request.user.pk}" if self.audience == "user" else f"addr:{self.get_ident(request)}"

    def allow_request(self, request, view) -> bool:
        scope = getattr(view, "throttle_scope", None)
        rate = parse_rate(settings.API_RATES.get(f"{scope}.{self.audience}")) if scope else None
        if rate is None or not self.applies_to(request):
            return True
        limit, period = rate
        now = time.time()
        window = int(now // period)
        key = f"throttle:{scope}:{self.ident(request)}:{period}:{window}"
        if cache.add(key, 1, timeout=period + 1):
            count = 1
        else:
            try:
                count = cache.incr(key)
            except ValueError:  # the key expired between add and incr
                cache.add(key, 1, timeout=period + 1)
                count = 1
        self._retry_after = (window + 1) * period - now
        return count <= limit

    def wait(self) -> float | None:
        return max(1.0, getattr(self, "_retry_after", 1.0))


class AnonRateThrottle(WindowRateThrottle):
    audience = "anon"


class UserRateThrottle(WindowRateThrottle):
    audience = "user"
