"""Who sees a member's own contact details (e-mail, phone) on their profile (issue 9).

Introductions are how members reach someone they have not worked with: the contacts are
shared when the introduction is accepted. So a profile shows a member's e-mail and phone only
to the member themself, to staff, to the two ends of an accepted introduction between them,
and to members who serve on a committee together (an active, not archived committee: they
already work side by side and need to reach each other). Everyone else sees "ask for an
introduction". The business's own phone and website stay visible: they are the business's
public details, not a person's.
"""

from __future__ import annotations

import sqlalchemy as sa

from chamber import authz
from chamber.committees.models import Committee, CommitteeMembership
from chamber.extensions import db
from chamber.members.models import Member
from chamber.relationships.models import Introduction, IntroductionStatus


def sees_contacts(viewer: Member, member: Member) -> bool:
    """May `viewer` read `member`'s e-mail and phone? (One statement at most.)"""
    if viewer.id == member.id or authz.is_staff(viewer):
        return True
    if not member.is_active:
        return False
    introduced = (
        sa.select(Introduction.id)
        .where(
            Introduction.status == IntroductionStatus.ACCEPTED,
            sa.or_(
                sa.and_(
                    Introduction.requester_id == viewer.id, Introduction.target_id == member.id
                ),
                sa.and_(
                    Introduction.requester_id == member.id, Introduction.target_id == viewer.id
                ),
            ),
        )
        .exists()
    )
    mine = sa.orm.aliased(CommitteeMembership)
    theirs = sa.orm.aliased(CommitteeMembership)
    together = (
        sa.select(mine.id)
        .join(theirs, theirs.committee_id == mine.committee_id)
        .join(Committee, Committee.id == mine.committee_id)
        .where(
            mine.member_id == viewer.id,
            theirs.member_id == member.id,
            Committee.is_archived.is_(False),
        )
        .exists()
    )
    return bool(db.session.execute(sa.select(sa.or_(introduced, together))).scalar())
