"""The relationship ledger (dated time together per pair and source), the per-pair rollup,
the bookkeeping that keeps them current, and introductions."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from chamber.db import Base, str_enum, utcnow
from chamber.enums import LabelledEnum

if TYPE_CHECKING:
    from chamber.members.models import Member
    from chamber.projects.models import Project


class TieSource(enum.StrEnum):
    """Where time together comes from (README, "Relationships")."""

    SHIFT = "shift"  # a shift both attended: hours of the shift
    PROJECT = "project"  # approved hours on one project in one month: the smaller of the two
    MEETING = "meeting"  # a meeting both attended: 1 / (attendees - 1)
    ONE_TO_ONE = "one_to_one"  # a confirmed one-to-one
    REFERRAL = "referral"  # a referral given, either direction
    REFERRAL_WON = "referral_won"  # ... and won (on the day it closed)

    @property
    def context(self) -> str:
        """The kind of tie this source makes (multiplexity counts distinct contexts)."""
        if self in (TieSource.SHIFT, TieSource.PROJECT, TieSource.MEETING):
            return "work"
        if self is TieSource.ONE_TO_ONE:
            return "one_to_one"
        return "referral"


class TieMode(enum.StrEnum):
    IN_PERSON = "in_person"
    ONLINE = "online"


class TieEntry(Base):
    """One dated piece of time together between two members (member_a_id < member_b_id)."""

    __tablename__ = "relationship_entries"
    __table_args__ = (
        sa.CheckConstraint("member_a_id < member_b_id", name="ordered_pair"),
        sa.Index("ix_relationship_entries_source_ref", "source", "ref_id"),
        # Report 4's tie on the day of a referral reads the index alone (reports migration).
        # It also serves every look-up by pair (its first two columns), so there is no
        # separate (member_a_id, member_b_id) index: each entry written keeps one index fewer.
        sa.Index(
            "ix_relationship_entries_report",
            "member_a_id",
            "member_b_id",
            "happened_on",
            "source",
            "mode",
            "decay_key",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    member_a_id: Mapped[int] = mapped_column(sa.ForeignKey("members.id"))
    member_b_id: Mapped[int] = mapped_column(sa.ForeignKey("members.id"), index=True)
    source: Mapped[TieSource] = mapped_column(str_enum(TieSource, "tie_source"))
    # The shift, project, meeting, one-to-one or referral it comes from.
    ref_id: Mapped[int]
    # Project hours are counted per calendar month: the first day of that month.
    ref_month: Mapped[date | None]
    happened_on: Mapped[date]
    mode: Mapped[TieMode | None] = mapped_column(str_enum(TieMode, "tie_mode"))
    # Referrals: who gave it (reciprocity needs the direction).
    from_member_id: Mapped[int | None]
    # Shifts and project hours: the project (the "why" names where the hours were spent).
    project_id: Mapped[int | None]
    amount: Mapped[float] = mapped_column(sa.Float)  # hours, meeting share or a count of 1
    weight: Mapped[float] = mapped_column(sa.Float)  # amount x source weight x mode factor
    # weight x 2^((happened_on - 2020-01-01) / half-life): a pair's sum of these, scaled by
    # 2^(-today / half-life), is its strength today (README, "Relationships").
    decay_key: Mapped[float] = mapped_column(sa.Float, server_default="0")


class Tie(Base):
    """Everything two members share, rolled up from their ledger entries.

    `score_log2` is log2(bonus x the sum of the entries' decay keys): the strength today is
    2^(score_log2 - today/half-life) (days since 2020-01-01), so the number never needs
    rewriting as days pass, and ordering by it orders by today's strength.
    """

    __tablename__ = "relationship_ties"
    __table_args__ = (
        sa.CheckConstraint("member_a_id < member_b_id", name="ordered_pair"),
        # With the partner: report 5's connectors read the working ties from the index alone.
        sa.Index("ix_relationship_ties_a_score", "member_a_id", "score_log2", "member_b_id"),
        sa.Index("ix_relationship_ties_b_score", "member_b_id", "score_log2", "member_a_id"),
    )

    member_a_id: Mapped[int] = mapped_column(sa.ForeignKey("members.id"), primary_key=True)
    member_b_id: Mapped[int] = mapped_column(sa.ForeignKey("members.id"), primary_key=True)
    # No index of its own: the working ties of the whole chamber (two thirds of the ties) are
    # read faster from the (member, score, partner) index below than through a score index,
    # and a score index would be rewritten for every tie a meeting changes.
    score_log2: Mapped[float] = mapped_column(sa.Float)
    strength_at_last: Mapped[float] = mapped_column(sa.Float)
    first_on: Mapped[date]
    last_on: Mapped[date]
    last_in_person_on: Mapped[date | None]
    in_person_weight: Mapped[float] = mapped_column(sa.Float)
    online_weight: Mapped[float] = mapped_column(sa.Float)
    shift_hours: Mapped[float] = mapped_column(sa.Float)
    project_hours: Mapped[float] = mapped_column(sa.Float)
    meetings: Mapped[int]
    one_to_ones: Mapped[int]
    referrals_a_to_b: Mapped[int]
    referrals_b_to_a: Mapped[int]
    referrals_won: Mapped[int]
    top_project_id: Mapped[int | None] = mapped_column(sa.ForeignKey("projects.id"))
    top_project_hours: Mapped[float] = mapped_column(sa.Float)
    contexts: Mapped[int]
    is_reciprocal: Mapped[bool]

    member_a: Mapped[Member] = relationship(foreign_keys=[member_a_id])
    member_b: Mapped[Member] = relationship(foreign_keys=[member_b_id])
    top_project: Mapped[Project | None] = relationship("Project")

    def other_id(self, member_id: int) -> int:
        return self.member_b_id if member_id == self.member_a_id else self.member_a_id

    def other(self, member_id: int) -> Member:
        return self.member_b if member_id == self.member_a_id else self.member_a

    @property
    def hours_together(self) -> float:
        return self.shift_hours + self.project_hours

    @property
    def referrals(self) -> int:
        return self.referrals_a_to_b + self.referrals_b_to_a

    @property
    def in_person_share(self) -> float:
        """Of the time together that had a mode, the part in person (0 to 1)."""
        total = self.in_person_weight + self.online_weight
        return self.in_person_weight / total if total else 0.0


class RelationshipState(Base):
    """One row: a counter moved by every change of the ties (pictures are cached by it)."""

    __tablename__ = "relationship_state"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(default=0)
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    rebuilt_at: Mapped[datetime | None]


class TieBacklog(Base):
    """A big fan-out (a meeting of hundreds) waiting for the background update."""

    __tablename__ = "relationship_backlog"
    __table_args__ = (sa.UniqueConstraint("source", "ref_id", "ref_month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(sa.String(20))
    ref_id: Mapped[int]
    ref_month: Mapped[date | None]
    queued_at: Mapped[datetime] = mapped_column(default=utcnow)


class NetworkSnapshot(Base):
    """A computed picture or list (SVG, JSON), valid for one version of the ties."""

    __tablename__ = "relationship_snapshots"

    name: Mapped[str] = mapped_column(sa.String(80), primary_key=True)
    version: Mapped[int]
    computed_at: Mapped[datetime] = mapped_column(default=utcnow)
    body: Mapped[str] = mapped_column(sa.Text)


class IntroductionStatus(LabelledEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"

    __labels__ = {"pending": "Waiting"}  # noqa: RUF012


class Introduction(Base):
    """A member asks the first person on a connection chain to introduce them to someone."""

    __tablename__ = "introductions"
    __table_args__ = (
        sa.Index("ix_introductions_requester_created", "requester_id", "created_at"),
        sa.Index("ix_introductions_introducer_status", "introducer_id", "status"),
        sa.Index("ix_introductions_target", "target_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    requester_id: Mapped[int] = mapped_column(sa.ForeignKey("members.id"))
    introducer_id: Mapped[int] = mapped_column(sa.ForeignKey("members.id"))
    target_id: Mapped[int] = mapped_column(sa.ForeignKey("members.id"))
    message: Mapped[str] = mapped_column(sa.String(500), default="")
    status: Mapped[IntroductionStatus] = mapped_column(
        str_enum(IntroductionStatus, "introduction_status"), default=IntroductionStatus.PENDING
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None]

    requester: Mapped[Member] = relationship(foreign_keys=[requester_id])
    introducer: Mapped[Member] = relationship(foreign_keys=[introducer_id])
    target: Mapped[Member] = relationship(foreign_keys=[target_id])

    @property
    def is_pending(self) -> bool:
        return self.status is IntroductionStatus.PENDING

    @property
    def is_accepted(self) -> bool:
        return self.status is IntroductionStatus.ACCEPTED
