"""What the reports keep between requests, always keyed by the data version counter (so a
change of any figure a report reads makes a new key, never a stale answer).

- Charts: their SVG documents in Flask-Caching (in-process by default, Redis when
  CACHE_TYPE / CACHE_REDIS_URL say so, shared by every web worker).
- Built reports: the tables and charts of a report, in this process's memory (least recently
  used first out, at most BUILT_KEPT reports) and, when REPORTS_SHARE_BUILT (by default with a
  shared cache such as Redis), in Flask-Caching as well, so that one worker's build answers
  the others. The member tables hold plain values (tables.Column), so a kept report pickles
  as data: on the large demo a shared get costs 0.4-5 ms against 73-235 ms for a build (README,
  "Reports"). The shared key also names the release (chamber.pagecache.release), so a worker
  of a new release never reads a report kept by an old one.

`cache.clear()` empties both (tests do, with the tables the counter counts).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

from flask import current_app
from flask_caching import Cache

from chamber import pagecache

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

    @staticmethod
    def _shared_key(key: str) -> str | None:
        if not current_app.config.get("REPORTS_SHARE_BUILT"):
            return None
        # The release: a built report pickles this package's classes.
        return f"built:{pagecache.release()}:{key}"

    def kept(self, key: str) -> Any | None:
        """The report kept under `key` (which names the data version): this process's, else
        one another worker built (then kept here too), else None."""
        value = self.built.get(key)
        shared = None if value is not None else self._shared_key(key)
        if shared is not None:
            value = pagecache.cache_get(self, shared)  # None when it does not answer: build
            if value is not None:
                self.built.set(key, value)
        return value

    def keep(self, key: str, value: Any) -> None:
        """Keep a built report here and, when shared, for the other workers."""
        self.built.set(key, value)
        shared = self._shared_key(key)
        if shared is not None:
            pagecache.cache_set(self, shared, value)  # the report is shown all the same

    def clear(self) -> bool:
        self.built.clear()
        return super().clear()


cache = ReportCache()
