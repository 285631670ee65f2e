"""Issue 12 finding 6 / SECURITY row 31: the database, its backups and the e-mail outbox are
readable by their owner only — even when the process starts with the usual umask 022."""

from __future__ import annotations

import os
import stat

import pytest
import sqlalchemy as sa

from chamber import create_app
from chamber.config import config_for_tests
from chamber.extensions import db as _db
from chamber.mail.models import OutboxMessage


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture
def usual_umask():
    """Start as a shell usually does (files 0644), and put the test run's umask back."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def _invoke(app, *args):
    with app.app_context():
        result = app.test_cli_runner().invoke(args=list(args))
    assert result.exit_code == 0, result.output
    return result


def test_database_backups_and_outbox_are_private(usual_umask, tmp_path):
    database = tmp_path / "data" / "chamber.sqlite3"
    database.parent.mkdir()
    outbox = tmp_path / "outbox"
    backups = tmp_path / "backups"
    app = create_app(
        config_for_tests(f"sqlite:///{database}")
        | {"MAIL_OUTBOX_DIR": str(outbox), "MAIL_SERVER": ""}
    )
    with app.app_context():
        _db.create_all()
        _db.session.add(OutboxMessage(recipient="a@example.org", subject="Hi", body="Hello"))
        _db.session.commit()
        _db.session.remove()
        _invoke(app, "deliver-mail")
        _invoke(app, "backup", "--output", str(backups))
        files = {
            "database": database,
            "database WAL": database.with_name("chamber.sqlite3-wal"),
            "database shared memory": database.with_name("chamber.sqlite3-shm"),
            "e-mail": next(outbox.glob("*.eml")),
            "backup": next(backups.iterdir()),
        }
        modes = {name: oct(_mode(path)) for name, path in files.items()}
        assert modes == dict.fromkeys(files, oct(0o600))
        folders = {"outbox": outbox, "backups": backups}
        assert {name: oct(_mode(path)) for name, path in folders.items()} == dict.fromkeys(
            folders, oct(0o700)
        )
        _db.engine.dispose()


def test_files_left_readable_by_an_older_version_are_closed_at_start_up(usual_umask, tmp_path):
    database = tmp_path / "chamber.sqlite3"
    engine = sa.create_engine(f"sqlite:///{database}")
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE t (x INTEGER)")
    engine.dispose()
    outbox = tmp_path / "outbox"
    outbox.mkdir(mode=0o755)
    outbox.chmod(0o755)
    assert _mode(database) == 0o644

    create_app(config_for_tests(f"sqlite:///{database}") | {"MAIL_OUTBOX_DIR": str(outbox)})
    assert _mode(database) == 0o600
    assert _mode(outbox) == 0o700
