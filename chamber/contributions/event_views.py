"""Work at chamber-wide events: the member logs it, staff decide on it (their approval
queue) and download the hours (CSV)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from chamber import authz
from chamber.authz import require
from chamber.contributions import event_queries, event_services
from chamber.contributions.event_forms import EventContributionForm
from chamber.contributions.forms import DecisionForm, HoursReportForm
from chamber.contributions.services import BatchOutcome
from chamber.contributions.views import finish_batch, hours_csv
from chamber.csvexport import csv_filename
from chamber.flow import finish_create
from chamber.paging import requested_page

bp = Blueprint("contribution_events", __name__)


@bp.route("/work/events/new", methods=["GET", "POST"])
@login_required
def log():
    """Hours (or a gift) at a chamber-wide event the member took part in."""
    member = current_user._get_current_object()
    form = EventContributionForm()
    form.set_events(event_queries.loggable_events(member))
    if request.method == "GET" and (event_id := request.args.get("event", type=int)):
        form.meeting_id.data = event_id  # a preselection only: the choices decide
    if form.validate_on_submit():
        done = finish_create(
            form,
            lambda: event_services.log_event_contribution(member, form.event_contribution_data()),
            success="Thank you! Your hours are waiting for the chamber staff's approval.",
            to=lambda _contribution: url_for("contributions.history"),
            already="You had already sent this contribution; it is in your list.",
        )
        if done:
            return done
    status = 400 if form.is_submitted() else 200
    return render_template("contributions/event_form.html", form=form), status


# The staff's approval queue for chamber events ---------------------------------------------


def _render_queue(form: DecisionForm, status: int = 200):
    return (
        render_template(
            "contributions/manage/event_queue.html",
            page=event_queries.event_queue(page=requested_page()),
            form=form,
            decisions=event_queries.recent_event_decisions(),
            hours_form=HoursReportForm(formdata=None),
        ),
        status,
    )


@bp.get("/staff/approvals/events")
@login_required
def staff_queue():
    require(authz.can_decide_event_contributions(current_user))
    return _render_queue(DecisionForm())


@bp.post("/staff/approvals/events")
@login_required
def staff_decide():
    require(authz.can_decide_event_contributions(current_user))
    form = DecisionForm()
    if form.validate_on_submit():
        outcome = BatchOutcome(approved=form.approves)
        done = finish_batch(
            lambda: event_services.decide_event_contributions(
                current_user, form.chosen_ids, form.approves, form.note.data, outcome
            ),
            outcome,
            to=url_for("contribution_events.staff_queue"),
            form=form,
        )
        if done:
            return done
    return _render_queue(form, 400)


@bp.get("/staff/approvals/events/hours.csv")
@login_required
def staff_hours_csv():
    """Approved work at chamber events per member over a period (from the 1st of January
    unless chosen), in the columns of a committee's hours CSV."""
    require(authz.can_decide_event_contributions(current_user))
    form = HoursReportForm(request.args)
    if not form.validate():
        flash("; ".join(e for errors in form.errors.values() for e in errors), "error")
        return redirect(url_for("contribution_events.staff_queue"))
    first, last = form.period()
    rows = event_queries.event_hours_by_member(first, last)
    return hours_csv(csv_filename("chamber-events-hours", first, last), rows)
