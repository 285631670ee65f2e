"""Kept pages (issue 14): the page data version, one row that every committed write moves
(chamber.pagecache)

Revision ID: b9d1f3a5c7e2
Revises: b2d4f6a8c0e1
Create Date: 2026-11-24 01:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "b9d1f3a5c7e2"
down_revision = "b2d4f6a8c0e1"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "page_data_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_page_data_version")),
    )


def downgrade():
    op.drop_table("page_data_version")
