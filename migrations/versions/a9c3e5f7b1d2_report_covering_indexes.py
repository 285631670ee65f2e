"""Reports (issue 10): covering indexes for the reports' range scans of contributions and
referrals (approved work by day; referrals by day given)

Revision ID: a9c3e5f7b1d2
Revises: f7b2d4e6a8c1
Create Date: 2026-11-23 14:20:00

"""
from alembic import op

revision = "a9c3e5f7b1d2"
down_revision = "f7b2d4e6a8c1"
branch_labels = None
depends_on = None


def upgrade():
    # Givers gain, engagement and committee health sum approved hours over a range of days
    # per member or per committee, month and mode: every column they read is in the index.
    op.create_index(
        "ix_contributions_report",
        "contributions",
        ["status", "contributed_on", "member_id", "committee_id", "mode", "hours"],
    )
    # The referral summary, givers gain and engagement count referrals given in a range per
    # status, giver or receiver, with their won value and days to win.
    op.create_index(
        "ix_referrals_report",
        "referrals",
        ["given_on", "status", "giver_id", "receiver_id", "closed_value_cents", "closed_on"],
    )


def downgrade():
    op.drop_index("ix_referrals_report", table_name="referrals")
    op.drop_index("ix_contributions_report", table_name="contributions")
