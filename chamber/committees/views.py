"""Committee pages for members, the lead's manage area (roster, join requests) and staff admin."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, render_template, request, url_for
from flask_login import current_user, login_required

from chamber import authz, pagecache
from chamber.authz import require
from chamber.committees import picker, queries, services
from chamber.committees.forms import (
    AppointForm,
    ArchiveForm,
    CommitteeForm,
    JoinDecisionForm,
    JoinRequestForm,
    NewCommitteeForm,
    RoleForm,
)
from chamber.committees.models import Committee, CommitteeRole
from chamber.extensions import db
from chamber.flow import (
    finish,
    finish_buttons,
    finish_create_valid,
    finish_edit,
    finish_valid,
    form_page,
)
from chamber.members.forms import MemberSearchForm
from chamber.members.models import Member
from chamber.paging import first_of

bp = Blueprint("committees", __name__)

#: What features above this one (meetings, projects) add to a committee's page: functions
#: (committee, viewer) -> template values, registered by their own views so that committees
#: imports none of them.
PAGE_PARTS: list[Callable[[Committee, Member], dict[str, Any]]] = []


@bp.get("/committees")
@login_required
def index():
    show_archived = authz.is_staff(current_user) and request.args.get("archived") == "1"
    committees = queries.committee_list(include_archived=show_archived)
    return render_template(
        "committees/index.html", committees=committees, show_archived=show_archived
    )


def _render_committee(committee: Committee, join_form: JoinRequestForm | None = None):
    viewer = current_user._get_current_object()
    parts: dict[str, Any] = {}
    for part in PAGE_PARTS:
        parts |= part(committee, viewer)
    return render_template(
        "committees/show.html",
        committee=committee,
        roster=queries.roster(committee),
        pending_request=queries.pending_request_of(current_user, committee),
        join_form=join_form or JoinRequestForm(),
        **parts,
    )


@bp.get("/committees/<slug>")
@login_required
@pagecache.kept
def show(slug: str):
    committee = queries.load_committee(slug)
    if committee.is_archived:
        require(authz.is_staff(current_user) or authz.is_committee_member(current_user, committee))
    return _render_committee(committee)


def _committee_url(committee: Committee) -> str:
    return url_for("committees.show", slug=committee.slug)


def _roster_url(committee: Committee) -> str:
    return url_for("committees.manage_roster", slug=committee.slug)


@bp.post("/committees/<slug>/join")
@login_required
def join(slug: str):
    committee = queries.load_committee(slug)
    require(authz.can_request_to_join(current_user, committee))
    form = JoinRequestForm()
    if form.validate_on_submit():
        # A refusal is not about what was typed (already a member, already asked): it is
        # flashed on the committee's page.
        return finish(
            lambda: services.request_to_join(current_user, committee, form.message.data),
            success=f"Your request to join {committee.name} is sent to its leads.",
            to=_committee_url(committee),
        )
    return _render_committee(committee, form), 400


@bp.post("/committees/<slug>/leave")
@login_required
def leave(slug: str):
    committee = queries.load_committee(slug)
    require(authz.can_leave_committee(current_user, committee))
    return finish(
        lambda: services.leave_committee(current_user, committee),
        success=f"You have left {committee.name}.",
        category="info",
        to=_committee_url(committee),
    )


# The lead's manage area ------------------------------------------------------------------


def _render_roster(committee: Committee, appoint_form: AppointForm | None = None):
    """The roster; for staff, a search by name (GET ?q=) lists members to appoint, each with
    a role to choose and one button (no e-mail address to type, no 5,000-row select)."""
    search = MemberSearchForm(request.args)
    found: list = []
    if search.text and authz.can_manage_committees(current_user):
        found = picker.find_members(search.text)
    roster = queries.roster(committee)
    return render_template(
        "committees/manage/roster.html",
        committee=committee,
        roster=roster,
        roles={membership.member_id: membership.role for membership in roster},
        join_requests=queries.pending_join_requests(committee),
        appoint_form=appoint_form or AppointForm(),
        role_form=RoleForm(),
        search=search,
        matches=first_of(found, picker.PICK_MATCHES),
    )


@bp.get("/committees/<slug>/manage/roster")
@login_required
def manage_roster(slug: str):
    return _render_roster(queries.load_led_committee(slug, current_user))


@bp.post("/committees/<slug>/manage/join-requests/<int:request_id>")
@login_required
def manage_decide_join_request(slug: str, request_id: int):
    committee = queries.load_committee(slug)
    join_request = queries.load_join_request(committee, request_id)
    require(authz.can_decide_join_request(current_user, join_request))
    form = JoinDecisionForm()
    return finish_buttons(
        form,
        lambda: services.decide_join_request(current_user, join_request, form.approves),
        invalid="Approve or decline the request.",
        success=lambda _: (
            f"{join_request.member.full_name}: request "
            f"{'approved' if form.approves else 'declined'}."
        ),
        to=_roster_url(committee),
    )


def _staff_committee(slug: str) -> Committee:
    """A committee staff manage (404 if there is none, 403 unless the member may)."""
    committee = queries.load_committee(slug)
    require(authz.can_manage_committees(current_user))
    return committee


def _staff_committee_member(slug: str, member_id: int) -> tuple[Committee, Member]:
    """A committee and a member whose place on it staff change (404s before the 403)."""
    committee = queries.load_committee(slug)
    member = db.get_or_404(Member, member_id)
    require(authz.can_manage_committees(current_user))
    return committee, member


@bp.post("/committees/<slug>/manage/appoint")
@login_required
def manage_appoint(slug: str):
    committee = _staff_committee(slug)
    form = AppointForm()
    return finish_valid(
        form,
        lambda: services.appoint_chosen(
            current_user, committee, form.member.data, CommitteeRole(form.role.data)
        ),
        success=lambda member: f"{member.full_name} is {form.role.data} of {committee.name}.",
        to=_roster_url(committee),
    ) or (_render_roster(committee, form), 400)


@bp.post("/committees/<slug>/manage/roster/<int:member_id>/role")
@login_required
def manage_change_role(slug: str, member_id: int):
    committee, member = _staff_committee_member(slug, member_id)
    form = RoleForm()
    return finish_buttons(
        form,
        lambda: services.appoint(current_user, committee, member, CommitteeRole(form.role.data)),
        invalid="Choose a role.",
        success=f"{member.full_name} is now {form.role.data}.",
        to=_roster_url(committee),
    )


@bp.post("/committees/<slug>/manage/roster/<int:member_id>/remove")
@login_required
def manage_remove(slug: str, member_id: int):
    committee, member = _staff_committee_member(slug, member_id)
    return finish(
        lambda: services.remove_from_committee(current_user, committee, member),
        success=f"{member.full_name} is no longer on {committee.name}.",
        to=_roster_url(committee),
    )


# Staff: create, edit, archive ------------------------------------------------------------


@bp.route("/staff/committees/new", methods=["GET", "POST"])
@login_required
def manage_create():
    require(authz.can_manage_committees(current_user))
    form = NewCommitteeForm()
    return finish_create_valid(
        form,
        lambda: services.create_committee(current_user, form.committee_data()),
        success=lambda committee: f"{committee.name} is created. Appoint its chair next.",
        to=_roster_url,
    ) or form_page("committees/manage/edit.html", form, committee=None)


@bp.route("/staff/committees/<slug>/edit", methods=["GET", "POST"])
@login_required
def manage_edit(slug: str):
    committee = _staff_committee(slug)
    form = CommitteeForm(obj=committee)
    return finish_edit(
        form,
        committee,
        lambda: services.update_committee(
            current_user, committee, form.committee_data(), form.version_id.data
        ),
        success=f"{form.name.data} is saved.",
        to=lambda _: _committee_url(committee),
    ) or form_page("committees/manage/edit.html", form, committee=committee)


@bp.post("/staff/committees/<slug>/archive")
@login_required
def manage_archive(slug: str):
    committee = _staff_committee(slug)
    form = ArchiveForm()
    return finish_buttons(
        form,
        lambda: services.set_committee_archived(current_user, committee, form.archived.data),
        invalid="Please try again.",
        success=f"{committee.name} is {'archived' if form.archived.data else 'active again'}.",
        to=_committee_url(committee),
    )
