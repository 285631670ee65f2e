"""Member pages: give a referral, the inbox, what I gave, one referral with its timeline."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from chamber import authz
from chamber.authz import require
from chamber.exceptions import ChamberError
from chamber.extensions import db
from chamber.forms import member_id, new_form_token
from chamber.members.forms import MemberSearchForm
from chamber.members.models import Member
from chamber.members.queries import member_pick
from chamber.paging import requested_page
from chamber.referrals import queries, services
from chamber.referrals.forms import (
    GiveReferralForm,
    ReferralFilterForm,
    ThankYouForm,
    WorkReferralForm,
    choices,
)
from chamber.referrals.models import Referral, ReferralStatus

bp = Blueprint("referrals", __name__)


def _page() -> int:
    return requested_page()


def load_referral(referral_id: int) -> Referral:
    """The referral with everything its page shows; 404 (not 403) for anyone who is not its
    giver, receiver or staff, so referral ids cannot be probed."""
    referral = queries.referral_detail(referral_id)
    if referral is None or not authz.can_view_referral(current_user, referral):
        abort(404)
    return referral


# Lists -----------------------------------------------------------------------------------


@bp.get("/referrals")
@login_required
def received():
    form = ReferralFilterForm(request.args)
    page = queries.received_page(current_user, status=form.status_value, page=_page())
    return render_template("referrals/received.html", form=form, page=page)


@bp.get("/referrals/given")
@login_required
def given():
    form = ReferralFilterForm(request.args)
    page = queries.given_page(current_user, status=form.status_value, page=_page())
    return render_template("referrals/given.html", form=form, page=page)


# Giving ----------------------------------------------------------------------------------


def _pick_page(refusal: str | None = None):
    """Step one: colleagues first and a search (GET ?q=); each person links to ?to=<id>."""
    search = MemberSearchForm(request.args)
    pick = member_pick(current_user, search.text)
    return render_template(
        "referrals/give.html", pick=pick, search=search, refusal=refusal, form=None, receiver=None
    )


def _how_choices(form: GiveReferralForm, receiver: Member | None) -> None:
    """Committees and projects both members worked on; only these are accepted."""
    options = choices([("", "Not through shared work")])
    if receiver is not None:
        committees = queries.shared_committees(current_user, receiver)
        projects = queries.shared_projects(current_user, receiver)
        options += choices(
            [(f"committee:{c.id}", c.name) for c in committees], "Committees you both serve on"
        )
        options += choices(
            [(f"project:{p.id}", p.name) for p in projects], "Projects you both worked on"
        )
    form.how.choices = options


def _active_receiver(receiver_id: int) -> Member | None:
    """The chosen member if they exist and are active (0 names no one)."""
    member = db.session.get(Member, receiver_id) if receiver_id else None
    return member if member is not None and member.is_active else None


@bp.route("/referrals/new", methods=["GET", "POST"])
@login_required
def give():
    require(authz.can_give_referral(current_user))
    form = GiveReferralForm()
    if request.method == "GET":
        chosen = member_id(request.args.get("to"))
        if not chosen:
            return _pick_page()
        receiver = _active_receiver(chosen)
        if receiver is None:
            return _pick_page("Choose an active member to refer to.")
        if receiver.id == current_user.id:
            return _pick_page("You cannot refer business to yourself.")
        form.receiver.data = receiver.id
        form.form_token.data = new_form_token()
    else:
        receiver = _active_receiver(form.receiver.data)
    _how_choices(form, receiver)
    if form.validate_on_submit():
        try:
            referral = services.give_referral(
                current_user, receiver, form.referral_data(), form.form_token.data
            )
        except services.AlreadyGiven as already:
            db.session.rollback()
            flash("You had already sent this referral; here it is.", "info")
            return redirect(url_for("referrals.show", referral_id=already.referral_id))
        except ChamberError as error:
            db.session.rollback()
            form.add_error(error)
        else:
            db.session.commit()
            flash(f"Your referral is on its way to {referral.receiver.full_name}.", "success")
            return redirect(url_for("referrals.show", referral_id=referral.id))
    status = 400 if request.method == "POST" else 200
    return (
        render_template("referrals/give.html", pick=None, form=form, receiver=receiver),
        status,
    )


# One referral ----------------------------------------------------------------------------


def _render_referral(
    referral: Referral,
    work_form: WorkReferralForm | None = None,
    thank_form: ThankYouForm | None = None,
    status: int = 200,
):
    if work_form is None and authz.can_work_referral(current_user, referral):
        work_form = WorkReferralForm(formdata=None, version_id=referral.version_id)
    if work_form is not None:
        work_form.set_choices(referral.status)
    if thank_form is None and authz.can_thank_for_referral(current_user, referral):
        thank_form = ThankYouForm(formdata=None)
    return (
        render_template(
            "referrals/show.html",
            referral=referral,
            work_form=work_form,
            thank_form=thank_form,
        ),
        status,
    )


@bp.get("/referrals/<int:referral_id>")
@login_required
def show(referral_id: int):
    return _render_referral(load_referral(referral_id))


@bp.post("/referrals/<int:referral_id>/status")
@login_required
def work(referral_id: int):
    referral = load_referral(referral_id)
    require(authz.can_work_referral(current_user, referral))
    form = WorkReferralForm()
    # Every status is a valid choice here, so a refused move gets the service's plain reason.
    form.status.choices = choices((s.value, s.label) for s in ReferralStatus)
    if form.validate_on_submit():
        try:
            services.change_referral_status(
                current_user,
                referral,
                ReferralStatus(form.status.data),
                version_id=form.version_id.data,
                closed_value_cents=form.closed_value_cents,
                closed_on=form.closed_on.data,
                note=form.note.data or "",
            )
        except ChamberError as error:
            db.session.rollback()
            form.add_error(error)
            referral = load_referral(referral_id)
            form.version_id.data = referral.version_id  # the next save is a deliberate one
        else:
            db.session.commit()
            flash(f"The referral is now {referral.status.label.lower()}.", "success")
            return redirect(url_for("referrals.show", referral_id=referral.id))
    return _render_referral(referral, work_form=form, status=400)


@bp.post("/referrals/<int:referral_id>/thank")
@login_required
def thank(referral_id: int):
    referral = load_referral(referral_id)
    require(authz.can_work_referral(current_user, referral))
    form = ThankYouForm()
    if form.validate_on_submit():
        try:
            services.thank_giver(current_user, referral, form.note.data)
        except ChamberError as error:
            db.session.rollback()
            form.add_error(error)
            referral = load_referral(referral_id)
        else:
            db.session.commit()
            flash(f"Your thank-you is on its way to {referral.giver.full_name}.", "success")
            return redirect(url_for("referrals.show", referral_id=referral.id))
    return _render_referral(referral, thank_form=form, status=400)
