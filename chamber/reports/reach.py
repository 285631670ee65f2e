"""Rollup: every tie seen from each of its two members, once per committee of the other one,
kept by triggers so report 5 reads the committees a member's ties reach without joining every
tie to every membership at each build.

Report 5's connectors rank members by the committees their working ties reach, and its
balance sums the ties inside each committee. Joined at each build (100,000 working ties with
the memberships of their ends: over 300,000 rows to sort and count) that took most of the
report's 0.7 s of CPU on the large demo seed. Here a row (member, committee, partner) exists
exactly while the tie (member, partner) exists and the partner is in the committee: triggers
on relationship_ties and committee_memberships add, change and remove rows in the same
transaction as every write, whoever writes (the relationships engine, rosters, the demo
seed). Which ties are *working* depends on the day, so the row keeps the tie's score and
the report filters by today's floor. `tests/reports/test_reports_rollups.py` compares the
table with a recomputation (REACH_RECOMPUTED).
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from chamber.db import Base
from chamber.reports.triggers import (
    created_with_the_tables,
    postgresql_function,
    postgresql_tie_statement_triggers,
    postgresql_trigger,
    sqlite_trigger,
)

# The SQL below is assembled from this module's own names (no value from outside ever
# reaches it): the S608 / B608 marks on it say so.


class CommitteeReach(Base):
    """A tie (member, partner) seen from `member`, for one committee the partner is in."""

    __tablename__ = "report_committee_reach"
    # Rows are read by member and committee (the key) and written by tie: the triggers find a
    # tie's rows by (member, partner), with no look-up of the partner's committees (which cost
    # a temporary b-tree per tie and side: a meeting sheet writes 780 ties). The index holds
    # no score, so rewriting a tie's score rewrites the rows and not the index.
    __table_args__ = (
        sa.Index("ix_report_committee_reach_pair", "member_id", "partner_id"),
        {"sqlite_with_rowid": False},
    )

    member_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    committee_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    partner_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    # The tie's columns: its score (working today when at or above today's floor) and the
    # weights of its time together in person and online.
    score_log2: Mapped[float] = mapped_column(sa.Float)
    in_person_weight: Mapped[float] = mapped_column(sa.Float)
    online_weight: Mapped[float] = mapped_column(sa.Float)


PREFIX = "report_committee_reach"
COLUMNS = "member_id, committee_id, partner_id, score_log2, in_person_weight, online_weight"
_TIE = "score_log2, in_person_weight, online_weight"


def _seen_from(ties: str, near: str, far: str) -> str:
    """The rows of the ties `ties` (a table or transition table) seen from their `near` end:
    one per committee of the `far` end."""
    return f"""SELECT t.{near}, cm.committee_id, t.{far}, t.score_log2, t.in_person_weight,
        t.online_weight FROM {ties} t
        JOIN committee_memberships cm ON cm.member_id = t.{far}"""  # noqa: S608  # nosec B608


#: What report_committee_reach must hold, from scratch (the tests compare; the migration
#: fills the table with it).
REACH_RECOMPUTED = (
    f"{_seen_from('relationship_ties', 'member_a_id', 'member_b_id')} UNION ALL "
    f"{_seen_from('relationship_ties', 'member_b_id', 'member_a_id')}"
)
#: The statement that fills the table from scratch (the migration runs it).
FILL = f"INSERT INTO report_committee_reach ({COLUMNS}) {REACH_RECOMPUTED}"  # noqa: S608  # nosec B608


def _tie_rows(who: str, near: str, far: str) -> str:
    """The condition naming the rows of the tie `who` (NEW or OLD) seen from its `near` end:
    one per committee of the far end, found by the (member, partner) index."""
    return f"member_id = {who}.{near} AND partner_id = {who}.{far}"


SIDES = (("member_a_id", "member_b_id"), ("member_b_id", "member_a_id"))


def _tie_added(who: str = "NEW") -> list[str]:
    def seen_from(near: str, far: str) -> str:
        return f"""INSERT INTO report_committee_reach ({COLUMNS})
        SELECT {who}.{near}, committee_id, {who}.{far}, {who}.score_log2,
            {who}.in_person_weight, {who}.online_weight
        FROM committee_memberships WHERE member_id = {who}.{far}"""  # noqa: S608  # nosec B608

    return [seen_from(near, far) for near, far in SIDES]


def _tie_removed(who: str = "OLD") -> list[str]:
    def seen_from(near: str, far: str) -> str:
        return f"DELETE FROM report_committee_reach WHERE {_tie_rows(who, near, far)}"  # noqa: S608  # nosec B608

    return [seen_from(near, far) for near, far in SIDES]


def _tie_changed() -> list[str]:
    def seen_from(near: str, far: str) -> str:
        return f"""UPDATE report_committee_reach SET score_log2 = NEW.score_log2,
            in_person_weight = NEW.in_person_weight, online_weight = NEW.online_weight
        WHERE {_tie_rows("NEW", near, far)}"""  # noqa: S608  # nosec B608

    return [seen_from(near, far) for near, far in SIDES]


def _membership_added(who: str = "NEW") -> list[str]:
    """A member joined a committee: each of their ties now reaches it from the other end."""

    def seen_from(near: str, far: str) -> str:
        return f"""INSERT INTO report_committee_reach ({COLUMNS})
        SELECT t.{near}, {who}.committee_id, t.{far}, t.score_log2, t.in_person_weight,
            t.online_weight
        FROM relationship_ties t WHERE t.{far} = {who}.member_id"""  # noqa: S608  # nosec B608

    return [seen_from(near, far) for near, far in SIDES]


def _membership_removed(who: str = "OLD") -> list[str]:
    def seen_from(near: str, far: str) -> str:
        return f"""DELETE FROM report_committee_reach
        WHERE committee_id = {who}.committee_id AND partner_id = {who}.member_id
          AND member_id IN (SELECT t.{near} FROM relationship_ties t
                            WHERE t.{far} = {who}.member_id)"""  # noqa: S608  # nosec B608

    return [seen_from(near, far) for near, far in SIDES]


_MEMBERSHIP_KEY = "member_id, committee_id"
_PAIR = "member_a_id, member_b_id"


def _sqlite_triggers() -> list[str]:
    def trigger(name: str, event: str, table: str, body: list[str]) -> str:
        return sqlite_trigger(PREFIX, name, event, table, body)

    ties, memberships = "relationship_ties", "committee_memberships"
    return [
        trigger("tie_insert", "INSERT", ties, _tie_added()),
        trigger("tie_update", f"UPDATE OF {_TIE}", ties, _tie_changed()),
        trigger("tie_move", f"UPDATE OF {_PAIR}", ties, [*_tie_removed(), *_tie_added()]),
        trigger("tie_delete", "DELETE", ties, _tie_removed()),
        trigger("membership_insert", "INSERT", memberships, _membership_added()),
        trigger(
            "membership_update",
            f"UPDATE OF {_MEMBERSHIP_KEY}",
            memberships,
            [*_membership_removed(), *_membership_added()],
        ),
        trigger("membership_delete", "DELETE", memberships, _membership_removed()),
    ]


# Per statement where a statement writes many ties (a rebuild removes every tie in one
# and inserts them a thousand at a time): one set-based statement each.
_TIES_ADDED = [
    f"INSERT INTO report_committee_reach ({COLUMNS}) {_seen_from('new_ties', near, far)}"
    for near, far in SIDES
]
_TIES_REMOVED = [
    f"""DELETE FROM report_committee_reach r USING old_ties t
    WHERE r.member_id = t.{near} AND r.partner_id = t.{far}"""  # noqa: S608  # nosec B608
    for near, far in SIDES
]

#: The PostgreSQL trigger functions, by name, and what each runs.
_FUNCTIONS = {
    "ties_added": _TIES_ADDED,
    "ties_removed": _TIES_REMOVED,
    "tie_changed": _tie_changed(),
    "tie_moved": [*_tie_removed(), *_tie_added()],
    "membership_added": _membership_added(),
    "membership_moved": [*_membership_removed(), *_membership_added()],
    "membership_removed": _membership_removed(),
}


def _postgresql_triggers() -> list[str]:
    ties, memberships = "relationship_ties", "committee_memberships"

    def _trigger(name: str, event: str, table: str, function: str, **options) -> list[str]:
        return postgresql_trigger(PREFIX, name, event, table, function, **options)

    return [
        *(postgresql_function(PREFIX, name, body) for name, body in _FUNCTIONS.items()),
        *postgresql_tie_statement_triggers(PREFIX),
        *_trigger("tie_update", f"UPDATE OF {_TIE}", ties, "tie_changed"),
        *_trigger("tie_move", f"UPDATE OF {_PAIR}", ties, "tie_moved"),
        *_trigger("membership_insert", "INSERT", memberships, "membership_added"),
        *_trigger(
            "membership_update", f"UPDATE OF {_MEMBERSHIP_KEY}", memberships, "membership_moved"
        ),
        *_trigger("membership_delete", "DELETE", memberships, "membership_removed"),
    ]


#: The PostgreSQL trigger functions above (the migration's downgrade drops them).
FUNCTIONS = tuple(f"{PREFIX}_{name}" for name in _FUNCTIONS)

#: Per dialect, the statements that create the triggers (the migration runs the same ones).
REACH_TRIGGERS = created_with_the_tables(
    {"sqlite": _sqlite_triggers(), "postgresql": _postgresql_triggers()}
)
