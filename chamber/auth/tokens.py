"""Signed, expiring, single-use links for invitations and password resets (itsdangerous).

An invitation link dies when a password is set (its fingerprint covers the password hash and
the session token). A reset link is one `PasswordResetLink` row: it dies when used, when it
expires, when the password changes (its fingerprint covers the hash) or when a newer link is
sent, but not when the member merely signs out.
"""

from __future__ import annotations

import hashlib

import sqlalchemy as sa
from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from chamber.auth.models import PasswordResetLink
from chamber.extensions import db
from chamber.members.models import Member

INVITATION = "invitation"
PASSWORD_RESET = "password-reset"  # noqa: S105 - the purpose of a link, not a password


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"chamber-{purpose}")


def _digest(material: str) -> str:
    return hashlib.sha256(material.encode()).hexdigest()[:16]


def _fingerprint(member: Member) -> str:
    # Changes whenever the password does, which makes every link single-use.
    return _digest(f"{member.password_hash or ''}|{member.session_token}")


def _password_fingerprint(member: Member) -> str:
    # Changes with the password only: signing out (a new session token) leaves it.
    return _digest(member.password_hash or "")


def make_token(member: Member, purpose: str) -> str:
    """An invitation link's token."""
    return _serializer(purpose).dumps({"m": member.id, "f": _fingerprint(member)})


def _max_age(purpose: str) -> int:
    config = current_app.config
    if purpose == INVITATION:
        return config["INVITATION_MAX_AGE_DAYS"] * 86400
    return config["PASSWORD_RESET_MAX_AGE_MINUTES"] * 60


def _load(token: str, purpose: str) -> dict | None:
    try:
        data = _serializer(purpose).loads(token, max_age=_max_age(purpose))
    except (BadSignature, SignatureExpired):
        return None
    return data if isinstance(data, dict) and isinstance(data.get("m"), int) else None


def load_token(token: str, purpose: str) -> Member | None:
    """The member an invitation link is for, or None if it is forged, expired or used."""
    data = _load(token, purpose)
    member = db.session.get(Member, data["m"]) if data else None
    if member is None or not member.is_active or data.get("f") != _fingerprint(member):
        return None
    return member


def make_reset_token(member: Member, link: PasswordResetLink) -> str:
    """The token of a reset link just recorded (flushed, so it has an id)."""
    return _serializer(PASSWORD_RESET).dumps(
        {"m": member.id, "l": link.id, "f": _password_fingerprint(member)}
    )


def load_reset_token(token: str) -> tuple[Member, PasswordResetLink] | None:
    """The member and link a reset token stands for, or None if it is forged, expired, used,
    replaced by a newer link, or the password changed since it was sent."""
    data = _load(token, PASSWORD_RESET)
    if data is None or not isinstance(data.get("l"), int):
        return None
    link = db.session.get(PasswordResetLink, data["l"])
    if link is None or link.member_id != data["m"] or link.used_at is not None:
        return None
    newer = db.session.scalar(
        sa.select(sa.func.count()).where(
            PasswordResetLink.member_id == link.member_id, PasswordResetLink.id > link.id
        )
    )
    member = db.session.get(Member, link.member_id)
    if newer or member is None or not member.is_active:
        return None
    if data.get("f") != _password_fingerprint(member):
        return None
    return member, link
