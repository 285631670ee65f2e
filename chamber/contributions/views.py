"""Logging and reviewing contributions: the member's history, the lead's approval queue, CSV."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from chamber import authz, pagecache
from chamber.authz import require
from chamber.committees.queries import load_led_committee
from chamber.contributions import queries, services
from chamber.contributions.forms import (
    ContributionForm,
    DecisionForm,
    HistoryFilterForm,
    HoursReportForm,
    LogContributionForm,
)
from chamber.contributions.models import Contribution, ContributionStatus
from chamber.csvexport import csv_filename, csv_response
from chamber.db import utcnow
from chamber.enums import WorkMode
from chamber.extensions import db
from chamber.flow import finish, finish_create_valid, finish_valid, form_page
from chamber.formatting import format_hours, format_money
from chamber.forms import select_choices
from chamber.localtime import chamber_today
from chamber.paging import requested_page
from chamber.projects import queries as project_queries
from chamber.projects.forms import MARK_CHOICES, SignupMarksForm

bp = Blueprint("contributions", __name__)


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
        page=requested_page(),
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
    return finish_create_valid(
        form,
        lambda: services.log_contribution(member, form.contribution_data()),
        success="Thank you! Your contribution is waiting for a lead's approval.",
        to=lambda _contribution: url_for("contributions.history"),
        already="You had already sent this contribution; it is in your list.",
    ) or form_page("contributions/form.html", form, contribution=None)


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
    return finish_valid(
        form,
        lambda: services.update_contribution(member, contribution, form.contribution_data()),
        success="Your contribution is saved.",
        to=url_for("contributions.history"),
    ) or form_page("contributions/form.html", form, contribution=contribution)


@bp.post("/work/<int:contribution_id>/withdraw")
@login_required
def withdraw(contribution_id: int):
    contribution = db.get_or_404(Contribution, contribution_id)
    require(authz.can_view_contribution(current_user, contribution))
    require(authz.can_withdraw_contribution(current_user, contribution))
    return finish(
        lambda: services.withdraw_contribution(current_user, contribution),
        success="Your contribution is withdrawn.",
        category="info",
        to=url_for("contributions.history"),
    )


# The lead's approval queue ---------------------------------------------------------------


def _render_queue(committee, form: DecisionForm, status: int = 200):
    page = queries.approval_queue(committee, page=requested_page())
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
@pagecache.kept
def manage_queue(slug: str):
    committee = load_led_committee(slug, current_user)
    return _render_queue(committee, DecisionForm())


def finish_batch(decide, outcome: services.BatchOutcome, *, to: str, form):
    """End a batch decision (a committee's queue or the chamber events'): what was decided,
    then each skipped contribution with why."""
    done = finish(
        decide,
        success=lambda outcome: decided_message(outcome) if outcome.decided else None,
        to=to,
        form=form,
    )
    for contribution, reason in outcome.skipped:
        who = f"{contribution.member.full_name}: " if contribution is not None else ""
        flash(f"{who}{reason}", "warning")
    return done


def decided_message(outcome: services.BatchOutcome) -> str:
    """What a batch decision did, in words (a committee's queue and the chamber events')."""
    verb = "approved" if outcome.approved else "rejected"
    count = len(outcome.decided)
    total = sum(c.hours for c in outcome.decided if c.hours is not None)
    value = sum(c.value_cents for c in outcome.decided if c.value_cents is not None)
    amounts = [f"{format_hours(total)} h"] if total or not value else []
    if value:
        amounts.append(f"{format_money(value)} in kind")
    return (
        f"{count} contribution{'s' if count != 1 else ''} {verb} ({', '.join(amounts)}). "
        "The members are notified."
    )


@bp.post("/committees/<slug>/manage/approvals")
@login_required
def manage_decide(slug: str):
    committee = load_led_committee(slug, current_user)
    form = DecisionForm()
    if form.validate_on_submit():
        outcome = services.BatchOutcome(approved=form.approves)
        done = finish_batch(
            lambda: services.decide_contributions(
                current_user, committee, form.chosen_ids, form.approves, form.note.data, outcome
            ),
            outcome,
            to=url_for("contributions.manage_queue", slug=committee.slug),
            form=form,
        )
        if done:
            return done
    return _render_queue(committee, form, 400)


@bp.get("/committees/<slug>/manage/hours")
@login_required
def manage_hours(slug: str):
    """The hours CSV's page: choose the period, then download."""
    committee = load_led_committee(slug, current_user)
    form = HoursReportForm(request.args)
    if request.args:
        form.validate()
    first, last = form.period() if not form.errors else (None, None)
    if not request.args:
        form.first.data, form.last.data = first, last
    return render_template("contributions/manage/hours.html", committee=committee, form=form), (
        400 if form.errors else 200
    )


@bp.get("/committees/<slug>/manage/hours.csv")
@login_required
def manage_hours_csv(slug: str):
    committee = load_led_committee(slug, current_user)
    form = HoursReportForm(request.args)
    if not form.validate():
        return render_template(
            "contributions/manage/hours.html", committee=committee, form=form
        ), 400
    first, last = form.period()
    rows = queries.hours_by_member(committee, first, last)
    return hours_csv(csv_filename(f"{committee.slug}-hours", first, last), rows)


def hours_csv(filename: str, rows):
    """Hours per member as CSV (a committee's, or the chamber events'): the rows of
    `queries.hours_by_member` or `event_queries.event_hours_by_member`."""
    return csv_response(
        filename,
        [
            "Member",
            "Business",
            "Contributions in hours",
            "In person hours",
            "Online hours",
            "Total hours",
            "In-kind gifts",
            "In-kind value",
        ],
        (
            [
                row.full_name,
                row.business_name,
                row.contributions,
                format_hours(row.in_person),
                format_hours(row.online),
                format_hours(row.total),
                row.gifts,
                format_money(row.gift_value),
            ]
            for row in rows
        ),
    )


# Shift attendance: marking who came credits (or withdraws) their approved hours ----------


@bp.route("/committees/<slug>/manage/shifts/<int:shift_id>/signups", methods=["GET", "POST"])
@login_required
def manage_shift_attendance(slug: str, shift_id: int):
    committee, shift = project_queries.load_led_shift(slug, shift_id, current_user)
    signups = project_queries.shift_signups(shift)
    form = SignupMarksForm.for_rows([s.id for s in signups if s.status in MARK_CHOICES])
    return finish_valid(
        form,
        lambda: services.record_shift_attendance(current_user, shift, form.marks()),
        success=lambda changed: f"Attendance saved ({changed} changed).",
        to=request.path,
    ) or form_page(
        "projects/manage/signups.html",
        form,
        committee=committee,
        shift=shift,
        signups=signups,
        choices=MARK_CHOICES,
        is_started=shift.starts_at <= utcnow(),
    )
