"""Signed, expiring, single-use links for invitations and password resets (itsdangerous)."""

from __future__ import annotations

import hashlib

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from chamber.extensions import db
from chamber.members.models import Member

INVITATION = "invitation"
PASSWORD_RESET = "password-reset"  # noqa: S105 - the purpose of a link, not a password


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"chamber-{purpose}")


def _fingerprint(member: Member) -> str:
    # Changes whenever the password does, which makes every link single-use.
    material = f"{member.password_hash or ''}|{member.session_token}"
    return hashlib.sha256(material.encode()).hexdigest()[:16]


def make_token(member: Member, purpose: str) -> str:
    return _serializer(purpose).dumps({"m": member.id, "f": _fingerprint(member)})


def _max_age(purpose: str) -> int:
    config = current_app.config
    if purpose == INVITATION:
        return config["INVITATION_MAX_AGE_DAYS"] * 86400
    return config["PASSWORD_RESET_MAX_AGE_MINUTES"] * 60


def load_token(token: str, purpose: str) -> Member | None:
    """The member the link is for, or None if it is forged, expired or already used."""
    try:
        data = _serializer(purpose).loads(token, max_age=_max_age(purpose))
    except (BadSignature, SignatureExpired):
        return None
    if not isinstance(data, dict):
        return None
    member = db.session.get(Member, data.get("m")) if isinstance(data.get("m"), int) else None
    if member is None or not member.is_active or data.get("f") != _fingerprint(member):
        return None
    return member
