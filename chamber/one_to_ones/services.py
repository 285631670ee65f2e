"""Logging a one-to-one with another member, and their confirmation (only then it counts)."""

from __future__ import annotations

import sqlalchemy as sa

from chamber import activity
from chamber.db import utcnow
from chamber.exceptions import ChamberError, Conflict, NotAllowed
from chamber.extensions import db
from chamber.localtime import check_work_day
from chamber.members.models import Member
from chamber.notifications.services import notify, path_for, register_kind
from chamber.once import delete_once, update_once
from chamber.one_to_ones.models import OneToOne, OneToOneStatus

register_kind("one_to_one", "A member logged a one-to-one with me to confirm")
register_kind("one_to_one_answered", "A member confirmed or declined our one-to-one")


def log_one_to_one(member: Member, data: dict) -> OneToOne:
    """Record that two members met; the other one is asked to confirm."""
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
    )
    db.session.add(one_to_one)
    db.session.flush()
    notify(
        partner,
        "one_to_one",
        f"{member.full_name} logged a one-to-one with you on {one_to_one.met_on:%d %b %Y}. "
        "Please confirm it.",
        path_for("one_to_ones.index"),
        subject=f"Confirm your one-to-one with {member.full_name}",
    )
    return one_to_one


def respond_to_one_to_one(member: Member, one_to_one: OneToOne, confirm: bool) -> None:
    """The other person confirms or declines, once."""
    if one_to_one.partner_id != member.id:
        raise NotAllowed("Only the member who was met confirms a one-to-one.")
    update_once(
        one_to_one,
        OneToOneStatus.PENDING,
        "This one-to-one was already answered.",
        status=OneToOneStatus.CONFIRMED if confirm else OneToOneStatus.DECLINED,
        responded_at=utcnow(),
    )
    verdict = "confirmed" if confirm else "declined"
    notify(
        one_to_one.logged_by,
        "one_to_one_answered",
        f"{member.full_name} {verdict} your one-to-one of {one_to_one.met_on:%d %b %Y}.",
        path_for("one_to_ones.index"),
        subject=f"One-to-one {verdict}",
    )
    if confirm:
        activity.one_to_one_confirmed.send(member, one_to_one=one_to_one)


def withdraw_one_to_one(member: Member, one_to_one: OneToOne) -> None:
    """The member who logged it takes it back while it waits."""
    if one_to_one.logged_by_id != member.id:
        raise NotAllowed("Only the member who logged this one-to-one may withdraw it.")
    delete_once(one_to_one, OneToOneStatus.PENDING, "This one-to-one was already answered.")
