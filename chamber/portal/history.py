"""What a departed member did while they were one, for staff (issue 11 item 6): the profile
of a deactivated member, or of a person whose business left, reads "no longer a member" with
their committees, hours and referrals kept."""

from __future__ import annotations

import sqlalchemy as sa

from chamber.contributions import queries as contribution_queries
from chamber.extensions import db
from chamber.localtime import chamber_today
from chamber.members.models import Member
from chamber.referrals.models import Referral, ReferralStatus


def referral_history(member: Member) -> dict[str, int]:
    """Referrals given and received all time, and the received ones won with their value
    (one statement)."""
    given = sa.func.count().filter(Referral.giver_id == member.id)
    received = Referral.receiver_id == member.id
    won = sa.and_(received, Referral.status == ReferralStatus.WON)
    row = db.session.execute(
        sa.select(
            given,
            sa.func.count().filter(received),
            sa.func.count().filter(won),
            sa.func.coalesce(sa.func.sum(Referral.closed_value_cents).filter(won), 0),
        ).where(sa.or_(Referral.giver_id == member.id, Referral.receiver_id == member.id))
    ).one()
    return {"given": row[0], "received": row[1], "won": row[2], "won_cents": int(row[3])}


def hour_history(member: Member):
    return contribution_queries.member_totals(member, chamber_today())
