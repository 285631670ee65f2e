"""One double-submit mechanism (form_submissions replaces three form_token columns);
approved hours can be withdrawn (kept, audited) instead of deleted

Revision ID: c3d4e5f6a7b8
Revises: b7c1e2d3f4a5
Create Date: 2026-11-23 09:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = "c3d4e5f6a7b8"
down_revision = "b7c1e2d3f4a5"
branch_labels = None
depends_on = None

OLD_STATUSES = ("pending", "approved", "rejected")
NEW_STATUSES = (*OLD_STATUSES, "withdrawn")


def _status(values):
    return sa.Enum(
        *values, name="contribution_status", native_enum=False, create_constraint=True,
        length=max(map(len, values)),
    )


def upgrade():
    op.create_table(
        "form_submissions",
        sa.Column("token", sa.String(length=36), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("result_url", sa.String(length=300), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"],
            name=op.f("fk_form_submissions_member_id_members"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("token", name=op.f("pk_form_submissions")),
    )
    with op.batch_alter_table("form_submissions") as batch_op:
        batch_op.create_index(batch_op.f("ix_form_submissions_created_at"), ["created_at"])
    for table in ("contributions", "one_to_ones", "referrals"):
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_constraint(batch_op.f(f"uq_{table}_form_token"), type_="unique")
            batch_op.drop_column("form_token")
    with op.batch_alter_table("contributions") as batch_op:
        batch_op.alter_column(
            "status", existing_type=_status(OLD_STATUSES), type_=_status(NEW_STATUSES),
            existing_nullable=False,
        )


def downgrade():
    op.execute("UPDATE contributions SET status = 'rejected' WHERE status = 'withdrawn'")
    with op.batch_alter_table("contributions") as batch_op:
        batch_op.alter_column(
            "status", existing_type=_status(NEW_STATUSES), type_=_status(OLD_STATUSES),
            existing_nullable=False,
        )
    for table, nullable in (("contributions", True), ("one_to_ones", True), ("referrals", False)):
        with op.batch_alter_table(table) as batch_op:
            batch_op.add_column(sa.Column("form_token", sa.String(length=36), nullable=True))
        if not nullable:
            # Old rows get a token of their own: the column was required and unique.
            if op.get_bind().dialect.name == "postgresql":
                op.execute(f"UPDATE {table} SET form_token = md5(random()::text || id::text)::uuid::text")
            else:
                op.execute(
                    f"UPDATE {table} SET form_token = lower(hex(randomblob(16)))"
                )
        with op.batch_alter_table(table) as batch_op:
            if not nullable:
                batch_op.alter_column(
                    "form_token", existing_type=sa.String(length=36), nullable=False
                )
            batch_op.create_unique_constraint(batch_op.f(f"uq_{table}_form_token"), ["form_token"])
    with op.batch_alter_table("form_submissions") as batch_op:
        batch_op.drop_index(batch_op.f("ix_form_submissions_created_at"))
    op.drop_table("form_submissions")
