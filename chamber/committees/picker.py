"""The one member picker (giving a referral, logging a one-to-one, appointing a lead):
colleagues from my committees first, then a search, in two statements whatever the size of
the chamber; and the choice it leads to, checked."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask import render_template, request
from sqlalchemy.orm import aliased

from chamber.committees.models import Committee, CommitteeMembership
from chamber.db import like_pattern
from chamber.extensions import db
from chamber.forms import member_id
from chamber.members.forms import MemberSearchForm
from chamber.members.models import Member
from chamber.paging import first_of

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


def name_matches(text: str) -> sa.ColumnElement[bool]:
    """Members whose name or business contains `text` (any case, taken literally, bound
    parameters only)."""
    pattern = like_pattern(text)
    return sa.or_(
        Member.full_name.ilike(pattern, escape="\\"),
        Member.business_name.ilike(pattern, escape="\\"),
    )


def pick_matches(member: Member, text: str, limit: int = PICK_MATCHES) -> list[sa.Row]:
    """Active members other than `member` whose name or business contains `text`, at most
    `limit` + 1."""
    return list(db.session.execute(_pickable(member).where(name_matches(text)).limit(limit + 1)))


def find_members(text: str, limit: int = PICK_MATCHES) -> list[sa.Row]:
    """Staff's search (appointing a role, checking people in): active members, the searcher
    included, whose name or business contains `text`, by name, at most `limit` + 1 — one
    statement whatever the size of the chamber."""
    query = (
        sa.select(Member.id, Member.full_name, Member.business_name)
        .where(Member.is_active.is_(True), name_matches(text))
        .order_by(Member.full_name, Member.id)
        .limit(limit + 1)
    )
    return list(db.session.execute(query))


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
    colleagues, more_colleagues = first_of(pick_colleagues(member), PICK_COLLEAGUES)
    matches, more_matches = first_of(pick_matches(member, text) if text else [], PICK_MATCHES)
    return MemberPick(colleagues, more_colleagues, text, matches, more_matches)


def picked_member(viewer: Member, raw_id, *, missing: str, yourself: str):
    """The member a picker link chose (`?to=<id>`): (member, None) when it names another
    active member; (None, why) when it does not; (None, None) when nothing was chosen."""
    chosen = member_id(raw_id)
    if not chosen:
        return None, None
    member = db.session.get(Member, chosen)
    if member is None or not member.is_active:
        return None, missing
    if member.id == viewer.id:
        return None, yourself
    return member, None


def active_member(member_id_value: int | None) -> Member | None:
    """A posted member id (already a number) as an active member, or None."""
    member = db.session.get(Member, member_id_value) if member_id_value else None
    return member if member is not None and member.is_active else None


def render_pick(template: str, viewer: Member, refusal: str | None = None, **context) -> str:
    """The pick step: colleagues first and a search (GET ?q=); each person links to ?to=<id>."""
    search = MemberSearchForm(request.args)
    return render_template(
        template,
        pick=member_pick(viewer, search.text),
        search=search,
        refusal=refusal,
        **context,
    )
