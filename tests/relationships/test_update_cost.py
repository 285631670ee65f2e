"""What an update of the ties costs the database: the indexes every write keeps, and the plans
of the reads that recompute many pairs at once (a 40-person sheet touches 780 pairs)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from chamber.extensions import db
from chamber.relationships import engine
from chamber.relationships.models import Tie, TieEntry


def _index_columns(table: sa.Table) -> dict[str, tuple[str, ...]]:
    columns = {index.name: tuple(c.name for c in index.columns) for index in table.indexes}
    columns["primary key"] = tuple(c.name for c in table.primary_key.columns)
    return columns


@pytest.mark.parametrize("table", [TieEntry.__table__, Tie.__table__], ids=lambda t: t.name)
def test_no_index_is_the_leading_part_of_another(table):
    """Each entry written and each tie's score rewritten keeps every index of its table: one
    whose columns begin another's serves no look-up the longer one does not."""
    columns = _index_columns(table)
    redundant = [
        (name, other)
        for name, mine in columns.items()
        for other, theirs in columns.items()
        if name != other and name != "primary key" and theirs[: len(mine)] == mine
    ]
    assert redundant == []


def test_a_ties_score_is_kept_only_in_the_member_indexes():
    """A meeting sheet rewrites the score of every pair at the meeting: the score sits in the
    (member, score, partner) indexes that the pages and reports read, and in no index of its
    own (the whole chamber's working ties are read faster from those)."""
    holding_score = {index.name for index in Tie.__table__.indexes if "score_log2" in index.columns}
    assert holding_score == {"ix_relationship_ties_a_score", "ix_relationship_ties_b_score"}


def test_recomputing_hundreds_of_pairs_reads_only_their_entries(app, make_member):
    """The recomputation of a 40-person meeting's 780 pairs looks their entries up by pair.
    (SQLite chose the source index for the top projects' read: every shift and project
    entry of the chamber, most of a second on the large demo seed.)"""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's query plans (PostgreSQL plans by its statistics)")
    people = sorted(make_member().id for _ in range(40))
    pairs = [(a, b) for i, a in enumerate(people) for b in people[i + 1 :]]
    statements: list[tuple[str, tuple]] = []

    def grab(_conn, _cursor, statement, parameters, _context, _executemany):
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append((statement, parameters))

    sa.event.listen(db.engine, "before_cursor_execute", grab)
    try:
        engine.refresh_pairs(pairs, engine.weights())
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", grab)
    connection = db.session.connection()
    plans = [
        " | ".join(
            row[3]
            for row in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)
        )
        for statement, parameters in statements
    ]
    db.session.rollback()
    assert len(plans) == 2  # the top projects and the totals of the chunk of pairs
    for plan in plans:
        assert "relationship_entries USING INDEX ix_relationship_entries_report" in plan
        assert "source_ref" not in plan


def test_sqlite_keeps_a_sheets_pages_in_its_cache(app):
    """A 40-person sheet's update touches about 3 MB of pages on the large demo seed (the
    ties, their ledger entries, the reports' rollups): in SQLite's default 2 MB cache nearly
    every page was read back from the file during the update, a third of its time."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's page cache")
    with db.engine.connect() as connection:
        size = connection.exec_driver_sql("PRAGMA cache_size").scalar()
    kib = -size if size < 0 else size * 4  # negative: KiB; positive: pages (4 KiB)
    assert kib >= 8000
