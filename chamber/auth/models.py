"""What signing in keeps: password-reset links (only the newest unused one works; a few an
hour), and two-factor sign-in (the authenticator's secret, single-use recovery codes)."""

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


class TwoFactor(Base):
    """A member's authenticator app (TOTP, RFC 6238): the shared secret and the last time
    step a code was accepted for, so a code is good once."""

    __tablename__ = "two_factor_settings"

    member_id: Mapped[int] = mapped_column(
        sa.ForeignKey("members.id", ondelete="CASCADE"), primary_key=True
    )
    secret: Mapped[str] = mapped_column(sa.String(64))
    enabled_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_step: Mapped[int] = mapped_column(sa.BigInteger, default=0)


class RecoveryCode(Base):
    """One of ten single-use codes for signing in without the authenticator app; only a
    hash is kept."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(
        sa.ForeignKey("members.id", ondelete="CASCADE"), index=True
    )
    code_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    used_at: Mapped[datetime | None]
