"""Reports (issue 9, a meeting sheet's speed): the rollups' triggers on relationship_ties
find a tie's rows in report_committee_reach by a (member, partner) index instead of looking
up the partner's committees, and the sources the origins sum are compared one by one (no
temporary b-tree per tie in either)

Revision ID: b2d4f6a8c0e1
Revises: a7c3e9f1b5d2
Create Date: 2026-11-24 01:00:00

"""

from alembic import op

from chamber.reports import origins, reach, triggers

revision = "b2d4f6a8c0e1"
down_revision = "a7c3e9f1b5d2"
branch_labels = None
depends_on = None


def _remake_triggers(bind) -> None:
    """Drop both rollups' triggers (and PostgreSQL functions) and make them as the modules
    now write them (SQLite keeps a trigger's old body under CREATE TRIGGER IF NOT EXISTS)."""
    dialect = bind.dialect.name
    for made, functions in (
        (reach.REACH_TRIGGERS, reach.FUNCTIONS),
        (origins.ORIGIN_TRIGGERS, origins.FUNCTIONS),
    ):
        for statement in triggers.drop_statements(dialect, made, functions):
            bind.exec_driver_sql(statement)
        for statement in made.get(dialect, []):
            bind.exec_driver_sql(statement)


def upgrade():
    # A plain index statement (no batch mode: a copied table loses its triggers on SQLite).
    op.create_index(
        "ix_report_committee_reach_pair", "report_committee_reach", ["member_id", "partner_id"]
    )
    _remake_triggers(op.get_bind())


def downgrade():
    # The new trigger bodies stay: they name the same rows without the index (each tie's
    # rows are then found among its member's rows), so the rollups stay right.
    op.drop_index("ix_report_committee_reach_pair", table_name="report_committee_reach")
