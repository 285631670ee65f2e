"""How long a sign-in lasts: the session's absolute limit and the "keep me signed in" cookie.

The session cookie carries its own idle expiry (Flask signs it with a timestamp). On top:
- every session ends `SESSION_ABSOLUTE_HOURS` after the real sign-in (`signed_in_at`);
- "keep me signed in" is a cookie of our own, signed with a timestamp (itsdangerous), that
  names the member's session token and the time of the real sign-in. The server refuses it
  once that sign-in is older than the limit (a copied cookie dies on the server, whatever
  the browser keeps), once the token rotated (sign-out, password change, deactivation), or
  when it was tampered with; a session restored from it keeps the real sign-in time, so the
  absolute limit is not restarted. Sign-out deletes it.
Flask-Login's own remember cookie is never set (`login_user(..., remember=False)`), so it
has no time-less way back in.
"""

from __future__ import annotations

import functools
import time

import sqlalchemy as sa
from flask import current_app, flash, g, redirect, request, session, url_for
from flask_login import current_user, login_user, logout_user
from itsdangerous import BadSignature, URLSafeTimedSerializer
from werkzeug.wrappers import Response

from chamber.auth import two_factor
from chamber.extensions import db, login_manager
from chamber.members.models import Member

REMEMBER_COOKIE = "chamber_remember"


def _absolute_seconds() -> int:
    return current_app.config["SESSION_ABSOLUTE_HOURS"] * 3600


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="chamber-remember")


def start_session(
    member: Member, *, signed_in_at: int | None = None, needs_two_factor: bool = False
) -> None:
    """Sign this browser in as `member` with a fresh session; `signed_in_at` is the real
    sign-in (now, unless the session is restored from a remember cookie).
    `needs_two_factor`: a staff member who must set up two-factor sign-in before anything
    else (see `send_to_two_factor_setup`)."""
    session.clear()  # a fresh session at every sign-in: nothing from before carries over
    # Flask-Login's own remember cookie and "fresh" flag are not used: the remember cookie is
    # ours (`remember_browser`, with the real sign-in time in it) and a recent sign-in is
    # `authenticated_at` below (`recently_authenticated`).
    login_user(member)
    session.permanent = True
    session["signed_in_at"] = int(time.time()) if signed_in_at is None else signed_in_at
    if signed_in_at is None:
        session["authenticated_at"] = session["signed_in_at"]
    if needs_two_factor:
        session["needs_two_factor"] = True


def reauthenticated() -> None:
    """The member just proved it is them again (password, and code if they use two-factor)."""
    session["authenticated_at"] = int(time.time())


def recently_authenticated() -> bool:
    limit = current_app.config["REAUTHENTICATE_MINUTES"] * 60
    return time.time() - session.get("authenticated_at", 0) <= limit


def fresh_sign_in_required(view):
    """For changes that an unattended session must not make (password, two-factor): the
    member typed their password (and code) within REAUTHENTICATE_MINUTES, or is asked to."""

    @functools.wraps(view)
    def guarded(*args, **kwargs):
        if not recently_authenticated():
            flash("Please confirm it is you before changing how you sign in.", "info")
            return redirect(url_for("auth.reauthenticate", next=request.full_path.rstrip("?")))
        return view(*args, **kwargs)

    return guarded


# Where a staff member who must set up two-factor sign-in may still go.
_SETUP_ENDPOINTS = frozenset(
    {"auth.logout", "auth.reauthenticate", "static", "two_factor.settings", "two_factor.setup"}
)


def send_to_two_factor_setup():
    """Before every request: a staff member who must use two-factor sign-in and has not set
    it up yet is sent to set it up (a step after sign-in, not a lock-out)."""
    if not session.get("needs_two_factor") or not current_user.is_authenticated:
        return None
    if request.endpoint in _SETUP_ENDPOINTS:
        return None
    flash("Staff accounts use two-factor sign-in. Set it up to continue.", "info")
    return redirect(url_for("two_factor.settings"))


def two_factor_set_up() -> None:
    session.pop("needs_two_factor", None)


def end_session() -> None:
    """Sign this browser out and forget it (the remember cookie goes with the response)."""
    logout_user()
    session.clear()
    g.forget_browser = True


def remember_browser(response: Response, session_token: str) -> Response:
    """Keep this browser signed in until the absolute limit of the current sign-in."""
    signed_in_at = session["signed_in_at"]
    config = current_app.config
    response.set_cookie(
        REMEMBER_COOKIE,
        _serializer().dumps([session_token, signed_in_at]),
        max_age=max(0, signed_in_at + _absolute_seconds() - int(time.time())),
        secure=config["REMEMBER_COOKIE_SECURE"],
        httponly=True,
        samesite=config["REMEMBER_COOKIE_SAMESITE"],
    )
    return response


def _remembered_member(value: str) -> tuple[Member, int] | None:
    """The member and real sign-in time a remember cookie stands for, or None if it is
    forged, older than the absolute limit, or its session token is no longer current."""
    try:
        # max_age is checked against the signature's own timestamp (written at sign-in).
        token, signed_in_at = _serializer().loads(value, max_age=_absolute_seconds())
    except (BadSignature, ValueError, TypeError):
        return None
    if not isinstance(token, str) or not isinstance(signed_in_at, int):
        return None
    if time.time() - signed_in_at > _absolute_seconds():
        return None
    member = db.session.scalar(
        sa.select(Member).where(Member.session_token == token, Member.is_active.is_(True))
    )
    return None if member is None else (member, signed_in_at)


@login_manager.request_loader
def restore_from_remember_cookie(request_) -> Member | None:
    """Flask-Login asks this when the session names no one: a valid remember cookie signs
    the browser in again, keeping the time of the real sign-in."""
    value = request_.cookies.get(REMEMBER_COOKIE)
    if not value:
        return None
    remembered = _remembered_member(value)
    if remembered is None:
        g.forget_browser = True
        return None
    member, signed_in_at = remembered
    needs_setup = two_factor.required_for(member) and two_factor.settings_of(member) is None
    start_session(member, signed_in_at=signed_in_at, needs_two_factor=needs_setup)
    return member


def end_expired_sessions() -> None:
    """Before every request. Idle expiry is in the signed session cookie; this adds the
    absolute limit, counted from the real sign-in (a session without one is not ours, e.g.
    restored by Flask-Login's own time-less cookie from an older version: it ends too)."""
    if not current_user.is_authenticated:
        return
    signed_in_at = session.get("signed_in_at")
    if not isinstance(signed_in_at, int) or time.time() - signed_in_at > _absolute_seconds():
        end_session()


def forget_browser(response: Response) -> Response:
    """After every request: delete the remember cookies of a browser that signed out or
    whose cookie was refused."""
    if g.get("forget_browser"):
        config = current_app.config
        legacy = config.get("REMEMBER_COOKIE_NAME", "remember_token")  # Flask-Login's own
        for name in (REMEMBER_COOKIE, legacy):
            if name in request.cookies:
                response.delete_cookie(
                    name,
                    secure=config["REMEMBER_COOKIE_SECURE"],
                    httponly=True,
                    samesite=config["REMEMBER_COOKIE_SAMESITE"],
                )
    return response
