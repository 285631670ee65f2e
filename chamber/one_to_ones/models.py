"""One-to-ones: two members met; one logs it, the other confirms it."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from chamber.db import Base, str_enum, utcnow
from chamber.enums import LabelledEnum, WorkMode

if TYPE_CHECKING:
    from chamber.members.models import Member


class OneToOneStatus(LabelledEnum):
    PENDING = "pending"
    CONFIRMED = "confirmed"
    DECLINED = "declined"

    __labels__ = {"pending": "Waiting"}  # noqa: RUF012


class OneToOne(Base):
    __tablename__ = "one_to_ones"
    __table_args__ = (
        sa.CheckConstraint("logged_by_id <> partner_id", name="two_people"),
        sa.Index("ix_one_to_ones_partner_status", "partner_id", "status"),
        sa.Index("ix_one_to_ones_logged_by_status", "logged_by_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    logged_by_id: Mapped[int] = mapped_column(sa.ForeignKey("members.id"))
    partner_id: Mapped[int] = mapped_column(sa.ForeignKey("members.id"))
    met_on: Mapped[date]
    mode: Mapped[WorkMode] = mapped_column(str_enum(WorkMode, "work_mode"))
    note: Mapped[str] = mapped_column(sa.String(500), default="")
    status: Mapped[OneToOneStatus] = mapped_column(
        str_enum(OneToOneStatus, "one_to_one_status"), default=OneToOneStatus.PENDING
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    responded_at: Mapped[datetime | None]

    logged_by: Mapped[Member] = relationship(foreign_keys=[logged_by_id])
    partner: Mapped[Member] = relationship(foreign_keys=[partner_id])

    @property
    def is_pending(self) -> bool:
        """Logged by one, waiting for the other to confirm or decline."""
        return self.status is OneToOneStatus.PENDING

    def involves(self, member) -> bool:
        return member is not None and member.id in (self.logged_by_id, self.partner_id)

    def other_than(self, member) -> Member:
        return self.partner if member.id == self.logged_by_id else self.logged_by
