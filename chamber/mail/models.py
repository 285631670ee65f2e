"""The outbox: e-mails written in the same transaction as the change that causes them."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from chamber.db import Base, utcnow


class OutboxMessage(Base):
    __tablename__ = "outbox_messages"
    __table_args__ = (sa.Index("ix_outbox_messages_due", "sent_at", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(sa.String(254))
    subject: Mapped[str] = mapped_column(sa.String(200))
    body: Mapped[str] = mapped_column(sa.Text)
    #: the HTML alternative, made from the same template as `body` (empty: text only)
    html: Mapped[str] = mapped_column(sa.Text, default="")
    #: headers of this kind of message: Auto-Submitted, List-Unsubscribe, ...
    headers: Mapped[dict | None] = mapped_column(sa.JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    attempts: Mapped[int] = mapped_column(default=0)
    sent_at: Mapped[datetime | None]
    last_error: Mapped[str] = mapped_column(sa.String(500), default="")
    # A worker claims a message (a lease) before sending it outside any transaction; other
    # workers pass it by until the lease ends, so no message is sent twice. `claim` names the
    # lease, so only its holder records the outcome.
    claimed_until: Mapped[datetime | None]
    claim: Mapped[str] = mapped_column(sa.String(32), default="")
