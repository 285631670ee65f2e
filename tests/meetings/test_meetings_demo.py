"""Issue 11: the demo reads like a real chamber where people look — project descriptions in
plain words, no meeting or chamber event on a holiday or a weekend, no one on a committee
since before they joined, meetings ahead already answered by
some members (never on the demo accounts' behalf), and shifts within their projects' dates."""

from __future__ import annotations

import sqlalchemy as sa

from chamber.committees.models import CommitteeMembership
from chamber.demo.seed import seed_chamber
from chamber.localtime import to_local
from chamber.meetings.demo import HOLIDAYS
from chamber.meetings.models import Meeting, Rsvp
from chamber.members.models import Member
from chamber.projects.demo import PROJECT_SUMMARIES
from chamber.projects.models import Project, Shift


def test_small_demo_projects_events_and_answers_look_real(app, db):
    seed_chamber(size="small", seed=11)
    summaries = set(db.session.scalars(sa.select(Project.summary)))
    assert summaries and summaries <= set(PROJECT_SUMMARIES.values())

    # No meeting or chamber event on a weekend or a public holiday (a committee's monthly
    # meeting fell on 25 December too).
    for starts_at in db.session.scalars(sa.select(Meeting.starts_at)):
        day = to_local(starts_at).date()
        assert day.weekday() < 5 and (day.month, day.day) not in HOLIDAYS, day

    # Nobody serves on a committee since before they joined the chamber.
    early = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(CommitteeMembership)
        .join(Member, Member.id == CommitteeMembership.member_id)
        .where(CommitteeMembership.since_on < Member.joined_on)
    )
    assert early == 0

    assert db.session.scalar(sa.select(sa.func.count()).select_from(Rsvp)) > 0
    demo_ids = set(
        db.session.scalars(
            sa.select(Member.id).where(
                Member.email.in_(
                    ["director@example.com", "chair@example.com", "member@example.com"]
                )
            )
        )
    )
    assert not set(db.session.scalars(sa.select(Rsvp.member_id))) & demo_ids

    for shift, project in db.session.execute(
        sa.select(Shift, Project).join(Project, Project.id == Shift.project_id)
    ):
        assert project.starts_on <= to_local(shift.starts_at).date() <= project.ends_on
