"""Relationships: each ledger entry keeps its decay key (weight x 2^(day / half-life)), so a
pair's tie is one SQL sum. Run `flask --app chamber rebuild-relationships` after upgrading.

Revision ID: e5b2c9d8a1f3
Revises: d1a7e0c4b2f9
Create Date: 2026-11-23 09:30:00

"""

import sqlalchemy as sa
from alembic import op

revision = "e5b2c9d8a1f3"
down_revision = "d1a7e0c4b2f9"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("relationship_entries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("decay_key", sa.Float(), server_default="0", nullable=False))


def downgrade():
    with op.batch_alter_table("relationship_entries", schema=None) as batch_op:
        batch_op.drop_column("decay_key")
