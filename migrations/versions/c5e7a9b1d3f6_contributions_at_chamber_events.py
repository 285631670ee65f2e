"""Hours at chamber-wide events (issue 11): a contribution is for a committee or for a
chamber-wide event (a meeting without a committee), exactly one of them

Revision ID: c5e7a9b1d3f6
Revises: b3d5f7a9c1e2
Create Date: 2026-11-23 18:30:00

"""

import sqlalchemy as sa
from alembic import op

from chamber.reports.models import COMMITTEE_WORK_TRIGGERS, DATA_VERSION_TRIGGERS

revision = "c5e7a9b1d3f6"
down_revision = "b3d5f7a9c1e2"
branch_labels = None
depends_on = None

EXACTLY_ONE = (
    "(committee_id IS NOT NULL AND meeting_id IS NULL)"
    " OR (committee_id IS NULL AND meeting_id IS NOT NULL)"
)


def _drop_sqlite_triggers(bind) -> None:
    """SQLite rebuilds the table to alter it (batch mode), which drops its triggers: they are
    dropped first by name and made again after (_contribution_triggers)."""
    if bind.dialect.name != "sqlite":
        return
    for event in ("insert", "update", "delete"):
        bind.exec_driver_sql(f"DROP TRIGGER IF EXISTS report_committee_work_{event}")
        bind.exec_driver_sql(f"DROP TRIGGER IF EXISTS report_data_version_contributions_{event}")


def _contribution_triggers(bind) -> None:
    """The report rollup's triggers (now skipping work without a committee) and the charts'
    data-version triggers; every statement is IF NOT EXISTS or a replacement."""
    for statement in COMMITTEE_WORK_TRIGGERS.get(bind.dialect.name, []):
        bind.exec_driver_sql(statement)
    if bind.dialect.name == "sqlite":
        for statement in DATA_VERSION_TRIGGERS["sqlite"]:
            if " ON contributions " in statement:
                bind.exec_driver_sql(statement)


def upgrade():
    bind = op.get_bind()
    _drop_sqlite_triggers(bind)
    with op.batch_alter_table("contributions") as batch_op:
        batch_op.add_column(sa.Column("meeting_id", sa.Integer(), nullable=True))
        batch_op.alter_column("committee_id", existing_type=sa.Integer(), nullable=True)
        batch_op.create_foreign_key(
            op.f("fk_contributions_meeting_id_meetings"), "meetings", ["meeting_id"], ["id"]
        )
        batch_op.create_index(op.f("ix_contributions_meeting_id"), ["meeting_id"])
        batch_op.create_check_constraint("committee_or_event", EXACTLY_ONE)
    _contribution_triggers(bind)


def downgrade():
    bind = op.get_bind()
    # Hours at an event have no committee to be kept under.
    op.execute("DELETE FROM contributions WHERE meeting_id IS NOT NULL")
    _drop_sqlite_triggers(bind)
    with op.batch_alter_table("contributions") as batch_op:
        batch_op.drop_constraint("committee_or_event", type_="check")
        batch_op.drop_index(op.f("ix_contributions_meeting_id"))
        batch_op.drop_constraint(op.f("fk_contributions_meeting_id_meetings"), type_="foreignkey")
        batch_op.alter_column("committee_id", existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column("meeting_id")
    _contribution_triggers(bind)
