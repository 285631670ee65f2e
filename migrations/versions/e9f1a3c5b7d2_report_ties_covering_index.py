"""Reports (issue 10): covering indexes for report 4's tie on the day of each referral
(relationship_entries by pair and day, with the source, mode and decay key it sums) and for
report 5's connectors (each side's (member, score) index of the ties also holds the partner)

Revision ID: e9f1a3c5b7d2
Revises: c5e7a9b1d3f6
Create Date: 2026-11-23 18:30:00

"""
from alembic import op

revision = "e9f1a3c5b7d2"
down_revision = "c5e7a9b1d3f6"
branch_labels = None
depends_on = None


def upgrade():
    # Report 4 sums, per referral, the ledger entries of its pair before the day it was given
    # (about 300,000 entries for a year of the large demo): read from the index alone, not
    # one table row per entry (a third less CPU on SQLite).
    op.create_index(
        "ix_relationship_entries_report",
        "relationship_entries",
        ["member_a_id", "member_b_id", "happened_on", "source", "mode", "decay_key"],
    )
    # Report 5 reaches, from each committee membership, the member's working ties and their
    # partners: with the partner in the (member, score) index, no table row per tie (about
    # half the CPU of the connectors on SQLite). Same names, one more column: every query
    # that used them still does.
    for side, partner in (("a", "b"), ("b", "a")):
        op.drop_index(f"ix_relationship_ties_{side}_score", table_name="relationship_ties")
        op.create_index(
            f"ix_relationship_ties_{side}_score",
            "relationship_ties",
            [f"member_{side}_id", "score_log2", f"member_{partner}_id"],
        )


def downgrade():
    for side in ("a", "b"):
        op.drop_index(f"ix_relationship_ties_{side}_score", table_name="relationship_ties")
        op.create_index(
            f"ix_relationship_ties_{side}_score",
            "relationship_ties",
            [f"member_{side}_id", "score_log2"],
        )
    op.drop_index("ix_relationship_entries_report", table_name="relationship_entries")
