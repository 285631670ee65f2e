"""Sign-in, sign-out, invitations and passwords."""

from __future__ import annotations

import time
from urllib.parse import unquote, urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required, login_user, logout_user

from chamber.auth import services, tokens
from chamber.auth.forms import ChangePasswordForm, ForgotPasswordForm, LoginForm, SetPasswordForm
from chamber.exceptions import ChamberError
from chamber.extensions import db, limiter, login_manager
from chamber.members.models import Member

bp = Blueprint("auth", __name__)


@login_manager.user_loader
def load_member(session_token: str) -> Member | None:
    import sqlalchemy as sa
    from sqlalchemy.orm import selectinload

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


def _account_key() -> str:
    return "login-account:" + services.normalise_email(request.form.get("email", ""))[:254]


def _login_rate() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _account_rate() -> str:
    return current_app.config["LOGIN_ACCOUNT_FAILURE_LIMIT"]


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_rate, methods=["POST"])
@limiter.limit(
    _account_rate,
    methods=["POST"],
    key_func=_account_key,
    deduct_when=lambda response: response.status_code != 302,  # count failures only
)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("portal.dashboard"))
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        member = services.authenticate(form.email.data, form.password.data)
        if member is None:
            db.session.commit()  # keep the failed-attempt audit row
            form.form_errors.append("E-mail or password is incorrect.")
        else:
            db.session.commit()
            session.clear()  # a fresh session at every sign-in
            login_user(member, remember=form.remember.data)
            session.permanent = True
            session["signed_in_at"] = int(time.time())
            flash(f"Welcome back, {member.full_name}.", "success")
            return redirect(safe_next(form.next.data) or url_for("portal.dashboard"))
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
@login_required
def logout():
    services.sign_out(current_user._get_current_object())
    db.session.commit()
    logout_user()
    session.clear()
    flash("You are signed out.", "info")
    return redirect(url_for("portal.home"))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    form.email_for_check = current_user.email
    if form.validate_on_submit():
        try:
            services.change_password(
                current_user._get_current_object(), form.current_password.data, form.password.data
            )
        except ChamberError as error:
            form.add_error(error)
        else:
            db.session.commit()
            # The token rotated: sign this browser in again so only *other* sessions end.
            login_user(current_user._get_current_object())
            session["signed_in_at"] = int(time.time())
            flash("Your password is changed. Other devices have been signed out.", "success")
            return redirect(url_for("members.settings"))
    return render_template("auth/change_password.html", form=form)


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit(_login_rate, methods=["POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data)
        db.session.commit()
        flash(
            "If an account exists for that address, we have sent it a link to choose a new "
            "password. The link works for one hour.",
            "info",
        )
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot_password.html", form=form)


def _set_password_page(token: str, purpose: str, template: str):
    member = tokens.load_token(token, purpose)
    if member is None:
        return render_template("auth/link_invalid.html", purpose=purpose), 400
    form = SetPasswordForm()
    form.email_for_check = member.email
    if form.validate_on_submit():
        reason = "invitation_accepted" if purpose == tokens.INVITATION else "password_reset"
        services.set_password(member, form.password.data, reason=reason)
        db.session.commit()
        if current_user.is_authenticated:
            logout_user()
        session.clear()
        flash("Your password is set. Please sign in.", "success")
        return redirect(url_for("auth.login"))
    return render_template(template, form=form, member=member)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    return _set_password_page(token, tokens.PASSWORD_RESET, "auth/reset_password.html")


@bp.route("/invitation/<token>", methods=["GET", "POST"])
def accept_invitation(token: str):
    return _set_password_page(token, tokens.INVITATION, "auth/accept_invitation.html")
