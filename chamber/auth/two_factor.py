"""Two-factor sign-in (SECURITY row 28): a code from an authenticator app (TOTP, pyotp), or
one of ten single-use recovery codes kept only as hashes.

Required for staff when STAFF_TWO_FACTOR is "required" (the production default: a staff
member who has not set it up is sent to set it up before anything else), offered to members.
A code is good once: the time step it was accepted for is recorded, and a recovery code is
marked used, each by a conditional UPDATE, so of two racing uses one wins.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass

import pyotp
import segno
import sqlalchemy as sa
from flask import current_app

from chamber.audit.services import record_audit
from chamber.auth.models import RecoveryCode, TwoFactor
from chamber.db import utcnow
from chamber.exceptions import ChamberError
from chamber.extensions import db
from chamber.members.models import Member
from chamber.once import change_once

RECOVERY_CODES = 10
STEP_SECONDS = 30


def settings_of(member: Member) -> TwoFactor | None:
    """The member's two-factor settings, or None when they have not set it up."""
    return db.session.get(TwoFactor, member.id)


def required_for(member: Member) -> bool:
    return member.is_staff and current_app.config["STAFF_TWO_FACTOR"] == "required"


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(member: Member, secret: str) -> str:
    """The otpauth:// address an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(
        name=member.email, issuer_name=current_app.config["CHAMBER_NAME"]
    )


def qr_code(uri: str) -> str:
    """The QR code as an SVG data URI for an <img> (the site's CSP allows data: images and
    no inline script or style)."""
    return segno.make(uri, error="m").svg_data_uri(scale=5, border=2)


def _normalised(code: str) -> str:
    return "".join(ch for ch in (code or "").lower() if ch.isalnum())


def _hash(code: str) -> str:
    # Recovery codes carry 80 random bits: a plain SHA-256 cannot be reversed by guessing.
    return hashlib.sha256(_normalised(code).encode()).hexdigest()


@dataclass(frozen=True)
class Proof:
    """A second factor that checked out, not yet used up: a TOTP step or a recovery code."""

    step: int | None = None
    recovery_code_id: int | None = None


def totp_step(secret: str, code: str, after_step: int = 0) -> int | None:
    """The time step (this one or one either side, for clock drift) whose code `code` is,
    if later than `after_step`; else None."""
    code = _normalised(code)
    if len(code) != 6 or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    now = time.time()
    for offset in (-1, 0, 1):
        moment = int(now) + offset * STEP_SECONDS
        step = moment // STEP_SECONDS  # pyotp's time step (its default interval)
        if step > after_step and hmac.compare_digest(totp.at(moment), code):
            return step
    return None


def check(settings: TwoFactor, code: str) -> Proof | None:
    """What `code` proves for these settings: an authenticator code not used before, or an
    unused recovery code; None when it proves nothing."""
    step = totp_step(settings.secret, code, settings.last_step)
    if step is not None:
        return Proof(step=step)
    recovery_id = db.session.scalar(
        sa.select(RecoveryCode.id).where(
            RecoveryCode.member_id == settings.member_id,
            RecoveryCode.code_hash == _hash(code),
            RecoveryCode.used_at.is_(None),
        )
    )
    return Proof(recovery_code_id=recovery_id) if recovery_id else None


def use(member: Member, proof: Proof) -> None:
    """Use up the proof (once: a racing second use of the same code is refused)."""
    used = "That code was used already. Wait for the next one."
    if proof.step is not None:
        change_once(
            sa.update(TwoFactor)
            .where(TwoFactor.member_id == member.id, TwoFactor.last_step < proof.step)
            .values(last_step=proof.step),
            used,
        )
    else:
        change_once(
            sa.update(RecoveryCode)
            .where(RecoveryCode.id == proof.recovery_code_id, RecoveryCode.used_at.is_(None))
            .values(used_at=utcnow()),
            used,
        )
        record_audit(member, "auth.recovery_code_used", member)


def _new_recovery_codes(member: Member) -> list[str]:
    db.session.execute(sa.delete(RecoveryCode).where(RecoveryCode.member_id == member.id))
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = secrets.token_hex(10)  # 80 bits
        codes.append("-".join(raw[i : i + 5] for i in range(0, 20, 5)))
        db.session.add(RecoveryCode(member_id=member.id, code_hash=_hash(raw)))
    return codes


def enable(member: Member, secret: str, code: str) -> list[str]:
    """Turn two-factor sign-in on with the secret the member's app was given, once they
    typed a code it made; returns the recovery codes (shown once)."""
    step = totp_step(secret, code)
    if step is None:
        raise ChamberError(
            "That code does not match. Check the time on your phone and try the next code.",
            field="code",
        )
    settings = settings_of(member)
    if settings is None:
        db.session.add(TwoFactor(member_id=member.id, secret=secret, last_step=step))
    else:
        settings.secret, settings.last_step, settings.enabled_at = secret, step, utcnow()
    codes = _new_recovery_codes(member)
    record_audit(member, "auth.two_factor_enabled", member)
    return codes


def renew_recovery_codes(member: Member) -> list[str]:
    if settings_of(member) is None:
        raise ChamberError("Two-factor sign-in is not on.")
    codes = _new_recovery_codes(member)
    record_audit(member, "auth.recovery_codes_renewed", member)
    return codes


def disable(member: Member) -> None:
    if required_for(member):
        raise ChamberError("Staff accounts must keep two-factor sign-in.")
    settings = settings_of(member)
    if settings is None:
        raise ChamberError("Two-factor sign-in is not on.")
    db.session.delete(settings)
    db.session.execute(sa.delete(RecoveryCode).where(RecoveryCode.member_id == member.id))
    record_audit(member, "auth.two_factor_disabled", member)


def recovery_codes_left(member: Member) -> int:
    return db.session.scalar(
        sa.select(sa.func.count()).where(
            RecoveryCode.member_id == member.id, RecoveryCode.used_at.is_(None)
        )
    )
