"""Logging a one-to-one with another member, and their confirmation (only then it counts)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from chamber import activity
from chamber.contributions.services import check_work_day
from chamber.db import utcnow
from chamber.exceptions import ChamberError, Conflict, NotAllowed
from chamber.extensions import db
from chamber.members.models import Member
from chamber.notifications.services import notify, register_kind
from chamber.one_to_ones.models import OneToOne, OneToOneStatus

register_kind("one_to_one", "A member logged a one-to-one with me to confirm")
register_kind("one_to_one_answered", "A member confirmed or declined our one-to-one")


class AlreadyLogged(Conflict):
    """The log form was posted before: the one-to-one it created is `one_to_one_id`."""

    def __init__(self, one_to_one_id: int):
        super().__init__("This one-to-one was already logged.")
        self.one_to_one_id = one_to_one_id


def _by_form_token(form_token: str) -> OneToOne | None:
    return db.session.scalar(sa.select(OneToOne).where(OneToOne.form_token == form_token))


def _check_not_logged(member: Member, form_token: str) -> None:
    """Raise AlreadyLogged if this form was saved before (by this member)."""
    existing = _by_form_token(form_token)
    if existing is None:
        return
    if existing.logged_by_id != member.id:
        raise Conflict("This form has expired. Please reload the page.")
    raise AlreadyLogged(existing.id)


def log_one_to_one(member: Member, data: dict, form_token: str) -> OneToOne:
    """Record that two members met; the other one is asked to confirm. Once per rendered
    form: raises AlreadyLogged when this form was posted before (double click, refresh)."""
    _check_not_logged(member, form_token)
    partner = db.session.get(Member, data["partner_id"]) if data.get("partner_id") else None
    if partner is None or not partner.is_active:
        raise ChamberError("Choose the member you met.", field="partner_id")
    if partner.id == member.id:
        raise ChamberError(
            "A one-to-one takes two people; choose someone else.", field="partner_id"
        )
    check_work_day(member, data["met_on"], "met_on")
    duplicate = db.session.scalar(
        sa.select(OneToOne.id).where(
            OneToOne.met_on == data["met_on"],
            OneToOne.status != OneToOneStatus.DECLINED,
            sa.or_(
                sa.and_(OneToOne.logged_by_id == member.id, OneToOne.partner_id == partner.id),
                sa.and_(OneToOne.logged_by_id == partner.id, OneToOne.partner_id == member.id),
            ),
        )
    )
    if duplicate is not None:
        # The same form posted twice at once: the first post's row is the "duplicate".
        _check_not_logged(member, form_token)
        raise Conflict(
            f"A one-to-one with {partner.full_name} on this day is already logged.",
            field="met_on",
        )
    one_to_one = OneToOne(
        logged_by_id=member.id,
        partner_id=partner.id,
        met_on=data["met_on"],
        mode=data["mode"],
        note=data.get("note") or "",
        form_token=form_token,
    )
    try:
        # A savepoint: if a concurrent post of the same form won the race, the unique
        # form_token refuses this row and only the savepoint is undone.
        with db.session.begin_nested():
            db.session.add(one_to_one)
            db.session.flush()
    except IntegrityError:
        if _by_form_token(form_token) is None:
            raise
        _check_not_logged(member, form_token)
    notify(
        partner,
        "one_to_one",
        f"{member.full_name} logged a one-to-one with you on {one_to_one.met_on:%d %b %Y}. "
        "Please confirm it.",
        "/one-to-ones",
        subject=f"Confirm your one-to-one with {member.full_name}",
    )
    return one_to_one


def respond_to_one_to_one(member: Member, one_to_one: OneToOne, confirm: bool) -> None:
    """The other person confirms or declines, once."""
    if one_to_one.partner_id != member.id:
        raise NotAllowed("Only the member who was met confirms a one-to-one.")
    status = OneToOneStatus.CONFIRMED if confirm else OneToOneStatus.DECLINED
    result = db.session.execute(
        sa.update(OneToOne)
        .where(OneToOne.id == one_to_one.id, OneToOne.status == OneToOneStatus.PENDING)
        .values(status=status, responded_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise Conflict("This one-to-one was already answered.")
    db.session.refresh(one_to_one)
    verdict = "confirmed" if confirm else "declined"
    notify(
        one_to_one.logged_by,
        "one_to_one_answered",
        f"{member.full_name} {verdict} your one-to-one of {one_to_one.met_on:%d %b %Y}.",
        "/one-to-ones",
        subject=f"One-to-one {verdict}",
    )
    if confirm:
        activity.one_to_one_confirmed.send(member, one_to_one=one_to_one)


def withdraw_one_to_one(member: Member, one_to_one: OneToOne) -> None:
    """The member who logged it takes it back while it waits."""
    if one_to_one.logged_by_id != member.id:
        raise NotAllowed("Only the member who logged this one-to-one may withdraw it.")
    result = db.session.execute(
        sa.delete(OneToOne)
        .where(OneToOne.id == one_to_one.id, OneToOne.status == OneToOneStatus.PENDING)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise Conflict("This one-to-one was already answered.")
    db.session.expunge(one_to_one)
