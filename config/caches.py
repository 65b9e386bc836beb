"""Per-process caches, all in one place.

What a process reads once and keeps (a version's loaded model, how many vectors an index holds,
whether an index exists) lives in a store that a module asks for by name: ``CACHES.store(name)``
gives the same dict (or set, or OrderedDict) each time. ``CACHES.clear()`` empties them all, or
those whose name starts with one of the given prefixes (``CACHES.clear("vectors.")``): a benchmark
that moves to another database, or a test that needs a cold process, calls it instead of reaching
into a module's private names. No other module keeps a mutable cache at module level
(tests/test_code_shape.py checks it).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any


class ProcessCaches:
    """Named caches of one process, with a public clear()."""

    def __init__(self) -> None:
        self._stores: dict[str, Any] = {}
        self._lock = threading.Lock()

    def store(self, name: str, factory: Callable[[], Any] = dict) -> Any:
        """The cache called `name`, made with `factory` (dict, set, OrderedDict) the first time."""
        with self._lock:
            if name not in self._stores:
                self._stores[name] = factory()
            return self._stores[name]

    def names(self) -> list[str]:
        return sorted(self._stores)

    def clear(self, *prefixes: str) -> None:
        """Empty every cache, or those whose name starts with one of `prefixes`."""
        with self._lock:
            for name, cache in self._stores.items():
                if not prefixes or name.startswith(prefixes):
                    cache.clear()


CACHES = ProcessCaches()
