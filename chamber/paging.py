"""The page number a list was asked for, kept within what a database can take."""

from __future__ import annotations

from flask import request

MAX_PAGE = 100_000  # beyond any real list; keeps OFFSET inside a 64-bit integer


def requested_page() -> int:
    """`?page=N` as an int from 1 to MAX_PAGE; anything else is page 1 (never a 500)."""
    page = request.args.get("page", 1, type=int) or 1
    return min(max(page, 1), MAX_PAGE)
