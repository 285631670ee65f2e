"""Reading notifications."""

from __future__ import annotations

from functools import cache

import sqlalchemy as sa

from chamber.extensions import db
from chamber.notifications.models import Notification


@cache
def _unread_statement() -> sa.Select:
    """Built once per process: every signed-in page's header runs it."""
    return (
        sa.select(sa.func.count())
        .select_from(Notification)
        .where(Notification.member_id == sa.bindparam("member_id"), Notification.read_at.is_(None))
    )


def unread_count(member) -> int:
    return db.session.scalar(_unread_statement(), {"member_id": member.id}) or 0


def notification_page(member, page: int):
    query = (
        sa.select(Notification)
        .where(Notification.member_id == member.id)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
    )
    return db.paginate(query, page=page, per_page=30, error_out=False)
