"""What reports keep of their own: the engagement traffic light's thresholds (staff set them)."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from chamber.db import Base, utcnow

if TYPE_CHECKING:
    from chamber.members.models import Member

#: The thresholds in force until staff change them (scores per 6 months, see engagement.py).
DEFAULT_GREEN_FROM = 30
DEFAULT_YELLOW_FROM = 10


class EngagementThresholds(Base):
    """The scores from which a member's engagement light is green or yellow (below: red).

    One row for the chamber; until staff save the settings page there is none and the
    defaults apply. Versioned, so two staff saving at once cannot silently overwrite."""

    __tablename__ = "engagement_thresholds"
    __table_args__ = (
        sa.CheckConstraint("yellow_from >= 0 AND green_from > yellow_from", name="ordered"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    green_from: Mapped[int]
    yellow_from: Mapped[int]
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("members.id"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version_id: Mapped[int] = mapped_column(default=1)

    updated_by: Mapped[Member | None] = relationship()

    __mapper_args__ = {"version_id_col": version_id}


class CommitteeWork(Base):
    """Rollup: the first day of approved work of each member in each committee.

    Report 2 attributes a referral to a committee where giver and receiver both had approved
    work before it; this table holds the one date per (member, committee) that needs, instead
    of a scan of every contribution at each page view. Database triggers on `contributions`
    (COMMITTEE_WORK_TRIGGERS) keep it right in the same transaction as every insert, update
    or delete, whoever makes it (services, bulk seeding, imports); tests/reports compare it
    with a recomputation after changes."""

    __tablename__ = "report_committee_work"

    member_id: Mapped[int] = mapped_column(sa.ForeignKey("members.id"), primary_key=True)
    committee_id: Mapped[int] = mapped_column(sa.ForeignKey("committees.id"), primary_key=True)
    since: Mapped[date]


def committee_work_recomputed() -> sa.Select:
    """What report_committee_work must hold: (member_id, committee_id, since), from scratch."""
    contributions = sa.table(
        "contributions",
        sa.column("member_id"),
        sa.column("committee_id"),
        sa.column("status"),
        sa.column("contributed_on"),
    )
    return (
        sa.select(
            contributions.c.member_id,
            contributions.c.committee_id,
            sa.func.min(contributions.c.contributed_on).label("since"),
        )
        .where(contributions.c.status == "approved", contributions.c.committee_id.is_not(None))
        .group_by(contributions.c.member_id, contributions.c.committee_id)
    )


# (member, committee) pairs named :who ("NEW" or "OLD") get their row recomputed.
_SQLITE_REFRESH = """
    DELETE FROM report_committee_work
     WHERE member_id = {who}.member_id AND committee_id = {who}.committee_id;
    INSERT INTO report_committee_work (member_id, committee_id, since)
    SELECT member_id, committee_id, min(contributed_on) FROM contributions
     WHERE member_id = {who}.member_id AND committee_id = {who}.committee_id
       AND status = 'approved'
     GROUP BY member_id, committee_id;
"""
_WATCHED = "status, member_id, committee_id, contributed_on"

#: Per dialect, the statements that create the triggers (the migration runs the same ones).
# Work at a chamber-wide event has no committee and no row here: inserts skip it, and the
# refresh of an update or delete matches nothing for a NULL committee.
COMMITTEE_WORK_TRIGGERS = {
    "sqlite": [
        """CREATE TRIGGER IF NOT EXISTS report_committee_work_insert AFTER INSERT ON contributions
        WHEN NEW.status = 'approved' AND NEW.committee_id IS NOT NULL
        BEGIN
            INSERT INTO report_committee_work (member_id, committee_id, since)
            VALUES (NEW.member_id, NEW.committee_id, NEW.contributed_on)
            ON CONFLICT (member_id, committee_id)
            DO UPDATE SET since = min(since, excluded.since);
        END""",
        f"""CREATE TRIGGER IF NOT EXISTS report_committee_work_update AFTER UPDATE OF {_WATCHED}
        ON contributions
        WHEN OLD.status = 'approved' OR NEW.status = 'approved'
        BEGIN {_SQLITE_REFRESH.format(who="OLD")} {_SQLITE_REFRESH.format(who="NEW")} END""",
        f"""CREATE TRIGGER IF NOT EXISTS report_committee_work_delete AFTER DELETE ON contributions
        WHEN OLD.status = 'approved'
        BEGIN {_SQLITE_REFRESH.format(who="OLD")} END""",
    ],
    "postgresql": [
        """CREATE OR REPLACE FUNCTION report_committee_work_refresh(who_member integer,
            who_committee integer) RETURNS void AS $$
        DECLARE first_day date;
        BEGIN
            SELECT min(contributed_on) INTO first_day FROM contributions
             WHERE member_id = who_member AND committee_id = who_committee
               AND status = 'approved';
            IF first_day IS NULL THEN
                DELETE FROM report_committee_work
                 WHERE member_id = who_member AND committee_id = who_committee;
            ELSE
                INSERT INTO report_committee_work (member_id, committee_id, since)
                VALUES (who_member, who_committee, first_day)
                ON CONFLICT (member_id, committee_id) DO UPDATE SET since = EXCLUDED.since;
            END IF;
        END $$ LANGUAGE plpgsql""",
        """CREATE OR REPLACE FUNCTION report_committee_work_sync() RETURNS trigger AS $$
        BEGIN
            IF TG_OP = 'INSERT' THEN
                IF NEW.status = 'approved' AND NEW.committee_id IS NOT NULL THEN
                    INSERT INTO report_committee_work (member_id, committee_id, since)
                    VALUES (NEW.member_id, NEW.committee_id, NEW.contributed_on)
                    ON CONFLICT (member_id, committee_id)
                    DO UPDATE SET since = LEAST(report_committee_work.since, EXCLUDED.since);
                END IF;
                RETURN NULL;
            END IF;
            IF OLD.status = 'approved' THEN
                PERFORM report_committee_work_refresh(OLD.member_id, OLD.committee_id);
            END IF;
            IF TG_OP = 'UPDATE' AND NEW.status = 'approved' THEN
                PERFORM report_committee_work_refresh(NEW.member_id, NEW.committee_id);
            END IF;
            RETURN NULL;
        END $$ LANGUAGE plpgsql""",
        "DROP TRIGGER IF EXISTS report_committee_work_sync ON contributions",
        f"""CREATE TRIGGER report_committee_work_sync
        AFTER INSERT OR DELETE OR UPDATE OF {_WATCHED} ON contributions
        FOR EACH ROW EXECUTE FUNCTION report_committee_work_sync()""",
    ],
}


class ReportDataVersion(Base):
    """One row: a counter moved, in the same transaction, by every change of a table the
    reports read (DATA_VERSION_TRIGGERS); the charts are cached by it.

    Newest change times could miss a change committed late with an earlier time stamp; this
    counter cannot: a transaction's bump is seen exactly when its changes are."""

    __tablename__ = "report_data_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(sa.BigInteger, default=0)


#: The tables whose changes can move a report's figures, with the columns watched on update
#: (None: all; members sign in and out without moving a figure).
DATA_VERSION_TABLES = {
    "referrals": None,
    "contributions": None,
    "attendances": None,
    "meetings": None,
    "one_to_ones": None,
    "members": "full_name, business_id, joined_on, is_active, is_staff",
    "businesses": None,
    "committee_memberships": None,
    "committees": None,
    "projects": None,
    "engagement_thresholds": None,
    "relationship_state": None,
}

# An upsert, so the counter works even where its row was removed (tests empty every table).
_BUMP = (
    "INSERT INTO report_data_version (id, version) VALUES (1, 1) "
    "ON CONFLICT (id) DO UPDATE SET version = report_data_version.version + 1"
)


def _data_version_triggers(dialect: str) -> list[str]:
    if dialect == "sqlite":
        statements = []
        for table, columns in DATA_VERSION_TABLES.items():
            for event in ("INSERT", "UPDATE", "DELETE"):
                watched = f"UPDATE OF {columns}" if event == "UPDATE" and columns else event
                statements.append(
                    f"CREATE TRIGGER IF NOT EXISTS report_data_version_{table}_{event.lower()} "
                    f"AFTER {watched} ON {table} BEGIN {_BUMP}; END"
                )
        return statements
    if dialect == "postgresql":
        # Once per statement, not per row: a bulk insert moves the counter once.
        statements = [
            f"""CREATE OR REPLACE FUNCTION report_data_version_bump() RETURNS trigger AS $$
            BEGIN {_BUMP}; RETURN NULL; END $$ LANGUAGE plpgsql"""
        ]
        for table, columns in DATA_VERSION_TABLES.items():
            update = f"UPDATE OF {columns}" if columns else "UPDATE"
            statements += [
                f"DROP TRIGGER IF EXISTS report_data_version ON {table}",
                f"""CREATE TRIGGER report_data_version AFTER INSERT OR DELETE OR {update}
                ON {table} FOR EACH STATEMENT EXECUTE FUNCTION report_data_version_bump()""",
            ]
        return statements
    return []


#: Per dialect, the statements that create the data-version triggers (the migration runs them).
DATA_VERSION_TRIGGERS = {
    dialect: _data_version_triggers(dialect) for dialect in ("sqlite", "postgresql")
}


@sa.event.listens_for(Base.metadata, "after_create")
def _create_committee_work_triggers(_metadata, connection, **_kw) -> None:
    """create_all (tests, a fresh database) makes the triggers too, once every table exists."""
    for statement in COMMITTEE_WORK_TRIGGERS.get(connection.dialect.name, []):
        connection.exec_driver_sql(statement)
    for statement in DATA_VERSION_TRIGGERS.get(connection.dialect.name, []):
        connection.exec_driver_sql(statement)
