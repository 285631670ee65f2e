"""Signing in and out, and setting passwords.

Checking a password and hashing a new one are slow on purpose (scrypt), so they never run
inside a write transaction: views load with `chamber.db.before_writing`, call
`password_matches` / `hash_password` with no transaction open, and only then call the short
writes here (`record_sign_in`, `set_password`, ...).
"""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask import current_app, url_for

from chamber.audit.services import record_audit
from chamber.auth import tokens
from chamber.auth.models import PasswordResetLink
from chamber.auth.passwords import verify_password
from chamber.db import utcnow
from chamber.extensions import db
from chamber.mail.services import external_url, queue_mail
from chamber.members.models import Member
from chamber.members.services import normalise_email
from chamber.once import change_once


def find_member_by_email(email: str) -> Member | None:
    return db.session.scalar(sa.select(Member).where(Member.email == normalise_email(email)))


def password_matches(member: Member | None, password: str) -> bool:
    """Whether `member` is active and `password` is theirs. Slow (scrypt) whatever the
    answer, so timing does not tell an unknown e-mail from a wrong password; call it with no
    write transaction open."""
    matches = verify_password(member.password_hash if member else None, password)
    return matches and member is not None and member.is_active


def record_sign_in(member: Member) -> Member:
    """The short write of a successful sign-in: when, and its audit row."""
    member.last_sign_in_at = utcnow()
    record_audit(member, "auth.sign_in", member, summary=member.full_name)
    return member


def record_failed_sign_in(member: Member | None) -> None:
    """Audit a refused sign-in (the typed password is never recorded)."""
    record_audit(
        member,
        "auth.sign_in_failed",
        member,
        summary="unknown e-mail" if member is None else "wrong password or inactive",
    )


def sign_out(member: Member) -> None:
    """Rotate the session token so every copy of this member's cookies stops working."""
    member.rotate_session_token()
    record_audit(member, "auth.sign_out", member, summary=member.full_name)


def set_password(member: Member, password_hash: str, *, reason: str) -> None:
    """Store a new password, hashed beforehand with `hash_password` (outside the write
    transaction); other sessions and outstanding links die with the old token."""
    member.password_hash = password_hash
    member.rotate_session_token()
    record_audit(member, f"auth.{reason}", member)


def request_password_reset(email: str) -> None:
    """Mail a reset link if an active account exists and has not had its hourly share of
    them (PASSWORD_RESET_EMAILS_PER_HOUR); say nothing either way. The new link replaces
    any earlier one."""
    member = db.session.scalar(
        # Locked, so concurrent requests for one account count one after the other.
        sa.select(Member).where(Member.email == normalise_email(email)).with_for_update()
    )
    if member is None or not member.is_active:
        return
    sent_lately = db.session.scalar(
        sa.select(sa.func.count()).where(
            PasswordResetLink.member_id == member.id,
            PasswordResetLink.created_at > utcnow() - timedelta(hours=1),
        )
    )
    if sent_lately >= current_app.config["PASSWORD_RESET_EMAILS_PER_HOUR"]:
        record_audit(None, "auth.password_reset_limited", member, summary="hourly limit")
        return
    link = PasswordResetLink(member_id=member.id)
    db.session.add(link)
    db.session.flush()
    queue_mail(
        member.email,
        "Reset your Chamber password",
        "password_reset",
        member=member,
        link=external_url(
            url_for("auth.reset_password", token=tokens.make_reset_token(member, link))
        ),
    )
    record_audit(None, "auth.password_reset_requested", member)


def reset_password(member: Member, link: PasswordResetLink, password_hash: str) -> None:
    """Use a reset link (once: of two racing posts, one wins) to set a new password."""
    change_once(
        sa.update(PasswordResetLink)
        .where(PasswordResetLink.id == link.id, PasswordResetLink.used_at.is_(None))
        .values(used_at=utcnow()),
        "This link was used already. Request a new one if you need it.",
    )
    set_password(member, password_hash, reason="password_reset")
