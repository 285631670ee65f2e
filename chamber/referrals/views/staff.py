"""Staff pages: every referral with filters, and the audited correction of one."""

from __future__ import annotations

from flask import Blueprint, render_template, request, url_for
from flask_login import current_user, login_required

from chamber import authz
from chamber.authz import require
from chamber.extensions import db
from chamber.flow import finish
from chamber.forms import money_text
from chamber.localtime import local_day_bounds
from chamber.paging import requested_page
from chamber.referrals import queries, services
from chamber.referrals.forms import CorrectReferralForm, StaffReferralFilterForm
from chamber.referrals.models import Referral, ReferralStatus

bp = Blueprint("referrals_staff", __name__, url_prefix="/staff/referrals")


@bp.get("/")
@login_required
def index():
    require(authz.can_view_all_referrals(current_user))
    form = StaffReferralFilterForm(request.args)
    given_from, given_before = local_day_bounds(form.given_from.data, form.given_to.data)
    page = queries.staff_page(
        status=form.status_value,
        text=(form.q.data or "")[:100] or None,
        given_from=given_from,
        given_before=given_before,
        page=requested_page(),
    )
    return render_template("referrals/staff/index.html", form=form, page=page)


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
                current_user,
                referral,
                ReferralStatus(form.status.data),
                version_id=form.version_id.data,
                closed_value_cents=form.closed_value_cents,
                closed_on=form.closed_on.data,
                reason=form.reason.data,
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
