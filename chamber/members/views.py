"""Member directory, profiles, own settings, the public directory and staff member admin."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from chamber import authz
from chamber.authz import require
from chamber.exceptions import ChamberError
from chamber.extensions import db
from chamber.forms import parse_id
from chamber.members import queries, services
from chamber.members.forms import (
    DirectoryFilterForm,
    ImportForm,
    InviteForm,
    MemberAdminForm,
    ProfileForm,
)
from chamber.members.models import Member
from chamber.paging import requested_page

bp = Blueprint("members", __name__)


def _page() -> int:
    return requested_page()


@bp.get("/businesses")
def public_directory():
    form = DirectoryFilterForm(request.args)
    form.category.choices = [("", "All industries")] + [
        (c, c) for c in queries.category_choices(listed_only=True)
    ]
    page = queries.public_directory_page(
        text=form.q.data or None, category=form.category.data or None, page=_page()
    )
    return render_template("members/public_directory.html", form=form, page=page)


@bp.get("/members")
@login_required
def directory():
    form = DirectoryFilterForm(request.args)
    form.category.choices = [("", "All industries")] + [(c, c) for c in queries.category_choices()]
    form.city.choices = [("", "All cities")] + [(c, c) for c in queries.city_choices()]
    form.committee.choices = [("", "All committees")] + [
        (str(cid), name) for cid, name in queries.committee_choices()
    ]
    committee_id = parse_id(form.committee.data)
    page = queries.directory_page(
        text=form.q.data or None,
        category=form.category.data or None,
        city=form.city.data or None,
        committee_id=committee_id,
        page=_page(),
        per_page=current_app.config["MEMBERS_PER_PAGE"],
    )
    return render_template("members/directory.html", form=form, page=page)


@bp.get("/members/<int:member_id>")
@login_required
def profile(member_id: int):
    member = db.get_or_404(Member, member_id)
    require(authz.can_view_member(current_user, member))
    memberships = queries.member_memberships(member)
    return render_template("members/profile.html", member=member, memberships=memberships)


@bp.route("/settings", methods=["GET", "POST"])
@login_required
def settings():
    member = current_user._get_current_object()
    form = ProfileForm(obj=member)
    if form.validate_on_submit():
        services.update_profile(member, member, form.profile_data())
        db.session.commit()
        flash("Your profile is saved.", "success")
        return redirect(url_for("members.settings"))
    from chamber.notifications.forms import email_preferences_form

    return render_template(
        "members/settings.html", form=form, preferences_form=email_preferences_form(member)
    )


# Staff: member administration ------------------------------------------------------------


@bp.get("/staff/members")
@login_required
def manage_list():
    require(authz.can_manage_members(current_user))
    status = request.args.get("status", "active")
    if status not in {"active", "inactive", "invited", "all"}:
        status = "active"
    text = (request.args.get("q") or "").strip()[:100] or None
    page = queries.staff_member_page(text=text, status=status, page=_page())
    return render_template("members/manage/list.html", page=page, status=status, q=text or "")


@bp.route("/staff/members/invite", methods=["GET", "POST"])
@login_required
def manage_invite():
    require(authz.can_manage_members(current_user))
    form = InviteForm()
    if form.validate_on_submit():
        try:
            member = services.invite_member(current_user, form.invite_data())
        except ChamberError as error:
            form.add_error(error)
        else:
            db.session.commit()
            flash(f"Invitation sent to {member.email}.", "success")
            return redirect(url_for("members.manage_list", status="invited"))
    return render_template("members/manage/invite.html", form=form)


@bp.route("/staff/members/<int:member_id>/edit", methods=["GET", "POST"])
@login_required
def manage_edit(member_id: int):
    member = db.get_or_404(Member, member_id)
    require(authz.can_manage_members(current_user))
    form = MemberAdminForm(obj=member)
    if form.validate_on_submit():
        try:
            services.update_member(current_user, member, form.admin_data(), form.version_id.data)
        except ChamberError as error:
            db.session.rollback()
            form.add_error(error)
            form.version_id.data = member.version_id  # the next save is a deliberate one
        else:
            db.session.commit()
            flash(f"{member.full_name} is saved.", "success")
            return redirect(url_for("members.manage_edit", member_id=member.id))
    return render_template("members/manage/edit.html", form=form, member=member)


@bp.post("/staff/members/<int:member_id>/active")
@login_required
def manage_set_active(member_id: int):
    member = db.get_or_404(Member, member_id)
    require(authz.can_manage_members(current_user))
    active = request.form.get("active") == "1"
    try:
        services.set_member_active(current_user, member, active)
    except ChamberError as error:
        flash(error.message, "error")
    else:
        db.session.commit()
        verb = "reactivated" if active else "deactivated; their sessions are ended"
        flash(f"{member.full_name} is {verb}.", "success")
    return redirect(url_for("members.manage_edit", member_id=member.id))


@bp.post("/staff/members/<int:member_id>/invitation")
@login_required
def manage_resend_invitation(member_id: int):
    member = db.get_or_404(Member, member_id)
    require(authz.can_manage_members(current_user))
    if not member.is_active:
        flash("Reactivate the member before inviting them.", "error")
    else:
        services.send_invitation(current_user, member)
        db.session.commit()
        flash(f"A new invitation is on its way to {member.email}.", "success")
    return redirect(url_for("members.manage_edit", member_id=member.id))


@bp.before_app_request
def allow_larger_imports():
    """Member CSV uploads may exceed the 1 MiB every other request is held to."""
    if request.endpoint == "members.manage_import":
        request.max_content_length = current_app.config["IMPORT_MAX_CONTENT_LENGTH"]


@bp.route("/staff/members/import", methods=["GET", "POST"])
@login_required
def manage_import():
    require(authz.can_manage_members(current_user))
    form = ImportForm()
    report = None
    if form.validate_on_submit():
        try:
            text = form.file.data.read().decode("utf-8-sig")
            rows = services.read_import_rows(text)
        except UnicodeDecodeError:
            form.file.errors = [*form.file.errors, "Save the file as UTF-8 CSV and try again."]
        except ChamberError as error:
            form.add_error(error)
        else:
            report = services.import_members(
                current_user, rows, send_invitations=form.send_invitations.data
            )
            db.session.commit()
            flash(
                f"{len(report.created)} members imported, {len(report.refused)} rows refused.",
                "success" if not report.refused else "warning",
            )
    return render_template("members/manage/import.html", form=form, report=report)
