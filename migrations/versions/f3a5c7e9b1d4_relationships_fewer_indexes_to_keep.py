"""Relationships (issue 9): two indexes fewer to keep up to date on every update of the ties.
relationship_entries' (member_a_id, member_b_id) index is the first two columns of the
reports' covering index (ix_relationship_entries_report), which serves every look-up by pair;
relationship_ties' score index was used only to read the working ties of the whole chamber
(two thirds of the ties), which the (member, score, partner) indexes serve faster. A
40-person attendance sheet writes 780 entries and rewrites the score of 780 ties.

Revision ID: f3a5c7e9b1d4
Revises: d8f0b2c4e6a1
Create Date: 2026-11-23 22:00:00

"""

from alembic import op

revision = "f3a5c7e9b1d4"
down_revision = "d8f0b2c4e6a1"
branch_labels = None
depends_on = None


def upgrade():
    op.drop_index("ix_relationship_entries_pair", table_name="relationship_entries")
    op.drop_index("ix_relationship_ties_score_log2", table_name="relationship_ties")


def downgrade():
    op.create_index("ix_relationship_ties_score_log2", "relationship_ties", ["score_log2"])
    op.create_index(
        "ix_relationship_entries_pair", "relationship_entries", ["member_a_id", "member_b_id"]
    )
