"""Changing what reports keep: the engagement thresholds (staff, audited)."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError

from chamber.audit.services import record_audit
from chamber.exceptions import NotAllowed, StaleEdit
from chamber.extensions import db
from chamber.members.models import Member
from chamber.reports.models import DEFAULT_GREEN_FROM, DEFAULT_YELLOW_FROM, EngagementThresholds

#: The chamber's one row of thresholds.
THRESHOLDS_ID = 1


def set_engagement_thresholds(
    actor: Member, green_from: int, yellow_from: int, *, version_id
) -> EngagementThresholds:
    """Staff set the scores from which the engagement light is green and yellow.

    `version_id` is the version the form was opened on ("" before the first save): a save
    over someone else's newer one is refused (StaleEdit), never silently lost."""
    if not (actor.is_active and actor.is_staff):
        raise NotAllowed("Only the chamber's staff change the thresholds.")
    thresholds = db.session.get(EngagementThresholds, THRESHOLDS_ID)
    if thresholds is None:
        if str(version_id or "") != "":
            raise StaleEdit()
        before = {"green_from": DEFAULT_GREEN_FROM, "yellow_from": DEFAULT_YELLOW_FROM}
        thresholds = EngagementThresholds(id=THRESHOLDS_ID)
        db.session.add(thresholds)
    else:
        if str(thresholds.version_id) != str(version_id or ""):
            raise StaleEdit()
        before = {"green_from": thresholds.green_from, "yellow_from": thresholds.yellow_from}
    thresholds.green_from, thresholds.yellow_from = green_from, yellow_from
    thresholds.updated_by_id = actor.id
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError as exc:  # another first save won the race for the one row
        raise StaleEdit() from exc
    record_audit(
        actor,
        "reports.thresholds_changed",
        thresholds,
        summary=f"Engagement thresholds: green from {green_from}, yellow from {yellow_from}",
        before=before,
        after={"green_from": green_from, "yellow_from": yellow_from},
    )
    db.session.flush()
    return thresholds
