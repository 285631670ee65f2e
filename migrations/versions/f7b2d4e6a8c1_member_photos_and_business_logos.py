"""Faces and logos (issue 11): pictures (a member's photo or a business's logo, re-encoded),
and the fingerprint of each on its owner's row

Revision ID: f7b2d4e6a8c1
Revises: e6a1f3b8c2d4
Create Date: 2026-11-23 14:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = "f7b2d4e6a8c1"
down_revision = "e6a1f3b8c2d4"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "pictures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=True),
        sa.Column("business_id", sa.Integer(), nullable=True),
        sa.Column("content_type", sa.String(length=20), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("digest", sa.String(length=16), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "(member_id IS NULL) <> (business_id IS NULL)", name=op.f("ck_pictures_one_owner")
        ),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"],
            name=op.f("fk_pictures_member_id_members"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["business_id"], ["businesses.id"],
            name=op.f("fk_pictures_business_id_businesses"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pictures")),
        sa.UniqueConstraint("member_id", name=op.f("uq_pictures_member_id")),
        sa.UniqueConstraint("business_id", name=op.f("uq_pictures_business_id")),
    )
    for table, column in (("members", "photo_digest"), ("businesses", "logo_digest")):
        with op.batch_alter_table(table) as batch_op:
            batch_op.add_column(
                sa.Column(column, sa.String(length=16), nullable=False, server_default="")
            )
        with op.batch_alter_table(table) as batch_op:
            batch_op.alter_column(column, existing_type=sa.String(length=16), server_default=None)


def downgrade():
    for table, column in (("members", "photo_digest"), ("businesses", "logo_digest")):
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_column(column)
    op.drop_table("pictures")
