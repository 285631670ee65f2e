"""People and their businesses as members see them, with their committees: the public
business directory and business pages, the member directory, profiles and business pages;
and staff inviting and importing people (which mints sign-in links: chamber.auth.invitations).

The portal sits above every feature, so these pages may show committees and referrals next
to people and businesses.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, abort, current_app, flash, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy.orm import joinedload

from chamber import authz, pagecache
from chamber.auth import invitations
from chamber.authz import require
from chamber.committees import queries as committee_queries
from chamber.exceptions import ChamberError
from chamber.extensions import db
from chamber.flow import finish, finish_create_valid, form_page
from chamber.forms import parse_id
from chamber.members import queries as member_queries
from chamber.members import services as member_services
from chamber.members.forms import (
    DirectoryFilterForm,
    ImportForm,
    InviteForm,
    InviteToBusinessForm,
)
from chamber.members.models import Business, Member
from chamber.paging import requested_page
from chamber.portal import history, privacy
from chamber.referrals import queries as referral_queries
from chamber.relationships import chain as relationship_chain

bp = Blueprint("people", __name__)


# Public ---------------------------------------------------------------------------------


@bp.get("/businesses")
def public_directory():
    form = DirectoryFilterForm(request.args)
    form.category.choices = [("", "All industries")] + [
        (c, c) for c in member_queries.category_choices(listed_only=True)
    ]
    page = member_queries.public_directory_page(
        text=form.text, category=form.category.data or None, page=requested_page()
    )
    return render_template("portal/people/public_directory.html", form=form, page=page)


@bp.get("/businesses/<int:business_id>")
def public_business(business_id: int):
    """A listed business, its details and the people who chose to be listed, with their
    committees (community work is what the chamber shows the town)."""
    business = member_queries.public_business(business_id)
    if business is None:
        abort(404)
    committees = committee_queries.memberships_by_member(p.id for p in business.people)
    return render_template(
        "portal/people/public_business.html", business=business, committees=committees
    )


# Members --------------------------------------------------------------------------------


@bp.get("/members")
@login_required
@pagecache.kept
def directory():
    """Search people and businesses: matching businesses first, then the people."""
    form = DirectoryFilterForm(request.args)
    form.category.choices = [("", "All industries")] + [
        (c, c) for c in member_queries.category_choices()
    ]
    form.city.choices = [("", "All cities")] + [(c, c) for c in member_queries.city_choices()]
    form.committee.choices = [("", "All committees")] + [
        (str(cid), name) for cid, name in committee_queries.committee_choices()
    ]
    committee_id = parse_id(form.committee.data)
    page = member_queries.directory_page(
        text=form.text,
        category=form.category.data or None,
        city=form.city.data or None,
        member_ids=committee_queries.committee_member_ids(committee_id) if committee_id else None,
        page=requested_page(),
        per_page=current_app.config["MEMBERS_PER_PAGE"],
    )
    businesses = member_queries.business_matches(form.text) if form.text else []
    return render_template(
        "portal/people/directory.html",
        form=form,
        page=page,
        businesses=businesses[: member_queries.BUSINESS_MATCHES],
        more_businesses=len(businesses) > member_queries.BUSINESS_MATCHES,
    )


@bp.get("/members/<int:member_id>")
@login_required
@pagecache.kept
def profile(member_id: int):
    """A member's profile. A departed member (deactivated, or their business left) answers
    exactly like a missing id to members (404: no leak that the id was ever a member); staff
    read "no longer a member" with their history."""
    # the business in the same statement: as many statements with a business as without
    member = db.session.get(Member, member_id, options=[joinedload(Member.business)])
    if member is None or not authz.can_view_member(current_user, member):
        abort(404)
    memberships = committee_queries.member_memberships(member)
    if not member.is_active:
        return render_template(
            "portal/people/former.html",
            member=member,
            business=member.business,
            memberships=memberships,
            hours=history.hour_history(member),
            referrals=history.referral_history(member),
        )
    return render_template(
        "portal/people/profile.html",
        member=member,
        business=member.business,
        memberships=memberships,
        contacts_visible=privacy.sees_contacts(current_user, member),
        connection=relationship_chain.connection_for_profile(current_user, member),
    )


@bp.get("/members/businesses/<int:business_id>")
@login_required
@pagecache.kept
def business(business_id: int):
    """A member business as members see it: details, its people and their committees; for
    staff and its own people also the referrals its people received and won."""
    business = db.get_or_404(Business, business_id)
    require(authz.can_view_business(current_user, business))
    people = member_queries.business_people(business)
    own = current_user.business_id == business.id or authz.is_staff(current_user)
    return render_template(
        "portal/people/business.html",
        business=business,
        people=people,
        committees=committee_queries.memberships_by_member(p.id for p in people),
        referrals=referral_queries.business_summary(business.id) if own else None,
    )


# Staff: invitations and import ------------------------------------------------------------


def _invite(
    form: InviteForm | InviteToBusinessForm, business: Business | None, to: Callable[[Member], str]
):
    """Invite the person on `form` (of `business`, or of what the form says) and go `to`
    (a function of the person); the form again until it is right."""
    return finish_create_valid(
        form,
        lambda: invitations.invite_person(current_user, form.invite_data(), business),
        success=lambda person: f"Invitation sent to {person.email}.",
        to=to,
    ) or form_page("portal/people/invite.html", form, business=business)


@bp.route("/staff/members/invite", methods=["GET", "POST"])
@login_required
def manage_invite():
    require(authz.can_manage_members(current_user))
    return _invite(
        InviteForm(),
        business=None,
        to=lambda person: url_for("members.manage_edit", member_id=person.id),
    )


@bp.route("/staff/businesses/<int:business_id>/invite", methods=["GET", "POST"])
@login_required
def manage_invite_to_business(business_id: int):
    business = db.get_or_404(Business, business_id)
    require(authz.can_manage_businesses(current_user))
    return _invite(
        InviteToBusinessForm(),
        business=business,
        to=lambda _person: url_for("businesses.manage_show", business_id=business.id),
    )


@bp.post("/staff/members/<int:member_id>/invitation")
@login_required
def manage_resend_invitation(member_id: int):
    member = db.get_or_404(Member, member_id)
    require(authz.can_manage_members(current_user))
    back = url_for("members.manage_edit", member_id=member.id)
    return finish(
        lambda: invitations.send_invitation(current_user, member),
        success=f"A new invitation is on its way to {member.email}.",
        to=back,
    )


@bp.before_app_request
def allow_larger_imports():
    """Member CSV uploads may exceed the 1 MiB every other request is held to."""
    if request.endpoint == "people.manage_import":
        request.max_content_length = current_app.config["IMPORT_MAX_CONTENT_LENGTH"]


@bp.route("/staff/members/import", methods=["GET", "POST"])
@login_required
def manage_import():
    require(authz.can_manage_members(current_user))
    form = ImportForm()
    report = None
    if form.validate_on_submit():
        try:
            rows = member_services.read_import_rows(form.file.data.read().decode("utf-8-sig"))
        except UnicodeDecodeError:
            form.file.errors = [*form.file.errors, "Save the file as UTF-8 CSV and try again."]
        except ChamberError as error:
            form.add_error(error)
        else:
            # Not flow.finish: the page answers with the import's report (line by line, too
            # long for a flash or a session cookie) rather than a redirect. Still one commit.
            try:
                report = member_services.import_members(current_user, rows)
                if form.send_invitations.data:
                    invitations.send_invitations(current_user, report.created)
                db.session.commit()
            except ChamberError as error:
                db.session.rollback()
                form.add_error(error)
            else:
                flash(report.summary(), "success" if not report.refused else "warning")
    return render_template("portal/people/import.html", form=form, report=report), (
        400 if form.errors else 200
    )
