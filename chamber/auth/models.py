"""Password-reset links: which were sent, so only the newest unused one works and a member
gets only so many an hour."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from chamber.db import Base, utcnow


class PasswordResetLink(Base):
    """One reset e-mail. Its link works while it is the member's newest, unused, unexpired
    and the password is the one it was sent for; signing out does not end it."""

    __tablename__ = "password_reset_links"
    __table_args__ = (
        sa.Index("ix_password_reset_links_member_id_created_at", "member_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(sa.ForeignKey("members.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    used_at: Mapped[datetime | None]
