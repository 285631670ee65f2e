"""SECURITY row 23: a PostgreSQL restart. The next request after it succeeds (the pool pings
each connection before use), and a request cut mid-transaction gets the error page and leaves
no partial rows.

The test never stops the PostgreSQL that other test runs share: it starts a throwaway cluster
of its own (initdb into a temporary folder, a free port), restarts and stops that one, and
always removes it. Runs in the PostgreSQL pass of the suite (TEST_DATABASE_URL)."""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest
import sqlalchemy as sa

from chamber import create_app
from chamber.backup import row_counts
from chamber.config import config_for_tests
from chamber.extensions import db as _db
from tests.conftest import TEST_PASSWORD, RequestIsolatingClient, csrf_token

pytestmark = pytest.mark.slow


def _bindir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Cluster:
    """A private PostgreSQL cluster: start(), stop(), restart(); run as `postgres` when root
    (initdb refuses root)."""

    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.folder = Path(tempfile.mkdtemp(prefix="chamber-pg-"))
        self.data = self.folder / "data"
        self.port = _free_port()
        self.prefix: list[str] = []
        if os.geteuid() == 0:
            owner = pwd.getpwnam("postgres")
            os.chown(self.folder, owner.pw_uid, owner.pw_gid)
            self.prefix = ["runuser", "-u", "postgres", "--"]
        self._run(
            "initdb",
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
            "--no-sync",
        )

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, tool: str, *args: str) -> None:
        result = subprocess.run(  # noqa: S603 - fixed arguments, no shell
            [*self.prefix, str(self.bindir / tool), *args],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        if result.returncode != 0:
            raise RuntimeError(f"{tool} failed: {result.stdout}{result.stderr}")

    def start(self) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(
            "pg_ctl",
            "-D",
            str(self.data),
            "-l",
            str(self.folder / "log"),
            "-w",
            "-t",
            "60",
            "-o",
            options,
            "start",
        )

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "-t", "60", "stop")

    def running(self) -> bool:
        return (self.data / "postmaster.pid").exists()

    def remove(self) -> None:
        try:
            if self.running():
                self.stop("immediate")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)


@pytest.fixture(scope="module")
def cluster():
    if not (os.environ.get("TEST_DATABASE_URL") or "").startswith("postgres"):
        pytest.skip("PostgreSQL restart: runs in the PostgreSQL pass (TEST_DATABASE_URL)")
    bindir = _bindir()
    if bindir is None or not (bindir / "pg_ctl").exists():
        pytest.skip("PostgreSQL server binaries (initdb, pg_ctl) are not installed")
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            pytest.skip("running as root without a 'postgres' user to run initdb as")
    cluster = Cluster(bindir)
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.remove()


@pytest.fixture
def restart_app(cluster, tmp_path):
    """The app on the throwaway cluster, with its tables, a staff member signed in."""
    app = create_app(config_for_tests(cluster.url) | {"MAIL_OUTBOX_DIR": str(tmp_path)})
    app.test_client_class = RequestIsolatingClient
    with app.app_context():
        _db.drop_all()
        _db.create_all()
        result = app.test_cli_runner().invoke(
            args=[
                "create-user",
                "--email",
                "staff@example.org",
                "--name",
                "Sam Staff",
                "--business",
                "Chamber office",
                "--staff",
                "--password",
                TEST_PASSWORD,
            ]
        )
        assert result.exit_code == 0, result.output
        _db.session.remove()
    client = app.test_client()
    response = client.post(
        "/login",
        data={
            "email": "staff@example.org",
            "password": TEST_PASSWORD,
            "csrf_token": csrf_token(client),
        },
    )
    assert response.status_code == 302, response.status_code
    yield app, client
    with app.app_context():
        _db.session.remove()
        _db.engine.dispose()


class _FormInputs(HTMLParser):
    """The inputs of the page's POST form (CSRF token, one-time form token, fields)."""

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, str] = {}
        self._in_post_form = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._in_post_form = (attrs.get("method") or "").lower() == "post"
        elif tag in ("input", "textarea") and self._in_post_form and attrs.get("name"):
            self.values.setdefault(attrs["name"], attrs.get("value") or "")

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_post_form = False


def _new_committee_form(client, name: str) -> dict[str, str]:
    page = client.get("/staff/committees/new")
    assert page.status_code == 200
    parser = _FormInputs()
    parser.feed(page.get_data(as_text=True))
    return parser.values | {"name": name, "slug": "", "mission": "Help.", "description": ""}


def test_the_next_request_after_a_restart_succeeds(cluster, restart_app):
    app, client = restart_app
    assert client.get("/dashboard").status_code == 200  # the pool now holds a connection
    cluster.stop("fast")
    try:
        time.sleep(0.5)
    finally:
        cluster.start()
    for _ in range(3):  # the first request after the restart, and the ones after it
        response = client.get("/dashboard")
        assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert client.get("/committees").status_code == 200


def test_a_request_cut_mid_transaction_gets_the_error_page_and_saves_nothing(cluster, restart_app):
    app, client = restart_app
    with app.app_context():
        engine = _db.engine
    inserts: list[str] = []

    def count_inserts(conn, cursor, statement, *args):
        if statement.lstrip().upper().startswith("INSERT"):
            inserts.append(statement.split("(")[0])

    # A committee made whole: how many rows (INSERTs) one creation writes.
    sa.event.listen(engine, "after_cursor_execute", count_inserts)
    try:
        response = client.post("/staff/committees/new", data=_new_committee_form(client, "Whole"))
    finally:
        sa.event.remove(engine, "after_cursor_execute", count_inserts)
    assert response.status_code == 302
    rows_per_creation = len(inserts)
    assert rows_per_creation >= 2, inserts  # a committee and its audit row, at least

    before = row_counts(engine)
    cut = {"after": rows_per_creation, "seen": 0, "done": False}

    def stop_database_after_last_insert(conn, cursor, statement, *args):
        if cut["done"] or not statement.lstrip().upper().startswith("INSERT"):
            return
        cut["seen"] += 1
        if cut["seen"] == cut["after"]:  # every row is written, none committed yet
            cut["done"] = True
            cluster.stop("immediate")  # the database dies as a crash would

    form = _new_committee_form(client, "Cut short")
    sa.event.listen(engine, "after_cursor_execute", stop_database_after_last_insert)
    try:
        response = client.post("/staff/committees/new", data=form)
    finally:
        sa.event.remove(engine, "after_cursor_execute", stop_database_after_last_insert)
        if not cluster.running():
            cluster.start()
    assert cut["done"], "the request never reached its last INSERT"
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "Something went wrong" in page and "Nothing was saved" in page
    assert "Traceback" not in page and "INSERT" not in page

    assert row_counts(engine) == before  # no partial rows
    listing = client.get("/committees")
    assert listing.status_code == 200
    assert "Whole" in listing.get_data(as_text=True)
    assert "Cut short" not in listing.get_data(as_text=True)
