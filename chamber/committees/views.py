"""Committee pages for members, the lead's manage area (roster, join requests) and staff admin."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from chamber import authz
from chamber.authz import require
from chamber.committees import queries, services
from chamber.committees.forms import AppointForm, CommitteeForm, JoinRequestForm, RoleForm
from chamber.committees.models import Committee, CommitteeRole, JoinRequest
from chamber.contributions.summary import committee_work_summary
from chamber.exceptions import ChamberError
from chamber.extensions import db
from chamber.members.models import Member

bp = Blueprint("committees", __name__)


def load_committee(slug: str) -> Committee:
    """The committee with this slug, or a 404 page."""
    committee = queries.committee_by_slug(slug)
    if committee is None:
        abort(404)
    return committee


@bp.get("/committees")
@login_required
def index():
    show_archived = authz.is_staff(current_user) and request.args.get("archived") == "1"
    committees = queries.committee_list(include_archived=show_archived)
    return render_template(
        "committees/index.html", committees=committees, show_archived=show_archived
    )


def _render_committee(committee: Committee, join_form: JoinRequestForm | None = None):
    return render_template(
        "committees/show.html",
        committee=committee,
        roster=queries.roster(committee),
        pending_request=queries.pending_request_of(current_user, committee),
        join_form=join_form or JoinRequestForm(),
    )


@bp.get("/committees/<slug>")
@login_required
def show(slug: str):
    committee = load_committee(slug)
    if committee.is_archived:
        require(authz.is_staff(current_user) or authz.is_committee_member(current_user, committee))
    return _render_committee(committee)


@bp.post("/committees/<slug>/join")
@login_required
def join(slug: str):
    committee = load_committee(slug)
    require(authz.can_request_to_join(current_user, committee))
    form = JoinRequestForm()
    if form.validate_on_submit():
        try:
            services.request_to_join(current_user, committee, form.message.data)
        except ChamberError as error:
            # Not about what was typed (already a member, already asked): say so on the page.
            db.session.rollback()
            flash(error.message, "error")
            return redirect(url_for("committees.show", slug=committee.slug))
        else:
            db.session.commit()
            flash(f"Your request to join {committee.name} is sent to its leads.", "success")
            return redirect(url_for("committees.show", slug=committee.slug))
    return _render_committee(committee, form), 400


@bp.post("/committees/<slug>/leave")
@login_required
def leave(slug: str):
    committee = load_committee(slug)
    require(authz.can_leave_committee(current_user, committee))
    services.leave_committee(current_user, committee)
    db.session.commit()
    flash(f"You have left {committee.name}.", "info")
    return redirect(url_for("committees.show", slug=committee.slug))


# The lead's manage area ------------------------------------------------------------------


@bp.get("/committees/<slug>/manage/")
@login_required
def manage_dashboard(slug: str):
    committee = load_committee(slug)
    require(authz.can_lead_committee(current_user, committee))
    return render_template(
        "committees/manage/dashboard.html",
        committee=committee,
        roster_size=len(queries.roster(committee)),
        join_requests=queries.pending_join_requests(committee),
        work=committee_work_summary(committee),
    )


def _render_roster(committee: Committee, appoint_form: AppointForm | None = None):
    return render_template(
        "committees/manage/roster.html",
        committee=committee,
        roster=queries.roster(committee),
        join_requests=queries.pending_join_requests(committee),
        appoint_form=appoint_form or AppointForm(),
        role_form=RoleForm(),
    )


@bp.get("/committees/<slug>/manage/roster")
@login_required
def manage_roster(slug: str):
    committee = load_committee(slug)
    require(authz.can_lead_committee(current_user, committee))
    return _render_roster(committee)


@bp.post("/committees/<slug>/manage/join-requests/<int:request_id>")
@login_required
def manage_decide_join_request(slug: str, request_id: int):
    committee = load_committee(slug)
    join_request = db.get_or_404(JoinRequest, request_id)
    if join_request.committee_id != committee.id:
        abort(404)
    require(authz.can_decide_join_request(current_user, join_request))
    decision = request.form.get("decision")
    if decision not in {"approve", "decline"}:
        abort(400)
    try:
        services.decide_join_request(current_user, join_request, decision == "approve")
    except ChamberError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(f"{join_request.member.full_name}: request {decision}d.", "success")
    return redirect(url_for("committees.manage_roster", slug=committee.slug))


@bp.post("/committees/<slug>/manage/appoint")
@login_required
def manage_appoint(slug: str):
    committee = load_committee(slug)
    require(authz.can_manage_committees(current_user))
    form = AppointForm()
    if form.validate_on_submit():
        member = db.session.scalar(
            sa.select(Member).where(Member.email == form.email.data.strip().lower())
        )
        if member is None:
            form.email.errors = [*form.email.errors, "No member has this e-mail address."]
        else:
            try:
                services.appoint(current_user, committee, member, CommitteeRole(form.role.data))
            except ChamberError as error:
                db.session.rollback()
                form.add_error(error)
            else:
                db.session.commit()
                flash(f"{member.full_name} is {form.role.data} of {committee.name}.", "success")
                return redirect(url_for("committees.manage_roster", slug=committee.slug))
    return _render_roster(committee, form), 400


@bp.post("/committees/<slug>/manage/roster/<int:member_id>/role")
@login_required
def manage_change_role(slug: str, member_id: int):
    committee = load_committee(slug)
    member = db.get_or_404(Member, member_id)
    require(authz.can_manage_committees(current_user))
    form = RoleForm()
    if not form.validate_on_submit():
        flash("Choose a role.", "error")
    else:
        try:
            services.appoint(current_user, committee, member, CommitteeRole(form.role.data))
        except ChamberError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(f"{member.full_name} is now {form.role.data}.", "success")
    return redirect(url_for("committees.manage_roster", slug=committee.slug))


@bp.post("/committees/<slug>/manage/roster/<int:member_id>/remove")
@login_required
def manage_remove(slug: str, member_id: int):
    committee = load_committee(slug)
    member = db.get_or_404(Member, member_id)
    require(authz.can_manage_committees(current_user))
    try:
        services.remove_from_committee(current_user, committee, member)
    except ChamberError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(f"{member.full_name} is no longer on {committee.name}.", "success")
    return redirect(url_for("committees.manage_roster", slug=committee.slug))


# Staff: create, edit, archive ------------------------------------------------------------


@bp.route("/staff/committees/new", methods=["GET", "POST"])
@login_required
def manage_create():
    require(authz.can_manage_committees(current_user))
    form = CommitteeForm()
    if form.validate_on_submit():
        try:
            committee = services.create_committee(current_user, form.committee_data())
        except ChamberError as error:
            db.session.rollback()
            form.add_error(error)
        else:
            db.session.commit()
            flash(f"{committee.name} is created. Appoint its chair next.", "success")
            return redirect(url_for("committees.manage_roster", slug=committee.slug))
    return render_template("committees/manage/edit.html", form=form, committee=None)


@bp.route("/staff/committees/<slug>/edit", methods=["GET", "POST"])
@login_required
def manage_edit(slug: str):
    committee = load_committee(slug)
    require(authz.can_manage_committees(current_user))
    form = CommitteeForm(obj=committee)
    if form.validate_on_submit():
        try:
            services.update_committee(
                current_user, committee, form.committee_data(), form.version_id.data
            )
        except ChamberError as error:
            db.session.rollback()
            form.add_error(error)
            form.version_id.data = committee.version_id  # the next save is a deliberate one
        else:
            db.session.commit()
            flash(f"{committee.name} is saved.", "success")
            return redirect(url_for("committees.show", slug=committee.slug))
    return render_template("committees/manage/edit.html", form=form, committee=committee)


@bp.post("/staff/committees/<slug>/archive")
@login_required
def manage_archive(slug: str):
    committee = load_committee(slug)
    require(authz.can_manage_committees(current_user))
    archived = request.form.get("archived") == "1"
    services.set_committee_archived(current_user, committee, archived)
    db.session.commit()
    flash(f"{committee.name} is {'archived' if archived else 'active again'}.", "success")
    return redirect(url_for("committees.show", slug=committee.slug))
