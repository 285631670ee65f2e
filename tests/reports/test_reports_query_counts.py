"""Each report page runs the same number of SQL statements for 2 members as for 200."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from chamber.committees.models import CommitteeMembership, CommitteeRole
from chamber.contributions.models import Contribution, ContributionKind, ContributionStatus
from chamber.enums import WorkMode
from chamber.extensions import db
from chamber.meetings.models import Attendance, AttendanceStatus
from chamber.members.models import Member
from chamber.one_to_ones.models import OneToOne, OneToOneStatus
from chamber.referrals.models import Referral, ReferralStatus, ReferralTemperature
from chamber.reports.cache import cache as report_cache
from chamber.reports.views import REPORTS
from tests.reports.conftest import today

PAGES = list(REPORTS)  # the slugs, in the order of the reports menu


def _add_members(committee, meeting, start: int, size: int) -> None:
    """`size` more members on the committee, each with work, a meeting, a one-to-one and
    referrals."""
    rows = [
        {
            "email": f"bulk{i}@example.org",
            "full_name": f"Bulk {i}",
            "joined_on": date(2019, 1, 1),
            "session_token": f"token-{i}",
        }
        for i in range(start, start + size)
    ]
    db.session.execute(sa.insert(Member), rows)
    emails = [row["email"] for row in rows]
    ids = list(db.session.scalars(sa.select(Member.id).where(Member.email.in_(emails))))
    day = today() - timedelta(days=3)
    db.session.execute(
        sa.insert(CommitteeMembership),
        [
            {
                "committee_id": committee.id,
                "member_id": i,
                "role": CommitteeRole.MEMBER,
                "since_on": date(2019, 1, 1),
            }
            for i in ids
        ],
    )
    db.session.execute(
        sa.insert(Contribution),
        [
            {
                "member_id": i,
                "committee_id": committee.id,
                "kind": ContributionKind.TASK,
                "hours": Decimal(n % 5 + 1),
                "contributed_on": day,
                "description": "",
                "mode": WorkMode.IN_PERSON,
                "status": ContributionStatus.APPROVED,
            }
            for n, i in enumerate(ids)
        ],
    )
    db.session.execute(
        sa.insert(Attendance),
        [
            {"meeting_id": meeting.id, "member_id": i, "status": AttendanceStatus.IN_PERSON}
            for i in ids
        ],
    )
    pairs = list(zip(ids, [*ids[1:], ids[0]], strict=True))
    db.session.execute(
        sa.insert(OneToOne),
        [
            {
                "logged_by_id": a,
                "partner_id": b,
                "met_on": day,
                "mode": WorkMode.IN_PERSON,
                "status": OneToOneStatus.CONFIRMED,
            }
            for a, b in pairs
        ],
    )
    db.session.execute(
        sa.insert(Referral),
        [
            {
                "giver_id": a,
                "receiver_id": b,
                "prospect_name": "P",
                "need": "N",
                "temperature": ReferralTemperature.WARM,
                "given_on": day,
                "status": ReferralStatus.WON if n % 3 == 0 else ReferralStatus.GIVEN,
                "closed_value_cents": 10_000 if n % 3 == 0 else None,
                "closed_on": day if n % 3 == 0 else None,
            }
            for n, (a, b) in enumerate(pairs)
        ],
    )
    db.session.commit()


@pytest.mark.parametrize("slug", PAGES)
def test_report_statement_count_does_not_grow_with_members(
    client, login, world, make_meeting, count_queries, slug
):
    staff = world.member("Sam Staff", is_staff=True)
    committee = world.committee("Events", chair=world.member("Chair"))
    meeting = make_meeting(committee, starts_in=timedelta(days=-5))
    login(staff)
    urls = [
        f"/reports/{slug}",
        f"/reports/{slug}?committee={committee.id}",
        f"/reports/{slug}.csv",
        f"/reports/{slug}.csv?committee={committee.id}",
    ]
    counts = {}
    for start, size in ((0, 2), (2, 198)):
        _add_members(committee, meeting, start, size)
        for url in urls:
            client.get(url)  # warm: first-request work (caches, lazy setup) is not counted
            report_cache.built.clear()  # but the report is built again: its statements count
            with count_queries() as counted:
                response = client.get(url)
            assert response.status_code == 200, url
            counts.setdefault(url, []).append(counted.count)
    assert all(small == large for small, large in counts.values()), counts
