"""Reports (issue 10, speed): each referral's attributed committee and its tie on the day,
kept by triggers (report_referral_origins) and filled for the referrals already there; indexes
from which the member tables read a member's referrals and approved hours in a range, and the
won referrals' days to win

Revision ID: a7c3e9f1b5d2
Revises: f3a5c7e9b1d4
Create Date: 2026-11-23 22:00:00

"""

import sqlalchemy as sa
from alembic import op

from chamber.reports import origins, reach, triggers

revision = "a7c3e9f1b5d2"
down_revision = "f3a5c7e9b1d4"
branch_labels = None
depends_on = None


INDEXES = (
    (
        "ix_referrals_giver_day",
        "referrals",
        ["giver_id", "given_on", "status", "closed_value_cents"],
    ),
    (
        "ix_referrals_receiver_day",
        "referrals",
        ["receiver_id", "given_on", "status", "closed_value_cents"],
    ),
    ("ix_referrals_status_given", "referrals", ["status", "given_on", "closed_on"]),
    (
        "ix_contributions_member_work",
        "contributions",
        ["member_id", "contributed_on", "status", "hours"],
    ),
    (
        "ix_contributions_committee_work",
        "contributions",
        ["committee_id", "status", "contributed_on", "mode", "hours"],
    ),
    (
        "ix_report_referral_origins_pair",
        "report_referral_origins",
        ["member_a_id", "member_b_id", "given_on"],
    ),
    ("ix_report_referral_origins_member_b_id", "report_referral_origins", ["member_b_id"]),
)


def upgrade():
    # Plain index statements (no batch mode: it could copy the tables, and SQLite drops a
    # table's triggers with it).
    op.drop_index("ix_referrals_status", table_name="referrals")
    op.drop_index("ix_contributions_member_date", table_name="contributions")
    op.drop_index("ix_contributions_committee_status", table_name="contributions")
    for name, table, columns in INDEXES[:5]:
        op.create_index(name, table, columns)
    op.create_table(
        "report_referral_origins",
        sa.Column("referral_id", sa.Integer(), nullable=False),
        sa.Column("member_a_id", sa.Integer(), nullable=False),
        sa.Column("member_b_id", sa.Integer(), nullable=False),
        sa.Column("given_on", sa.Date(), nullable=False),
        sa.Column("committee_id", sa.Integer(), nullable=True),
        sa.Column("how", sa.String(length=11), nullable=False),
        sa.Column("tie_key", sa.Float(), nullable=False),
        sa.Column("tie_in_person_key", sa.Float(), nullable=False),
        sa.Column("tie_online_key", sa.Float(), nullable=False),
        sa.Column("tie_work", sa.Integer(), nullable=False),
        sa.Column("tie_one_to_one", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["committee_id"],
            ["committees.id"],
            name=op.f("fk_report_referral_origins_committee_id_committees"),
        ),
        sa.ForeignKeyConstraint(
            ["referral_id"],
            ["referrals.id"],
            name=op.f("fk_report_referral_origins_referral_id_referrals"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("referral_id", name=op.f("pk_report_referral_origins")),
    )
    bind = op.get_bind()
    bind.exec_driver_sql(origins.FILL)
    for name, table, columns in INDEXES[5:]:  # once filled: each built once, not row by row
        op.create_index(name, table, columns)
    for statement in origins.ORIGIN_TRIGGERS.get(bind.dialect.name, []):
        bind.exec_driver_sql(statement)
    op.create_table(
        "report_committee_reach",
        sa.Column("member_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("committee_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("partner_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("score_log2", sa.Float(), nullable=False),
        sa.Column("in_person_weight", sa.Float(), nullable=False),
        sa.Column("online_weight", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint(
            "member_id", "committee_id", "partner_id", name=op.f("pk_report_committee_reach")
        ),
        sqlite_with_rowid=False,
    )
    bind.exec_driver_sql(reach.FILL)
    for statement in reach.REACH_TRIGGERS.get(bind.dialect.name, []):
        bind.exec_driver_sql(statement)


def downgrade():
    bind = op.get_bind()
    for statement in [
        *triggers.drop_statements(bind.dialect.name, reach.REACH_TRIGGERS, reach.FUNCTIONS),
        *triggers.drop_statements(bind.dialect.name, origins.ORIGIN_TRIGGERS, origins.FUNCTIONS),
    ]:
        bind.exec_driver_sql(statement)
    op.drop_table("report_committee_reach")
    op.drop_table("report_referral_origins")
    for name, table, _columns in INDEXES[:5]:
        op.drop_index(name, table_name=table)
    op.create_index(
        "ix_contributions_member_date", "contributions", ["member_id", "contributed_on"]
    )
    op.create_index(
        "ix_contributions_committee_status", "contributions", ["committee_id", "status"]
    )
    op.create_index("ix_referrals_status", "referrals", ["status"])
