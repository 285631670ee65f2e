"""Test fixtures: one schema per run, emptied after each test; factories; query counting."""

from __future__ import annotations

import contextvars
import itertools
import os
import re
from contextlib import contextmanager
from datetime import date

import pytest
import sqlalchemy as sa
from flask import Flask, has_app_context
from flask.testing import FlaskClient
from sqlalchemy.engine import Engine

from chamber import create_app
from chamber import db as chamber_db
from chamber.config import config_for_tests
from chamber.extensions import db as _db
from chamber.extensions import limiter
from chamber.pagecache import pages
from chamber.reports.charts import cache as chart_cache

TEST_PASSWORD = "correct horse battery staple"


def _database_url(tmp_path_factory, worker: str) -> str:
    """SQLite file by default; TEST_DATABASE_URL (PostgreSQL) gets a database per xdist worker,
    created when missing."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
    from chamber.config import normalise_database_url

    url = sa.make_url(normalise_database_url(url))
    name = url.database if worker == "master" else f"{url.database}_{worker}"
    admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        exists = connection.scalar(
            sa.text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
        )
        if not exists:
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory, worker_id) -> str:
    return _database_url(tmp_path_factory, worker_id)


# The test's own session (factories, assertions) runs between requests and worker threads,
# never alongside them: commit it before starting threads and again before reading what they
# wrote (a SQLite read transaction keeps its snapshot). On SQLite it begins deferred: a lazy
# load in the test body must not take the write lock that a request or thread under test is
# about to need. Requests and threads run in other contexts and keep the production rule
# (chamber.db).
_in_test_body: contextvars.ContextVar[bool] = contextvars.ContextVar("in_test_body", default=False)


@sa.event.listens_for(Engine, "begin")
def _begin_for_tests(connection) -> None:
    if connection.dialect.name == "sqlite" and _in_test_body.get():
        connection.exec_driver_sql("BEGIN")
    else:
        chamber_db._begin_sqlite(connection)


sa.event.remove(Engine, "begin", chamber_db._begin_sqlite)


class RequestIsolatingClient(FlaskClient):
    """Each request runs in its own app context, as in production.

    Tests hold an app context for their own database work; without this, requests would
    share its `g` (cached user, CSRF token) and its database session.  The test's own
    session commits first (releasing SQLite's write lock) and re-reads rows afterwards.
    """

    def open(self, *args, **kwargs):
        if has_app_context():
            _db.session.commit()
        # A streamed body (stream_with_context) is read inside the request's own context,
        # as a WSGI server reads it, not later by a test outside it.
        kwargs.setdefault("buffered", True)
        return contextvars.Context().run(super().open, *args, **kwargs)


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory) -> Flask:
    outbox = tmp_path_factory.mktemp("outbox")
    app = create_app(config_for_tests(database_url) | {"MAIL_OUTBOX_DIR": str(outbox)})
    app.test_client_class = RequestIsolatingClient
    with app.app_context():
        _db.drop_all()
        _db.create_all()
    yield app
    with app.app_context():
        _db.session.remove()
        _db.engine.dispose()


@pytest.fixture(autouse=True)
def _clean_state(app):
    """Each test starts with empty tables and fresh rate-limit counters.

    DELETE, children first, on both databases: PostgreSQL's TRUNCATE of every table costs
    about a second a test (new files for each table), DELETE of a test's few rows a few
    milliseconds. Ids are not reset; no test depends on them."""
    limiter.reset()
    token = _in_test_body.set(True)
    with app.app_context():
        # Charts are cached by the data's version counter, which starts again with the
        # emptied tables: a chart drawn for an earlier test must not answer this one.
        chart_cache.clear()
        pages.clear()  # kept pages, likewise (chamber.pagecache)
        yield
        _db.session.remove()
        with _db.engine.begin() as connection:
            for table in reversed(_db.metadata.sorted_tables):
                connection.execute(table.delete())
    _in_test_body.reset(token)


@pytest.fixture
def db(app):
    return _db


@pytest.fixture
def client(app) -> FlaskClient:
    return app.test_client()


_counter = itertools.count(1)


@pytest.fixture
def make_business(app):
    """Factory: make_business(name=..., status=BusinessStatus.LAPSED, ...) -> committed
    Business (an active member since 2020 unless told otherwise)."""
    from chamber.members.models import Business

    def make(**overrides):
        n = next(_counter)
        values = {
            "name": f"Business {n}",
            "category": "Accounting",
            "city": "Riverside",
            "joined_on": date(2020, 1, 1),
        } | overrides
        business = Business(**values)
        _db.session.add(business)
        _db.session.commit()
        return business

    return make


@pytest.fixture
def make_member(app, make_business):
    """Factory: make_member(email=..., is_staff=True, password=...) -> committed Member.

    A person represents a business of their own ("Business N", or `business_name=` with
    `category=`, `city=`, `website=`), or `business=` an existing one; staff represent none
    unless given one. The first person of a business is its primary contact."""
    from chamber.auth.passwords import hash_password
    from chamber.members.models import Member

    def make(**overrides) -> Member:
        n = next(_counter)
        password = overrides.pop("password", TEST_PASSWORD)
        business = overrides.pop("business", None)
        business_fields = {
            key: overrides.pop(key) for key in ("category", "city", "website") if key in overrides
        }
        name = overrides.pop("business_name", None)
        if business is None and (name or not overrides.get("is_staff")):
            listed = {"is_listed": overrides["is_listed"]} if "is_listed" in overrides else {}
            business = make_business(name=name or f"Business {n}", **business_fields, **listed)
        if overrides.get("is_active") is False:
            overrides.setdefault("is_deactivated", True)
        values = {
            "email": f"member{n}@example.org",
            "full_name": f"Member {n}",
            "joined_on": date(2020, 1, 1),
            "password_hash": hash_password(password) if password else None,
            "business": business,
            "is_primary_contact": business is not None and not business.people,
        } | overrides
        member = Member(**values)
        _db.session.add(member)
        _db.session.commit()
        return member

    return make


@pytest.fixture
def make_committee(app):
    """Factory: make_committee(name=..., chair=member, members=[...]) -> committed Committee."""
    from chamber.committees.models import Committee, CommitteeMembership, CommitteeRole

    def make(*, chair=None, lead=None, members=(), **overrides) -> Committee:
        n = next(_counter)
        values = {
            "name": f"Committee {n}",
            "slug": f"committee-{n}",
            "mission": "Help the town.",
        } | overrides
        committee = Committee(**values)
        _db.session.add(committee)
        for person, role in ((chair, CommitteeRole.CHAIR), (lead, CommitteeRole.LEAD)):
            if person is not None:
                _db.session.add(CommitteeMembership(committee=committee, member=person, role=role))
        for person in members:
            _db.session.add(CommitteeMembership(committee=committee, member=person))
        _db.session.commit()
        return committee

    return make


@pytest.fixture
def login(client):
    """login(member) signs the test client in through the real /login form."""

    def do_login(member, password: str = TEST_PASSWORD, follow: bool = False):
        response = client.post(
            "/login",
            data={"email": member.email, "password": password, "csrf_token": csrf_token(client)},
            follow_redirects=follow,
        )
        assert response.status_code in (200, 302), response.status_code
        return response

    return do_login


_CSRF = re.compile(
    r'name="csrf_token" type="hidden" value="([^"]+)"|'
    r'name="csrf_token" value="([^"]+)"'
)


def csrf_token(client, path: str = "/login") -> str:
    """A valid CSRF token for the client's session, read from a rendered form
    (a signed-in client asking for /login is shown its settings page instead)."""
    response = client.get(path)
    if response.status_code == 302 and path == "/login":
        response = client.get("/settings")
    html = response.get_data(as_text=True)
    match = _CSRF.search(html)
    assert match, f"no CSRF token on {path}"
    return match.group(1) or match.group(2)


def without_csrf(page: str) -> str:
    """A page with its CSRF tokens blanked: a token carries the second it was made in, so
    two renderings of the same page may differ there and nowhere else."""
    return re.sub(r'(name="csrf_token"[^>]*value=")[^"]+"', r'\1"', page)


@pytest.fixture
def signed_in(app):
    """signed_in(member) -> a new test client signed in as that member (one per person)."""

    def sign_in(member):
        client = app.test_client()
        response = client.post(
            "/login",
            data={
                "email": member.email,
                "password": TEST_PASSWORD,
                "csrf_token": csrf_token(client, "/login"),
            },
        )
        assert response.status_code == 302, "sign-in failed"
        return client

    return sign_in


@pytest.fixture
def post(client):
    """post(path, data) with a valid CSRF token taken from `form_page` (default: the same path)."""

    def do_post(path: str, data: dict | None = None, *, form_page: str | None = None, **kwargs):
        token = csrf_token(client, form_page or "/settings")
        return client.post(path, data={"csrf_token": token, **(data or {})}, **kwargs)

    return do_post


@pytest.fixture
def count_queries(app):
    """with count_queries() as counted: ...; counted.count is the number of SQL statements.
    Pages are built while counting, never served kept (chamber.pagecache): the count is the
    page's own work; count_queries(kept=True) leaves kept pages on."""

    class Counter:
        count = 0
        statements: list[str] = []

    @contextmanager
    def counting(kept: bool = False):
        counter = Counter()
        counter.statements = []

        def before(conn, cursor, statement, *args):
            if statement.strip().upper().startswith(("SAVEPOINT", "RELEASE", "PRAGMA", "BEGIN")):
                return
            counter.count += 1
            counter.statements.append(statement)

        engine = _db.engine
        kept_for = app.config["PAGE_CACHE_SECONDS"]
        if not kept:
            app.config["PAGE_CACHE_SECONDS"] = 0
        sa.event.listen(engine, "before_cursor_execute", before)
        try:
            yield counter
        finally:
            sa.event.remove(engine, "before_cursor_execute", before)
            app.config["PAGE_CACHE_SECONDS"] = kept_for

    return counting


@pytest.fixture
def outbox(app):
    """The e-mails queued so far, as OutboxMessage rows."""
    from chamber.mail.models import OutboxMessage

    def messages(recipient: str | None = None):
        query = sa.select(OutboxMessage).order_by(OutboxMessage.id)
        if recipient:
            query = query.where(OutboxMessage.recipient == recipient)
        return list(_db.session.scalars(query))

    return messages


# Factories for meetings, projects, shifts and contributions, shared by their test packages.
from tests.committee_work_fixtures import (  # noqa: E402, F401
    make_contribution,
    make_meeting,
    make_project,
    make_shift,
)
