"""The page number a list was asked for, kept within what a database can take; pages of a
list counted by a statement of their own; the first matches of a search fetched one over the
limit."""

from __future__ import annotations

from typing import Any, Generic, NamedTuple, TypeVar

import sqlalchemy as sa
from flask import request
from flask_sqlalchemy.pagination import Pagination, SelectPagination

from chamber.extensions import db

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


class _CountedPagination(SelectPagination):
    """A page of `select` whose total comes from `count`, a statement of its own: the
    default counts a subquery of the whole select, every joined column of every row."""

    def _query_items(self) -> list[Any]:
        select = self._query_args["select"].limit(self.per_page).offset(self._query_offset)
        result = self._query_args["session"].execute(select)
        return list(result.unique().scalars() if self._query_args["entities"] else result)

    def _query_count(self) -> int:
        return self._query_args["session"].scalar(self._query_args["count_select"]) or 0


def paginate(
    select: sa.Select, count: sa.Select, *, page: int, per_page: int, rows: bool = False
) -> Pagination:
    """Like `db.paginate` (out-of-range pages are empty, never a 404), with the total
    counted by `count` (a `SELECT count(*)` of the same filters without the joins that only
    add columns). `rows=True` keeps the select's rows as rows instead of their first entity
    (a read-only list of plain columns)."""
    return _CountedPagination(
        select=select,
        count_select=count,
        entities=not rows,
        session=db.session(),
        page=page,
        per_page=per_page,
        max_per_page=None,
        error_out=False,
    )


class _ListPagination(Pagination):
    """Pages of a list already in memory (e.g. a kept report's rows)."""

    def _query_items(self) -> list[Any]:
        rows = self._query_args["rows"]
        return list(rows[self._query_offset : self._query_offset + self.per_page])

    def _query_count(self) -> int:
        return len(self._query_args["rows"])


def paginate_list(rows, *, page: int, per_page: int) -> Pagination:
    """`rows` (a sequence) a page at a time, with the pager of every other list; an
    out-of-range page is empty, never a 404."""
    return _ListPagination(
        rows=rows, page=page, per_page=per_page, max_per_page=None, error_out=False
    )
