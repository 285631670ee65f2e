"""Ids in URLs stay inside the database's integer range (SECURITY row 30, issue 12 finding 1).

Every `<int:…>` part of every route names a row, and every id column is an INTEGER (at most
2^31 − 1 on PostgreSQL). A bigger number used to reach the database and fail there (sqlite3's
OverflowError, PostgreSQL's "out of range"), answering 500. Registered before the blueprints,
the converter below replaces Werkzeug's `int` for every rule, so a path id of 0 or beyond the
range matches no route: a 404, with no route edited.

Ids in query strings and forms go through `chamber.forms.parse_id` / `database_id` (a filter
that names no row, or a field error).
"""

from __future__ import annotations

from flask import Flask
from werkzeug.routing import IntegerConverter

from chamber.forms import MAX_ID


class DatabaseIdConverter(IntegerConverter):
    """`<int:name>`: 1 to MAX_ID; anything else does not match (404)."""

    def __init__(self, map, fixed_digits: int = 0, min: int | None = 1, max: int | None = MAX_ID):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max)


def init_app(app: Flask) -> None:
    """Call before any blueprint is registered: a rule takes its converters when it is added."""
    already = [rule.rule for rule in app.url_map.iter_rules() if "int:" in rule.rule]
    if already:
        raise RuntimeError(f"chamber.routing.init_app must run before these rules: {already}")
    app.url_map.converters["int"] = DatabaseIdConverter
