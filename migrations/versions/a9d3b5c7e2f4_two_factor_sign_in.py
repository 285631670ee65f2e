"""Two-factor sign-in: the authenticator's secret and last step; hashed recovery codes

Revision ID: a9d3b5c7e2f4
Revises: f2c8a4d6e1b7
Create Date: 2026-11-24 15:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = "a9d3b5c7e2f4"
down_revision = "f2c8a4d6e1b7"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "two_factor_settings",
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("secret", sa.String(length=64), nullable=False),
        sa.Column("enabled_at", sa.DateTime(), nullable=False),
        sa.Column("last_step", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"],
            name=op.f("fk_two_factor_settings_member_id_members"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("member_id", name=op.f("pk_two_factor_settings")),
    )
    op.create_table(
        "recovery_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("used_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"],
            name=op.f("fk_recovery_codes_member_id_members"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recovery_codes")),
        sa.UniqueConstraint("code_hash", name=op.f("uq_recovery_codes_code_hash")),
    )
    op.create_index(
        op.f("ix_recovery_codes_member_id"), "recovery_codes", ["member_id"], unique=False
    )


def downgrade():
    op.drop_index(op.f("ix_recovery_codes_member_id"), table_name="recovery_codes")
    op.drop_table("recovery_codes")
    op.drop_table("two_factor_settings")
