"""A referral (a prospect passed from giver to receiver), its pipeline and its timeline."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from chamber.db import Base, TimestampMixin, str_enum, utcnow
from chamber.enums import LabelledEnum
from chamber.localtime import chamber_today

if TYPE_CHECKING:
    from chamber.committees.models import Committee
    from chamber.members.models import Member
    from chamber.projects.models import Project


class ReferralTemperature(LabelledEnum):
    """How ready the prospect is to buy, in the giver's judgement."""

    HOT = "hot"
    WARM = "warm"
    COLD = "cold"


#: The largest closed value a referral may carry, in cents: a sanity bound against typos
#: (extra zeros).
MAX_VALUE_CENTS = 10_000_000_00


class ReferralStatus(LabelledEnum):
    """The pipeline: given → contacted → meeting → won | lost | unreachable."""

    GIVEN = "given"
    CONTACTED = "contacted"
    MEETING = "meeting"
    WON = "won"
    LOST = "lost"
    UNREACHABLE = "unreachable"

    __labels__ = {"meeting": "Meeting held"}  # noqa: RUF012

    @property
    def stage(self) -> int:
        """Position in the pipeline; the three outcomes share the last stage."""
        return {"given": 0, "contacted": 1, "meeting": 2}.get(self.value, 3)

    @property
    def is_open(self) -> bool:
        return self.stage < 3

    @property
    def is_closed(self) -> bool:
        return not self.is_open

    @property
    def tone(self) -> str:
        """The badge colour (a status-* class of the house style sheet)."""
        return {
            "won": "ok",
            "lost": "bad",
            "unreachable": "muted",
            "given": "warn",
        }.get(self.value, "warn")

    def next_statuses(self) -> list[ReferralStatus]:
        """Where a receiver may move the referral: any later stage, never back or sideways.

        Skipping ahead is allowed (a hot prospect can be won on the first call, a cold one can
        prove unreachable before any contact); an outcome is final, and only staff correct it.
        """
        return [status for status in ReferralStatus if status.stage > self.stage]


OPEN_STATUSES = tuple(status for status in ReferralStatus if status.is_open)
CLOSED_STATUSES = tuple(status for status in ReferralStatus if status.is_closed)


class Referral(TimestampMixin, Base):
    __tablename__ = "referrals"
    __table_args__ = (
        sa.CheckConstraint("giver_id <> receiver_id", name="not_to_self"),
        sa.CheckConstraint(
            "closed_value_cents IS NULL OR closed_value_cents > 0", name="positive_value"
        ),
        sa.Index("ix_referrals_receiver_status", "receiver_id", "status"),
        sa.Index("ix_referrals_giver_status", "giver_id", "status"),
        # Reports (issue 10): a member's referrals given / received in a range of days, with
        # what the member tables read (one short index range per member, no table rows).
        sa.Index("ix_referrals_giver_day", "giver_id", "given_on", "status", "closed_value_cents"),
        sa.Index(
            "ix_referrals_receiver_day", "receiver_id", "given_on", "status", "closed_value_cents"
        ),
        # ... and the won ones in a range with the day they closed (the median days to win).
        sa.Index("ix_referrals_status_given", "status", "given_on", "closed_on"),
        # The staff list and reports read referrals newest first, by date given.
        sa.Index("ix_referrals_created_at", "created_at"),
        # Reports (issue 10): referrals given in a range, every column they read in it.
        sa.Index(
            "ix_referrals_report",
            "given_on",
            "status",
            "giver_id",
            "receiver_id",
            "closed_value_cents",
            "closed_on",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    giver_id: Mapped[int] = mapped_column(sa.ForeignKey("members.id"))
    receiver_id: Mapped[int] = mapped_column(sa.ForeignKey("members.id"))
    prospect_name: Mapped[str] = mapped_column(sa.String(120))
    prospect_email: Mapped[str] = mapped_column(sa.String(254), default="")
    prospect_phone: Mapped[str] = mapped_column(sa.String(40), default="")
    need: Mapped[str] = mapped_column(sa.Text, default="")
    temperature: Mapped[ReferralTemperature] = mapped_column(
        str_enum(ReferralTemperature, "referral_temperature"), default=ReferralTemperature.WARM
    )
    # "How we know each other": where giver and receiver worked together (reports attribute
    # referrals to committees through this link).
    how_committee_id: Mapped[int | None] = mapped_column(sa.ForeignKey("committees.id"), index=True)
    how_project_id: Mapped[int | None] = mapped_column(sa.ForeignKey("projects.id"), index=True)
    status: Mapped[ReferralStatus] = mapped_column(
        str_enum(ReferralStatus, "referral_status"), default=ReferralStatus.GIVEN
    )
    closed_value_cents: Mapped[int | None] = mapped_column(sa.BigInteger)
    # The chamber-local day it was given (created_at is UTC): reports count months and date
    # ranges by this, the same on SQLite and PostgreSQL.
    given_on: Mapped[date] = mapped_column(index=True, default=chamber_today)
    closed_on: Mapped[date | None] = mapped_column(index=True)
    thank_you_note: Mapped[str] = mapped_column(sa.Text, default="")
    thanked_at: Mapped[datetime | None]
    version_id: Mapped[int] = mapped_column(default=1)

    giver: Mapped[Member] = relationship(foreign_keys=[giver_id])
    receiver: Mapped[Member] = relationship(foreign_keys=[receiver_id])
    how_committee: Mapped[Committee | None] = relationship("Committee")
    how_project: Mapped[Project | None] = relationship("Project")
    events: Mapped[list[ReferralEvent]] = relationship(
        back_populates="referral",
        cascade="all, delete-orphan",
        order_by="ReferralEvent.id",
    )

    __mapper_args__ = {"version_id_col": version_id}

    @property
    def is_thanked(self) -> bool:
        return self.thanked_at is not None

    @property
    def how_we_know(self) -> str:
        """The committee or project named as where giver and receiver worked together."""
        if self.how_project is not None:
            return self.how_project.name
        if self.how_committee is not None:
            return self.how_committee.name
        return ""

    def __repr__(self) -> str:
        return f"<Referral {self.id} {self.status}>"


class ReferralEvent(Base):
    """One change of a referral's status (or a staff correction), kept for its timeline."""

    __tablename__ = "referral_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(
        sa.ForeignKey("referrals.id", ondelete="CASCADE"), index=True
    )
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("members.id"))
    from_status: Mapped[ReferralStatus | None] = mapped_column(
        str_enum(ReferralStatus, "referral_event_from_status")
    )
    to_status: Mapped[ReferralStatus] = mapped_column(
        str_enum(ReferralStatus, "referral_event_to_status")
    )
    note: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    referral: Mapped[Referral] = relationship(back_populates="events")
    actor: Mapped[Member | None] = relationship()
