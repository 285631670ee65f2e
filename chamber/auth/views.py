"""Sign-in, sign-out, invitations and passwords."""

from __future__ import annotations

import time
from functools import cache
from urllib.parse import unquote, urlsplit

import sqlalchemy as sa
from flask import (
    Blueprint,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required

from chamber import pagecache
from chamber.audit.services import record_audit
from chamber.auth import attempts, services, sessions, tokens, two_factor
from chamber.auth.forms import (
    ChangePasswordForm,
    ForgotPasswordForm,
    LoginForm,
    ReauthenticateForm,
    SetPasswordForm,
    TwoFactorCodeForm,
)
from chamber.auth.passwords import hash_password
from chamber.db import before_writing
from chamber.extensions import db, limiter, login_manager
from chamber.flow import finish
from chamber.members.models import Member

bp = Blueprint("auth", __name__)
PENDING_SECONDS = 300  # between the right password and the code
bp.before_app_request(sessions.end_expired_sessions)
bp.before_app_request(sessions.send_to_two_factor_setup)
bp.after_app_request(sessions.forget_browser)


@bp.after_request
def keep_link_tokens_out_of_referers(response):
    """A page opened from a reset or invitation link has the token in its address: browsers
    must not send it on as the Referer of the page's own requests (stylesheets) or links."""
    if request.endpoint in ("auth.reset_password", "auth.accept_invitation"):
        response.headers["Referrer-Policy"] = "no-referrer"
    return response


@cache
def _member_by_session_statement() -> sa.Select:
    """Built once per process: every request runs it. The kept pages' version comes with
    the member (chamber.pagecache)."""
    return sa.select(Member, pagecache.version_column()).where(
        Member.session_token == sa.bindparam("token"), Member.is_active.is_(True)
    )


@login_manager.user_loader
def load_member(session_token: str) -> Member | None:
    """The signed-in member, every request. Their committee memberships load when a page
    first asks (the permission predicates; one statement, as an eager load would be), so
    the pages that never ask do not pay for them."""
    row = db.session.execute(_member_by_session_statement(), {"token": session_token}).first()
    if row is None:
        return None
    member, version = row
    pagecache.remember(version)
    return member


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
@attempts.limited(
    (attempts.address_failure_rate, attempts.address_failure_key),
    (attempts.account_failure_rate, attempts.account_failure_key),
)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("portal.dashboard"))
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        with before_writing(db.session):
            member = services.find_member_by_email(form.email.data)
            settings = two_factor.settings_of(member) if member else None
        # The password check (scrypt) runs with no transaction open; only the record of the
        # outcome is written.
        if services.password_matches(member, form.password.data):
            next_url = safe_next(form.next.data) or url_for("portal.dashboard")
            if settings is not None:
                # The password is right; a code from the member's app finishes the sign-in.
                session["two_factor"] = {
                    "m": member.id,
                    "at": int(time.time()),
                    "remember": bool(form.remember.data),
                    "next": next_url,
                }
                return redirect(url_for("auth.two_factor_sign_in"))
            done = _complete_sign_in(member, form, None, form.remember.data, next_url)
            if done is not None:
                return done
        else:
            services.record_failed_sign_in(member)
            db.session.commit()  # keep the failed-attempt audit row
            form.form_errors.append("E-mail or password is incorrect.")
    return render_template("auth/login.html", form=form)


@bp.route("/login/two-factor", methods=["GET", "POST"])
@attempts.limited((attempts.account_failure_rate, attempts.two_factor_key))
def two_factor_sign_in():
    """The second step of signing in, for members who use two-factor sign-in."""
    pending = session.get("two_factor")
    if not isinstance(pending, dict) or time.time() - pending.get("at", 0) > PENDING_SECONDS:
        session.pop("two_factor", None)
        flash("Please sign in again.", "info")
        return redirect(url_for("auth.login"))
    form = TwoFactorCodeForm()
    if form.validate_on_submit():
        with before_writing(db.session):
            member = db.session.get(Member, pending["m"])
            settings = two_factor.settings_of(member) if member and member.is_active else None
            proof = two_factor.check(settings, form.code.data) if settings else None
        if proof is not None:
            done = _complete_sign_in(member, form, proof, pending["remember"], pending["next"])
            if done is not None:
                return done
        else:
            record_audit(member, "auth.two_factor_failed", member)
            db.session.commit()
            form.code.errors.append("That code is not right.")
    return render_template("auth/two_factor.html", form=form)


def _complete_sign_in(member: Member, form, proof, remember: bool, next_url: str):
    """The short write of a sign-in, a fresh session, and the browser's cookies."""
    # Read before the commit: reading the member after it would begin a new write
    # transaction that lasts until the end of the request.
    session_token, email, name = member.session_token, member.email, member.full_name
    needs_setup = two_factor.required_for(member) and proof is None
    done = finish(
        lambda: _sign_in(member, proof, needs_setup),
        success=f"Welcome back, {name}.",
        to=next_url,
        form=form,
    )
    if done is not None:
        attempts.remember_device(done, email)
        if remember:
            sessions.remember_browser(done, session_token)
    return done


def _sign_in(member: Member, proof: two_factor.Proof | None, needs_setup: bool) -> None:
    """Use up the second factor, record the sign-in and give this browser a fresh session."""
    if proof is not None:
        two_factor.use(member, proof)
    services.record_sign_in(member)
    sessions.start_session(member, needs_two_factor=needs_setup)
    if member.is_staff and proof is None and not needs_setup:
        flash("Staff accounts should use two-factor sign-in: set it up under Settings.", "info")


@bp.route("/reauthenticate", methods=["GET", "POST"])
@login_required
@attempts.limited((attempts.account_failure_rate, attempts.reauthentication_key))
def reauthenticate():
    """Confirm it is you (password, and a code when you use two-factor sign-in) before
    changing how you sign in."""
    with before_writing(db.session):
        member = current_user._get_current_object()
        settings = two_factor.settings_of(member)
    form = ReauthenticateForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        ok = services.password_matches(member, form.password.data)  # slow: no transaction
        proof = None
        if ok and settings is not None:
            with before_writing(db.session):
                proof = two_factor.check(settings, form.code.data or "")
        if ok and (settings is None or proof is not None):
            done = finish(
                lambda: _reauthenticated(member, proof),
                success=None,
                to=safe_next(form.next.data) or url_for("two_factor.settings"),
                form=form,
            )
            if done is not None:
                return done
        else:
            record_audit(member, "auth.reauthentication_failed", member)
            db.session.commit()
            form.form_errors.append(
                "That is not right." if settings is None else "Password or code is not right."
            )
    return render_template("auth/reauthenticate.html", form=form, uses_two_factor=settings)


def _reauthenticated(member: Member, proof: two_factor.Proof | None) -> None:
    if proof is not None:
        two_factor.use(member, proof)
    record_audit(member, "auth.reauthenticated", member)
    sessions.reauthenticated()


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
