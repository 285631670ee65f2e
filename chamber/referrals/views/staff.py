"""Staff pages: every referral with filters, and the audited correction of one."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request, url_for
from flask_login import current_user, login_required

from chamber import authz, pagecache
from chamber.authz import require
from chamber.committees.picker import active_member, picked_member, render_pick
from chamber.csvexport import csv_filename, csv_response
from chamber.extensions import db
from chamber.flow import finish
from chamber.forms import money_text
from chamber.localtime import local_day_bounds
from chamber.paging import requested_page
from chamber.referrals import queries, services
from chamber.referrals.forms import (
    CorrectReferralForm,
    ReassignReferralForm,
    StaffReferralFilterForm,
)
from chamber.referrals.models import Referral

bp = Blueprint("referrals_staff", __name__, url_prefix="/staff/referrals")


def _filters(form: StaffReferralFilterForm) -> dict:
    given_from, given_before = local_day_bounds(form.given_from.data, form.given_to.data)
    return {
        "status": form.status_value,
        "text": (form.q.data or "")[:100] or None,
        "given_from": given_from,
        "given_before": given_before,
    }


@bp.get("/")
@login_required
@pagecache.kept
def index():
    require(authz.can_view_all_referrals(current_user))
    form = StaffReferralFilterForm(request.args)
    page = queries.staff_page(**_filters(form), page=requested_page())
    return render_template("referrals/staff/index.html", form=form, page=page)


@bp.get("/referrals.csv")
@login_required
def index_csv():
    """The referrals the staff list shows (same filters, the dates given included), every
    page. Prospects' e-mail and phone stay out of the file."""
    require(authz.can_view_all_referrals(current_user))
    form = StaffReferralFilterForm(request.args)
    form.validate()
    referrals = queries.staff_referrals(**_filters(form))
    return csv_response(
        csv_filename("referrals", form.given_from.data, form.given_to.data),
        [
            "Given on",
            "Giver",
            "Giver's business",
            "Receiver",
            "Receiver's business",
            "Prospect",
            "Temperature",
            "Committee",
            "Status",
            "Closed on",
            "Closed value",
        ],
        (
            [
                referral.given_on.isoformat(),
                referral.giver.full_name,
                referral.giver.business_name,
                referral.receiver.full_name,
                referral.receiver.business_name,
                referral.prospect_name,
                referral.temperature.label,
                referral.how_committee.name if referral.how_committee else "",
                referral.status.label,
                referral.closed_on.isoformat() if referral.closed_on else "",
                money_text(referral.closed_value_cents),
            ]
            for referral in referrals
        ),
    )


@bp.route("/<int:referral_id>/correct", methods=["GET", "POST"])
@login_required
def correct(referral_id: int):
    require(authz.can_correct_referral(current_user))  # before loading: ids are not probed
    referral = db.get_or_404(Referral, referral_id)
    form = CorrectReferralForm()
    if request.method == "GET":
        form.status.data = referral.status.value
        form.closed_value.data = money_text(referral.closed_value_cents)
        form.closed_on.data = referral.closed_on
        form.version_id.data = referral.version_id
    if form.validate_on_submit():
        done = finish(
            lambda: services.correct_referral(
                current_user, referral, reason=form.reason.data, **form.status_change()
            ),
            success="The referral is corrected; the change is in the audit log.",
            to=url_for("referrals.show", referral_id=referral.id),
            form=form,
        )
        if done:
            return done
        referral = db.get_or_404(Referral, referral_id)
        form.version_id.data = referral.version_id  # the next save is a deliberate one
    status = 400 if request.method == "POST" else 200
    return render_template("referrals/staff/correct.html", form=form, referral=referral), status


# Referrals whose receiver left: staff pass them on ---------------------------------------


@bp.get("/stranded")
@login_required
def stranded():
    """Open referrals whose receiver is no longer a member, each with its "Pass on" link."""
    require(authz.can_reassign_referrals(current_user))
    page = queries.stranded_page(page=requested_page())
    return render_template("referrals/staff/stranded.html", page=page)


PICK_MISSING = "Choose an active member to pass the referral to."
PICK_YOURSELF = "Pass the referral to a member who will work it, not to yourself."


@bp.route("/<int:referral_id>/reassign", methods=["GET", "POST"])
@login_required
def reassign(referral_id: int):
    """Pick the new receiver (the member picker: search, each person a link), then confirm."""
    require(authz.can_reassign_referrals(current_user))  # before loading: ids are not probed
    referral = queries.referral_detail(referral_id)
    if referral is None:
        abort(404)
    form = ReassignReferralForm()
    if request.method == "GET":
        receiver, refusal = picked_member(
            current_user, request.args.get("to"), missing=PICK_MISSING, yourself=PICK_YOURSELF
        )
        if receiver is not None and receiver.id == referral.giver_id:
            receiver, refusal = None, f"{receiver.full_name} gave this referral; choose another."
        if receiver is None:
            return render_pick(
                "referrals/staff/reassign.html", current_user, refusal, referral=referral
            )
        form.receiver.data = receiver.id
        form.version_id.data = referral.version_id
    else:
        receiver = active_member(form.receiver.data)
    if form.validate_on_submit():
        done = finish(
            lambda: services.reassign_referral(
                current_user, referral, receiver, version_id=form.version_id.data
            ),
            success=lambda _: (
                f"The referral of {referral.prospect_name} is now with "
                f"{referral.receiver.full_name}; they and the giver are told."
            ),
            to=url_for("referrals_staff.stranded"),
            form=form,
        )
        if done:
            return done
        referral = queries.referral_detail(referral_id)
        form.version_id.data = referral.version_id
    status = 400 if request.method == "POST" else 200
    return (
        render_template(
            "referrals/staff/reassign.html",
            pick=None,
            form=form,
            referral=referral,
            receiver=receiver,
        ),
        status,
    )
