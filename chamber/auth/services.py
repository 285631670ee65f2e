"""Signing in and out, and setting passwords."""

from __future__ import annotations

import sqlalchemy as sa

from chamber.audit.services import record_audit
from chamber.auth import tokens
from chamber.auth.passwords import hash_password, verify_password
from chamber.db import utcnow
from chamber.exceptions import ChamberError
from chamber.extensions import db
from chamber.mail.services import external_url, queue_mail
from chamber.members.models import Member


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def find_member_by_email(email: str) -> Member | None:
    return db.session.scalar(sa.select(Member).where(Member.email == normalise_email(email)))


def authenticate(email: str, password: str) -> Member | None:
    """The active member with these credentials, or None. Both outcomes are audited."""
    member = find_member_by_email(email)
    ok = verify_password(member.password_hash if member else None, password)
    if member is None or not ok or not member.is_active:
        record_audit(
            member,
            "auth.sign_in_failed",
            member,
            summary="unknown e-mail" if member is None else "wrong password or inactive",
        )
        return None
    member.last_sign_in_at = utcnow()
    record_audit(member, "auth.sign_in", member, summary=member.full_name)
    return member


def sign_out(member: Member) -> None:
    """Rotate the session token so every copy of this member's cookies stops working."""
    member.rotate_session_token()
    record_audit(member, "auth.sign_out", member, summary=member.full_name)


def set_password(member: Member, password: str, *, reason: str) -> None:
    """Store a new password; other sessions and outstanding links die with the old token."""
    member.password_hash = hash_password(password)
    member.rotate_session_token()
    record_audit(member, f"auth.{reason}", member)


def change_password(member: Member, current_password: str, new_password: str) -> None:
    if not verify_password(member.password_hash, current_password):
        raise ChamberError("Your current password is not right.", field="current_password")
    set_password(member, new_password, reason="password_changed")


def request_password_reset(email: str) -> None:
    """Mail a reset link if an active account exists; say nothing either way."""
    member = find_member_by_email(email)
    if member is None or not member.is_active:
        return
    from flask import url_for

    token = tokens.make_token(member, tokens.PASSWORD_RESET)
    queue_mail(
        member.email,
        "Reset your Chamber password",
        "password_reset",
        member=member,
        link=external_url(url_for("auth.reset_password", token=token)),
    )
