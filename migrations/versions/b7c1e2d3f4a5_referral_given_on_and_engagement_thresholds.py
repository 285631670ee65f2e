"""Referrals carry the chamber-local day they were given; engagement thresholds for reports

Revision ID: b7c1e2d3f4a5
Revises: 630a2ab0f61c
Create Date: 2026-11-23 08:30:00

"""

import os
from datetime import UTC
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

revision = "b7c1e2d3f4a5"
down_revision = "630a2ab0f61c"
branch_labels = None
depends_on = None

_BATCH = 5000


def _chamber_zone() -> ZoneInfo:
    """The chamber's time zone as the app is configured (flask db upgrade runs in the app)."""
    try:
        from flask import current_app

        return ZoneInfo(current_app.config["CHAMBER_TIMEZONE"])
    except (RuntimeError, KeyError):
        return ZoneInfo(os.environ.get("CHAMBER_TIMEZONE", "America/New_York"))


def _fill_given_on() -> None:
    """given_on = the local date of created_at (UTC), in Python: SQLite has no time zones."""
    zone = _chamber_zone()
    connection = op.get_bind()
    referrals = sa.table(
        "referrals",
        sa.column("id", sa.Integer),
        sa.column("created_at", sa.DateTime),
        sa.column("given_on", sa.Date),
    )
    last_id = 0
    while True:
        rows = connection.execute(
            sa.select(referrals.c.id, referrals.c.created_at)
            .where(referrals.c.id > last_id)
            .order_by(referrals.c.id)
            .limit(_BATCH)
        ).all()
        if not rows:
            return
        connection.execute(
            referrals.update()
            .where(referrals.c.id == sa.bindparam("row_id"))
            .values(given_on=sa.bindparam("day")),
            [
                {
                    "row_id": row.id,
                    "day": row.created_at.replace(tzinfo=UTC).astimezone(zone).date(),
                }
                for row in rows
            ],
        )
        last_id = rows[-1].id


def upgrade():
    with op.batch_alter_table("referrals", schema=None) as batch_op:
        batch_op.add_column(sa.Column("given_on", sa.Date(), nullable=True))
    _fill_given_on()
    with op.batch_alter_table("referrals", schema=None) as batch_op:
        batch_op.alter_column("given_on", existing_type=sa.Date(), nullable=False)
        batch_op.create_index(batch_op.f("ix_referrals_given_on"), ["given_on"], unique=False)

    op.create_table(
        "engagement_thresholds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("green_from", sa.Integer(), nullable=False),
        sa.Column("yellow_from", sa.Integer(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "yellow_from >= 0 AND green_from > yellow_from",
            name=op.f("ck_engagement_thresholds_ordered"),
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["members.id"],
            name=op.f("fk_engagement_thresholds_updated_by_id_members"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_engagement_thresholds")),
    )


def downgrade():
    op.drop_table("engagement_thresholds")
    with op.batch_alter_table("referrals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_referrals_given_on"))
        batch_op.drop_column("given_on")
