"""Real e-mail (issue 11): each outbox message keeps its HTML alternative and its own headers
(Auto-Submitted, List-Unsubscribe)

Revision ID: e6a1f3b8c2d4
Revises: d4e7a2c9b1f6
Create Date: 2026-11-23 13:40:00

"""
import sqlalchemy as sa
from alembic import op

revision = "e6a1f3b8c2d4"
down_revision = "d4e7a2c9b1f6"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("outbox_messages") as batch_op:
        batch_op.add_column(sa.Column("html", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("headers", sa.JSON(), nullable=True))
    with op.batch_alter_table("outbox_messages") as batch_op:
        batch_op.alter_column("html", existing_type=sa.Text(), server_default=None)


def downgrade():
    with op.batch_alter_table("outbox_messages") as batch_op:
        batch_op.drop_column("headers")
        batch_op.drop_column("html")
