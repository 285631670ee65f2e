"""Factories for committee work: projects, shifts, meetings and contributions."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from chamber.contributions.models import Contribution, ContributionKind, ContributionStatus
from chamber.db import utcnow
from chamber.enums import WorkMode
from chamber.extensions import db
from chamber.localtime import chamber_today
from chamber.meetings.models import Meeting, MeetingMode
from chamber.projects.models import Project, ProjectStatus, Shift


@pytest.fixture
def make_project(app):
    def make(committee, **overrides) -> Project:
        project = Project(
            **{
                "committee_id": committee.id,
                "name": "Spring Clean-up",
                "summary": "Parks and streets.",
                "status": ProjectStatus.ACTIVE,
                "starts_on": date.today() - timedelta(days=10),
            }
            | overrides
        )
        db.session.add(project)
        db.session.commit()
        return project

    return make


@pytest.fixture
def make_shift(app):
    def make(project, *, starts_in=timedelta(days=3), minutes=120, **overrides) -> Shift:
        starts_at = utcnow().replace(microsecond=0) + starts_in
        shift = Shift(
            **{
                "project_id": project.id,
                "title": "Set-up crew",
                "starts_at": starts_at,
                "ends_at": starts_at + timedelta(minutes=minutes),
                "place": "Riverside Park",
                "mode": WorkMode.IN_PERSON,
                "slots": 3,
            }
            | overrides
        )
        db.session.add(shift)
        db.session.commit()
        return shift

    return make


@pytest.fixture
def make_meeting(app):
    def make(committee, *, starts_in=timedelta(days=-1), **overrides) -> Meeting:
        starts_at = utcnow().replace(microsecond=0) + starts_in
        meeting = Meeting(
            **{
                "committee_id": committee.id if committee is not None else None,
                "title": "Monthly meeting",
                "starts_at": starts_at,
                "ends_at": starts_at + timedelta(minutes=90),
                "place": "Chamber office",
                "mode": MeetingMode.HYBRID,
            }
            | overrides
        )
        db.session.add(meeting)
        db.session.commit()
        return meeting

    return make


@pytest.fixture
def make_contribution(app):
    def make(member, committee, **overrides) -> Contribution:
        contribution = Contribution(
            **{
                "member_id": member.id,
                "committee_id": committee.id,
                "kind": ContributionKind.TASK,
                "hours": Decimal("2.5"),
                "contributed_on": chamber_today(),
                "description": "Booked the venue",
                "mode": WorkMode.IN_PERSON,
                "status": ContributionStatus.PENDING,
            }
            | overrides
        )
        db.session.add(contribution)
        db.session.commit()
        return contribution

    return make
