"""Flask commands: seed-demo, create-user, import-members, backup, restore, deliver-mail,
send-lead-digests, send-reminders."""

from __future__ import annotations

import time
from pathlib import Path

import click
from flask import Flask, current_app

from chamber.backup import BackupError, backup_database, restore_database
from chamber.contributions.digest import send_lead_digests_command, send_reminders_command
from chamber.extensions import db
from chamber.relationships.cli import COMMANDS as RELATIONSHIP_COMMANDS


def init_app(app: Flask) -> None:
    for command in (
        seed_demo,
        create_user,
        import_members_command,
        backup,
        restore,
        deliver_mail,
        send_lead_digests_command,
        send_reminders_command,
        *RELATIONSHIP_COMMANDS,
    ):
        app.cli.add_command(command)


@click.command("seed-demo")
@click.option("--size", type=click.Choice(["small", "large"]), default="small", show_default=True)
@click.option("--if-empty", is_flag=True, help="Do nothing when the database has members.")
@click.option("--seed", type=int, default=2026, show_default=True, help="Random seed.")
def seed_demo(size: str, if_empty: bool, seed: int) -> None:
    """Fill the database with a demo chamber (small: about 120 members; large: 5,000)."""
    from chamber.demo.seed import database_has_members, seed_chamber

    if database_has_members():
        if if_empty:
            click.echo("The database already has members; demo data not added.")
            return
        raise click.ClickException("The database already has members. Use an empty database.")
    started = time.monotonic()
    counts = seed_chamber(size=size, seed=seed, echo=click.echo)
    click.echo(
        f"Seeded the {size} demo chamber in {time.monotonic() - started:.1f}s: "
        + ", ".join(f"{n:,} {name}" for name, n in counts.items())
    )


@click.command("create-user")
@click.option("--email", prompt=True)
@click.option("--name", "full_name", prompt="Full name")
@click.option("--business", default="", help="Business name.")
@click.option("--staff", is_flag=True, help="Give the account staff rights.")
@click.password_option(help="Prompted for when omitted.")
def create_user(email: str, full_name: str, business: str, staff: bool, password: str) -> None:
    """Create an account that can sign in straight away (e.g. the first staff member)."""
    from chamber.auth.passwords import hash_password, password_problem
    from chamber.members.services import create_business, email_taken, new_person

    if email_taken(email):
        raise click.ClickException(f"A member with e-mail {email} already exists.")
    problem = password_problem(password, email=email)
    if problem:
        raise click.ClickException(problem)
    # A person of a new business (named --business, or after them), or staff of none.
    new_business = (
        None if staff and not business else create_business(None, {"name": business or full_name})
    )
    member = new_person(
        None, {"email": email, "full_name": full_name, "is_staff": staff}, new_business
    )
    member.password_hash = hash_password(password)
    db.session.commit()
    click.echo(f"Created {'staff ' if staff else ''}account {member.email} (id {member.id}).")


@click.command("import-members")
@click.argument("csv_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--invite/--no-invite", default=False, help="E-mail invitations to new members.")
@click.option("--as", "actor_email", default="", help="Staff e-mail recorded as the importer.")
def import_members_command(csv_file: Path, invite: bool, actor_email: str) -> None:
    """Import members from a CSV file; prints why each refused row was refused."""
    from chamber.auth.invitations import send_invitations
    from chamber.auth.services import find_member_by_email
    from chamber.exceptions import ChamberError
    from chamber.members.services import import_members, read_import_rows

    actor = find_member_by_email(actor_email) if actor_email else None
    if actor_email and (actor is None or not actor.is_staff):
        raise click.ClickException(f"{actor_email} is not a staff member.")
    if invite and actor is None:
        raise click.ClickException("--invite needs --as STAFF_EMAIL (the inviter).")
    try:
        rows = read_import_rows(csv_file.read_text(encoding="utf-8-sig"))
    except (UnicodeDecodeError, ChamberError) as error:
        raise click.ClickException(str(getattr(error, "message", error))) from error
    with click.progressbar(length=len(rows), label="Importing members") as bar:
        report = import_members(actor, rows, progress=bar.update)
    if invite:
        send_invitations(actor, report.created)
    db.session.commit()
    for line, email, reasons in report.refused:
        click.echo(f"line {line} ({email or 'no e-mail'}): refused: " + "; ".join(reasons))
    click.echo(report.summary())


@click.command("backup")
@click.option(
    "--output",
    "output_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder for the backup (default: instance/backups).",
)
def backup(output_dir: Path | None) -> None:
    """A consistent copy of the database while it is in use (SQLite backup API or pg_dump)."""
    output_dir = output_dir or Path(current_app.instance_path) / "backups"
    try:
        target = backup_database(db.engine.url, output_dir)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Backup written to {target}")


@click.command("restore")
@click.argument("backup_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace a database that already holds rows.")
def restore(backup_file: Path, force: bool) -> None:
    """Replace the database by a backup made with `flask backup` (stop the server first)."""
    try:
        report = restore_database(db.engine, backup_file, force=force)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    rows = sum(n for name, n in report.rows.items() if name != "alembic_version")
    click.echo(f"Restored {backup_file}: {rows:,} rows in {len(report.rows)} tables.")
    if report.problems:
        raise click.ClickException("Integrity check failed: " + "; ".join(report.problems))
    click.echo("Integrity check passed. If the backup is older than the code, run db upgrade.")


@click.command("deliver-mail")
@click.option("--watch", type=float, default=0, help="Keep delivering every N seconds.")
def deliver_mail(watch: float) -> None:
    """Send the e-mails waiting in the outbox (SMTP, or .eml files in instance/outbox)."""
    from chamber.mail.delivery import deliver_due_mail, run_worker

    def report(sent: int, failed: int) -> None:
        click.echo(f"{sent} sent, {failed} failed (will retry).")

    if watch:
        # Until stopped: a locked or restarting database means a pause, never an exit.
        run_worker(watch, report=report)
    else:
        report(*deliver_due_mail())
