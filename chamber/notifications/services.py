"""Telling a member something: an in-app notification, and an e-mail unless they muted it."""

from __future__ import annotations

from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from chamber.db import utcnow
from chamber.extensions import db
from chamber.mail.services import AUTO_SUBMITTED, external_url, queue_mail
from chamber.notifications.models import EmailPreference, Notification

if TYPE_CHECKING:
    from chamber.members.models import Member

# kind -> what a member sees on the settings page next to the e-mail switch
NOTIFICATION_KINDS: dict[str, str] = {
    "join_request": "A member asks to join a committee I lead",
    "join_decided": "My request to join a committee was decided",
    "role_changed": "My role in a committee changed",
}


def register_kind(kind: str, label: str) -> None:
    """Features add their kinds here at import time, so settings list them all."""
    NOTIFICATION_KINDS[kind] = label


def path_for(endpoint: str, **values) -> str:
    """The path of a page, for a notification's link: resolved by the URL map (never typed
    by hand), and the same inside a request or in a CLI job where no request exists."""
    return current_app.url_map.bind("localhost").build(endpoint, values)


def wants_email(member: Member, kind: str) -> bool:
    muted = db.session.scalar(
        sa.select(EmailPreference.is_muted).where(
            EmailPreference.member_id == member.id, EmailPreference.kind == kind
        )
    )
    return not muted


def _unsubscribe_signer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="chamber-unsubscribe")


def unsubscribe_token(member: Member, kind: str) -> str:
    """Names one member and one kind of e-mail, signed: the link in List-Unsubscribe."""
    return _unsubscribe_signer().dumps([member.id, kind])


def read_unsubscribe_token(token: str) -> tuple[int, str] | None:
    """(member id, kind) of a genuine token for a known kind, else None."""
    try:
        member_id, kind = _unsubscribe_signer().loads(token)
    except (BadSignature, TypeError, ValueError):
        return None
    if not isinstance(member_id, int) or kind not in NOTIFICATION_KINDS:
        return None
    return member_id, kind


def notification_headers(member: Member, kind: str) -> dict[str, str]:
    """Auto-Submitted (RFC 3834), and List-Unsubscribe with one-click (RFC 8058) for a kind
    the member can turn off."""
    url = external_url(path_for("members.unsubscribe", token=unsubscribe_token(member, kind)))
    return AUTO_SUBMITTED | {
        "List-Unsubscribe": f"<{url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def unsubscribe(member: Member, kind: str) -> None:
    """No more e-mail of this kind for the member (the in-app notification stays)."""
    preference = db.session.scalar(
        sa.select(EmailPreference).where(
            EmailPreference.member_id == member.id, EmailPreference.kind == kind
        )
    )
    if preference is None:
        db.session.add(EmailPreference(member_id=member.id, kind=kind, is_muted=True))
    else:
        preference.is_muted = True
    db.session.flush()


def notify(
    member: Member,
    kind: str,
    message: str,
    link: str = "",
    *,
    subject: str | None = None,
    template: str = "notification",
    **context,
) -> Notification:
    """Add an in-app notification and queue its e-mail (same transaction as the cause)."""
    notification = Notification(member_id=member.id, kind=kind, message=message[:300], link=link)
    db.session.add(notification)
    if member.is_active and wants_email(member, kind):
        queue_mail(
            member.email,
            subject or message,
            template,
            member=member,
            message=message,
            link=external_url(link) if link else "",
            headers=notification_headers(member, kind),
            kind_label=NOTIFICATION_KINDS.get(kind, ""),
            **context,
        )
    return notification


def set_email_preferences(member: Member, muted_kinds: set[str]) -> None:
    """Store which kinds of notification the member wants no e-mail for."""
    existing = {
        pref.kind: pref
        for pref in db.session.scalars(
            sa.select(EmailPreference).where(EmailPreference.member_id == member.id)
        )
    }
    for kind in NOTIFICATION_KINDS:
        muted = kind in muted_kinds
        if kind in existing:
            existing[kind].is_muted = muted
        elif muted:
            db.session.add(EmailPreference(member_id=member.id, kind=kind, is_muted=True))


def mark_all_read(member: Member) -> int:
    """Mark every unread notification of the member as read."""
    result = db.session.execute(
        sa.update(Notification)
        .where(Notification.member_id == member.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
    return result.rowcount
