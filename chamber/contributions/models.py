"""Contributions: work a member gave a committee, counted once a lead approves it."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from chamber.db import Base, TimestampMixin, str_enum
from chamber.enums import LabelledEnum, WorkMode

if TYPE_CHECKING:
    from chamber.committees.models import Committee
    from chamber.meetings.models import Meeting
    from chamber.members.models import Member
    from chamber.projects.models import Project, ShiftSignup


class ContributionKind(LabelledEnum):
    VOLUNTEER_HOURS = "volunteer_hours"
    TASK = "task"
    IN_KIND = "in_kind"
    SPEAKING = "speaking"
    MENTORING = "mentoring"

    __labels__ = {"in_kind": "In-kind"}  # noqa: RUF012


class ContributionStatus(LabelledEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    #: approved hours that no longer count (a shift re-marked as a no-show): kept, audited
    WITHDRAWN = "withdrawn"


class Contribution(TimestampMixin, Base):
    __tablename__ = "contributions"
    __table_args__ = (
        # A committee's work by status; with the day, mode and hours, reports sum a committee's
        # approved hours in a range from the index alone, committee by committee (issue 10).
        sa.Index(
            "ix_contributions_committee_work",
            "committee_id",
            "status",
            "contributed_on",
            "mode",
            "hours",
        ),
        # A member's work by day; with status and hours, reports read a member's approved
        # hours in a range from the index alone (issue 10).
        sa.Index("ix_contributions_member_work", "member_id", "contributed_on", "status", "hours"),
        # The approval page's recent decisions: a committee's, newest decision first.
        sa.Index("ix_contributions_committee_reviewed", "committee_id", "reviewed_at"),
        # Reports (issue 10): approved work over a range of days, every column read in it.
        sa.Index(
            "ix_contributions_report",
            "status",
            "contributed_on",
            "member_id",
            "committee_id",
            "mode",
            "hours",
        ),
        sa.CheckConstraint("hours > 0 AND hours <= 24", name="hours_range"),
        # Work has hours and a mode; an in-kind gift (goods or services lent or given) may
        # instead have a value and neither. Older in-kind rows logged as hours stay valid.
        sa.CheckConstraint(
            "(hours IS NOT NULL AND mode IS NOT NULL AND value_cents IS NULL)"
            " OR (kind = 'in_kind' AND hours IS NULL AND mode IS NULL"
            " AND COALESCE(value_cents, 0) > 0)",
            name="hours_or_in_kind_value",
        ),
        # Work for a committee, or at a chamber-wide event (a meeting without a committee,
        # run by staff, who approve it): exactly one of the two.
        sa.CheckConstraint(
            "(committee_id IS NOT NULL AND meeting_id IS NULL)"
            " OR (committee_id IS NULL AND meeting_id IS NOT NULL)",
            name="committee_or_event",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(sa.ForeignKey("members.id"))
    committee_id: Mapped[int | None] = mapped_column(sa.ForeignKey("committees.id"))
    #: the chamber-wide event the work was done at (then no committee)
    meeting_id: Mapped[int | None] = mapped_column(sa.ForeignKey("meetings.id"), index=True)
    project_id: Mapped[int | None] = mapped_column(sa.ForeignKey("projects.id"), index=True)
    # Set when the contribution came from an attended shift: unique, so a sign-up turns into
    # at most one contribution however often it is marked.
    shift_signup_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("shift_signups.id"), unique=True
    )
    kind: Mapped[ContributionKind] = mapped_column(str_enum(ContributionKind, "contribution_kind"))
    #: None for an in-kind gift: SUM() skips it, so hour totals never include a gift
    hours: Mapped[Decimal | None] = mapped_column(sa.Numeric(5, 2))
    contributed_on: Mapped[date]
    description: Mapped[str] = mapped_column(sa.String(1000), default="")
    mode: Mapped[WorkMode | None] = mapped_column(str_enum(WorkMode, "work_mode"))
    #: the estimated value of an in-kind gift, in cents (None for work counted in hours)
    value_cents: Mapped[int | None] = mapped_column(sa.BigInteger)
    status: Mapped[ContributionStatus] = mapped_column(
        str_enum(ContributionStatus, "contribution_status"), default=ContributionStatus.PENDING
    )
    reviewer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("members.id"))
    reviewed_at: Mapped[datetime | None]
    review_note: Mapped[str] = mapped_column(sa.String(500), default="")

    member: Mapped[Member] = relationship(foreign_keys=[member_id])
    committee: Mapped[Committee | None] = relationship()
    meeting: Mapped[Meeting | None] = relationship()
    project: Mapped[Project | None] = relationship()
    shift_signup: Mapped[ShiftSignup | None] = relationship()
    reviewer: Mapped[Member | None] = relationship(foreign_keys=[reviewer_id])

    @property
    def is_gift(self) -> bool:
        """An in-kind gift with a value and no hours (not an older in-kind row with hours)."""
        return self.hours is None

    @property
    def is_for_event(self) -> bool:
        """Work at a chamber-wide event (staff decide on it), not for a committee."""
        return self.meeting_id is not None

    @property
    def work_for(self) -> str:
        """What the work was for: the committee's name, or the chamber event's title."""
        if self.committee is not None:
            return self.committee.name
        return self.meeting.title if self.meeting is not None else ""

    @property
    def is_pending(self) -> bool:
        return self.status is ContributionStatus.PENDING
