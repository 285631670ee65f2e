"""A committee's community projects, their volunteer shifts and who signed up."""

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
    from chamber.members.models import Member


class ProjectStatus(LabelledEnum):
    PROPOSED = "proposed"
    ACTIVE = "active"
    COMPLETED = "completed"
    CANCELLED = "cancelled"

    @property
    def is_open(self) -> bool:
        """Members may sign up for shifts and log work on open projects."""
        return self in (ProjectStatus.PROPOSED, ProjectStatus.ACTIVE)


class SignupStatus(LabelledEnum):
    SIGNED_UP = "signed_up"
    ATTENDED = "attended"
    NO_SHOW = "no_show"
    CANCELLED = "cancelled"

    __labels__ = {"no_show": "No-show"}  # noqa: RUF012


class Project(TimestampMixin, Base):
    __tablename__ = "projects"
    __table_args__ = (sa.Index("ix_projects_committee_status", "committee_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    committee_id: Mapped[int] = mapped_column(sa.ForeignKey("committees.id"))
    name: Mapped[str] = mapped_column(sa.String(160))
    summary: Mapped[str] = mapped_column(sa.Text, default="")
    status: Mapped[ProjectStatus] = mapped_column(
        str_enum(ProjectStatus, "project_status"), default=ProjectStatus.PROPOSED
    )
    starts_on: Mapped[date | None]
    ends_on: Mapped[date | None]

    committee: Mapped[Committee] = relationship()
    shifts: Mapped[list[Shift]] = relationship(
        back_populates="project", order_by="Shift.starts_at", cascade="all, delete-orphan"
    )

    @property
    def is_active(self) -> bool:
        """Taking volunteers: the project runs now."""
        return self.status is ProjectStatus.ACTIVE

    def __repr__(self) -> str:
        return f"<Project {self.id} {self.name!r}>"


class Shift(TimestampMixin, Base):
    """A volunteer need of a project: a time, a place and a number of slots."""

    __tablename__ = "shifts"
    __table_args__ = (
        sa.CheckConstraint("slots >= 1", name="slots_positive"),
        sa.CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        sa.Index("ix_shifts_project_starts", "project_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("projects.id"))
    title: Mapped[str] = mapped_column(sa.String(160))
    starts_at: Mapped[datetime] = mapped_column(index=True)
    ends_at: Mapped[datetime]
    place: Mapped[str] = mapped_column(sa.String(200), default="")
    mode: Mapped[WorkMode] = mapped_column(str_enum(WorkMode, "work_mode"))
    slots: Mapped[int]

    project: Mapped[Project] = relationship(back_populates="shifts")
    signups: Mapped[list[ShiftSignup]] = relationship(back_populates="shift")

    @property
    def hours(self) -> Decimal:
        """The shift's length in hours, rounded to the quarter hour (what attendance credits)."""
        minutes = (self.ends_at - self.starts_at).total_seconds() / 60
        quarters = max(1, round(minutes / 15))
        return Decimal(quarters) / 4


class ShiftSignup(TimestampMixin, Base):
    __tablename__ = "shift_signups"
    __table_args__ = (
        sa.UniqueConstraint("shift_id", "member_id"),
        sa.Index("ix_shift_signups_member_status", "member_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    shift_id: Mapped[int] = mapped_column(sa.ForeignKey("shifts.id"))
    member_id: Mapped[int] = mapped_column(sa.ForeignKey("members.id"))
    status: Mapped[SignupStatus] = mapped_column(
        str_enum(SignupStatus, "signup_status"), default=SignupStatus.SIGNED_UP
    )
    marked_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("members.id"))

    shift: Mapped[Shift] = relationship(back_populates="signups")
    member: Mapped[Member] = relationship(foreign_keys=[member_id])
