"""Projects and shifts: members browse and sign up; leads run projects and their shifts."""

from __future__ import annotations

from flask import Blueprint, render_template, request, url_for
from flask_login import current_user, login_required

from chamber import authz
from chamber.authz import require
from chamber.committees import views as committee_views
from chamber.committees.models import Committee
from chamber.committees.queries import load_led_committee
from chamber.db import utcnow
from chamber.extensions import db
from chamber.flow import finish, finish_create_valid, finish_valid, form_page, member_page
from chamber.forms import select_choices
from chamber.members.models import Member
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
@member_page("projects/index.html")
def index(member: Member) -> dict:
    return {
        "page": queries.project_list(page=requested_page()),
        "my_shifts": queries.my_upcoming_shifts(member, limit=20),
    }


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


def _change_signup(shift_id: int, act, success: str):
    """Sign up for a shift or cancel: on a shift the member may see and sign up for, then
    back to it. `success` is told with the shift's title in place of {title}."""
    shift = db.get_or_404(Shift, shift_id)
    require(authz.can_view_project(current_user, shift.project))
    require(authz.can_sign_up_for_shift(current_user, shift))
    return finish(
        lambda: act(current_user, shift),
        success=success.format(title=shift.title),
        to=_shift_url(shift),
    )


@bp.post("/shifts/<int:shift_id>/sign-up")
@login_required
def sign_up(shift_id: int):
    return _change_signup(
        shift_id, services.sign_up_for_shift, "You are signed up for “{title}”. Thank you!"
    )


@bp.post("/shifts/<int:shift_id>/cancel")
@login_required
def cancel(shift_id: int):
    return _change_signup(
        shift_id, services.cancel_signup, "Your sign-up for “{title}” is cancelled."
    )


# Leads: projects and shifts --------------------------------------------------------------


@bp.get("/committees/<slug>/manage/projects")
@login_required
def manage_list(slug: str):
    committee = load_led_committee(slug, current_user)
    return render_template(
        "projects/manage/list.html",
        committee=committee,
        projects=queries.committee_projects(committee),
    )


def _manage_project_url(committee: Committee, project: Project) -> str:
    return url_for("projects.manage_project", slug=committee.slug, project_id=project.id)


@bp.route("/committees/<slug>/manage/projects/new", methods=["GET", "POST"])
@login_required
def manage_new(slug: str):
    committee = load_led_committee(slug, current_user)
    form = NewProjectForm()
    form.status.choices = select_choices(
        (s.value, s.label) for s in (ProjectStatus.PROPOSED, ProjectStatus.ACTIVE)
    )
    return finish_create_valid(
        form,
        lambda: services.create_project(current_user, committee, form.project_data()),
        success=lambda project: f"“{project.name}” is saved.",
        to=lambda project: _manage_project_url(committee, project),
    ) or form_page("projects/manage/form.html", form, committee=committee, project=None)


@bp.route("/committees/<slug>/manage/projects/<int:project_id>/edit", methods=["GET", "POST"])
@login_required
def manage_edit(slug: str, project_id: int):
    committee, project = queries.load_led_project(slug, project_id, current_user)
    form = ProjectForm(obj=project)
    allowed = {project.status} | services.NEXT_STATUSES[project.status]
    form.status.choices = select_choices((s.value, s.label) for s in ProjectStatus if s in allowed)
    if request.method == "GET":
        form.status.data = project.status.value
    return finish_valid(
        form,
        lambda: services.update_project(current_user, project, form.project_data()),
        success=f"“{form.name.data}” is saved.",
        to=_manage_project_url(committee, project),
    ) or form_page("projects/manage/form.html", form, committee=committee, project=project)


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
    committee, project = queries.load_led_project(slug, project_id, current_user)
    return _render_manage_project(committee, project, NewShiftForm())


@bp.post("/committees/<slug>/manage/projects/<int:project_id>/shifts")
@login_required
def manage_new_shift(slug: str, project_id: int):
    committee, project = queries.load_led_project(slug, project_id, current_user)
    form = NewShiftForm()
    return finish_create_valid(
        form,
        lambda: services.create_shift(current_user, project, form.shift_data()),
        success=lambda shift: f"Shift “{shift.title}” is added.",
        to=lambda _shift: _manage_project_url(committee, project),
    ) or _render_manage_project(committee, project, form, 400)


@bp.route("/committees/<slug>/manage/shifts/<int:shift_id>/edit", methods=["GET", "POST"])
@login_required
def manage_edit_shift(slug: str, shift_id: int):
    committee, shift = queries.load_led_shift(slug, shift_id, current_user)
    form = ShiftForm.editing(shift)
    return finish_valid(
        form,
        lambda: services.update_shift(current_user, shift, form.shift_data()),
        success=f"Shift “{form.title.data}” is saved.",
        to=_manage_project_url(committee, shift.project),
    ) or form_page("projects/manage/shift_form.html", form, committee=committee, shift=shift)
