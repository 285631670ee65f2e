"""Introductions: ask the first person on a connection chain to introduce me; they accept
(both ends get each other's contact, both are notified) or decline. Audited, rate-limited."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app

from chamber.audit.services import record_audit
from chamber.db import utcnow
from chamber.exceptions import ChamberError, Conflict, NotAllowed
from chamber.extensions import db
from chamber.members.models import Member
from chamber.notifications.services import notify, path_for, register_kind
from chamber.once import submit_once, update_once
from chamber.relationships import chain, queries
from chamber.relationships.engine import today
from chamber.relationships.models import Introduction, IntroductionStatus

register_kind("introduction_asked", "A member asks me to introduce them to someone I know")
register_kind("introduction_answered", "An introduction I asked for, or one made for me")


def ask_for_introduction(actor: Member, target: Member | None, message: str, token: str):
    """Ask the first person on the chain from me to `target` for an introduction (once per
    rendered form). The chain is found again here: the form names only the target."""

    def create() -> Introduction:
        if not actor.is_active:
            raise NotAllowed("Your membership is not active.")
        if target is None or not target.is_active or target.id == actor.id:
            raise ChamberError("Choose an active member to be introduced to.", field="target_id")
        limit = current_app.config["RELATIONSHIP_INTRODUCTIONS_PER_DAY"]
        if queries.introductions_since(actor, utcnow() - timedelta(days=1)) >= limit:
            raise Conflict(
                f"You can ask for {limit} introductions a day; please try again tomorrow."
            )
        if queries.pending_introduction(actor, target) is not None:
            raise Conflict(f"You already asked for an introduction to {target.full_name}.")
        found = chain.connection(actor, target, today())
        if found.introducer is None:
            raise Conflict(
                f"No one stands between you and {target.full_name} on a chain of working "
                "ties; there is no one to ask."
            )
        introduction = Introduction(
            requester_id=actor.id,
            introducer_id=found.introducer.id,
            target_id=target.id,
            message=message or "",
        )
        db.session.add(introduction)
        db.session.flush()
        record_audit(
            actor,
            "introduction.asked",
            introduction,
            summary=f"{actor.full_name} asks {found.introducer.full_name} "
            f"for an introduction to {target.full_name}",
        )
        notify(
            found.introducer,
            "introduction_asked",
            f"{actor.full_name} asks you for an introduction to {target.full_name}.",
            path_for("relationships.introductions"),
            subject=f"{actor.full_name} asks for an introduction",
        )
        return introduction

    return submit_once(actor, token, create, lambda _i: path_for("relationships.introductions"))


def decide_introduction(actor: Member, introduction: Introduction, accept: bool) -> None:
    """The introducer accepts (contacts are shared from now on) or declines, once."""
    if introduction.introducer_id != actor.id:
        raise NotAllowed("Only the member who was asked decides on this introduction.")
    status = IntroductionStatus.ACCEPTED if accept else IntroductionStatus.DECLINED
    update_once(
        introduction,
        IntroductionStatus.PENDING,
        "This introduction was already answered.",
        status=status,
        decided_at=utcnow(),
    )
    requester, target = introduction.requester, introduction.target
    record_audit(
        actor,
        f"introduction.{status.value}",
        introduction,
        summary=f"{actor.full_name} {status.value} introducing {requester.full_name} "
        f"to {target.full_name}",
        before={"status": "pending"},
        after={"status": status.value},
    )
    link = path_for("relationships.introductions")
    if accept:
        notify(
            requester,
            "introduction_answered",
            f"{actor.full_name} introduced you to {target.full_name}; "
            "their contact details are on your introductions page.",
            link,
            subject=f"You are introduced to {target.full_name}",
        )
        notify(
            target,
            "introduction_answered",
            f"{actor.full_name} introduced {requester.full_name} to you; "
            "their contact details are on your introductions page.",
            link,
            subject=f"{actor.full_name} introduces {requester.full_name}",
        )
    else:
        notify(
            requester,
            "introduction_answered",
            f"{actor.full_name} could not introduce you to {target.full_name} this time.",
            link,
            subject="Your introduction request",
        )
