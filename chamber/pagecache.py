"""Signed-in pages kept until anything changes: a page that only shows what is stored is
built once per data version and served again from the cache.

Correct first. A page is kept under a key made of

- the page version: a counter that every committed write of the chamber's data moves, in the
  same transaction as the write (below), so a change is seen on the very next view;
- the browser's session (the member, their CSRF token, their two-factor state): a kept page
  is only ever served to the session it was built for, with that session's CSRF token;
- the release (a hash of the code and templates: a page kept in Redis before a deploy is not
  served after it);
- the address with its query string, and the minute: what depends on the clock (upcoming,
  "3 weeks ago", the chamber's today) is at most a minute old, and a page is kept a minute at
  most (PAGE_CACHE_SECONDS).

Not kept: a page with a message waiting to be shown (flashed), a page whose request wrote
anything, a page with a one-time form token (two tabs need two tokens), anything but a 200.

The counter moves for every INSERT, UPDATE or DELETE that goes through the app's engine (the
services, the CLI, the background workers, imports): one upsert right before the transaction
commits, once per transaction. Taken at commit, its row lock is held only while committing, so
two writers never wait on each other in the middle of their work. A write made outside the
app (a SQL shell) is seen within PAGE_CACHE_SECONDS.

The cache is Flask-Caching: in-process by default, shared by every worker with Redis
(CACHE_TYPE=RedisCache, CACHE_REDIS_URL), as the report charts are.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import Flask, current_app, g, has_request_context, request, session
from flask_caching import Cache
from flask_login import current_user
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.wrappers import Response

from chamber.db import Base
from chamber.extensions import db

pages = Cache()
log = logging.getLogger(__name__)

#: Connection.info keys: the transaction wrote; this connection never bumps (migrations).
WROTE = "chamber_wrote"
NO_BUMP = "chamber_no_page_version"
HAS_TABLE = "chamber_has_page_version"

_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")
# An upsert, so the counter works even where its row was removed (tests empty every table).
BUMP = (
    "INSERT INTO page_data_version (id, version) VALUES (1, 1) "
    "ON CONFLICT (id) DO UPDATE SET version = page_data_version.version + 1"
)


class PageDataVersion(Base):
    """One row: how many write transactions the chamber's data has seen (the kept pages'
    key). Moved at every commit that wrote, never by hand."""

    __tablename__ = "page_data_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(sa.BigInteger, default=0)


def _is_write(statement: str) -> bool:
    head = statement.lstrip()[:7].upper()
    if head.startswith(_WRITES):
        return True
    # WITH … INSERT/UPDATE/DELETE
    return head.startswith("WITH") and any(f" {verb} " in statement.upper() for verb in _WRITES)


@sa.event.listens_for(Engine, "after_cursor_execute")
def _note_write(conn: Connection, _cursor, statement: str, *_args) -> None:
    if _is_write(statement):
        conn.info[WROTE] = True
        if has_request_context():
            g.page_wrote = True


_TABLE_EXISTS = {
    "sqlite": "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'page_data_version'",
    "postgresql": "SELECT to_regclass('page_data_version') IS NOT NULL",
}


def _has_table(conn: Connection, cursor) -> bool:
    """Whether this database has the counter yet (a database migrated part of the way, as
    the migration tests do, has not): asked once per database connection once it has."""
    if conn.info.get(HAS_TABLE):
        return True
    cursor.execute(_TABLE_EXISTS.get(conn.dialect.name, "SELECT 1"))
    row = cursor.fetchone()
    conn.info[HAS_TABLE] = bool(row and row[0])
    return conn.info[HAS_TABLE]


@sa.event.listens_for(Engine, "commit")
def _bump_before_commit(conn: Connection) -> None:
    """Right before the transaction commits: move the counter if it wrote."""
    if conn.invalidated:
        return  # the commit itself will fail
    if conn.info.pop(WROTE, False) and not conn.info.get(NO_BUMP):
        cursor = conn.connection.cursor()
        try:
            if _has_table(conn, cursor):
                cursor.execute(BUMP)
        finally:
            cursor.close()


@sa.event.listens_for(Engine, "rollback")
def _forget_write(conn: Connection) -> None:
    # A connection the server ended has no info to read (reading it would reconnect in
    # the middle of the rollback); its next connection starts clean.
    if not conn.invalidated:
        conn.info.pop(WROTE, None)


_VERSION = sa.select(PageDataVersion.version).where(PageDataVersion.id == 1)


def version_column() -> sa.Label:
    """The counter as a column, for a statement every signed-in request runs anyway (the
    user loader): one statement fewer for a kept page. Hand its value to `remember()`."""
    return _VERSION.scalar_subquery().label("page_version")


def remember(version: int | None) -> None:
    """The counter read with the signed-in member, at the start of this request."""
    g.page_version = version or 0


def page_version() -> int:
    """The counter as this transaction sees it (read with the signed-in member when the user
    loader did so)."""
    version = g.get("page_version")
    if version is None:
        version = db.session.scalar(_VERSION) or 0
    return version


def cache_get(cache: Cache, key: str) -> Any | None:
    """`cache.get(key)`, or None when the cache does not answer (Redis down): the caller
    builds what it would have read, and the site stays up."""
    try:
        return cache.get(key)
    except Exception:  # any cache error means "not kept"
        log.warning("the shared cache did not answer", exc_info=True)
        return None


def cache_set(cache: Cache, key: str, value: Any, timeout: int | None = None) -> None:
    """`cache.set(...)`; a cache that does not answer keeps nothing, and the page is shown
    all the same."""
    try:
        cache.set(key, value, timeout=timeout)
    except Exception:  # any cache error means "not kept"
        log.warning("the shared cache did not keep a value", exc_info=True)


def not_keepable() -> None:
    """Called while a page is built: this page must not be kept (e.g. it carries a one-time
    form token, which two tabs must not share)."""
    if has_request_context():
        g.page_not_keepable = True


def _session_key() -> str | None:
    """What of the browser's session a page can show or carry; None without a CSRF token
    yet (the page's forms would each make one)."""
    if "csrf_token" not in session:
        return None
    items = sorted((k, repr(v)) for k, v in session.items() if k != "_flashes")
    return hashlib.sha256(repr(items).encode()).hexdigest()[:32]


def _key(version: int, seconds: int) -> str | None:
    session_key = _session_key()
    if session_key is None:
        return None
    minute = int(time.time() // seconds)
    return (
        f"{release()}:{current_user.get_id()}:{session_key}:{version}:{minute}:{request.full_path}"
    )


def release() -> str:
    """This release of the code and templates (hashed once at start-up): in the key of
    whatever a shared cache keeps across deploys (kept pages, built reports)."""
    return current_app.extensions["chamber_pages_release"]


def _release(code: Path, templates: Path) -> str:
    """The code and templates that draw a page: in the key, so that a page kept in a shared
    cache (Redis) by the release before a deploy is never served by the new one."""
    digest = hashlib.sha256()
    for path in sorted([*code.glob("**/*.py"), *templates.glob("**/*.html")]):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def _keepable(response: Response) -> bool:
    return (
        response.status_code == 200
        and response.mimetype == "text/html"
        and not response.direct_passthrough
        and not g.get("page_wrote")
        and not g.get("page_not_keepable")
        and not session.get("_flashes")
    )


def kept(view: Callable[..., Any]) -> Callable[..., Any]:
    """Serve this signed-in GET page from the cache while nothing has changed (see the
    module's doc); build and keep it otherwise."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        seconds = current_app.config["PAGE_CACHE_SECONDS"]
        if (
            seconds <= 0
            or request.method != "GET"
            or not current_user.is_authenticated
            or session.get("_flashes")
            or g.get("page_wrote")  # e.g. a session restored: the version read may be older
        ):
            return view(*args, **kwargs)
        # The version before building: a write committed meanwhile makes a newer key, so a
        # page is never kept under a version newer than what it shows.
        version = page_version()
        key = _key(version, seconds)
        if key is not None:
            body = cache_get(pages, key)
            if body is not None:
                return Response(body, mimetype="text/html")
        response = current_app.make_response(view(*args, **kwargs))
        if _keepable(response):
            # The session as it leaves: building the page may have made its CSRF token.
            key = _key(version, seconds)
            if key is not None:
                cache_set(pages, key, response.get_data(), timeout=seconds)
        return response

    return wrapper


def init_app(app: Flask) -> None:
    app.extensions["chamber_pages_release"] = _release(
        Path(app.root_path), Path(app.root_path, app.template_folder or "templates")
    )
    app.config.setdefault("PAGE_CACHE_SECONDS", 60)
    app.config.setdefault("PAGE_CACHE_THRESHOLD", 200)
    app.config.setdefault("CACHE_TYPE", "SimpleCache")
    pages.init_app(
        app,
        config={key: value for key, value in app.config.items() if key.startswith("CACHE_")}
        | {
            "CACHE_KEY_PREFIX": f"{app.config.get('CACHE_KEY_PREFIX', 'chamber:')}page:",
            "CACHE_THRESHOLD": app.config["PAGE_CACHE_THRESHOLD"],
            "CACHE_DEFAULT_TIMEOUT": app.config["PAGE_CACHE_SECONDS"] or 60,
        },
    )
