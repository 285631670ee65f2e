"""One-to-ones: log one, confirm or decline the ones others logged with me."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from chamber import authz
from chamber.authz import require
from chamber.contributions.forms import select_choices
from chamber.exceptions import ChamberError
from chamber.extensions import db
from chamber.one_to_ones import queries, services
from chamber.one_to_ones.forms import OneToOneForm
from chamber.one_to_ones.models import OneToOne

bp = Blueprint("one_to_ones", __name__)


@bp.get("/one-to-ones")
@login_required
def index():
    member = current_user._get_current_object()
    return render_template(
        "one_to_ones/index.html",
        to_confirm=queries.to_confirm(member),
        awaiting=queries.awaiting_others(member),
        page=queries.history_page(member, page=request.args.get("page", 1, type=int) or 1),
    )


@bp.route("/one-to-ones/new", methods=["GET", "POST"])
@login_required
def log():
    member = current_user._get_current_object()
    form = OneToOneForm()
    form.partner_id.choices = select_choices(
        [(0, "— choose a member —"), *queries.partner_choices(member)]
    )
    if request.method == "GET" and request.args.get("member", "").isdigit():
        form.partner_id.data = int(request.args["member"])
    if form.validate_on_submit():
        try:
            one_to_one = services.log_one_to_one(member, form.one_to_one_data())
        except ChamberError as error:
            db.session.rollback()
            form.add_error(error)
        else:
            db.session.commit()
            flash(f"Logged. {one_to_one.partner.full_name} is asked to confirm it.", "success")
            return redirect(url_for("one_to_ones.index"))
    status = 400 if form.is_submitted() else 200
    return render_template("one_to_ones/form.html", form=form), status


def _answer(one_to_one_id: int, confirm: bool):
    one_to_one = db.get_or_404(OneToOne, one_to_one_id)
    require(authz.can_view_one_to_one(current_user, one_to_one))
    require(one_to_one.partner_id == current_user.id)
    try:
        services.respond_to_one_to_one(current_user, one_to_one, confirm)
    except ChamberError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        who = one_to_one.logged_by.full_name
        flash(
            f"One-to-one with {who} {'confirmed' if confirm else 'declined'}.",
            "success" if confirm else "info",
        )
    return redirect(url_for("one_to_ones.index"))


@bp.post("/one-to-ones/<int:one_to_one_id>/confirm")
@login_required
def confirm(one_to_one_id: int):
    return _answer(one_to_one_id, True)


@bp.post("/one-to-ones/<int:one_to_one_id>/decline")
@login_required
def decline(one_to_one_id: int):
    return _answer(one_to_one_id, False)


@bp.post("/one-to-ones/<int:one_to_one_id>/withdraw")
@login_required
def withdraw(one_to_one_id: int):
    one_to_one = db.get_or_404(OneToOne, one_to_one_id)
    require(authz.can_view_one_to_one(current_user, one_to_one))
    require(one_to_one.logged_by_id == current_user.id)
    try:
        services.withdraw_one_to_one(current_user, one_to_one)
    except ChamberError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash("The one-to-one is withdrawn.", "info")
    return redirect(url_for("one_to_ones.index"))
