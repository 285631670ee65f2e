"""Committee meetings and chamber-wide events, who attended and how, and calendar feeds."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from chamber.db import Base, TimestampMixin, str_enum, utcnow
from chamber.enums import LabelledEnum

if TYPE_CHECKING:
    from chamber.committees.models import Committee
    from chamber.members.models import Member


class MeetingMode(LabelledEnum):
    IN_PERSON = "in_person"
    ONLINE = "online"
    HYBRID = "hybrid"


class AttendanceStatus(LabelledEnum):
    """Present in person, present online, absent or excused."""

    IN_PERSON = "in_person"
    ONLINE = "online"
    ABSENT = "absent"
    EXCUSED = "excused"

    __labels__ = {"in_person": "Present in person", "online": "Present online"}  # noqa: RUF012

    @property
    def is_present(self) -> bool:
        return self in (AttendanceStatus.IN_PERSON, AttendanceStatus.ONLINE)


PRESENT = (AttendanceStatus.IN_PERSON, AttendanceStatus.ONLINE)


class Meeting(TimestampMixin, Base):
    """A committee meeting, or (without a committee) a chamber-wide event run by staff."""

    __tablename__ = "meetings"
    __table_args__ = (
        sa.CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        sa.Index("ix_meetings_committee_starts", "committee_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    committee_id: Mapped[int | None] = mapped_column(sa.ForeignKey("committees.id"))
    title: Mapped[str] = mapped_column(sa.String(160))
    starts_at: Mapped[datetime] = mapped_column(index=True)
    ends_at: Mapped[datetime]
    place: Mapped[str] = mapped_column(sa.String(200), default="")
    mode: Mapped[MeetingMode] = mapped_column(str_enum(MeetingMode, "meeting_mode"))
    agenda: Mapped[str] = mapped_column(sa.Text, default="")
    # Set when a lead first saves attendance; attendance rates count only these meetings.
    attendance_taken_at: Mapped[datetime | None]

    committee: Mapped[Committee | None] = relationship()
    attendances: Mapped[list[Attendance]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan"
    )
    rsvps: Mapped[list[Rsvp]] = relationship(cascade="all, delete-orphan", passive_deletes=True)

    @property
    def is_chamber_event(self) -> bool:
        return self.committee_id is None


class Attendance(Base):
    __tablename__ = "attendances"
    __table_args__ = (sa.UniqueConstraint("meeting_id", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meetings.id"))
    member_id: Mapped[int] = mapped_column(sa.ForeignKey("members.id"), index=True)
    status: Mapped[AttendanceStatus] = mapped_column(
        str_enum(AttendanceStatus, "attendance_status")
    )
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("members.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)

    meeting: Mapped[Meeting] = relationship(back_populates="attendances")
    member: Mapped[Member] = relationship(foreign_keys=[member_id])


class RsvpAnswer(LabelledEnum):
    """A member's answer to a meeting: coming in person, joining online, or not coming."""

    GOING = "going"
    ONLINE = "online"
    NOT_GOING = "not_going"

    __labels__ = {"going": "Going", "online": "Joining online", "not_going": "Not going"}  # noqa: RUF012

    @property
    def is_coming(self) -> bool:
        return self is not RsvpAnswer.NOT_GOING


class Rsvp(Base):
    """A member's answer to one meeting; they may change it until the meeting starts."""

    __tablename__ = "meeting_rsvps"
    __table_args__ = (sa.UniqueConstraint("meeting_id", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        sa.ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    member_id: Mapped[int] = mapped_column(sa.ForeignKey("members.id"), index=True)
    answer: Mapped[RsvpAnswer] = mapped_column(str_enum(RsvpAnswer, "rsvp_answer"))
    answered_at: Mapped[datetime] = mapped_column(default=utcnow)

    member: Mapped[Member] = relationship()


def new_feed_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeed(Base):
    """A member's private calendar address; revoking it kills every copy of the old link."""

    __tablename__ = "calendar_feeds"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(sa.ForeignKey("members.id"), index=True)
    token: Mapped[str] = mapped_column(sa.String(64), unique=True, default=new_feed_token)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]

    member: Mapped[Member] = relationship()
