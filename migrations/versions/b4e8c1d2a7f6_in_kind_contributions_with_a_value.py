"""In-kind contributions: an estimated value instead of hours and a mode (issue 11)

Revision ID: b4e8c1d2a7f6
Revises: a9d3b5c7e2f4
Create Date: 2026-11-23 13:30:00

"""
import sqlalchemy as sa
from alembic import op

revision = "b4e8c1d2a7f6"
down_revision = "a9d3b5c7e2f4"
branch_labels = None
depends_on = None

WORK_MODES = ("in_person", "online")


def _mode():
    return sa.Enum(
        *WORK_MODES, name="work_mode", native_enum=False, create_constraint=True, length=9
    )


def upgrade():
    with op.batch_alter_table("contributions") as batch_op:
        batch_op.add_column(sa.Column("value_cents", sa.BigInteger(), nullable=True))
        batch_op.alter_column("hours", existing_type=sa.Numeric(5, 2), nullable=True)
        batch_op.alter_column("mode", existing_type=_mode(), nullable=True)
        batch_op.create_check_constraint(
            "hours_or_in_kind_value",
            "(hours IS NOT NULL AND mode IS NOT NULL AND value_cents IS NULL)"
            " OR (kind = 'in_kind' AND hours IS NULL AND mode IS NULL"
            " AND COALESCE(value_cents, 0) > 0)",
        )


def downgrade():
    # A gift had no hours: it cannot be kept as hours without inventing them.
    op.execute("DELETE FROM contributions WHERE hours IS NULL")
    with op.batch_alter_table("contributions") as batch_op:
        batch_op.drop_constraint("hours_or_in_kind_value", type_="check")
        batch_op.alter_column("mode", existing_type=_mode(), nullable=False)
        batch_op.alter_column("hours", existing_type=sa.Numeric(5, 2), nullable=False)
        batch_op.drop_column("value_cents")
