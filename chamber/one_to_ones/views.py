"""One-to-ones: log one, confirm or decline the ones others logged with me."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from chamber import authz
from chamber.authz import require
from chamber.exceptions import ChamberError
from chamber.extensions import db
from chamber.forms import member_id, new_form_token
from chamber.members.forms import MemberSearchForm
from chamber.members.models import Member
from chamber.members.queries import member_pick
from chamber.one_to_ones import queries, services
from chamber.one_to_ones.forms import OneToOneForm
from chamber.one_to_ones.models import OneToOne
from chamber.paging import requested_page

bp = Blueprint("one_to_ones", __name__)


@bp.get("/one-to-ones")
@login_required
def index():
    member = current_user._get_current_object()
    return render_template(
        "one_to_ones/index.html",
        to_confirm=queries.to_confirm(member),
        awaiting=queries.awaiting_others(member),
        page=queries.history_page(member, page=requested_page()),
    )


def _pick_page(member: Member, refusal: str | None = None):
    """Step one: colleagues first and a search (GET ?q=); each person links to ?to=<id>."""
    search = MemberSearchForm(request.args)
    pick = member_pick(member, search.text)
    return render_template("one_to_ones/pick.html", pick=pick, search=search, refusal=refusal)


def _active_partner(partner_id: int) -> Member | None:
    """The chosen member if they exist and are active (0 names no one)."""
    partner = db.session.get(Member, partner_id) if partner_id else None
    return partner if partner is not None and partner.is_active else None


@bp.route("/one-to-ones/new", methods=["GET", "POST"])
@login_required
def log():
    member = current_user._get_current_object()
    form = OneToOneForm()
    if request.method == "GET":
        chosen = member_id(request.args.get("to"))
        if not chosen:
            return _pick_page(member)
        partner = _active_partner(chosen)
        if partner is None:
            return _pick_page(member, "Choose the member you met.")
        if partner.id == member.id:
            return _pick_page(member, "A one-to-one takes two people; choose someone else.")
        form.partner_id.data = partner.id
        form.form_token.data = new_form_token()
    else:
        partner = _active_partner(form.partner_id.data)
    if form.validate_on_submit():
        try:
            one_to_one = services.log_one_to_one(
                member, form.one_to_one_data(), form.form_token.data
            )
        except services.AlreadyLogged:
            db.session.rollback()
            flash("You had already logged this one-to-one; here it is.", "info")
            return redirect(url_for("one_to_ones.index"))
        except ChamberError as error:
            db.session.rollback()
            form.add_error(error)
        else:
            db.session.commit()
            flash(f"Logged. {one_to_one.partner.full_name} is asked to confirm it.", "success")
            return redirect(url_for("one_to_ones.index"))
    status = 400 if form.is_submitted() else 200
    return render_template("one_to_ones/form.html", form=form, partner=partner), status


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
