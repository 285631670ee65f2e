"""Reading one-to-ones: waiting for me, waiting for others, the confirmed history."""

from __future__ import annotations

from datetime import date
from functools import cache

import sqlalchemy as sa
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy.orm import joinedload

from chamber.db import grouped
from chamber.enums import WorkMode
from chamber.extensions import db
from chamber.members.models import Member
from chamber.one_to_ones.models import OneToOne, OneToOneStatus


def _with_people(query: sa.Select) -> sa.Select:
    return query.options(joinedload(OneToOne.logged_by), joinedload(OneToOne.partner))


def to_confirm(member: Member) -> list[OneToOne]:
    """Logged by others with me, waiting for my answer."""
    return _pending("partner_id", member)


def awaiting_others(member: Member) -> list[OneToOne]:
    """Logged by me, waiting for the other member's answer."""
    return _pending("logged_by_id", member)


@cache
def _pending_statement(side: str) -> sa.Select:
    """Built once per process for each side (the member is a parameter)."""
    return (
        _with_people(sa.select(OneToOne))
        .where(
            getattr(OneToOne, side) == sa.bindparam("member_id"),
            OneToOne.status == OneToOneStatus.PENDING,
        )
        .order_by(OneToOne.met_on.desc())
    )


def _pending(side: str, member: Member) -> list[OneToOne]:
    """Pending one-to-ones with the member on one `side` (partner or logger), newest first."""
    return list(db.session.scalars(_pending_statement(side), {"member_id": member.id}))


def history_page(member: Member, page: int = 1, per_page: int = 30) -> Pagination:
    """Answered one-to-ones either side, newest first."""
    query = (
        _with_people(sa.select(OneToOne))
        .where(
            sa.or_(OneToOne.logged_by_id == member.id, OneToOne.partner_id == member.id),
            OneToOne.status != OneToOneStatus.PENDING,
        )
        .order_by(OneToOne.met_on.desc(), OneToOne.id.desc())
    )
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def pending_count(member: Member) -> int:
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(OneToOne)
        .where(OneToOne.partner_id == member.id, OneToOne.status == OneToOneStatus.PENDING)
    )


def confirmed_by_mode(member: Member, since: date) -> dict[WorkMode, int]:
    """The member's confirmed one-to-ones since a day (logged by them or by the other), by
    mode."""
    return grouped(
        db.session,
        OneToOne.mode,
        sa.func.count(),
        sa.or_(OneToOne.logged_by_id == member.id, OneToOne.partner_id == member.id),
        OneToOne.status == OneToOneStatus.CONFIRMED,
        OneToOne.met_on >= since,
    )
