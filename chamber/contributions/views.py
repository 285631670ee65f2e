"""Logging and reviewing contributions: the member's history, the lead's approval queue, CSV."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from chamber import authz
from chamber.authz import require
from chamber.committees.views import load_committee
from chamber.contributions import queries, services
from chamber.contributions.forms import (
    ContributionForm,
    DecisionForm,
    HistoryFilterForm,
    HoursReportForm,
    LogContributionForm,
    select_choices,
)
from chamber.contributions.models import Contribution, ContributionStatus, WorkMode
from chamber.csvexport import csv_response
from chamber.exceptions import ChamberError
from chamber.extensions import db
from chamber.forms import new_form_token
from chamber.localtime import chamber_today
from chamber.paging import requested_page
from chamber.templating import format_hours

bp = Blueprint("contributions", __name__)


def _page() -> int:
    return requested_page()


@bp.get("/work")
@login_required
def history():
    member = current_user._get_current_object()
    committees, _projects = queries.loggable_choices(member)
    form = HistoryFilterForm(request.args)
    form.committee.choices = select_choices(
        [("", "All committees")] + [(c.id, c.name) for c in committees]
    )
    form.year.choices = select_choices(
        [("", "All years")] + [(y, y) for y in queries.contribution_years(member)]
    )
    form.validate()
    values = {name: (form[name].data if not form[name].errors else "") for name in form.data}
    page = queries.history_page(
        member,
        committee_id=int(values["committee"]) if (values["committee"] or "").isdigit() else None,
        status=ContributionStatus(values["status"]) if values["status"] else None,
        mode=WorkMode(values["mode"]) if values["mode"] else None,
        year=int(values["year"]) if (values["year"] or "").isdigit() else None,
        page=_page(),
    )
    return render_template(
        "contributions/history.html",
        form=form,
        page=page,
        totals=queries.member_totals(member, chamber_today()),
    )


def _contribution_form(member, obj=None) -> ContributionForm:
    form = ContributionForm() if obj is not None else LogContributionForm()
    committees, projects = queries.loggable_choices(member)
    form.set_choices(committees, projects)
    if obj is not None and request.method == "GET":
        form.fill_from(obj)
    elif request.method == "GET" and (committee_id := request.args.get("committee", type=int)):
        form.committee_id.data = committee_id  # a preselection only: the choices decide
    return form


@bp.route("/work/new", methods=["GET", "POST"])
@login_required
def log():
    member = current_user._get_current_object()
    form = _contribution_form(member)
    if not form.committee_id.choices:
        flash("Join a committee first: contributions are logged for a committee.", "info")
        return redirect(url_for("committees.index"))
    if request.method == "GET":
        form.form_token.data = new_form_token()
    if form.validate_on_submit():
        try:
            services.log_contribution(member, form.contribution_data(), form.form_token.data)
        except services.AlreadyLogged:
            db.session.rollback()
            flash("You had already sent this contribution; it is in your list.", "info")
            return redirect(url_for("contributions.history"))
        except ChamberError as error:
            db.session.rollback()
            form.add_error(error)
        else:
            db.session.commit()
            flash("Thank you! Your contribution is waiting for a lead's approval.", "success")
            return redirect(url_for("contributions.history"))
        return render_template("contributions/form.html", form=form, contribution=None), 400
    status = 400 if form.is_submitted() else 200
    return render_template("contributions/form.html", form=form, contribution=None), status


@bp.route("/work/<int:contribution_id>/edit", methods=["GET", "POST"])
@login_required
def edit(contribution_id: int):
    contribution = db.get_or_404(Contribution, contribution_id)
    require(authz.can_view_contribution(current_user, contribution))
    if not authz.can_edit_contribution(current_user, contribution):
        flash("This contribution is decided; it can no longer be changed.", "error")
        return redirect(url_for("contributions.history"))
    member = current_user._get_current_object()
    form = _contribution_form(member, contribution)
    if form.validate_on_submit():
        try:
            services.update_contribution(member, contribution, form.contribution_data())
        except ChamberError as error:
            db.session.rollback()
            form.add_error(error)
        else:
            db.session.commit()
            flash("Your contribution is saved.", "success")
            return redirect(url_for("contributions.history"))
    status = 400 if form.is_submitted() else 200
    return render_template("contributions/form.html", form=form, contribution=contribution), status


@bp.post("/work/<int:contribution_id>/withdraw")
@login_required
def withdraw(contribution_id: int):
    contribution = db.get_or_404(Contribution, contribution_id)
    require(authz.can_view_contribution(current_user, contribution))
    require(contribution.member_id == current_user.id)
    try:
        services.withdraw_contribution(current_user, contribution)
    except ChamberError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash("Your contribution is withdrawn.", "info")
    return redirect(url_for("contributions.history"))


# The lead's approval queue ---------------------------------------------------------------


def _render_queue(committee, form: DecisionForm, status: int = 200):
    page = queries.approval_queue(committee, page=_page())
    return (
        render_template(
            "contributions/manage/queue.html",
            committee=committee,
            page=page,
            form=form,
            decisions=queries.recent_decisions(committee),
        ),
        status,
    )


@bp.get("/committees/<slug>/manage/approvals")
@login_required
def manage_queue(slug: str):
    committee = load_committee(slug)
    require(authz.can_lead_committee(current_user, committee))
    return _render_queue(committee, DecisionForm())


@bp.post("/committees/<slug>/manage/approvals")
@login_required
def manage_decide(slug: str):
    committee = load_committee(slug)
    require(authz.can_lead_committee(current_user, committee))
    form = DecisionForm()
    if not form.validate_on_submit():
        return _render_queue(committee, form, 400)
    decision = form.decision(request.form.get("decision"))
    if decision is None:
        abort(400)
    approve, ids = decision
    try:
        outcome = services.decide_contributions(
            current_user, committee, ids, approve, form.note.data
        )
    except ChamberError as error:
        db.session.rollback()
        form.add_error(error)
        return _render_queue(committee, form, 400)
    db.session.commit()
    verb = "approved" if approve else "rejected"
    if outcome.decided:
        total = sum(c.hours for c in outcome.decided)
        flash(
            f"{len(outcome.decided)} contribution{'s' if len(outcome.decided) != 1 else ''} "
            f"{verb} ({format_hours(total)} h). The members are notified.",
            "success",
        )
    for contribution, reason in outcome.skipped:
        who = f"{contribution.member.full_name}: " if contribution is not None else ""
        flash(f"{who}{reason}", "warning")
    return redirect(url_for("contributions.manage_queue", slug=committee.slug))


@bp.get("/committees/<slug>/manage/hours.csv")
@login_required
def manage_hours_csv(slug: str):
    committee = load_committee(slug)
    require(authz.can_lead_committee(current_user, committee))
    form = HoursReportForm(request.args)
    today = chamber_today()
    form.validate()
    first = (form.first.data if not form.first.errors else None) or date(today.year, 1, 1)
    last = (form.last.data if not form.last.errors else None) or today
    rows = queries.hours_by_member(committee, first, last)
    return csv_response(
        f"{committee.slug}-hours-{first:%Y%m%d}-{last:%Y%m%d}.csv",
        ["Member", "Business", "Contributions", "In person hours", "Online hours", "Total hours"],
        (
            [
                row.full_name,
                row.business_name,
                row.contributions,
                format_hours(row.in_person),
                format_hours(row.online),
                format_hours(row.total),
            ]
            for row in rows
        ),
    )
