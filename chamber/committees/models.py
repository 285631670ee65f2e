"""Committees, who serves on them and in which role, and requests to join."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from chamber.db import Base, TimestampMixin, str_enum, utcnow
from chamber.enums import LabelledEnum
from chamber.localtime import chamber_today

if TYPE_CHECKING:
    from chamber.members.models import Member


class CommitteeRole(LabelledEnum):
    MEMBER = "member"
    LEAD = "lead"
    CHAIR = "chair"

    @property
    def leads(self) -> bool:
        return self in (CommitteeRole.LEAD, CommitteeRole.CHAIR)


class JoinRequestStatus(LabelledEnum):
    PENDING = "pending"
    APPROVED = "approved"
    DECLINED = "declined"


class Committee(TimestampMixin, Base):
    __tablename__ = "committees"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(80), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120), unique=True)
    mission: Mapped[str] = mapped_column(sa.String(300), default="")
    description: Mapped[str] = mapped_column(sa.Text, default="")
    is_archived: Mapped[bool] = mapped_column(default=False)
    version_id: Mapped[int] = mapped_column(default=1)

    memberships: Mapped[list[CommitteeMembership]] = relationship(
        back_populates="committee", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version_id}

    def __repr__(self) -> str:
        return f"<Committee {self.slug}>"


class CommitteeMembership(Base):
    __tablename__ = "committee_memberships"
    __table_args__ = (sa.UniqueConstraint("committee_id", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    committee_id: Mapped[int] = mapped_column(sa.ForeignKey("committees.id"), index=True)
    member_id: Mapped[int] = mapped_column(sa.ForeignKey("members.id"), index=True)
    role: Mapped[CommitteeRole] = mapped_column(
        str_enum(CommitteeRole, "committee_role"), default=CommitteeRole.MEMBER
    )
    since_on: Mapped[date] = mapped_column(default=chamber_today)

    committee: Mapped[Committee] = relationship(back_populates="memberships")
    member: Mapped[Member] = relationship(back_populates="memberships")


class JoinRequest(Base):
    __tablename__ = "join_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    committee_id: Mapped[int] = mapped_column(sa.ForeignKey("committees.id"), index=True)
    member_id: Mapped[int] = mapped_column(sa.ForeignKey("members.id"), index=True)
    message: Mapped[str] = mapped_column(sa.String(500), default="")
    status: Mapped[JoinRequestStatus] = mapped_column(
        str_enum(JoinRequestStatus, "join_request_status"), default=JoinRequestStatus.PENDING
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("members.id"))

    committee: Mapped[Committee] = relationship()
    member: Mapped[Member] = relationship(foreign_keys=[member_id])
    decided_by: Mapped[Member | None] = relationship(foreign_keys=[decided_by_id])
