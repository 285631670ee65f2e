"""Member pages: give a referral, the inbox, what I gave, one referral with its timeline."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request, url_for
from flask_login import current_user, login_required

from chamber import authz, pagecache
from chamber.authz import require
from chamber.committees.picker import active_member, picked_member, render_pick
from chamber.flow import finish_create, finish_edit, finish_valid
from chamber.members.models import Member
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

PICK_MISSING = "Choose an active member to refer to."
PICK_YOURSELF = "You cannot refer business to yourself."


def load_referral(referral_id: int, may=None) -> Referral:
    """The referral with everything its page shows; 404 (not 403) for anyone who is not its
    giver, receiver or staff, so referral ids cannot be probed; 403 unless `may` (a `can_*`
    predicate) allows what they came to do."""
    referral = queries.referral_detail(referral_id)
    if referral is None or not authz.can_view_referral(current_user, referral):
        abort(404)
    if may is not None:
        require(may(current_user, referral))
    return referral


# Lists -----------------------------------------------------------------------------------


def _own_list(template: str, page_of):
    """One of the member's own lists (`page_of`: received_page or given_page), filtered by
    status."""
    form = ReferralFilterForm(request.args)
    page = page_of(current_user, status=form.status_value, page=requested_page())
    return render_template(template, form=form, page=page)


@bp.get("/referrals")
@login_required
@pagecache.kept
def received():
    return _own_list("referrals/received.html", queries.received_page)


@bp.get("/referrals/given")
@login_required
def given():
    return _own_list("referrals/given.html", queries.given_page)


# Giving ----------------------------------------------------------------------------------


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


def _pick_page(refusal: str | None = None):
    return render_pick("referrals/give.html", current_user, refusal, form=None, receiver=None)


@bp.route("/referrals/new", methods=["GET", "POST"])
@login_required
def give():
    require(authz.can_give_referral(current_user))
    form = GiveReferralForm()
    if request.method == "GET":
        receiver, refusal = picked_member(
            current_user, request.args.get("to"), missing=PICK_MISSING, yourself=PICK_YOURSELF
        )
        if receiver is None:
            return _pick_page(refusal)
        form.receiver.data = receiver.id
    else:
        receiver = active_member(form.receiver.data)
    _how_choices(form, receiver)
    if form.validate_on_submit():
        done = finish_create(
            form,
            lambda: services.give_referral(current_user, receiver, form.referral_data()),
            success=lambda referral: (
                f"Your referral is on its way to {referral.receiver.full_name}."
            ),
            to=lambda referral: url_for("referrals.show", referral_id=referral.id),
            already="You had already sent this referral; here it is.",
        )
        if done:
            return done
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


# A post that is refused or does not validate shows the referral's page again with the form;
# the referral is read afresh (a refusal rolled back what was loaded).


@bp.post("/referrals/<int:referral_id>/status")
@login_required
def work(referral_id: int):
    referral = load_referral(referral_id, authz.can_work_referral)
    form = WorkReferralForm()
    # Every status is a valid choice here, so a refused move gets the service's plain reason.
    form.status.choices = choices((s.value, s.label) for s in ReferralStatus)
    return finish_edit(
        form,
        referral,
        lambda: services.change_referral_status(
            current_user, referral, note=form.note.data or "", **form.status_change()
        ),
        success=lambda _: f"The referral is now {referral.status.label.lower()}.",
        to=url_for("referrals.show", referral_id=referral.id),
    ) or _render_referral(load_referral(referral_id), work_form=form, status=400)


@bp.post("/referrals/<int:referral_id>/thank")
@login_required
def thank(referral_id: int):
    referral = load_referral(referral_id, authz.can_work_referral)
    form = ThankYouForm()
    return finish_valid(
        form,
        lambda: services.thank_giver(current_user, referral, form.note.data),
        success=f"Your thank-you is on its way to {referral.giver.full_name}.",
        to=url_for("referrals.show", referral_id=referral.id),
    ) or _render_referral(load_referral(referral_id), thank_form=form, status=400)
