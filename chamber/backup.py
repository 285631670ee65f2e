"""Backups and restores of the database, and the modes of the files Chamber writes.

- Backup (SECURITY row 25): SQLite through its online backup API (never a file copy, so a
  backup taken while requests write is one consistent snapshot); PostgreSQL through
  `pg_dump --format=custom` (one snapshot as well). Each backup is checked before it is kept.
- Restore: the backup replaces the configured database in one step (SQLite's backup API the
  other way round; on PostgreSQL one psql transaction that empties the `public` schema and
  replays the dump), refused when the database holds rows unless forced; then the integrity
  check runs on the result.
- File modes (SECURITY row 31, issue 12 finding 6): the database, its WAL files, backups and
  the e-mail outbox are readable by the owner only. The process creates files with umask 077
  (new files 0600, new folders 0700), and files that already exist are tightened at start-up.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import subprocess  # nosec B404  # pg_dump, pg_restore, psql: fixed arguments
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from flask import Flask

PRIVATE_UMASK = 0o077
FILE_MODE = 0o600
FOLDER_MODE = 0o700
SQLITE_SUFFIXES = ("", "-wal", "-shm", "-journal")
#: Tables a restore may find rows in without being forced: the schema's own bookkeeping.
BOOKKEEPING_TABLES = frozenset({"alembic_version"})


class BackupError(Exception):
    """A backup or restore that could not be done; the message says why."""


# --- file modes -------------------------------------------------------------------------------


def sqlite_path(url: sa.URL) -> Path | None:
    """The file of a SQLite URL (None for other databases and in-memory SQLite)."""
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    return Path(url.database)


def protect(path: Path) -> None:
    """Owner-only access to `path` when it exists: 0700 for a folder, 0600 for a file."""
    with contextlib.suppress(FileNotFoundError):
        path.chmod(FOLDER_MODE if path.is_dir() else FILE_MODE)


def protect_files(app: Flask) -> None:
    """Tighten the instance, outbox and backups folders (which closes the files in them to
    others, however old) and the SQLite files."""
    for folder in (
        Path(app.instance_path),
        Path(app.config["MAIL_OUTBOX_DIR"]),
        Path(app.instance_path) / "backups",
    ):
        if folder.is_dir():
            protect(folder)
    database = sqlite_path(sa.make_url(app.config["SQLALCHEMY_DATABASE_URI"]))
    if database is not None:
        for suffix in SQLITE_SUFFIXES:
            protect(database.with_name(database.name + suffix))


def init_app(app: Flask) -> None:
    """Every file this process creates from now on is private; existing ones are tightened."""
    os.umask(PRIVATE_UMASK)
    protect_files(app)


# --- backup -----------------------------------------------------------------------------------


def _new_backup_file(folder: Path, suffix: str) -> Path:
    """A new, empty, owner-only file named by the UTC time (never overwrites a backup)."""
    folder.mkdir(parents=True, exist_ok=True)
    protect(folder)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    for n in range(1000):
        path = folder / f"chamber-{stamp}{f'-{n}' if n else ''}{suffix}"
        try:
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE))
        except FileExistsError:
            continue
        return path
    raise BackupError(f"Too many backups named chamber-{stamp} in {folder}.")


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} is not installed (it comes with the PostgreSQL client).")
    return path


def _pg_call(url: sa.URL) -> tuple[str, dict[str, str]]:
    """A libpq connection URI without the password, and an environment that carries it:
    the password never appears on a (world-readable) command line."""
    plain = url.set(drivername="postgresql", password=None)
    environment = {**os.environ, "PGPASSWORD": url.password or ""}
    return plain.render_as_string(hide_password=False), environment


def _run(arguments: list[str], environment: dict[str, str], **kwargs) -> str:
    result = subprocess.run(  # noqa: S603  # nosec B603  # fixed arguments, no shell
        arguments, env=environment, capture_output=True, check=False, **kwargs
    )
    if result.returncode != 0:
        errors = result.stderr.decode("utf-8", "replace").strip()
        raise BackupError(f"{Path(arguments[0]).name} failed: {errors[-2000:]}")
    return result.stdout.decode("utf-8", "replace")


def sqlite_integrity_problems(path: Path) -> list[str]:
    """PRAGMA integrity_check and foreign_key_check of a SQLite file; [] when sound."""
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        problems = [row[0] for row in connection.execute("PRAGMA integrity_check")]
        if problems == ["ok"]:
            problems = []
        problems += [
            f"row {rowid} of {table} points to a missing {parent}"
            for table, rowid, parent, _ in connection.execute("PRAGMA foreign_key_check")
        ]
        return problems
    except sqlite3.DatabaseError as error:
        return [str(error)]
    finally:
        connection.close()


def backup_database(url: sa.URL, folder: Path) -> Path:
    """Write a consistent backup of the database at `url` into `folder`; returns its path."""
    database = sqlite_path(url)
    if url.get_backend_name() == "sqlite":
        if database is None:
            raise BackupError("An in-memory database cannot be backed up.")
        target = _new_backup_file(folder, ".sqlite3")
        source = sqlite3.connect(database)
        try:
            destination = sqlite3.connect(target)
            try:
                source.backup(destination)  # the online backup API: one consistent snapshot
                # One self-contained file: no -wal/-shm beside it when it is read.
                destination.execute("PRAGMA journal_mode=DELETE")
            finally:
                destination.close()
        finally:
            source.close()
        problems = sqlite_integrity_problems(target)
        if problems:
            raise BackupError("The backup failed its integrity check: " + "; ".join(problems))
    else:
        target = _new_backup_file(folder, ".dump")
        uri, environment = _pg_call(url)
        _run([_tool("pg_dump"), "--format=custom", f"--file={target}", uri], environment)
        _run([_tool("pg_restore"), "--list", str(target)], environment)  # a readable archive
    protect(target)
    return target


# --- restore ----------------------------------------------------------------------------------


@dataclass
class RestoreReport:
    """What a restore left in the database: rows per table, and any integrity problem."""

    rows: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def tables_with_rows(engine: sa.Engine) -> list[str]:
    """The application tables of the database that hold at least one row."""
    with engine.connect() as connection:
        names = sa.inspect(connection).get_table_names()
        full = []
        for name in sorted(set(names) - BOOKKEEPING_TABLES):
            table = sa.table(name)
            if connection.execute(sa.select(sa.literal(1)).select_from(table).limit(1)).first():
                full.append(name)
        return full


def row_counts(engine: sa.Engine) -> dict[str, int]:
    with engine.connect() as connection:
        names = sorted(sa.inspect(connection).get_table_names())
        return {
            name: connection.execute(
                sa.select(sa.func.count()).select_from(sa.table(name))
            ).scalar_one()
            for name in names
        }


def _postgres_integrity_problems(engine: sa.Engine) -> list[str]:
    """Constraints that were not validated (a restore adds them validated, or fails)."""
    with engine.connect() as connection:
        rows = connection.execute(
            sa.text(
                "SELECT conrelid::regclass::text, conname FROM pg_constraint "
                "WHERE NOT convalidated AND connamespace = 'public'::regnamespace"
            )
        )
        return [f"constraint {name} of {table} is not validated" for table, name in rows]


def integrity_problems(engine: sa.Engine) -> list[str]:
    path = sqlite_path(engine.url)
    if path is not None:
        return sqlite_integrity_problems(path)
    return _postgres_integrity_problems(engine)


def _restore_sqlite(path: Path, backup_file: Path) -> None:
    problems = sqlite_integrity_problems(backup_file)
    if problems:
        raise BackupError(f"{backup_file} is not a sound SQLite backup: " + "; ".join(problems))
    source = sqlite3.connect(f"file:{backup_file}?mode=ro", uri=True)
    try:
        destination = sqlite3.connect(path)
        try:
            source.backup(destination)  # replaces every page of the database at once
        finally:
            destination.close()
    finally:
        source.close()
    for suffix in SQLITE_SUFFIXES:
        protect(path.with_name(path.name + suffix))


def _restore_postgres(url: sa.URL, backup_file: Path) -> None:
    uri, environment = _pg_call(url)
    with backup_file.open("rb") as file:
        custom_format = file.read(5) == b"PGDMP"
    # One psql transaction: the old tables go and the backup's come, or nothing changes.
    psql = [
        _tool("psql"),
        "--no-psqlrc",
        "--quiet",
        "--single-transaction",
        "--set=ON_ERROR_STOP=1",
        "--command=DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public;",
        "--file=-",
        uri,
    ]
    if not custom_format:  # a plain SQL dump goes to psql as it is
        with backup_file.open("rb") as script:
            _run(psql, environment, stdin=script)
        return
    # pg_dump --format=custom: pg_restore writes it out as SQL, streamed into psql.
    restore = subprocess.Popen(  # noqa: S603  # nosec B603  # fixed arguments, no shell
        [_tool("pg_restore"), "--no-owner", "--no-privileges", "--file=-", str(backup_file)],
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        _run(psql, environment, stdin=restore.stdout)
    finally:
        restore.stdout.close()
        errors = restore.stderr.read().decode("utf-8", "replace")
        restore.stderr.close()
        if restore.wait() != 0:
            raise BackupError(f"pg_restore failed: {errors.strip()[-2000:]}")


def restore_database(engine: sa.Engine, backup_file: Path, *, force: bool) -> RestoreReport:
    """Replace the database behind `engine` by `backup_file`; refused when the database
    holds rows and `force` is false. The engine's pooled connections are closed first."""
    if not backup_file.is_file():
        raise BackupError(f"{backup_file} is not a file.")
    url = engine.url
    full = tables_with_rows(engine)
    if full and not force:
        raise BackupError(
            "The database is not empty (rows in "
            + ", ".join(full[:5])
            + (", …" if len(full) > 5 else "")
            + "). Restoring would replace them: use --force to do so."
        )
    engine.dispose()
    path = sqlite_path(url)
    if url.get_backend_name() == "sqlite":
        if path is None:
            raise BackupError("Cannot restore into an in-memory database.")
        _restore_sqlite(path, backup_file)
    else:
        _restore_postgres(url, backup_file)
    engine.dispose()
    return RestoreReport(rows=row_counts(engine), problems=integrity_problems(engine))
