"""Reading members: the directories, profiles, the staff list and the member picker."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy.orm import aliased, selectinload

from chamber.committees.models import Committee, CommitteeMembership
from chamber.extensions import db
from chamber.members.models import Member


def like_pattern(text: str) -> str:
    """A LIKE pattern matching `text` literally anywhere (%, _ and \\ escaped)."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _search(query: sa.Select, text: str | None, *, include_email: bool = False) -> sa.Select:
    """Case-insensitive match on name, business, industry or city (bound parameters only);
    staff may also search by e-mail."""
    if not text:
        return query
    pattern = like_pattern(text)
    columns = [Member.full_name, Member.business_name, Member.category, Member.city]
    if include_email:
        columns.append(Member.email)
    return query.where(sa.or_(*(column.ilike(pattern, escape="\\") for column in columns)))


def directory_page(
    *,
    text: str | None = None,
    category: str | None = None,
    city: str | None = None,
    committee_id: int | None = None,
    page: int = 1,
    per_page: int = 24,
) -> Pagination:
    """Active members for the signed-in directory; cards need no related rows."""
    query = sa.select(Member).where(Member.is_active.is_(True))
    query = _search(query, text)
    if category:
        query = query.where(Member.category == category)
    if city:
        query = query.where(Member.city == city)
    if committee_id:
        query = query.where(
            Member.id.in_(
                sa.select(CommitteeMembership.member_id).where(
                    CommitteeMembership.committee_id == committee_id
                )
            )
        )
    query = query.order_by(Member.full_name, Member.id)
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def public_directory_page(
    *, text: str | None = None, category: str | None = None, page: int = 1, per_page: int = 24
) -> Pagination:
    """Businesses that opted in to the public directory (no personal contact data is shown)."""
    query = sa.select(Member).where(Member.is_active.is_(True), Member.is_listed.is_(True))
    query = _search(query, text)
    if category:
        query = query.where(Member.category == category)
    query = query.order_by(Member.business_name, Member.id)
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def category_choices(*, listed_only: bool = False) -> list[str]:
    query = sa.select(Member.category).where(Member.is_active.is_(True), Member.category != "")
    if listed_only:
        query = query.where(Member.is_listed.is_(True))
    return list(db.session.scalars(query.distinct().order_by(Member.category)))


def city_choices() -> list[str]:
    query = sa.select(Member.city).where(Member.is_active.is_(True), Member.city != "")
    return list(db.session.scalars(query.distinct().order_by(Member.city)))


def committee_choices() -> list[tuple[int, str]]:
    rows = db.session.execute(
        sa.select(Committee.id, Committee.name)
        .where(Committee.is_archived.is_(False))
        .order_by(Committee.name)
    )
    return [(row.id, row.name) for row in rows]


def member_memberships(member: Member) -> list[CommitteeMembership]:
    """The member's committees with the committee loaded in the same query."""
    return list(
        db.session.scalars(
            sa.select(CommitteeMembership)
            .join(CommitteeMembership.committee)
            .options(selectinload(CommitteeMembership.committee))
            .where(CommitteeMembership.member_id == member.id, Committee.is_archived.is_(False))
            .order_by(Committee.name)
        )
    )


def staff_member_page(
    *, text: str | None = None, status: str = "active", page: int = 1, per_page: int = 50
) -> Pagination:
    """Members for the staff admin list, active, inactive or invited (no password yet)."""
    query = sa.select(Member)
    if status == "active":
        query = query.where(Member.is_active.is_(True))
    elif status == "inactive":
        query = query.where(Member.is_active.is_(False))
    elif status == "invited":
        query = query.where(Member.password_hash.is_(None), Member.is_active.is_(True))
    query = _search(query, text, include_email=True)
    query = query.order_by(Member.full_name, Member.id)
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


#: How many people a member picker lists at most: colleagues shown first, search matches.
PICK_COLLEAGUES = 30
PICK_MATCHES = 25


def _pickable(member: Member) -> sa.Select:
    """Plain columns (no objects loaded) of active members other than `member`, by name."""
    return (
        sa.select(Member.id, Member.full_name, Member.business_name)
        .where(Member.is_active.is_(True), Member.id != member.id)
        .order_by(Member.full_name, Member.id)
    )


def pick_colleagues(member: Member, limit: int = PICK_COLLEAGUES) -> list[sa.Row]:
    """Active members who serve with `member` on an active committee, by name, at most
    `limit` + 1 (one more than shown tells the page that there are others)."""
    mine, theirs = aliased(CommitteeMembership), aliased(CommitteeMembership)
    colleague_ids = (
        sa.select(theirs.member_id)
        .join(mine, mine.committee_id == theirs.committee_id)
        .join(Committee, Committee.id == mine.committee_id)
        .where(mine.member_id == member.id, Committee.is_archived.is_(False))
    )
    query = _pickable(member).where(Member.id.in_(colleague_ids)).limit(limit + 1)
    return list(db.session.execute(query))


def pick_matches(member: Member, text: str, limit: int = PICK_MATCHES) -> list[sa.Row]:
    """Active members other than `member` whose name or business contains `text` (any case,
    taken literally, bound parameters only), at most `limit` + 1."""
    pattern = like_pattern(text)
    query = _pickable(member).where(
        sa.or_(
            Member.full_name.ilike(pattern, escape="\\"),
            Member.business_name.ilike(pattern, escape="\\"),
        )
    )
    return list(db.session.execute(query.limit(limit + 1)))


@dataclass
class MemberPick:
    """What a member picker shows: colleagues first, then the matches of a search, if any."""

    colleagues: list[sa.Row]
    more_colleagues: bool
    text: str | None
    matches: list[sa.Row]
    more_matches: bool


def member_pick(member: Member, text: str | None) -> MemberPick:
    """The picker for giving a referral or logging a one-to-one: two statements at most,
    whatever the size of the chamber."""
    colleagues = pick_colleagues(member)
    matches = pick_matches(member, text) if text else []
    return MemberPick(
        colleagues=colleagues[:PICK_COLLEAGUES],
        more_colleagues=len(colleagues) > PICK_COLLEAGUES,
        text=text,
        matches=matches[:PICK_MATCHES],
        more_matches=len(matches) > PICK_MATCHES,
    )
