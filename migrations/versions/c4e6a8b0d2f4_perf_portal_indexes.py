"""Performance (issue 14, portal pages): an index for the approval page's recent decisions
(a committee's contributions newest decision first) and one for the member directory's
order (people in the member areas by name)

Revision ID: c4e6a8b0d2f4
Revises: e9f1a3c5b7d2
Create Date: 2026-11-23 18:40:00

"""

from alembic import op

revision = "c4e6a8b0d2f4"
down_revision = "e9f1a3c5b7d2"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("contributions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_contributions_committee_reviewed", ["committee_id", "reviewed_at"], unique=False
        )
    with op.batch_alter_table("members", schema=None) as batch_op:
        batch_op.create_index(
            "ix_members_directory", ["is_active", "full_name", "id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("members", schema=None) as batch_op:
        batch_op.drop_index("ix_members_directory")
    with op.batch_alter_table("contributions", schema=None) as batch_op:
        batch_op.drop_index("ix_contributions_committee_reviewed")
