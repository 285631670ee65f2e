"""`flask backup` makes a consistent copy of the live database; `flask restore` puts one back
(SECURITY row 25). Run on SQLite by default and on PostgreSQL with TEST_DATABASE_URL."""

from __future__ import annotations

import sqlite3
import threading
import time

import pytest
import sqlalchemy as sa

from chamber import create_app
from chamber.audit.models import AuditEntry
from chamber.config import config_for_tests
from chamber.extensions import db as _db
from chamber.notifications.models import Notification


def test_backup_copies_the_database_with_every_row(app, db, make_member, tmp_path):
    for _ in range(5):
        make_member()
    result = app.test_cli_runner().invoke(args=["backup", "--output", str(tmp_path)])
    assert result.exit_code == 0, result.output
    [backup] = [p for p in tmp_path.iterdir() if p.suffix in (".sqlite3", ".dump")]
    assert "Backup written to" in result.output and backup.stat().st_size > 0
    if db.engine.url.get_backend_name() == "sqlite":
        with sqlite3.connect(backup) as copy:
            assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            assert copy.execute("SELECT count(*) FROM members").fetchone()[0] == 5
    else:
        assert backup.suffix == ".dump"
        assert backup.read_bytes().startswith(b"PGDMP")  # pg_dump's custom format
    assert db.session.scalar(sa.text("SELECT count(*) FROM members")) == 5


def test_two_backups_in_the_same_second_are_two_files(app, make_member, tmp_path):
    make_member()
    runner = app.test_cli_runner()
    for _ in range(2):
        result = runner.invoke(args=["backup", "--output", str(tmp_path)])
        assert result.exit_code == 0, result.output
    assert len(list(tmp_path.iterdir())) == 2


@pytest.fixture
def fresh_app(app, tmp_path):
    """A second app on a new, empty database of the same kind (SQLite file or PostgreSQL)."""
    url = sa.make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    admin = None
    if url.get_backend_name() == "sqlite":
        fresh_url = f"sqlite:///{tmp_path / 'restored.sqlite3'}"
    else:
        name = f"{url.database}_restore"
        admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
        fresh_url = url.set(database=name).render_as_string(hide_password=False)
    fresh = create_app(config_for_tests(fresh_url) | {"MAIL_OUTBOX_DIR": str(tmp_path / "out")})
    yield fresh
    with fresh.app_context():
        _db.engine.dispose()
    if admin is not None:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _invoke(app, *args):
    """Run a command of `app` (the test holds the main app's context, which a CLI runner
    would otherwise reuse)."""
    with app.app_context():
        return app.test_cli_runner().invoke(args=list(args))


def _written(engine) -> dict[str, object]:
    """What the writers left: counts and sums of the rows they wrote in pairs."""
    with engine.connect() as connection:
        audit = connection.execute(
            sa.select(
                sa.func.count(), sa.func.coalesce(sa.func.sum(AuditEntry.target_id), 0)
            ).where(AuditEntry.action == "test.write")
        ).one()
        notes = connection.execute(
            sa.select(sa.func.count()).where(Notification.kind == "test.write")
        ).scalar_one()
        ids = set(
            connection.scalars(
                sa.select(AuditEntry.target_id).where(AuditEntry.action == "test.write")
            )
        )
    return {"audit": audit[0], "sum": audit[1], "notifications": notes, "ids": ids}


def test_a_backup_taken_during_writes_restores_whole(app, db, make_member, tmp_path, fresh_app):
    """Writers commit pairs of rows (an audit entry and a notification) while the backup runs.
    The restore passes the integrity check, holds whole pairs only, and each restored row is
    one the live database has: equal counts and sums."""
    member = make_member()
    member_id, email = member.id, member.email  # read here: not lazily inside the other app
    db.session.commit()
    stop = threading.Event()
    written = threading.Semaphore(0)
    errors: list[str] = []

    def writer(worker: int) -> None:
        n = 0
        with app.app_context():
            while not stop.is_set() and n < 2000:
                n += 1
                number = worker * 100_000 + n
                try:
                    _db.session.add(
                        AuditEntry(action="test.write", target_type="test", target_id=number)
                    )
                    _db.session.add(
                        Notification(member_id=member_id, kind="test.write", message=str(number))
                    )
                    _db.session.commit()
                except Exception as error:  # noqa: BLE001 - the test reports it
                    _db.session.rollback()
                    errors.append(repr(error))
                    return
                finally:
                    _db.session.remove()
                written.release()

    threads = [threading.Thread(target=writer, args=(w,)) for w in range(1, 5)]
    for thread in threads:
        thread.start()
    try:
        for _ in range(40):  # some rows are in before the backup starts
            assert written.acquire(timeout=30)
        result = app.test_cli_runner().invoke(args=["backup", "--output", str(tmp_path / "b")])
        for _ in range(40):  # and the writers were still going when it finished
            assert written.acquire(timeout=30)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
    assert result.exit_code == 0, result.output
    assert not errors, errors
    [backup] = (tmp_path / "b").iterdir()

    restored = _invoke(fresh_app, "restore", str(backup))
    assert restored.exit_code == 0, restored.output
    assert "Integrity check passed" in restored.output

    live = _written(db.engine)
    with fresh_app.app_context():
        copy = _written(_db.engine)
        from chamber.backup import integrity_problems

        assert integrity_problems(_db.engine) == []
        assert _db.session.get(type(member), member_id).email == email
    assert 40 <= copy["audit"] < live["audit"]  # a snapshot taken mid-way
    assert copy["notifications"] == copy["audit"]  # whole transactions only
    assert copy["ids"] <= live["ids"]
    with db.engine.connect() as connection:
        live_sum_of_copied = connection.scalar(
            sa.select(sa.func.sum(AuditEntry.target_id)).where(
                AuditEntry.action == "test.write", AuditEntry.target_id.in_(copy["ids"])
            )
        )
    assert copy["sum"] == live_sum_of_copied


def test_restore_refuses_a_database_with_rows_unless_forced(
    app, db, make_member, tmp_path, fresh_app
):
    for _ in range(3):
        make_member()
    app.test_cli_runner().invoke(args=["backup", "--output", str(tmp_path / "b")])
    [backup] = (tmp_path / "b").iterdir()
    first = _invoke(fresh_app, "restore", str(backup))
    assert first.exit_code == 0, first.output

    with fresh_app.app_context():  # the restored database gets a row of its own
        _db.session.add(AuditEntry(action="after.restore"))
        _db.session.commit()
    refused = _invoke(fresh_app, "restore", str(backup))
    assert refused.exit_code != 0
    assert "not empty" in refused.output and "--force" in refused.output
    with fresh_app.app_context():
        assert _db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)) == 1

    forced = _invoke(fresh_app, "restore", "--force", str(backup))
    assert forced.exit_code == 0, forced.output
    with fresh_app.app_context():
        assert _db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)) == 0
        assert _db.session.scalar(sa.text("SELECT count(*) FROM members")) == 3


def test_restore_refuses_a_file_that_is_not_a_backup(fresh_app, tmp_path):
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"not a database at all" * 100)
    started = time.monotonic()
    result = _invoke(fresh_app, "restore", str(junk))
    assert result.exit_code != 0
    assert "Error" in result.output
    assert time.monotonic() - started < 30
