"""What the reports keep between requests, always keyed by the data version counter (so a
change of any figure a report reads makes a new key, never a stale answer).

- Charts: their SVG documents in Flask-Caching (in-process by default, Redis when
  CACHE_TYPE / CACHE_REDIS_URL say so, shared by every web worker).
- Built reports: the tables and charts of a report, in this process's memory, as objects. Not
  pickled: unpickling the member tables of the large demo (4,000 members, 40,000 cells) costs
  about as much as building them. Least recently used first out, at most BUILT_KEPT reports.

`cache.clear()` empties both (tests do, with the tables the counter counts).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

from flask_caching import Cache

BUILT_KEPT = 24


class BuiltReports:
    """A small LRU map, safe between threads. Values are shared between requests: read them,
    never change them."""

    def __init__(self, size: int = BUILT_KEPT) -> None:
        self.size = size
        self._items: OrderedDict[str, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> Any | None:
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def set(self, key: str, value: Any) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


class ReportCache(Cache):
    """Flask-Caching for the charts, with the built reports beside it."""

    def __init__(self) -> None:
        super().__init__()
        self.built = BuiltReports()

    def clear(self) -> bool:
        self.built.clear()
        return super().clear()


cache = ReportCache()
