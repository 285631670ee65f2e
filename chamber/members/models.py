"""The member: a person representing a member business, and their account."""

from __future__ import annotations

import secrets
from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from chamber.db import Base, TimestampMixin

if TYPE_CHECKING:
    from chamber.committees.models import CommitteeMembership


def new_session_token() -> str:
    return secrets.token_urlsafe(32)


class Member(TimestampMixin, Base):
    __tablename__ = "members"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored lower-cased, so the unique index makes e-mail case-insensitive.
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    password_hash: Mapped[str | None] = mapped_column(sa.String(256))
    full_name: Mapped[str] = mapped_column(sa.String(120))
    business_name: Mapped[str] = mapped_column(sa.String(160), default="")
    category: Mapped[str] = mapped_column(sa.String(80), default="", index=True)
    city: Mapped[str] = mapped_column(sa.String(80), default="", index=True)
    phone: Mapped[str] = mapped_column(sa.String(40), default="")
    website: Mapped[str] = mapped_column(sa.String(300), default="")
    bio: Mapped[str] = mapped_column(sa.Text, default="")
    joined_on: Mapped[date] = mapped_column(default=date.today)
    is_active: Mapped[bool] = mapped_column(default=True)
    is_staff: Mapped[bool] = mapped_column(default=False)
    is_listed: Mapped[bool] = mapped_column(default=False)
    # Flask-Login identifies the session by this token, not by the id: rotating it
    # (sign-out, password change, deactivation) kills every copied cookie server-side.
    session_token: Mapped[str] = mapped_column(
        sa.String(64), unique=True, default=new_session_token
    )
    last_sign_in_at: Mapped[datetime | None]
    version_id: Mapped[int] = mapped_column(default=1)

    memberships: Mapped[list[CommitteeMembership]] = relationship(
        back_populates="member", cascade="all, delete-orphan"
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
