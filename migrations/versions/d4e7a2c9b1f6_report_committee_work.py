"""Reports: the first day of approved work per member and committee, kept by triggers (issue 10)

Report 2 (and 4 and 7) attribute referrals to a committee where giver and receiver both had
approved work before the referral. report_committee_work holds that first day per (member,
committee); triggers on contributions keep it right in the same transaction as every change.

Revision ID: d4e7a2c9b1f6
Revises: c8f1a3e5d7b9
Create Date: 2026-11-23 13:40:00

"""

import sqlalchemy as sa
from alembic import op

from chamber.reports.models import COMMITTEE_WORK_TRIGGERS, committee_work_recomputed

revision = "d4e7a2c9b1f6"
down_revision = "c8f1a3e5d7b9"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "report_committee_work",
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("committee_id", sa.Integer(), nullable=False),
        sa.Column("since", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["committee_id"],
            ["committees.id"],
            name=op.f("fk_report_committee_work_committee_id_committees"),
        ),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_report_committee_work_member_id_members")
        ),
        sa.PrimaryKeyConstraint("member_id", "committee_id", name=op.f("pk_report_committee_work")),
    )
    bind = op.get_bind()
    work = sa.table(
        "report_committee_work",
        sa.column("member_id"),
        sa.column("committee_id"),
        sa.column("since"),
    )
    bind.execute(
        work.insert().from_select(
            ["member_id", "committee_id", "since"], committee_work_recomputed()
        )
    )
    for statement in COMMITTEE_WORK_TRIGGERS.get(bind.dialect.name, []):
        bind.exec_driver_sql(statement)


def downgrade():
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        bind.exec_driver_sql("DROP TRIGGER IF EXISTS report_committee_work_sync ON contributions")
        bind.exec_driver_sql("DROP FUNCTION IF EXISTS report_committee_work_sync()")
        bind.exec_driver_sql(
            "DROP FUNCTION IF EXISTS report_committee_work_refresh(integer, integer)"
        )
    else:
        for name in ("insert", "update", "delete"):
            bind.exec_driver_sql(f"DROP TRIGGER IF EXISTS report_committee_work_{name}")
    op.drop_table("report_committee_work")
