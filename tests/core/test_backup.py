"""`flask backup` makes a consistent copy of the live database."""

import sqlite3

import sqlalchemy as sa


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
