"""Sign-in, sign-out, invitations and passwords."""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

import sqlalchemy as sa
from flask import (
    Blueprint,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required
from sqlalchemy.orm import selectinload

from chamber.auth import attempts, services, sessions, tokens
from chamber.auth.forms import ChangePasswordForm, ForgotPasswordForm, LoginForm, SetPasswordForm
from chamber.auth.passwords import hash_password
from chamber.db import before_writing
from chamber.extensions import db, limiter, login_manager
from chamber.flow import finish
from chamber.members.models import Member

bp = Blueprint("auth", __name__)
bp.before_app_request(sessions.end_expired_sessions)
bp.after_app_request(sessions.forget_browser)


@bp.after_request
def keep_link_tokens_out_of_referers(response):
    """A page opened from a reset or invitation link has the token in its address: browsers
    must not send it on as the Referer of the page's own requests (stylesheets) or links."""
    if request.endpoint in ("auth.reset_password", "auth.accept_invitation"):
        response.headers["Referrer-Policy"] = "no-referrer"
    return response


@login_manager.user_loader
def load_member(session_token: str) -> Member | None:
    return db.session.scalar(
        sa.select(Member)
        .options(selectinload(Member.memberships))
        .where(Member.session_token == session_token, Member.is_active.is_(True))
    )


login_manager.login_view = "auth.login"
login_manager.login_message = "Please sign in to see that page."
login_manager.login_message_category = "info"


def safe_next(target: str | None) -> str | None:
    """A local path to go to after sign-in, or None for anything that could leave the site."""
    if not target or len(target) > 2000:
        return None
    for candidate in (target, unquote(target), unquote(unquote(target))):
        if not candidate.startswith("/") or candidate.startswith(("//", "/\\")):
            return None
        if any(ch in candidate for ch in "\\\r\n\t\x00") or any(ord(c) < 32 for c in candidate):
            return None
        parts = urlsplit(candidate)
        if parts.scheme or parts.netloc:
            return None
    return target


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(attempts.address_rate, methods=["POST"])
@limiter.limit(
    attempts.address_failure_rate,
    methods=["POST"],
    key_func=attempts.address_failure_key,
    deduct_when=attempts.is_failure,
)
@limiter.limit(
    attempts.account_failure_rate,
    methods=["POST"],
    key_func=attempts.account_failure_key,
    deduct_when=attempts.is_failure,
)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("portal.dashboard"))
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        with before_writing(db.session):
            member = services.find_member_by_email(form.email.data)
        # The password check (scrypt) runs with no transaction open; only the record of the
        # outcome is written.
        if services.password_matches(member, form.password.data):
            session_token = member.session_token
            done = finish(
                lambda: _sign_in(member),
                # Worded before the commit: reading the member after it would begin a new
                # write transaction that lasts until the end of the request.
                success=f"Welcome back, {member.full_name}.",
                to=safe_next(form.next.data) or url_for("portal.dashboard"),
                form=form,
            )
            if done is not None:
                attempts.remember_device(done, form.email.data)
                if form.remember.data:
                    sessions.remember_browser(done, session_token)
                return done
        else:
            services.record_failed_sign_in(member)
            db.session.commit()  # keep the failed-attempt audit row
            form.form_errors.append("E-mail or password is incorrect.")
    return render_template("auth/login.html", form=form)


def _sign_in(member: Member) -> None:
    """Record the sign-in and give this browser a fresh session."""
    services.record_sign_in(member)
    sessions.start_session(member)


@bp.post("/logout")
@login_required
def logout():
    member = current_user._get_current_object()
    return finish(
        lambda: _end_session(member),
        success="You are signed out.",
        to=url_for("portal.home"),
        category="info",
    )


def _end_session(member: Member) -> None:
    services.sign_out(member)
    sessions.end_session()  # and the remember cookie goes


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password():
    with before_writing(db.session):
        member = current_user._get_current_object()
    form = ChangePasswordForm()
    form.email_for_check = member.email
    form.current_hash = member.password_hash
    # Validating checks the current password and hashing makes the new one: both slow, both
    # before the write transaction.
    if form.validate_on_submit():
        password_hash = hash_password(form.password.data)
        done = finish(
            lambda: _change_password(member, password_hash),
            success="Your password is changed. Other devices have been signed out.",
            to=url_for("members.settings"),
            form=form,
        )
        if done is not None:
            return done
    return render_template("auth/change_password.html", form=form)


def _change_password(member: Member, password_hash: str) -> None:
    services.set_password(member, password_hash, reason="password_changed")
    # The token rotated: sign this browser in again so only *other* sessions end. Its
    # remember cookie named the old token, so it goes; the member may tick the box again.
    sessions.start_session(member)
    g.forget_browser = True


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit(attempts.address_rate, methods=["POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        done = finish(
            lambda: services.request_password_reset(form.email.data),
            success="If an account exists for that address, we have sent it a link to choose "
            "a new password. The link works for one hour.",
            to=url_for("auth.login"),
            form=form,
            category="info",
        )
        if done is not None:
            return done
    return render_template("auth/forgot_password.html", form=form)


def _new_password_form(member: Member, template: str, act):
    """The page that sets a password from a link: validate, hash (slow) before the write,
    then `act(password_hash)` in the short write."""
    form = SetPasswordForm()
    form.email_for_check = member.email
    if form.validate_on_submit():
        password_hash = hash_password(form.password.data)
        done = finish(
            lambda: act(password_hash),
            success="Your password is set. Please sign in.",
            to=url_for("auth.login"),
            form=form,
        )
        if done is not None:
            return done
    return render_template(template, form=form, member=member)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    with before_writing(db.session):
        found = tokens.load_reset_token(token)
    if found is None:
        return render_template("auth/link_invalid.html", purpose=tokens.PASSWORD_RESET), 400
    member, link = found

    def act(password_hash: str) -> None:
        services.reset_password(member, link, password_hash)
        sessions.end_session()  # whoever was signed in on this browser signs in afresh

    return _new_password_form(member, "auth/reset_password.html", act)


@bp.route("/invitation/<token>", methods=["GET", "POST"])
def accept_invitation(token: str):
    with before_writing(db.session):
        member = tokens.load_token(token, tokens.INVITATION)
    if member is None:
        return render_template("auth/link_invalid.html", purpose=tokens.INVITATION), 400

    def act(password_hash: str) -> None:
        # Two posts of one link race to the write; the member's version lets one through.
        services.set_password(member, password_hash, reason="invitation_accepted")
        sessions.end_session()

    return _new_password_form(member, "auth/accept_invitation.html", act)
