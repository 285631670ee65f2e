"""Helpers that change the sources of relationships through the real services."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from chamber.contributions import services as contribution_services
from chamber.contributions.models import ContributionKind
from chamber.enums import WorkMode
from chamber.extensions import db
from chamber.localtime import chamber_today, local_to_utc
from chamber.meetings import services as meeting_services
from chamber.meetings.models import AttendanceStatus, Meeting, MeetingMode
from chamber.members import services as member_services
from chamber.one_to_ones import services as one_to_one_services
from chamber.projects.models import ShiftSignup, SignupStatus
from chamber.referrals import services as referral_services
from chamber.referrals.models import ReferralStatus, ReferralTemperature
from chamber.relationships import engine, queries

IN_PERSON, ONLINE = AttendanceStatus.IN_PERSON, AttendanceStatus.ONLINE


def days_ago(n: int) -> date:
    return chamber_today() - timedelta(days=n)


class Work:
    """Shared work done through the services, each change committed like a request would."""

    def __init__(self, staff):
        self.staff = staff

    def meeting(self, committee, day: date, hour: int = 12, **overrides) -> Meeting:
        starts_at = local_to_utc(datetime.combine(day, time(hour, 0)))
        meeting = Meeting(
            committee_id=committee.id if committee is not None else None,
            title=overrides.pop("title", "Monthly meeting"),
            starts_at=starts_at,
            ends_at=starts_at + timedelta(minutes=90),
            mode=overrides.pop("mode", MeetingMode.HYBRID),
            **overrides,
        )
        db.session.add(meeting)
        db.session.commit()
        return meeting

    def attend(self, meeting, marks: dict) -> None:
        meeting_services.record_attendance(
            self.staff, meeting, {member.id: status for member, status in marks.items()}
        )
        db.session.commit()

    def move(self, meeting, day: date, hour: int = 12) -> None:
        starts_at = local_to_utc(datetime.combine(day, time(hour, 0)))
        meeting_services.update_meeting(
            self.staff,
            meeting,
            {
                "title": meeting.title,
                "starts_at": starts_at,
                "ends_at": starts_at + (meeting.ends_at - meeting.starts_at),
                "place": meeting.place,
                "mode": meeting.mode,
                "agenda": meeting.agenda,
            },
        )
        db.session.commit()

    def one_to_one(self, a, b, day: date, mode=WorkMode.IN_PERSON, confirm: bool = True):
        one_to_one = one_to_one_services.log_one_to_one(
            a, {"partner_id": b.id, "met_on": day, "mode": mode, "note": ""}
        )
        db.session.commit()
        one_to_one_services.respond_to_one_to_one(b, one_to_one, confirm)
        db.session.commit()
        return one_to_one

    def give(self, giver, receiver):
        referral = referral_services.give_referral(
            giver,
            receiver,
            {
                "prospect_name": "Pat Prospect",
                "prospect_email": "",
                "prospect_phone": "",
                "need": "A new roof",
                "temperature": ReferralTemperature.WARM,
            },
        )
        db.session.commit()
        return referral

    def win(self, referral, cents: int = 100_00, day: date | None = None) -> None:
        referral_services.change_referral_status(
            referral.receiver,
            referral,
            ReferralStatus.WON,
            version_id=referral.version_id,
            closed_value_cents=cents,
            closed_on=day or chamber_today(),
        )
        db.session.commit()

    def hours(self, member, committee, project, hours, day: date, mode=WorkMode.IN_PERSON):
        """Log and approve (by staff) hours on a project."""
        contribution = contribution_services.log_contribution(
            member,
            {
                "committee_id": committee.id,
                "project_id": project.id if project else None,
                "kind": ContributionKind.VOLUNTEER_HOURS,
                "hours": Decimal(str(hours)),
                "contributed_on": day,
                "description": "Helped",
                "mode": mode,
            },
        )
        db.session.commit()
        contribution_services.decide_contribution(self.staff, contribution, True, "")
        db.session.commit()
        return contribution

    def shift_attended(self, shift, members, status=SignupStatus.ATTENDED) -> None:
        """Mark members' sign-ups on a (started) shift; sign-ups are made as needed."""
        signups = {
            s.member_id: s
            for s in db.session.scalars(
                sa.select(ShiftSignup).where(ShiftSignup.shift_id == shift.id)
            )
        }
        for member in members:
            if member.id not in signups:
                signup = ShiftSignup(shift_id=shift.id, member_id=member.id)
                db.session.add(signup)
                db.session.flush()
                signups[member.id] = signup
        db.session.commit()
        contribution_services.record_shift_attendance(
            self.staff, shift, {signups[m.id].id: status for m in members}
        )
        db.session.commit()

    def set_active(self, member, active: bool) -> None:
        member_services.set_member_active(self.staff, member, active)
        db.session.commit()


@pytest.fixture
def staff(make_member):
    return make_member(is_staff=True, full_name="Diane Staff")


@pytest.fixture
def work(staff):
    return Work(staff)


@pytest.fixture
def kept_equals_rebuild():
    """Assert the incremental update left exactly what a rebuild gives."""

    def check():
        differences = engine.check()
        db.session.rollback()
        assert differences == []

    return check


def strength(a, b, day: date | None = None) -> float:
    """Strength of a pair's tie on `day` (default today), read from the ledger."""
    return queries.pair_strength_as_of(a.id, b.id, day or chamber_today())


@pytest.fixture
def make_tie(app):
    """make_tie(a, b, strength, **columns): a kept tie with `strength` today (for the pages and
    the chain, which read only the kept rows); committed unless commit=False."""
    from chamber.relationships.engine import weights
    from chamber.relationships.models import Tie
    from chamber.relationships.strength import score_floor

    def make(a, b, strength: float, commit: bool = True, **columns) -> Tie:
        today = chamber_today()
        first, second = sorted((a.id, b.id))
        values = {
            "member_a_id": first,
            "member_b_id": second,
            "score_log2": score_floor(strength, today, weights()),
            "strength_at_last": strength,
            "first_on": today - timedelta(days=30),
            "last_on": today,
            "last_in_person_on": today,
            "in_person_weight": strength,
            "online_weight": 0.0,
            "shift_hours": 0.0,
            "project_hours": 0.0,
            "meetings": 1,
            "one_to_ones": 0,
            "referrals_a_to_b": 0,
            "referrals_b_to_a": 0,
            "referrals_won": 0,
            "top_project_id": None,
            "top_project_hours": 0.0,
            "contexts": 1,
            "is_reciprocal": False,
        } | columns
        tie = Tie(**values)
        db.session.add(tie)
        if commit:
            db.session.commit()
        return tie

    return make
