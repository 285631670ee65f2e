"""Outbox claims: a worker leases a message before sending it (claimed_until, claim)

Revision ID: d1a7e0c4b2f9
Revises: 187fe1d11d89
Create Date: 2026-11-24 09:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = "d1a7e0c4b2f9"
down_revision = "187fe1d11d89"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("outbox_messages") as batch_op:
        batch_op.add_column(sa.Column("claimed_until", sa.DateTime(), nullable=True))
        batch_op.add_column(
            sa.Column("claim", sa.String(length=32), nullable=False, server_default="")
        )
    with op.batch_alter_table("outbox_messages") as batch_op:
        batch_op.alter_column("claim", server_default=None)


def downgrade():
    with op.batch_alter_table("outbox_messages") as batch_op:
        batch_op.drop_column("claim")
        batch_op.drop_column("claimed_until")
