"""Rollup: where each referral came from, kept by triggers so a report reads one row per
referral instead of working it out again at every build.

Reports 2, 4 and 7 need, per referral, the committee it is attributed to (report 2's rule:
the committee named as how giver and receiver know each other, else the one where both had
approved work before the day, shared longest) and report 4 the pair's tie *on the day it was
given* (the ledger's decay keys before that day). Worked out at each build, that took
0.3–1.5 s of CPU on the large demo seed; here it is worked out when a referral, a
committee's first day of work (report_committee_work), a project's committee or a pair's tie
(relationship_ties, which the relationships engine rewrites with every change of the pair's
ledger entries) changes, in the same transaction, whoever writes (services, the engine, the
demo seed, imports). `tests/reports/test_reports_origins.py` compares the table with a
recomputation (ORIGINS_RECOMPUTED) after every kind of change.

The tie is kept as sums of decay keys, as the ledger keeps them: on day T the strength is
2^(-T / half-life) x the sum x the multiplexity bonus of the contexts seen (work, one-to-ones),
so the settings (half-life, bonus, thresholds) still apply when a report reads it.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from chamber.db import Base
from chamber.relationships.models import TieSource
from chamber.reports.triggers import (
    created_with_the_tables,
    postgresql_function,
    postgresql_tie_statement_triggers,
    postgresql_trigger,
    sqlite_trigger,
)

# The SQL below is assembled from this module's own names and constants (no value from
# outside ever reaches it): the S608 / B608 marks on it say so.


class ReferralOrigin(Base):
    """One row per referral: its attributed committee and the tie between its two members
    on the day it was given (from work and one-to-ones before that day)."""

    __tablename__ = "report_referral_origins"
    __table_args__ = (
        # The ledger's triggers find a pair's referrals after a day; a member's rows are
        # found by either end when their first day of work in a committee moves.
        sa.Index("ix_report_referral_origins_pair", "member_a_id", "member_b_id", "given_on"),
        sa.Index("ix_report_referral_origins_member_b_id", "member_b_id"),
    )

    referral_id: Mapped[int] = mapped_column(
        sa.ForeignKey("referrals.id", ondelete="CASCADE"), primary_key=True
    )
    # Copies of the referral's pair (lower id first, as the ledger orders it) and day.
    member_a_id: Mapped[int]
    member_b_id: Mapped[int]
    given_on: Mapped[date]
    committee_id: Mapped[int | None] = mapped_column(sa.ForeignKey("committees.id"))
    # "named" (how we know each other), "shared work" or "none".
    how: Mapped[str] = mapped_column(sa.String(11))
    # Sums over the pair's ledger entries (work and one-to-ones) dated before given_on: all
    # decay keys, those in person, those online; and whether any work / one-to-one was there.
    tie_key: Mapped[float] = mapped_column(sa.Float)
    tie_in_person_key: Mapped[float] = mapped_column(sa.Float)
    tie_online_key: Mapped[float] = mapped_column(sa.Float)
    tie_work: Mapped[int]
    tie_one_to_one: Mapped[int]


PREFIX = "report_referral_origins"
WORK_SOURCES = (TieSource.SHIFT, TieSource.PROJECT, TieSource.MEETING)
TIE_SOURCES = (*WORK_SOURCES, TieSource.ONE_TO_ONE)


def _any_of(column: str, sources) -> str:
    """`column` is one of `sources`, as comparisons: SQLite makes an IN list of more than two
    values into a temporary b-tree, built again at every run of a trigger's body (a meeting
    sheet runs it for each of its 780 ties, and allocating those trees was most of the
    triggers' time)."""
    return "(" + " OR ".join(f"{column} = '{source.value}'" for source in sources) + ")"


COLUMNS = (
    "referral_id, member_a_id, member_b_id, given_on, committee_id, how, "
    "tie_key, tie_in_person_key, tie_online_key, tie_work, tie_one_to_one"
)
TIE_COLUMNS = "tie_key, tie_in_person_key, tie_online_key, tie_work, tie_one_to_one"


def _shared_committee(a: str, b: str, day: str) -> str:
    """The committee where members `a` and `b` both had approved work on or before `day`,
    the one they have shared longest (then the lower id); NULL when none. Symmetric in a, b."""
    return f"""(SELECT gw.committee_id FROM report_committee_work gw
        JOIN report_committee_work rw ON rw.member_id = {b} AND rw.committee_id = gw.committee_id
        WHERE gw.member_id = {a} AND gw.since <= {day} AND rw.since <= {day}
        ORDER BY CASE WHEN gw.since > rw.since THEN gw.since ELSE rw.since END, gw.committee_id
        LIMIT 1)"""  # noqa: S608  # nosec B608


def _tie_sums(entry: str) -> str:
    """The five tie columns as aggregates over ledger entries named `entry`."""
    return f"""COALESCE(SUM({entry}.decay_key), 0),
        COALESCE(SUM(CASE WHEN {entry}.mode = 'in_person' THEN {entry}.decay_key END), 0),
        COALESCE(SUM(CASE WHEN {entry}.mode = 'online' THEN {entry}.decay_key END), 0),
        COALESCE(MAX(CASE WHEN {_any_of(f"{entry}.source", WORK_SOURCES)} THEN 1 ELSE 0 END), 0),
        COALESCE(MAX(CASE WHEN {entry}.source = 'one_to_one' THEN 1 ELSE 0 END), 0)"""


def origins_select(where: str = "1 = 1") -> str:
    """SELECT of the rows (COLUMNS, in order) for the referrals matching `where` (on `r`,
    the referrals), worked out from scratch: what the table must hold."""
    low = "CASE WHEN r.giver_id < r.receiver_id THEN r.giver_id ELSE r.receiver_id END"
    high = "CASE WHEN r.giver_id < r.receiver_id THEN r.receiver_id ELSE r.giver_id END"
    named = "COALESCE(p.committee_id, r.how_committee_id)"
    return f"""SELECT o.referral_id, o.member_a_id, o.member_b_id, o.given_on,
        COALESCE(o.named_id, o.shared_id),
        CASE WHEN o.named_id IS NOT NULL THEN 'named'
             WHEN o.shared_id IS NOT NULL THEN 'shared work' ELSE 'none' END,
        {_tie_sums("e")}
    FROM (SELECT r.id AS referral_id, {low} AS member_a_id, {high} AS member_b_id,
            r.given_on AS given_on, {named} AS named_id,
            CASE WHEN {named} IS NULL
                 THEN {_shared_committee("r.giver_id", "r.receiver_id", "r.given_on")}
            END AS shared_id
          FROM referrals r LEFT JOIN projects p ON p.id = r.how_project_id
          WHERE {where}) o
    LEFT JOIN relationship_entries e
      ON e.member_a_id = o.member_a_id AND e.member_b_id = o.member_b_id
     AND e.happened_on < o.given_on AND {_any_of("e.source", TIE_SOURCES)} AND e.decay_key > 0
    GROUP BY o.referral_id, o.member_a_id, o.member_b_id, o.given_on, o.named_id, o.shared_id"""  # noqa: S608  # nosec B608


#: What report_referral_origins must hold, from scratch (the tests compare; the migration
#: fills the table with it).
ORIGINS_RECOMPUTED = origins_select()
#: The statement that fills the table from scratch (the migration runs it).
FILL = f"INSERT INTO report_referral_origins ({COLUMNS}) {ORIGINS_RECOMPUTED}"  # noqa: S608  # nosec B608


def _refill(where: str) -> list[str]:
    """Statements that make the rows of the referrals matching `where` right again."""
    return [
        f"DELETE FROM report_referral_origins WHERE referral_id IN (SELECT r.id FROM referrals r WHERE {where})",  # noqa: E501, S608  # nosec B608
        f"INSERT INTO report_referral_origins ({COLUMNS}) {origins_select(where)}",
    ]


def _ties_recomputed(pairs: str) -> str:
    """Recompute from the ledger the tie columns of the referrals of the pairs that `pairs`
    (a condition on report_referral_origins) names."""
    return f"""UPDATE report_referral_origins SET ({TIE_COLUMNS}) = (
        SELECT {_tie_sums("e")} FROM relationship_entries e
        WHERE e.member_a_id = report_referral_origins.member_a_id
          AND e.member_b_id = report_referral_origins.member_b_id
          AND e.happened_on < report_referral_origins.given_on
          AND {_any_of("e.source", TIE_SOURCES)} AND e.decay_key > 0)
    WHERE {pairs}"""  # noqa: S608  # nosec B608


def _ties_zeroed(pairs: str) -> str:
    """The pairs `pairs` names lost their tie (a tie exists while any entry counts): no time
    together before any of their referrals. Nothing is read from the ledger, so a rebuild's
    removal of every tie costs a look-up per tie; the new ties are recomputed as they come."""
    return f"""UPDATE report_referral_origins SET tie_key = 0, tie_in_person_key = 0,
        tie_online_key = 0, tie_work = 0, tie_one_to_one = 0
    WHERE {pairs}"""  # noqa: S608  # nosec B608


def _pair_of(who: str) -> str:
    return f"member_a_id = {who}.member_a_id AND member_b_id = {who}.member_b_id"


#: A tie's pair is its primary key and never changes; should it, the old pair is recomputed.
_OLD_PAIR = (
    f"{_pair_of('OLD')} AND (OLD.member_a_id <> NEW.member_a_id "
    "OR OLD.member_b_id <> NEW.member_b_id)"
)


def _pairs_in(changed: str) -> str:
    """PostgreSQL: the pairs of a transition table of ties."""
    return f"(member_a_id, member_b_id) IN (SELECT member_a_id, member_b_id FROM {changed})"  # noqa: S608  # nosec B608


def _shared_recomputed(member: str) -> str:
    """Attribute again through shared work the referrals of `member` not named through how we
    know each other (their first day of work in a committee moved)."""
    shared = _shared_committee(
        "report_referral_origins.member_a_id",
        "report_referral_origins.member_b_id",
        "report_referral_origins.given_on",
    )
    return f"""UPDATE report_referral_origins SET (committee_id, how) = (
        SELECT s.id, CASE WHEN s.id IS NULL THEN 'none' ELSE 'shared work' END
        FROM (SELECT {shared} AS id) s)
    WHERE (member_a_id = {member} OR member_b_id = {member}) AND how <> 'named'"""  # noqa: S608  # nosec B608


_REFERRAL_COLUMNS = "giver_id, receiver_id, given_on, how_committee_id, how_project_id"


def _sqlite_triggers() -> list[str]:
    def trigger(name: str, event: str, table: str, body: list[str], when: str = "") -> str:
        return sqlite_trigger(PREFIX, name, event, table, body, when=when)

    work = "report_committee_work"
    return [
        trigger("referral_insert", "INSERT", "referrals", _refill("r.id = NEW.id")),
        trigger(
            "referral_update",
            f"UPDATE OF {_REFERRAL_COLUMNS}",
            "referrals",
            _refill("r.id = NEW.id"),
        ),
        trigger(
            "project_update",
            "UPDATE OF committee_id",
            "projects",
            _refill("r.how_project_id = NEW.id"),
            when="OLD.committee_id IS NOT NEW.committee_id",
        ),
        trigger("work_insert", "INSERT", work, [_shared_recomputed("NEW.member_id")]),
        trigger(
            "work_update",
            "UPDATE",
            work,
            [_shared_recomputed("OLD.member_id"), _shared_recomputed("NEW.member_id")],
            when="OLD.since IS NOT NEW.since OR OLD.member_id IS NOT NEW.member_id "
            "OR OLD.committee_id IS NOT NEW.committee_id",
        ),
        trigger("work_delete", "DELETE", work, [_shared_recomputed("OLD.member_id")]),
        # The ties are the ledger's rollup, rewritten by the relationships engine in the same
        # transaction as every change of a pair's entries (and checked against them by
        # `rebuild-relationships --check`): when a pair's tie is written, its referrals' ties
        # on the day are recomputed from the ledger.
        trigger("tie_insert", "INSERT", "relationship_ties", [_ties_recomputed(_pair_of("NEW"))]),
        trigger(
            "tie_update",
            "UPDATE",
            "relationship_ties",
            [_ties_recomputed(_pair_of("NEW")), _ties_recomputed(_OLD_PAIR)],
        ),
        trigger("tie_delete", "DELETE", "relationship_ties", [_ties_zeroed(_pair_of("OLD"))]),
    ]


#: The PostgreSQL trigger functions, by name, and what each runs.
_FUNCTIONS = {
    "referral": _refill("r.id = NEW.id"),
    "project": _refill("r.how_project_id = NEW.id"),
    "work_new": [_shared_recomputed("NEW.member_id")],
    "work_moved": [_shared_recomputed("OLD.member_id"), _shared_recomputed("NEW.member_id")],
    "work_old": [_shared_recomputed("OLD.member_id")],
    # Per statement where a statement writes many ties (a rebuild removes every tie in
    # one, and inserts them a thousand at a time); per row for the engine's updates.
    "ties_added": [_ties_recomputed(_pairs_in("new_ties"))],
    "tie_updated": [_ties_recomputed(_pair_of("NEW")), _ties_recomputed(_OLD_PAIR)],
    "ties_removed": [_ties_zeroed(_pairs_in("old_ties"))],
}


def _postgresql_triggers() -> list[str]:
    changed = " OR ".join(
        f"OLD.{column} IS DISTINCT FROM NEW.{column}" for column in _REFERRAL_COLUMNS.split(", ")
    )
    work, ties = "report_committee_work", "relationship_ties"

    def _trigger(name: str, event: str, table: str, function: str, **options) -> list[str]:
        return postgresql_trigger(PREFIX, name, event, table, function, **options)

    return [
        *(postgresql_function(PREFIX, name, body) for name, body in _FUNCTIONS.items()),
        *_trigger("referral_insert", "INSERT", "referrals", "referral"),
        *_trigger(
            "referral_update",
            f"UPDATE OF {_REFERRAL_COLUMNS}",
            "referrals",
            "referral",
            when=changed,
        ),
        *_trigger(
            "project_update",
            "UPDATE OF committee_id",
            "projects",
            "project",
            when="OLD.committee_id IS DISTINCT FROM NEW.committee_id",
        ),
        *_trigger("work_insert", "INSERT", work, "work_new"),
        *_trigger(
            "work_update",
            "UPDATE",
            work,
            "work_moved",
            when="OLD.since IS DISTINCT FROM NEW.since OR OLD.member_id <> NEW.member_id "
            "OR OLD.committee_id <> NEW.committee_id",
        ),
        *_trigger("work_delete", "DELETE", work, "work_old"),
        *postgresql_tie_statement_triggers(PREFIX),
        *_trigger("tie_update", "UPDATE", ties, "tie_updated"),
    ]


#: The PostgreSQL trigger functions above (the migration's downgrade drops them).
FUNCTIONS = tuple(f"{PREFIX}_{name}" for name in _FUNCTIONS)

#: Per dialect, the statements that create the triggers (the migration runs the same ones).
ORIGIN_TRIGGERS = created_with_the_tables(
    {"sqlite": _sqlite_triggers(), "postgresql": _postgresql_triggers()}
)
