"""Meeting RSVPs: a member answers going, joining online or not going (issue 11)

Revision ID: c8f1a3e5d7b9
Revises: b4e8c1d2a7f6
Create Date: 2026-11-23 13:45:00

"""
import sqlalchemy as sa
from alembic import op

revision = "c8f1a3e5d7b9"
down_revision = "b4e8c1d2a7f6"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "meeting_rsvps",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column(
            "answer",
            sa.Enum(
                "going",
                "online",
                "not_going",
                name="rsvp_answer",
                native_enum=False,
                create_constraint=True,
                length=9,
            ),
            nullable=False,
        ),
        sa.Column("answered_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["meeting_id"], ["meetings.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["member_id"], ["members.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("meeting_id", "member_id"),
    )
    op.create_index("ix_meeting_rsvps_meeting_id", "meeting_rsvps", ["meeting_id"])
    op.create_index("ix_meeting_rsvps_member_id", "meeting_rsvps", ["member_id"])


def downgrade():
    op.drop_index("ix_meeting_rsvps_member_id", table_name="meeting_rsvps")
    op.drop_index("ix_meeting_rsvps_meeting_id", table_name="meeting_rsvps")
    op.drop_table("meeting_rsvps")
