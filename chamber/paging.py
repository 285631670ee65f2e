"""The page number a list was asked for, kept within what a database can take; the first
matches of a search fetched one over the limit."""

from __future__ import annotations

from typing import Generic, NamedTuple, TypeVar

from flask import request

T = TypeVar("T")

MAX_PAGE = 100_000  # beyond any real list; keeps OFFSET inside a 64-bit integer


def requested_page() -> int:
    """`?page=N` as an int from 1 to MAX_PAGE; anything else is page 1 (never a 500)."""
    page = request.args.get("page", 1, type=int) or 1
    return min(max(page, 1), MAX_PAGE)


class Shortlist(NamedTuple, Generic[T]):
    """The first matches of a search, and whether there are more (the page then says to
    narrow it)."""

    rows: list[T]
    more: bool


def first_of(rows: list[T], limit: int) -> Shortlist[T]:
    """The first `limit` of rows a query fetched `limit` + 1 of, and whether there are more."""
    return Shortlist(rows[:limit], len(rows) > limit)
