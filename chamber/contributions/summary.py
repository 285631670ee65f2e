"""The committee lead's overview of the committee's work, every figure aggregated in SQL."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from chamber.committees.models import Committee
from chamber.contributions import queries
from chamber.enums import WorkMode
from chamber.localtime import chamber_today, quarter_start
from chamber.meetings import queries as meeting_queries
from chamber.projects import queries as project_queries
from chamber.projects.models import Project, ProjectStatus


@dataclass
class CommitteeWork:
    pending_approvals: int
    attendance_rate: float | None
    rated_meetings: int
    quarter_start: date
    hours_in_person: Decimal
    hours_online: Decimal
    project_counts: dict[ProjectStatus, int]
    active_projects: list[tuple[Project, int, int]]

    @property
    def hours_this_quarter(self) -> Decimal:
        return self.hours_in_person + self.hours_online


def committee_work_summary(committee: Committee) -> CommitteeWork:
    """Pending approvals, attendance over the last 6 meetings, hours this quarter, projects."""
    since = quarter_start(chamber_today())
    rate, rated = meeting_queries.attendance_rate(committee, last=6)
    hours = queries.committee_hours(committee, since)
    projects = project_queries.committee_projects(committee)
    return CommitteeWork(
        pending_approvals=queries.pending_counts([committee.id]).get(committee.id, 0),
        attendance_rate=rate,
        rated_meetings=rated,
        quarter_start=since,
        hours_in_person=hours.get(WorkMode.IN_PERSON, Decimal(0)),
        hours_online=hours.get(WorkMode.ONLINE, Decimal(0)),
        project_counts=project_queries.project_status_counts(committee),
        active_projects=[row for row in projects if row[0].status is ProjectStatus.ACTIVE],
    )
