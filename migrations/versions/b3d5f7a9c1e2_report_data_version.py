"""Reports (issue 10): the charts' cache key is a counter that triggers move in the same
transaction as every change of a table the reports read (a late commit with an earlier time
stamp no longer leaves a stale chart)

Revision ID: b3d5f7a9c1e2
Revises: a9c3e5f7b1d2
Create Date: 2026-11-23 14:25:00

"""

import sqlalchemy as sa
from alembic import op

from chamber.reports.models import DATA_VERSION_TABLES, DATA_VERSION_TRIGGERS

revision = "b3d5f7a9c1e2"
down_revision = "a9c3e5f7b1d2"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "report_data_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_data_version")),
    )
    bind = op.get_bind()
    bind.exec_driver_sql("INSERT INTO report_data_version (id, version) VALUES (1, 1)")
    for statement in DATA_VERSION_TRIGGERS.get(bind.dialect.name, []):
        bind.exec_driver_sql(statement)


def downgrade():
    bind = op.get_bind()
    for table in DATA_VERSION_TABLES:
        if bind.dialect.name == "postgresql":
            bind.exec_driver_sql(f"DROP TRIGGER IF EXISTS report_data_version ON {table}")
        else:
            for event in ("insert", "update", "delete"):
                bind.exec_driver_sql(f"DROP TRIGGER IF EXISTS report_data_version_{table}_{event}")
    if bind.dialect.name == "postgresql":
        bind.exec_driver_sql("DROP FUNCTION IF EXISTS report_data_version_bump()")
    op.drop_table("report_data_version")
