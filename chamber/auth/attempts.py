"""How often sign-in may be tried: slow the attacker, never lock the owner out.

Four counters, kept by Flask-Limiter (memory in one process, Redis across several):
- every sign-in POST per client address (`LOGIN_RATE_LIMIT`, 10 a minute);
- failed sign-ins per client address (`LOGIN_ADDRESS_FAILURE_LIMIT`), against one address
  trying many accounts;
- failed sign-ins per account from browsers it has never signed in from
  (`LOGIN_ACCOUNT_FAILURE_LIMIT`), against many addresses trying one account;
- failed sign-ins per *device*: a browser that signed in to an account before carries a
  signed device cookie (OWASP, "Slow down online guessing attacks with device cookies") and
  is counted on its own, so attackers who exhaust the account's counter do not lock its
  owner out. A stolen device cookie buys an attacker no more than one device's attempts.
Each failure counter is a ladder of windows ("5 per minute;10 per 10 minutes;20 per hour"):
the more failures, the longer the wait, and every window runs out (no permanent lock-out).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable

from flask import current_app, request, session
from flask_login import current_user
from itsdangerous import BadSignature, URLSafeTimedSerializer
from werkzeug.wrappers import Response

from chamber.extensions import limiter
from chamber.members.services import normalise_email

DEVICE_COOKIE = "chamber_device"


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="chamber-device")


def _account_digest(email: str) -> str:
    """Names the account in the device cookie without putting the e-mail address in it."""
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, normalise_email(email).encode(), hashlib.sha256).hexdigest()[:32]


def _posted_email() -> str:
    # A rate-limit key is worked out before the view, from the raw post (the form class has
    # not run yet); it only picks a counter and is never stored.
    return normalise_email(request.form.get("email", ""))[:254]


def trusted_device(email: str) -> str | None:
    """The id of this browser's device cookie if it signed in to `email`'s account before
    (signed by us, for that account, not older than LOGIN_DEVICE_DAYS), else None."""
    value = request.cookies.get(DEVICE_COOKIE)
    if not value:
        return None
    try:
        account, device = _serializer().loads(
            value, max_age=current_app.config["LOGIN_DEVICE_DAYS"] * 86400
        )
    except (BadSignature, ValueError, TypeError):
        return None
    if not isinstance(device, str) or not hmac.compare_digest(str(account), _account_digest(email)):
        return None
    return device


def remember_device(response: Response, email: str) -> Response:
    """After a successful sign-in: mark this browser as one the account's owner uses
    (a fresh device id each time, so a cookie copied earlier is not the one renewed)."""
    config = current_app.config
    response.set_cookie(
        DEVICE_COOKIE,
        _serializer().dumps([_account_digest(email), secrets.token_urlsafe(16)]),
        max_age=config["LOGIN_DEVICE_DAYS"] * 86400,
        secure=config["SESSION_COOKIE_SECURE"],
        httponly=True,
        samesite="Lax",
    )
    return response


def is_failure(response: Response) -> bool:
    """A sign-in POST that did not sign anyone in (a success redirects)."""
    return response.status_code != 302


def address_rate() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def address_failure_rate() -> str:
    return current_app.config["LOGIN_ADDRESS_FAILURE_LIMIT"]


def account_failure_rate() -> str:
    return current_app.config["LOGIN_ACCOUNT_FAILURE_LIMIT"]


def address_failure_key() -> str:
    return "login-address:" + (request.remote_addr or "")


def account_failure_key() -> str:
    """The account's counter for unknown browsers, or the device's own for a browser that
    signed in to this account before."""
    email = _posted_email()
    device = trusted_device(email)
    return f"login-device:{device}" if device else f"login-account:{email}"


def two_factor_key() -> str:
    """Codes typed at the second step of signing in, counted per account."""
    pending = session.get("two_factor")
    member_id = pending.get("m") if isinstance(pending, dict) else None
    return f"login-two-factor:{member_id}"


def reauthentication_key() -> str:
    return f"reauthenticate:{current_user.get_id()}"


def limited(*failure_counters: tuple[Callable[[], str], Callable[[], str]]):
    """Decorates a view that checks a secret: every POST is counted per client address
    (`address_rate`) and each failed one (`is_failure`) against every `(rate, key)` counter
    given, in that order."""

    def decorate(view):
        for rate, key in reversed(failure_counters):
            view = limiter.limit(rate, methods=["POST"], key_func=key, deduct_when=is_failure)(view)
        return limiter.limit(address_rate, methods=["POST"])(view)

    return decorate
