"""Password hashing that queues instead of crowding out the pages.

A password check is slow on purpose: PBKDF2-SHA256 with Django's 1,000,000 iterations takes
0.3-0.5 s of a core. When many shoppers log in at once, every web thread that hashes holds a core,
and the page views queue behind them. Here a web process computes at most
settings.PASSWORD_HASHING_CONCURRENCY hashes at a time; further logins wait their turn for a slot
(their threads sleep), and the process's other threads serve pages meanwhile. The hash itself is
Django's, unchanged: same algorithm name, iterations, salt and stored form, so existing passwords
verify as before and nothing is weaker.
"""

from __future__ import annotations

import threading
from contextlib import AbstractContextManager, nullcontext

from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher

from config.caches import CACHES

# The process's slots, by the setting's value (a test may change it): {limit: semaphore}.
_slots: dict[int, threading.BoundedSemaphore] = CACHES.store("hashers.slots")


def hashing_slot() -> AbstractContextManager:
    """One of this process's slots for a password hash (no bound when the setting is 0)."""
    limit = settings.PASSWORD_HASHING_CONCURRENCY
    if limit < 1:
        return nullcontext()
    # setdefault is atomic: threads asking at once all get the one semaphore that was stored.
    return _slots.setdefault(limit, threading.BoundedSemaphore(limit))


class QueuedPBKDF2PasswordHasher(PBKDF2PasswordHasher):
    """Django's PBKDF2-SHA256 hasher, computing at most PASSWORD_HASHING_CONCURRENCY hashes at
    once per process. Every hash goes through encode(): a login's check (verify), the dummy hash
    for an unknown username (which keeps the two indistinguishable by time), a new password."""

    def encode(self, password: str, salt: str, iterations: int | None = None) -> str:
        with hashing_slot():
            return super().encode(password, salt, iterations)
