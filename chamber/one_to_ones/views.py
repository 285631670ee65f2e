"""One-to-ones: log one, confirm or decline the ones others logged with me."""

from __future__ import annotations

from flask import Blueprint, request, url_for
from flask_login import current_user, login_required

from chamber import authz
from chamber.authz import require
from chamber.committees.picker import active_member, picked_member, render_pick
from chamber.extensions import db
from chamber.flow import finish, finish_create_valid, form_page, member_page
from chamber.members.models import Member
from chamber.one_to_ones import queries, services
from chamber.one_to_ones.forms import OneToOneForm
from chamber.one_to_ones.models import OneToOne
from chamber.paging import requested_page

bp = Blueprint("one_to_ones", __name__)

PICK_MISSING = "Choose the member you met."
PICK_YOURSELF = "A one-to-one takes two people; choose someone else."


@bp.get("/one-to-ones")
@member_page("one_to_ones/index.html")
def index(member: Member) -> dict:
    return {
        "to_confirm": queries.to_confirm(member),
        "awaiting": queries.awaiting_others(member),
        "page": queries.history_page(member, page=requested_page()),
    }


@bp.route("/one-to-ones/new", methods=["GET", "POST"])
@login_required
def log():
    member = current_user._get_current_object()
    form = OneToOneForm()
    if request.method == "GET":
        partner, refusal = picked_member(
            member, request.args.get("to"), missing=PICK_MISSING, yourself=PICK_YOURSELF
        )
        if partner is None:
            return render_pick("one_to_ones/pick.html", member, refusal)
        form.partner_id.data = partner.id
    else:
        partner = active_member(form.partner_id.data)
    return finish_create_valid(
        form,
        lambda: services.log_one_to_one(member, form.one_to_one_data()),
        success=lambda one_to_one: (
            f"Logged. {one_to_one.partner.full_name} is asked to confirm it."
        ),
        to=lambda _one_to_one: url_for("one_to_ones.index"),
        already="You had already logged this one-to-one; here it is.",
    ) or form_page("one_to_ones/form.html", form, partner=partner)


def _load(one_to_one_id: int, may) -> OneToOne:
    """A one-to-one the member may see (404 if none, 403 if not theirs) and `may` act on."""
    one_to_one = db.get_or_404(OneToOne, one_to_one_id)
    require(authz.can_view_one_to_one(current_user, one_to_one))
    require(may(current_user, one_to_one))
    return one_to_one


@bp.post("/one-to-ones/<int:one_to_one_id>/confirm", defaults={"confirm": True})
@bp.post("/one-to-ones/<int:one_to_one_id>/decline", defaults={"confirm": False})
@login_required
def answer(one_to_one_id: int, confirm: bool):
    """The member who was met confirms the one-to-one, or declines it."""
    one_to_one = _load(one_to_one_id, authz.can_respond_to_one_to_one)
    verdict = "confirmed" if confirm else "declined"
    return finish(
        lambda: services.respond_to_one_to_one(current_user, one_to_one, confirm),
        success=f"One-to-one with {one_to_one.logged_by.full_name} {verdict}.",
        category="success" if confirm else "info",
        to=url_for("one_to_ones.index"),
    )


@bp.post("/one-to-ones/<int:one_to_one_id>/withdraw")
@login_required
def withdraw(one_to_one_id: int):
    one_to_one = _load(one_to_one_id, authz.can_withdraw_one_to_one)
    return finish(
        lambda: services.withdraw_one_to_one(current_user, one_to_one),
        success="The one-to-one is withdrawn.",
        category="info",
        to=url_for("one_to_ones.index"),
    )
