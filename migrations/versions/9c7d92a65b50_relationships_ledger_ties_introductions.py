"""Relationships: the dated ledger of time together, the per-pair ties, their bookkeeping
(state, background backlog, cached pictures) and introductions.

Revision ID: 9c7d92a65b50
Revises: c3d4e5f6a7b8
Create Date: 2026-11-23 10:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "9c7d92a65b50"
down_revision = "c3d4e5f6a7b8"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "relationship_backlog",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("ref_id", sa.Integer(), nullable=False),
        sa.Column("ref_month", sa.Date(), nullable=True),
        sa.Column("queued_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_relationship_backlog")),
        sa.UniqueConstraint(
            "source", "ref_id", "ref_month", name=op.f("uq_relationship_backlog_source")
        ),
    )

    op.create_table(
        "relationship_snapshots",
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("computed_at", sa.DateTime(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_relationship_snapshots")),
    )

    op.create_table(
        "relationship_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("changed_at", sa.DateTime(), nullable=False),
        sa.Column("rebuilt_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_relationship_state")),
    )

    op.create_table(
        "introductions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("requester_id", sa.Integer(), nullable=False),
        sa.Column("introducer_id", sa.Integer(), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("message", sa.String(length=500), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "pending",
                "accepted",
                "declined",
                name="introduction_status",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["introducer_id"], ["members.id"], name=op.f("fk_introductions_introducer_id_members")
        ),
        sa.ForeignKeyConstraint(
            ["requester_id"], ["members.id"], name=op.f("fk_introductions_requester_id_members")
        ),
        sa.ForeignKeyConstraint(
            ["target_id"], ["members.id"], name=op.f("fk_introductions_target_id_members")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_introductions")),
    )

    with op.batch_alter_table("introductions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_introductions_introducer_status", ["introducer_id", "status"], unique=False
        )
        batch_op.create_index(
            "ix_introductions_requester_created", ["requester_id", "created_at"], unique=False
        )
        batch_op.create_index("ix_introductions_target", ["target_id"], unique=False)

    op.create_table(
        "relationship_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_a_id", sa.Integer(), nullable=False),
        sa.Column("member_b_id", sa.Integer(), nullable=False),
        sa.Column(
            "source",
            sa.Enum(
                "shift",
                "project",
                "meeting",
                "one_to_one",
                "referral",
                "referral_won",
                name="tie_source",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("ref_id", sa.Integer(), nullable=False),
        sa.Column("ref_month", sa.Date(), nullable=True),
        sa.Column("happened_on", sa.Date(), nullable=False),
        sa.Column(
            "mode",
            sa.Enum(
                "in_person", "online", name="tie_mode", native_enum=False, create_constraint=True
            ),
            nullable=True,
        ),
        sa.Column("from_member_id", sa.Integer(), nullable=True),
        sa.Column("project_id", sa.Integer(), nullable=True),
        sa.Column("amount", sa.Float(), nullable=False),
        sa.Column("weight", sa.Float(), nullable=False),
        sa.CheckConstraint(
            "member_a_id < member_b_id", name=op.f("ck_relationship_entries_ordered_pair")
        ),
        sa.ForeignKeyConstraint(
            ["member_a_id"],
            ["members.id"],
            name=op.f("fk_relationship_entries_member_a_id_members"),
        ),
        sa.ForeignKeyConstraint(
            ["member_b_id"],
            ["members.id"],
            name=op.f("fk_relationship_entries_member_b_id_members"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_relationship_entries")),
    )

    with op.batch_alter_table("relationship_entries", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_relationship_entries_member_b_id"), ["member_b_id"], unique=False
        )
        batch_op.create_index(
            "ix_relationship_entries_pair", ["member_a_id", "member_b_id"], unique=False
        )
        batch_op.create_index(
            "ix_relationship_entries_source_ref", ["source", "ref_id"], unique=False
        )

    op.create_table(
        "relationship_ties",
        sa.Column("member_a_id", sa.Integer(), nullable=False),
        sa.Column("member_b_id", sa.Integer(), nullable=False),
        sa.Column("score_log2", sa.Float(), nullable=False),
        sa.Column("strength_at_last", sa.Float(), nullable=False),
        sa.Column("first_on", sa.Date(), nullable=False),
        sa.Column("last_on", sa.Date(), nullable=False),
        sa.Column("last_in_person_on", sa.Date(), nullable=True),
        sa.Column("in_person_weight", sa.Float(), nullable=False),
        sa.Column("online_weight", sa.Float(), nullable=False),
        sa.Column("shift_hours", sa.Float(), nullable=False),
        sa.Column("project_hours", sa.Float(), nullable=False),
        sa.Column("meetings", sa.Integer(), nullable=False),
        sa.Column("one_to_ones", sa.Integer(), nullable=False),
        sa.Column("referrals_a_to_b", sa.Integer(), nullable=False),
        sa.Column("referrals_b_to_a", sa.Integer(), nullable=False),
        sa.Column("referrals_won", sa.Integer(), nullable=False),
        sa.Column("top_project_id", sa.Integer(), nullable=True),
        sa.Column("top_project_hours", sa.Float(), nullable=False),
        sa.Column("contexts", sa.Integer(), nullable=False),
        sa.Column("is_reciprocal", sa.Boolean(), nullable=False),
        sa.CheckConstraint(
            "member_a_id < member_b_id", name=op.f("ck_relationship_ties_ordered_pair")
        ),
        sa.ForeignKeyConstraint(
            ["member_a_id"], ["members.id"], name=op.f("fk_relationship_ties_member_a_id_members")
        ),
        sa.ForeignKeyConstraint(
            ["member_b_id"], ["members.id"], name=op.f("fk_relationship_ties_member_b_id_members")
        ),
        sa.ForeignKeyConstraint(
            ["top_project_id"],
            ["projects.id"],
            name=op.f("fk_relationship_ties_top_project_id_projects"),
        ),
        sa.PrimaryKeyConstraint("member_a_id", "member_b_id", name=op.f("pk_relationship_ties")),
    )

    with op.batch_alter_table("relationship_ties", schema=None) as batch_op:
        batch_op.create_index(
            "ix_relationship_ties_a_score", ["member_a_id", "score_log2"], unique=False
        )
        batch_op.create_index(
            "ix_relationship_ties_b_score", ["member_b_id", "score_log2"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_relationship_ties_score_log2"), ["score_log2"], unique=False
        )


def downgrade():
    op.drop_table("relationship_ties")
    op.drop_table("relationship_entries")
    op.drop_table("introductions")
    op.drop_table("relationship_state")
    op.drop_table("relationship_snapshots")
    op.drop_table("relationship_backlog")
