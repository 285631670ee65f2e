"""Commands: `rebuild-relationships [--check]`, `relationships-worker [--watch N]` and
`import-attendance FILE.csv`."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from chamber.exceptions import ChamberError
from chamber.extensions import db
from chamber.meetings.importing import import_attendance, read_attendance_rows
from chamber.relationships import engine, network


@click.command("rebuild-relationships")
@click.option(
    "--check", is_flag=True, help="Compare the kept ties with a rebuild; exit 1 if they differ."
)
def rebuild_relationships(check: bool) -> None:
    """Rebuild every relationship from the shared work, or (--check) verify the kept ones."""
    started = time.monotonic()
    if check:
        with click.progressbar(length=engine.REBUILD_STEPS, label="Checking relationships") as bar:
            differences = engine.check(progress=bar.update)
        db.session.rollback()
        for line in differences[:50]:
            click.echo(line)
        if differences:
            click.echo(f"{len(differences)} differences between the kept ties and a rebuild.")
            sys.exit(1)
        click.echo(f"The kept ties equal a rebuild ({time.monotonic() - started:.1f}s).")
        return
    with click.progressbar(length=engine.REBUILD_STEPS, label="Rebuilding relationships") as bar:
        entries, ties = engine.rebuild(progress=bar.update)
    db.session.commit()
    click.echo(
        f"Rebuilt {ties:,} ties from {entries:,} entries in {time.monotonic() - started:.1f}s."
    )
    started = time.monotonic()
    network.refresh(force=True)
    db.session.commit()
    click.echo(f"Connectors and picture layouts computed in {time.monotonic() - started:.1f}s.")


@click.command("relationships-worker")
@click.option("--watch", type=float, default=0, help="Keep working, looking every N seconds.")
def relationships_worker(watch: float) -> None:
    """Apply queued big meetings and recompute the connectors and picture layouts that a
    change of the ties made stale (the network pages read what this stores)."""
    if watch:
        network.run_worker(watch, report=lambda done: click.echo(f"recomputed {len(done)}"))
        return
    applied = engine.drain_backlog()
    done = network.refresh()
    db.session.commit()
    click.echo(f"{applied} queued updates applied, {len(done)} snapshots recomputed.")


@click.command("import-attendance")
@click.argument("csv_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_attendance_command(csv_file: Path) -> None:
    """Import past event attendance (columns event,starts_at,email,mode); the ties follow."""
    try:
        rows = read_attendance_rows(csv_file.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError as error:
        raise click.ClickException("The file is not UTF-8 text.") from error
    except ChamberError as error:
        raise click.ClickException(error.message) from error
    with click.progressbar(length=len(rows), label="Importing attendance") as bar:
        report = import_attendance(None, rows, progress=bar.update)
    db.session.commit()
    for line, reason in report.refused:
        click.echo(f"line {line}: refused: {reason}")
    for title in dict.fromkeys(report.events_created):
        click.echo(f"new chamber-wide event: {title}")
    click.echo(
        f"{report.added} added, {report.already} already recorded, {len(report.refused)} refused."
    )


COMMANDS = (rebuild_relationships, relationships_worker, import_attendance_command)
