"""Declarative base with a constraint naming convention, shared mixins and SQLite tuning."""

from __future__ import annotations

import enum
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime

import sqlalchemy as sa
from flask import has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, scoped_session

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """Naive UTC timestamp: every datetime column stores UTC."""
    return datetime.now(UTC).replace(tzinfo=None)


def like_pattern(text: str) -> str:
    """A LIKE pattern matching `text` literally anywhere (%, _ and \\ escaped); use it with
    `escape="\\"` so search fields take `' OR 1=1 --` or `100%` as plain text."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def grouped(session: Session | scoped_session, key, aggregate, *criteria) -> dict:
    """`aggregate` (a count, a sum) per value of `key` over the rows matching `criteria`, in
    one grouped statement; a value no row has is absent."""
    statement = sa.select(key, aggregate).where(*criteria).group_by(key)
    return dict(session.execute(statement).all())


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


def str_enum(enum_cls: type[enum.Enum], name: str) -> sa.Enum:
    """An enum stored as its string value with a CHECK constraint, the same on SQLite and PG."""
    return sa.Enum(
        enum_cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=max(len(m.value) for m in enum_cls),
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


#: Each SQLite connection's page cache, in KiB (SQLite's default is 2,000). A 40-person meeting
#: sheet rewrites 741 ties of the large demo seed, their ledger entries and the reports'
#: rollups kept by triggers: about 3 MB of pages. In 2 MB nearly every page was read back
#: from the file during the update (16 ms of system time in a 55 ms update). The cache fills
#: only as pages are used.
SQLITE_CACHE_KIB = 8000


@event.listens_for(Engine, "connect")
def _tune_sqlite(dbapi_connection, _record) -> None:
    """WAL, a busy timeout, enforced foreign keys and a page cache of SQLITE_CACHE_KIB;
    transactions are begun explicitly below."""
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    dbapi_connection.isolation_level = None  # let the "begin" hook issue BEGIN itself
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")
    cursor.close()


_READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_reading: ContextVar[bool] = ContextVar("chamber_reading", default=False)


@event.listens_for(Engine, "begin")
def _begin_sqlite(connection) -> None:
    """SQLite: a write transaction takes the write lock at BEGIN (IMMEDIATE), so concurrent
    writers queue on the busy timeout instead of failing with "database is locked" when a
    transaction that read first tries to write. Page views (GET) begin deferred, so readers
    never wait for writers under WAL. Outside a request (CLI, jobs) every transaction is a
    write transaction."""
    if connection.dialect.name != "sqlite":
        return
    if _reading.get() or (has_request_context() and request.method in _READ_ONLY_METHODS):
        connection.exec_driver_sql("BEGIN")
    else:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def _end_transaction(session: Session | scoped_session) -> None:
    """Commit without expiring what was loaded: nothing was written, and the next phase
    uses the loaded rows (a row changed meanwhile is caught by its version column)."""
    real = session() if isinstance(session, scoped_session) else session
    expire = real.expire_on_commit
    real.expire_on_commit = False
    try:
        real.commit()
    finally:
        real.expire_on_commit = expire


@contextmanager
def before_writing(session: Session | scoped_session) -> Iterator[None]:
    """Load and check inside this block; the write transaction comes after it.

    The rule of the request path: loading, checking and slow work (password hashing, SMTP,
    image processing, a network call) happen before the write transaction begins, and the
    write transaction is short, because on SQLite a write transaction holds the whole
    database (every non-GET request begins `BEGIN IMMEDIATE`, above).

        with before_writing(db.session):
            member = load_the_member(...)        # a read: no write lock
        ok = verify_password(member.password_hash, typed)   # slow: no transaction at all
        return finish(lambda: record_it(member, ok), ...)  # the short write

    Whatever transaction the request had open (e.g. loading the signed-in member) ends first.
    Queries in the block run in a read transaction (a deferred BEGIN on SQLite, which under
    WAL waits for no writer), which ends with the block: the connection goes back to the pool,
    so slow work after the block holds neither a lock nor a connection. Rows loaded in the
    block stay loaded; a row with a version column that changed before the write is refused
    at flush (`StaleDataError`, which `chamber.flow.finish` reports as "changed by someone
    else"). Writing inside the block is a programming error.
    """
    if session.new or session.dirty or session.deleted:
        raise RuntimeError("before_writing(): the session has unsaved changes")
    _end_transaction(session)
    token = _reading.set(True)
    try:
        yield
        if session.new or session.dirty or session.deleted:
            raise RuntimeError("before_writing(): writes belong after the block")
    except BaseException:
        session.rollback()
        raise
    finally:
        _reading.reset(token)
    _end_transaction(session)
