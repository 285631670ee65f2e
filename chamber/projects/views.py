"""Projects and shifts: members browse and sign up; leads run projects and mark attendance."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from chamber import authz
from chamber.authz import require
from chamber.committees.models import Committee
from chamber.committees.views import load_committee
from chamber.contributions.forms import select_choices
from chamber.db import utcnow
from chamber.exceptions import ChamberError
from chamber.extensions import db
from chamber.paging import requested_page
from chamber.projects import queries, services
from chamber.projects.forms import MARK_CHOICES, ProjectForm, ShiftForm, SignupMarksForm
from chamber.projects.models import Project, ProjectStatus, Shift

bp = Blueprint("projects", __name__)


def _page() -> int:
    return requested_page()


@bp.get("/projects")
@login_required
def index():
    member = current_user._get_current_object()
    return render_template(
        "projects/index.html",
        page=queries.project_list(page=_page()),
        my_shifts=queries.my_upcoming_shifts(member, limit=20),
    )


def _render_project(project: Project, status: int = 200):
    rows = queries.project_shifts(project)
    return (
        render_template(
            "projects/show.html",
            project=project,
            rows=rows,
            mine=queries.my_signups(current_user, [row.shift.id for row in rows]),
            now=utcnow(),
        ),
        status,
    )


@bp.get("/projects/<int:project_id>")
@login_required
def show(project_id: int):
    project = db.get_or_404(Project, project_id)
    require(authz.can_view_project(current_user, project))
    return _render_project(project)


def _shift_action(shift_id: int, action) -> object:
    shift = db.get_or_404(Shift, shift_id)
    require(authz.can_view_project(current_user, shift.project))
    require(authz.can_sign_up_for_shift(current_user, shift))
    try:
        message = action(shift)
    except ChamberError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(message, "success")
    return redirect(url_for("projects.show", project_id=shift.project_id) + f"#shift-{shift.id}")


@bp.post("/shifts/<int:shift_id>/sign-up")
@login_required
def sign_up(shift_id: int):
    def act(shift):
        services.sign_up_for_shift(current_user, shift)
        return f"You are signed up for “{shift.title}”. Thank you!"

    return _shift_action(shift_id, act)


@bp.post("/shifts/<int:shift_id>/cancel")
@login_required
def cancel(shift_id: int):
    def act(shift):
        services.cancel_signup(current_user, shift)
        return f"Your sign-up for “{shift.title}” is cancelled."

    return _shift_action(shift_id, act)


# Leads: projects and shifts --------------------------------------------------------------


def _load_project(committee: Committee, project_id: int) -> Project:
    project = db.get_or_404(Project, project_id)
    if project.committee_id != committee.id:
        abort(404)
    return project


def _load_shift(committee: Committee, shift_id: int) -> Shift:
    shift = db.get_or_404(Shift, shift_id)
    if shift.project.committee_id != committee.id:
        abort(404)
    return shift


@bp.get("/committees/<slug>/manage/projects")
@login_required
def manage_list(slug: str):
    committee = load_committee(slug)
    require(authz.can_lead_committee(current_user, committee))
    return render_template(
        "projects/manage/list.html",
        committee=committee,
        projects=queries.committee_projects(committee),
    )


def _project_form(committee: Committee, project: Project | None):
    form = ProjectForm(obj=project)
    if project is None:
        form.status.choices = select_choices(
            (s.value, s.label) for s in (ProjectStatus.PROPOSED, ProjectStatus.ACTIVE)
        )
    else:
        allowed = {project.status} | services.NEXT_STATUSES[project.status]
        form.status.choices = select_choices(
            (s.value, s.label) for s in ProjectStatus if s in allowed
        )
        if request.method == "GET":
            form.status.data = project.status.value
    if form.validate_on_submit():
        try:
            if project is None:
                project = services.create_project(current_user, committee, form.project_data())
            else:
                services.update_project(current_user, project, form.project_data())
        except ChamberError as error:
            db.session.rollback()
            form.add_error(error)
        else:
            db.session.commit()
            flash(f"“{project.name}” is saved.", "success")
            return redirect(
                url_for("projects.manage_project", slug=committee.slug, project_id=project.id)
            )
    status = 400 if form.is_submitted() else 200
    return (
        render_template(
            "projects/manage/form.html", committee=committee, project=project, form=form
        ),
        status,
    )


@bp.route("/committees/<slug>/manage/projects/new", methods=["GET", "POST"])
@login_required
def manage_new(slug: str):
    committee = load_committee(slug)
    require(authz.can_lead_committee(current_user, committee))
    return _project_form(committee, None)


@bp.route("/committees/<slug>/manage/projects/<int:project_id>/edit", methods=["GET", "POST"])
@login_required
def manage_edit(slug: str, project_id: int):
    committee = load_committee(slug)
    project = _load_project(committee, project_id)
    require(authz.can_lead_committee(current_user, committee))
    return _project_form(committee, project)


def _render_manage_project(committee, project, shift_form: ShiftForm, status: int = 200):
    return (
        render_template(
            "projects/manage/project.html",
            committee=committee,
            project=project,
            rows=queries.project_shifts(project),
            shift_form=shift_form,
            now=utcnow(),
        ),
        status,
    )


@bp.get("/committees/<slug>/manage/projects/<int:project_id>")
@login_required
def manage_project(slug: str, project_id: int):
    committee = load_committee(slug)
    project = _load_project(committee, project_id)
    require(authz.can_lead_committee(current_user, committee))
    return _render_manage_project(committee, project, ShiftForm())


@bp.post("/committees/<slug>/manage/projects/<int:project_id>/shifts")
@login_required
def manage_new_shift(slug: str, project_id: int):
    committee = load_committee(slug)
    project = _load_project(committee, project_id)
    require(authz.can_lead_committee(current_user, committee))
    form = ShiftForm()
    if form.validate_on_submit():
        try:
            shift = services.create_shift(current_user, project, form.shift_data())
        except ChamberError as error:
            db.session.rollback()
            form.add_error(error)
        else:
            db.session.commit()
            flash(f"Shift “{shift.title}” is added.", "success")
            return redirect(
                url_for("projects.manage_project", slug=committee.slug, project_id=project.id)
            )
    return _render_manage_project(committee, project, form, 400)


@bp.route("/committees/<slug>/manage/shifts/<int:shift_id>/edit", methods=["GET", "POST"])
@login_required
def manage_edit_shift(slug: str, shift_id: int):
    committee = load_committee(slug)
    shift = _load_shift(committee, shift_id)
    require(authz.can_lead_committee(current_user, committee))
    form = ShiftForm()
    if request.method == "GET":
        form.fill_from(shift)
    if form.validate_on_submit():
        try:
            services.update_shift(current_user, shift, form.shift_data())
        except ChamberError as error:
            db.session.rollback()
            form.add_error(error)
        else:
            db.session.commit()
            flash(f"Shift “{shift.title}” is saved.", "success")
            return redirect(
                url_for("projects.manage_project", slug=committee.slug, project_id=shift.project_id)
            )
    status = 400 if form.is_submitted() else 200
    return (
        render_template(
            "projects/manage/shift_form.html", committee=committee, shift=shift, form=form
        ),
        status,
    )


@bp.route("/committees/<slug>/manage/shifts/<int:shift_id>/signups", methods=["GET", "POST"])
@login_required
def manage_signups(slug: str, shift_id: int):
    committee = load_committee(slug)
    shift = _load_shift(committee, shift_id)
    require(authz.can_lead_committee(current_user, committee))
    form = SignupMarksForm()
    signups = queries.shift_signups(shift)
    markable = [s for s in signups if s.status in MARK_CHOICES]
    status = 200
    if form.validate_on_submit():
        marks = form.marks(request.form, [s.id for s in markable])
        if marks is not None:
            try:
                changed = services.mark_signups(current_user, shift, marks)
            except ChamberError as error:
                db.session.rollback()
                form.add_error(error)
            else:
                db.session.commit()
                flash(f"Attendance saved ({changed} changed).", "success")
                return redirect(request.path)
        status = 400
    elif form.is_submitted():
        status = 400
    return (
        render_template(
            "projects/manage/signups.html",
            committee=committee,
            shift=shift,
            signups=signups,
            form=form,
            choices=MARK_CHOICES,
            is_started=shift.starts_at <= utcnow(),
        ),
        status,
    )
