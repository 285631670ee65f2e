"""The chamber's members: businesses, and the people who represent them and sign in.

A *business* is the member of the chamber (its membership is active, lapsed or dropped); a
*person* (the `Member` class, table `members`, so every existing foreign key and the profile at
`/members/<id>` keep working) represents at most one business; staff may represent none.
"""

from __future__ import annotations

import secrets
from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, column_property, mapped_column, relationship

from chamber.db import Base, TimestampMixin, str_enum, utcnow
from chamber.enums import LabelledEnum
from chamber.localtime import chamber_today

if TYPE_CHECKING:
    from chamber.committees.models import CommitteeMembership


def new_session_token() -> str:
    return secrets.token_urlsafe(32)


class BusinessStatus(LabelledEnum):
    """A business's membership of the chamber."""

    ACTIVE = "active"
    LAPSED = "lapsed"  # did not renew: its people are out of the member areas until reinstated
    DROPPED = "dropped"  # left or was removed: likewise, and not expected back


class Business(TimestampMixin, Base):
    """A member business of the chamber."""

    __tablename__ = "businesses"
    __table_args__ = (
        # the directory's industry and city filters: distinct values of active businesses,
        # read from the index alone
        sa.Index("ix_businesses_status_category", "status", "category"),
        sa.Index("ix_businesses_status_city", "status", "city"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(160), index=True)
    category: Mapped[str] = mapped_column(sa.String(80), default="", index=True)
    city: Mapped[str] = mapped_column(sa.String(80), default="", index=True)
    address: Mapped[str] = mapped_column(sa.String(300), default="")
    website: Mapped[str] = mapped_column(sa.String(300), default="")
    phone: Mapped[str] = mapped_column(sa.String(40), default="")
    description: Mapped[str] = mapped_column(sa.Text, default="")
    joined_on: Mapped[date] = mapped_column(default=chamber_today)
    status: Mapped[BusinessStatus] = mapped_column(
        str_enum(BusinessStatus, "business_status"), default=BusinessStatus.ACTIVE, index=True
    )
    # Listed in the public business directory (only business details and the people who
    # chose to be listed are shown there).
    is_listed: Mapped[bool] = mapped_column(default=False)
    # The logo's fingerprint ("" = no logo): lists know whether to show it, and its address
    # changes with it (cached safely); the image itself is a Picture row.
    logo_digest: Mapped[str] = mapped_column(sa.String(16), default="")
    version_id: Mapped[int] = mapped_column(default=1)

    people: Mapped[list[Member]] = relationship(
        back_populates="business", order_by="Member.full_name"
    )
    status_changes: Mapped[list[BusinessStatusChange]] = relationship(
        back_populates="business",
        order_by="(BusinessStatusChange.changed_at.desc(), BusinessStatusChange.id.desc())",
    )

    __mapper_args__ = {"version_id_col": version_id}

    @property
    def is_active(self) -> bool:
        """Its membership is current: its people may use the member areas."""
        return self.status is BusinessStatus.ACTIVE

    def __repr__(self) -> str:
        return f"<Business {self.id} {self.name}>"


class BusinessStatusChange(Base):
    """One change of a business's membership status (the first row is when it joined)."""

    __tablename__ = "business_status_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    business_id: Mapped[int] = mapped_column(sa.ForeignKey("businesses.id"), index=True)
    from_status: Mapped[BusinessStatus | None] = mapped_column(
        str_enum(BusinessStatus, "business_status_from")
    )
    to_status: Mapped[BusinessStatus] = mapped_column(
        str_enum(BusinessStatus, "business_status_to")
    )
    effective_on: Mapped[date] = mapped_column(default=chamber_today)
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    changed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("members.id"))
    note: Mapped[str] = mapped_column(sa.String(300), default="")

    business: Mapped[Business] = relationship(back_populates="status_changes")
    changed_by: Mapped[Member | None] = relationship()


class Affiliation(Base):
    """A period in which a person represented a business (`ended_on` None: still does).

    Moving a person to another business ends one period and starts the next, so where they
    worked before stays known; their contributions and referrals stay theirs."""

    __tablename__ = "affiliations"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(sa.ForeignKey("members.id"), index=True)
    business_id: Mapped[int] = mapped_column(sa.ForeignKey("businesses.id"), index=True)
    started_on: Mapped[date] = mapped_column(default=chamber_today)
    ended_on: Mapped[date | None]

    member: Mapped[Member] = relationship(back_populates="affiliations")
    business: Mapped[Business] = relationship()


class Member(TimestampMixin, Base):
    """A person: represents a member business (or, for staff, none) and signs in."""

    __tablename__ = "members"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored lower-cased, so the unique index makes e-mail case-insensitive.
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    password_hash: Mapped[str | None] = mapped_column(sa.String(256))
    full_name: Mapped[str] = mapped_column(sa.String(120))
    job_title: Mapped[str] = mapped_column(sa.String(120), default="")
    phone: Mapped[str] = mapped_column(sa.String(40), default="")
    bio: Mapped[str] = mapped_column(sa.Text, default="")
    # When this person joined the chamber (work logged before it is refused).
    joined_on: Mapped[date] = mapped_column(default=chamber_today)
    business_id: Mapped[int | None] = mapped_column(sa.ForeignKey("businesses.id"), index=True)
    is_primary_contact: Mapped[bool] = mapped_column(default=False)
    # Staff switched this person off (left the business, asked to be removed).
    is_deactivated: Mapped[bool] = mapped_column(default=False)
    # May sign in and is shown in the member areas: not deactivated, and their business (if
    # any) is an active member. Kept in step by chamber.members.services only, so sign-in,
    # sessions, permissions and every list filter on one plain indexed column.
    is_active: Mapped[bool] = mapped_column(default=True)
    is_staff: Mapped[bool] = mapped_column(default=False)
    # Chose to be shown with their business in the public business directory.
    is_listed: Mapped[bool] = mapped_column(default=False)
    # Flask-Login identifies the session by this token, not by the id: rotating it
    # (sign-out, password change, deactivation) kills every copied cookie server-side.
    session_token: Mapped[str] = mapped_column(
        sa.String(64), unique=True, default=new_session_token
    )
    last_sign_in_at: Mapped[datetime | None]
    # The photo's fingerprint ("" = no photo), as Business.logo_digest.
    photo_digest: Mapped[str] = mapped_column(sa.String(16), default="")
    version_id: Mapped[int] = mapped_column(default=1)

    # The business's name, read in the same SELECT as the person (no lazy load in a page's
    # loop); "" for staff without a business. Read-only: rename the business instead.
    business_name: Mapped[str] = column_property(
        sa.func.coalesce(
            sa.select(Business.name)
            .where(Business.id == business_id)
            .correlate_except(Business)
            .scalar_subquery(),
            "",
        )
    )

    business: Mapped[Business | None] = relationship(back_populates="people")
    affiliations: Mapped[list[Affiliation]] = relationship(
        back_populates="member", order_by="Affiliation.started_on.desc(), Affiliation.id.desc()"
    )
    memberships: Mapped[list[CommitteeMembership]] = relationship(
        back_populates="member", cascade="all, delete-orphan"
    )

    __table_args__ = (
        # One primary contact per business, kept by the database.
        sa.Index(
            "uq_members_primary_contact",
            "business_id",
            unique=True,
            sqlite_where=sa.text("is_primary_contact"),
            postgresql_where=sa.text("is_primary_contact"),
        ),
        # The member directory: people in the member areas by name, read in index order.
        sa.Index("ix_members_directory", "is_active", "full_name", "id"),
    )
    __mapper_args__ = {"version_id_col": version_id}

    # Flask-Login protocol
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return self.session_token

    def rotate_session_token(self) -> None:
        self.session_token = new_session_token()

    @property
    def has_password(self) -> bool:
        return bool(self.password_hash)

    @property
    def display_name(self) -> str:
        return self.full_name

    def __repr__(self) -> str:
        return f"<Member {self.id} {self.email}>"


class Picture(Base):
    """A member's photo or a business's logo: re-encoded on the server (chamber.members.
    pictures), so only pixels we wrote are ever served, with no metadata."""

    __tablename__ = "pictures"
    __table_args__ = (
        sa.CheckConstraint(
            "(member_id IS NULL) <> (business_id IS NULL)", name="one_owner"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("members.id", ondelete="CASCADE"), unique=True
    )
    business_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("businesses.id", ondelete="CASCADE"), unique=True
    )
    content_type: Mapped[str] = mapped_column(sa.String(20))
    data: Mapped[bytes] = mapped_column(sa.LargeBinary)
    width: Mapped[int]
    height: Mapped[int]
    digest: Mapped[str] = mapped_column(sa.String(16))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
