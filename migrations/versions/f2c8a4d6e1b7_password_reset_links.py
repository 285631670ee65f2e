"""Password-reset links: only the newest unused one works; a few per account an hour

Revision ID: f2c8a4d6e1b7
Revises: e5b2c9d8a1f3
Create Date: 2026-11-24 12:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = "f2c8a4d6e1b7"
down_revision = "e5b2c9d8a1f3"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "password_reset_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("used_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"],
            name=op.f("fk_password_reset_links_member_id_members"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_password_reset_links")),
    )
    op.create_index(
        "ix_password_reset_links_member_id_created_at",
        "password_reset_links",
        ["member_id", "created_at"],
        unique=False,
    )


def downgrade():
    op.drop_index(
        "ix_password_reset_links_member_id_created_at", table_name="password_reset_links"
    )
    op.drop_table("password_reset_links")
