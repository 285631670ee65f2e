"""What an update of the ties costs the database: the indexes every write keeps (a 40-person
sheet writes 780 entries and rewrites 780 ties)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

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
    holding_score = {
        index.name for index in Tie.__table__.indexes if "score_log2" in index.columns
    }
    assert holding_score == {"ix_relationship_ties_a_score", "ix_relationship_ties_b_score"}
