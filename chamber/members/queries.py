"""Reading people and businesses: directories, business pages, staff lists, the member picker's
search and which business a person represents. Each query says how related rows load.

Queries that need committee rows (a committee filter, people's committees, colleagues) live in
chamber.committees.queries; this layer sits below committees and takes an id subquery instead.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy.orm import contains_eager, selectinload

from chamber.db import like_pattern
from chamber.extensions import db
from chamber.members.models import (
    Affiliation,
    Business,
    BusinessStatus,
    BusinessStatusChange,
    Member,
)
from chamber.paging import paginate


def _matching(text: str | None, *columns) -> sa.ColumnElement[bool] | None:
    """Case-insensitive match of any column (bound parameters only)."""
    if not text:
        return None
    pattern = like_pattern(text)
    return sa.or_(*(column.ilike(pattern, escape="\\") for column in columns))


def _people_with_business() -> sa.Select:
    """People with their business in the same statement (outer join, contains_eager)."""
    return sa.select(Member).outerjoin(Member.business).options(contains_eager(Member.business))


# The member directory ---------------------------------------------------------------------


def directory_page(
    *,
    text: str | None = None,
    category: str | None = None,
    city: str | None = None,
    member_ids: sa.Select | None = None,
    page: int = 1,
    per_page: int = 24,
) -> Pagination:
    """People in the member areas matching a search of their name and job title or their
    business's name, industry and city; `member_ids` (a subquery) narrows further, e.g. to
    one committee. Plain rows (a card's columns, its business outer-joined in): a count and
    one page statement, both in the order of ix_members_directory."""
    filters = [Member.is_active.is_(True)]
    if text:
        # The businesses that match, found once (a few thousand short rows), rather than
        # each person's business looked up and matched: on the large demo the count of a
        # search scans every person, and this halves it.
        businesses = sa.select(Business.id).where(
            _matching(text, Business.name, Business.category, Business.city)
        )
        filters.append(
            sa.or_(
                _matching(text, Member.full_name, Member.job_title),
                Member.business_id.in_(businesses),
            )
        )
    joined = []
    if category:
        joined.append(Business.category == category)
    if city:
        joined.append(Business.city == city)
    if member_ids is not None:
        filters.append(Member.id.in_(member_ids))
    filters += joined
    with_business = Business.id == Member.business_id
    query = (
        sa.select(
            Member.id,
            Member.full_name,
            Member.job_title,
            Member.is_staff,
            Member.photo_digest,
            Business.id.label("business_id"),
            Business.name.label("business_name"),
            Business.category,
            Business.city,
        )
        .outerjoin(Business, with_business)
        .where(*filters)
        .order_by(Member.full_name, Member.id)
    )
    count = sa.select(sa.func.count()).select_from(Member)
    if joined:  # only the industry and city filters read the person's business
        count = count.outerjoin(Business, with_business)
    return paginate(query, count.where(*filters), page=page, per_page=per_page, rows=True)


#: How many businesses the member directory lists above the people matching a search.
BUSINESS_MATCHES = 12


def business_matches(text: str, limit: int = BUSINESS_MATCHES) -> list[sa.Row]:
    """Active businesses whose name, industry or city matches, with how many of their people
    are in the member areas (plain columns, one statement; the people are counted for the
    businesses listed only), at most `limit` + 1."""
    people = (
        sa.select(sa.func.count())
        .where(Member.business_id == Business.id, Member.is_active.is_(True))
        .correlate(Business)
        .scalar_subquery()
    )
    query = (
        sa.select(
            Business.id,
            Business.name,
            Business.category,
            Business.city,
            people.label("people"),
        )
        .where(
            Business.status == BusinessStatus.ACTIVE,
            _matching(text, Business.name, Business.category, Business.city),
        )
        .order_by(Business.name, Business.id)
        .limit(limit + 1)
    )
    return list(db.session.execute(query))


def category_choices(*, listed_only: bool = False) -> list[str]:
    """Industries of active (and, for the public, listed) businesses."""
    query = sa.select(Business.category).where(
        Business.status == BusinessStatus.ACTIVE, Business.category != ""
    )
    if listed_only:
        query = query.where(Business.is_listed.is_(True))
    return list(db.session.scalars(query.distinct().order_by(Business.category)))


def city_choices() -> list[str]:
    """Cities of active businesses."""
    query = sa.select(Business.city).where(
        Business.status == BusinessStatus.ACTIVE, Business.city != ""
    )
    return list(db.session.scalars(query.distinct().order_by(Business.city)))


# Businesses and their people --------------------------------------------------------------


def _listed_people():
    """Loader option: a business's people who chose to be listed and are in the member areas
    (one extra statement for a whole page of businesses)."""
    return selectinload(
        Business.people.and_(Member.is_listed.is_(True), Member.is_active.is_(True))
    )


def public_directory_page(
    *, text: str | None = None, category: str | None = None, page: int = 1, per_page: int = 24
) -> Pagination:
    """Active businesses listed in the public directory, each once, with their listed people
    (selectin: one statement for the page's people)."""
    query = (
        sa.select(Business)
        .options(_listed_people())
        .where(Business.status == BusinessStatus.ACTIVE, Business.is_listed.is_(True))
    )
    match = _matching(text, Business.name, Business.category, Business.city)
    if match is not None:
        query = query.where(match)
    if category:
        query = query.where(Business.category == category)
    query = query.order_by(Business.name, Business.id)
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def public_business(business_id: int) -> Business | None:
    """A business of the public directory with its listed people (selectin), or None when it
    is not listed or not an active member."""
    return db.session.scalar(
        sa.select(Business)
        .options(_listed_people())
        .where(
            Business.id == business_id,
            Business.status == BusinessStatus.ACTIVE,
            Business.is_listed.is_(True),
        )
    )


def business_people(business: Business, *, include_inactive: bool = False) -> list[Member]:
    """The business's people, primary contact first, then by name (one statement)."""
    query = sa.select(Member).where(Member.business_id == business.id)
    if not include_inactive:
        query = query.where(Member.is_active.is_(True))
    query = query.order_by(Member.is_primary_contact.desc(), Member.full_name, Member.id)
    return list(db.session.scalars(query))


def _affiliations_with(side) -> sa.Select:
    """Affiliations with one side of each (`Affiliation.member` or `Affiliation.business`)
    joined in the same statement (contains_eager)."""
    return sa.select(Affiliation).join(side).options(contains_eager(side))


def former_people(business: Business) -> list[Affiliation]:
    """People who represented the business and moved on, with the person joined in."""
    return list(
        db.session.scalars(
            _affiliations_with(Affiliation.member)
            .where(
                Affiliation.business_id == business.id,
                Affiliation.ended_on.is_not(None),
                Member.business_id.is_distinct_from(business.id),
            )
            .order_by(Affiliation.ended_on.desc(), Affiliation.id.desc())
        )
    )


def status_history(business: Business) -> list[BusinessStatusChange]:
    """Every membership status change of the business, newest first, with who made it
    (joined in)."""
    return list(
        db.session.scalars(
            sa.select(BusinessStatusChange)
            .outerjoin(BusinessStatusChange.changed_by)
            .options(contains_eager(BusinessStatusChange.changed_by))
            .where(BusinessStatusChange.business_id == business.id)
            .order_by(BusinessStatusChange.changed_at.desc(), BusinessStatusChange.id.desc())
        )
    )


def affiliation_history(person: Member) -> list[Affiliation]:
    """The businesses a person represented, newest first (business joined in)."""
    return list(
        db.session.scalars(
            _affiliations_with(Affiliation.business)
            .where(Affiliation.member_id == person.id)
            .order_by(Affiliation.started_on.desc(), Affiliation.id.desc())
        )
    )


@dataclass(frozen=True)
class BusinessOf:
    """Which business a person represents (for reports: a referral's value counts for the
    receiving person and for their business)."""

    business_id: int
    name: str
    status: BusinessStatus


def business_of(member_ids) -> dict[int, BusinessOf]:
    """The business each person represents now, for many people in one statement (people
    without a business, such as staff, are absent from the result)."""
    member_ids = list(member_ids)
    if not member_ids:
        return {}
    rows = db.session.execute(
        sa.select(Member.id, Business.id, Business.name, Business.status)
        .join(Business, Business.id == Member.business_id)
        .where(Member.id.in_(member_ids))
    )
    return {
        member_id: BusinessOf(business_id, name, status)
        for member_id, business_id, name, status in rows
    }


def member_business_ids() -> sa.Select:
    """(member_id, business_id) of every person with a business: join it in SQL to count
    per business what is recorded per person, e.g. referral value received."""
    return sa.select(Member.id.label("member_id"), Member.business_id.label("business_id")).where(
        Member.business_id.is_not(None)
    )


# Staff lists ------------------------------------------------------------------------------

#: Whom each staff list shows, by the status its filter asks for (the first by default),
#: with the filter's label.
PERSON_STATUSES = {
    "active": "In the member areas",
    "invited": "Invited, no password yet",
    "out": "Out with their business's membership",
    "deactivated": "Deactivated",
    "all": "Everyone",
}
BUSINESS_STATUSES = {
    "active": "Active members",
    "lapsed": "Lapsed",
    "dropped": "Dropped",
    "all": "All",
}


def staff_member_page(
    *, text: str | None = None, status: str = "active", page: int = 1, per_page: int = 50
) -> Pagination:
    """People for the staff list: in the member areas, invited (no password yet), out with
    their business's lapsed membership, deactivated, or all; business joined in."""
    query = staff_member_query(text=text, status=status)
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def staff_members(*, text: str | None = None, status: str = "active") -> list[Member]:
    """Every person the staff list's filter shows, for its CSV (one statement)."""
    return list(db.session.scalars(staff_member_query(text=text, status=status)))


def staff_member_query(*, text: str | None = None, status: str = "active") -> sa.Select:
    query = _people_with_business()
    if status == "active":
        query = query.where(Member.is_active.is_(True))
    elif status == "invited":
        query = query.where(Member.password_hash.is_(None), Member.is_active.is_(True))
    elif status == "out":
        query = query.where(Member.is_active.is_(False), Member.is_deactivated.is_(False))
    elif status == "deactivated":
        query = query.where(Member.is_deactivated.is_(True))
    match = _matching(text, Member.full_name, Member.email, Member.job_title, Business.name)
    if match is not None:
        query = query.where(match)
    return query.order_by(Member.full_name, Member.id)


def staff_business_page(
    *, text: str | None = None, status: str = "active", page: int = 1, per_page: int = 50
) -> Pagination:
    """Businesses for the staff list, by name (a count and one page statement; their people
    are counted by `people_counts`)."""
    query = sa.select(Business)
    if status in ("active", "lapsed", "dropped"):
        query = query.where(Business.status == BusinessStatus(status))
    match = _matching(text, Business.name, Business.category, Business.city, Business.website)
    if match is not None:
        query = query.where(match)
    query = query.order_by(Business.name, Business.id)
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def people_counts(business_ids) -> dict[int, int]:
    """How many people each business has, counted in SQL in one grouped statement."""
    business_ids = list(business_ids)
    if not business_ids:
        return {}
    rows = db.session.execute(
        sa.select(Member.business_id, sa.func.count())
        .where(Member.business_id.in_(business_ids))
        .group_by(Member.business_id)
    )
    return dict(rows.all())


def business_search(text: str, *, exclude_id: int | None = None, limit: int = 25) -> list[sa.Row]:
    """Businesses (any status) whose name or website matches, for picking one: plain
    columns, one statement, at most `limit` + 1."""
    query = (
        sa.select(Business.id, Business.name, Business.city, Business.website, Business.status)
        .where(_matching(text, Business.name, Business.website))
        .order_by(Business.name, Business.id)
        .limit(limit + 1)
    )
    if exclude_id is not None:
        query = query.where(Business.id != exclude_id)
    return list(db.session.execute(query))
