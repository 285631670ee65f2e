"""Projects and shifts: members browse and sign up; leads run projects and their shifts."""

from __future__ import annotations

from flask import Blueprint, render_template, request, url_for
from flask_login import current_user, login_required

from chamber import authz
from chamber.authz import require
from chamber.committees import views as committee_views
from chamber.committees.models import Committee
from chamber.committees.queries import load_committee
from chamber.db import utcnow
from chamber.extensions import db
from chamber.flow import finish, finish_create
from chamber.forms import select_choices
from chamber.paging import requested_page
from chamber.projects import queries, services
from chamber.projects.forms import NewProjectForm, NewShiftForm, ProjectForm, ShiftForm
from chamber.projects.models import Project, ProjectStatus, Shift

bp = Blueprint("projects", __name__)


def _committee_page_projects(committee: Committee, _viewer) -> dict:
    """The committee page's projects taking volunteers or proposed, with open slots ahead."""
    return {
        "open_projects": [
            row for row in queries.committee_projects(committee) if row[0].status.is_open
        ]
    }


committee_views.PAGE_PARTS.append(_committee_page_projects)


@bp.get("/projects")
@login_required
def index():
    member = current_user._get_current_object()
    return render_template(
        "projects/index.html",
        page=queries.project_list(page=requested_page()),
        my_shifts=queries.my_upcoming_shifts(member, limit=20),
    )


@bp.get("/projects/<int:project_id>")
@login_required
def show(project_id: int):
    project = db.get_or_404(Project, project_id)
    require(authz.can_view_project(current_user, project))
    rows = queries.project_shifts(project)
    return render_template(
        "projects/show.html",
        project=project,
        rows=rows,
        mine=queries.my_signups(current_user, [row.shift.id for row in rows]),
        now=utcnow(),
    )


def _shift_url(shift: Shift) -> str:
    return url_for("projects.show", project_id=shift.project_id) + f"#shift-{shift.id}"


@bp.post("/shifts/<int:shift_id>/sign-up")
@login_required
def sign_up(shift_id: int):
    shift = db.get_or_404(Shift, shift_id)
    require(authz.can_view_project(current_user, shift.project))
    require(authz.can_sign_up_for_shift(current_user, shift))
    return finish(
        lambda: services.sign_up_for_shift(current_user, shift),
        success=f"You are signed up for “{shift.title}”. Thank you!",
        to=_shift_url(shift),
    )


@bp.post("/shifts/<int:shift_id>/cancel")
@login_required
def cancel(shift_id: int):
    shift = db.get_or_404(Shift, shift_id)
    require(authz.can_view_project(current_user, shift.project))
    require(authz.can_sign_up_for_shift(current_user, shift))
    return finish(
        lambda: services.cancel_signup(current_user, shift),
        success=f"Your sign-up for “{shift.title}” is cancelled.",
        to=_shift_url(shift),
    )


# Leads: projects and shifts --------------------------------------------------------------


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


def _manage_project_url(committee: Committee, project: Project) -> str:
    return url_for("projects.manage_project", slug=committee.slug, project_id=project.id)


def _render_project_form(committee: Committee, project: Project | None, form: ProjectForm):
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
    form = NewProjectForm()
    form.status.choices = select_choices(
        (s.value, s.label) for s in (ProjectStatus.PROPOSED, ProjectStatus.ACTIVE)
    )
    if form.validate_on_submit():
        done = finish_create(
            form,
            lambda: services.create_project(current_user, committee, form.project_data()),
            success=lambda project: f"“{project.name}” is saved.",
            to=lambda project: _manage_project_url(committee, project),
        )
        if done:
            return done
    return _render_project_form(committee, None, form)


@bp.route("/committees/<slug>/manage/projects/<int:project_id>/edit", methods=["GET", "POST"])
@login_required
def manage_edit(slug: str, project_id: int):
    committee = load_committee(slug)
    project = queries.load_project(committee, project_id)
    require(authz.can_lead_committee(current_user, committee))
    form = ProjectForm(obj=project)
    allowed = {project.status} | services.NEXT_STATUSES[project.status]
    form.status.choices = select_choices((s.value, s.label) for s in ProjectStatus if s in allowed)
    if request.method == "GET":
        form.status.data = project.status.value
    if form.validate_on_submit():
        done = finish(
            lambda: services.update_project(current_user, project, form.project_data()),
            success=f"“{form.name.data}” is saved.",
            to=_manage_project_url(committee, project),
            form=form,
        )
        if done:
            return done
    return _render_project_form(committee, project, form)


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
    project = queries.load_project(committee, project_id)
    require(authz.can_lead_committee(current_user, committee))
    return _render_manage_project(committee, project, NewShiftForm())


@bp.post("/committees/<slug>/manage/projects/<int:project_id>/shifts")
@login_required
def manage_new_shift(slug: str, project_id: int):
    committee = load_committee(slug)
    project = queries.load_project(committee, project_id)
    require(authz.can_lead_committee(current_user, committee))
    form = NewShiftForm()
    if form.validate_on_submit():
        done = finish_create(
            form,
            lambda: services.create_shift(current_user, project, form.shift_data()),
            success=lambda shift: f"Shift “{shift.title}” is added.",
            to=lambda _shift: _manage_project_url(committee, project),
        )
        if done:
            return done
    return _render_manage_project(committee, project, form, 400)


@bp.route("/committees/<slug>/manage/shifts/<int:shift_id>/edit", methods=["GET", "POST"])
@login_required
def manage_edit_shift(slug: str, shift_id: int):
    committee = load_committee(slug)
    shift = queries.load_shift(committee, shift_id)
    require(authz.can_lead_committee(current_user, committee))
    form = ShiftForm()
    if request.method == "GET":
        form.fill_from(shift)
    if form.validate_on_submit():
        done = finish(
            lambda: services.update_shift(current_user, shift, form.shift_data()),
            success=f"Shift “{form.title.data}” is saved.",
            to=_manage_project_url(committee, shift.project),
            form=form,
        )
        if done:
            return done
    status = 400 if form.is_submitted() else 200
    return (
        render_template(
            "projects/manage/shift_form.html", committee=committee, shift=shift, form=form
        ),
        status,
    )
