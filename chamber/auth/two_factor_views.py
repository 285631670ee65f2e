"""Settings → two-factor sign-in: set it up with a QR code, get new recovery codes, turn it
off. Every change needs a recent sign-in (`fresh_sign_in_required`) and is audited."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, render_template, session, url_for
from flask_login import current_user, login_required

from chamber.auth import sessions, two_factor
from chamber.auth.forms import EnableTwoFactorForm
from chamber.db import before_writing
from chamber.extensions import db
from chamber.flow import finish, member_page
from chamber.forms import ChamberForm
from chamber.members.models import Member

bp = Blueprint("two_factor", __name__, url_prefix="/settings/two-factor")

# Session key of the secret being set up, until a code confirms it.
PENDING_SECRET = "two_factor_secret"  # noqa: S105 - a key name, not a secret


def _codes_page(codes: list[str]):
    """Recovery codes are shown once, on the answer to the post that made them: only their
    hashes are kept, so they are never put in a redirect's session either."""
    return render_template("auth/recovery_codes.html", codes=codes)


@bp.get("")
@member_page("auth/two_factor_settings.html")
def settings(member: Member) -> dict:
    return {
        "settings": two_factor.settings_of(member),
        "codes_left": two_factor.recovery_codes_left(member),
        "required": two_factor.required_for(member),
        "form": ChamberForm(),
    }


@bp.route("/setup", methods=["GET", "POST"])
@login_required
@sessions.fresh_sign_in_required
def setup():
    with before_writing(db.session):
        member = current_user._get_current_object()
    secret = session.get(PENDING_SECRET) or two_factor.new_secret()
    session[PENDING_SECRET] = secret
    form = EnableTwoFactorForm()
    if form.validate_on_submit():
        codes: list[str] = []
        done = finish(
            lambda: codes.extend(two_factor.enable(member, secret, form.code.data)),
            success="Two-factor sign-in is on. Keep these recovery codes somewhere safe.",
            to=url_for("two_factor.settings"),
            form=form,
        )
        if done is not None:
            session.pop(PENDING_SECRET, None)
            sessions.two_factor_set_up()
            return _codes_page(codes)
    uri = two_factor.provisioning_uri(member, secret)
    return render_template(
        "auth/two_factor_setup.html",
        form=form,
        qr_code=two_factor.qr_code(uri),
        secret=" ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
    ), (400 if form.errors else 200)


def _settings_change(act: Callable[[Member], object], success: str):
    """A button on the settings page: `act(member)` in `finish()`; a post that does not
    validate shows the settings page again, nothing done."""
    member = current_user._get_current_object()
    if not ChamberForm().validate_on_submit():
        return settings()
    return finish(lambda: act(member), success=success, to=url_for("two_factor.settings"))


@bp.post("/recovery-codes")
@login_required
@sessions.fresh_sign_in_required
def renew_recovery_codes():
    codes: list[str] = []
    done = _settings_change(
        lambda member: codes.extend(two_factor.renew_recovery_codes(member)),
        success="New recovery codes: the old ones no longer work.",
    )
    return _codes_page(codes) if codes else done


@bp.post("/disable")
@login_required
@sessions.fresh_sign_in_required
def disable():
    return _settings_change(two_factor.disable, success="Two-factor sign-in is off.")
