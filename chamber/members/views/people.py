"""Own settings, and staff administration of people: list, edit, deactivate, move to another
business, make a business's primary contact."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import Blueprint, Response, abort, current_app, render_template, request, url_for
from flask_login import current_user, login_required
from flask_sqlalchemy.pagination import Pagination

from chamber import authz
from chamber.authz import require
from chamber.csvexport import csv_filename, csv_response
from chamber.extensions import csrf, db
from chamber.flow import finish, finish_edit, finish_valid, form_page
from chamber.members import queries, services
from chamber.members.forms import (
    BusinessSearchForm,
    ConfirmForm,
    MovePersonForm,
    PersonActiveForm,
    PersonAdminForm,
    PictureForm,
    ProfileForm,
    StaffListForm,
)
from chamber.members.models import Business, Member
from chamber.members.pictures import PICTURE_MAX_BYTES
from chamber.notifications import services as notification_services
from chamber.notifications.forms import email_preferences_form
from chamber.paging import requested_page

bp = Blueprint("members", __name__)

T = TypeVar("T")


@bp.route("/settings", methods=["GET", "POST"])
@login_required
def settings():
    member = current_user._get_current_object()
    form = ProfileForm(obj=member)
    return finish_valid(
        form,
        lambda: services.update_profile(member, member, form.profile_data()),
        success="Your profile is saved.",
        to=url_for("members.settings"),
    ) or _settings_page(member, form, PictureForm())


def _settings_page(member: Member, form, photo_form):
    return render_template(
        "members/settings.html",
        form=form,
        photo_form=photo_form,
        preferences_form=email_preferences_form(member),
    ), (400 if form.errors or photo_form.errors else 200)


def allow_picture_uploads() -> None:
    """A picture may be larger than the 1 MiB other posts are held to: up to twice the
    limit arrives, so a too-large one is refused by the form with its reason. The upload
    views are exempt from CSRFProtect's early check (it would read the body under the 1 MiB
    limit first); their PictureForm checks the same CSRF token itself."""
    request.max_content_length = 2 * PICTURE_MAX_BYTES


def uploaded_bytes(storage) -> bytes:
    """The uploaded file's bytes, its temporary file closed at once."""
    with storage.stream as stream:
        return stream.read()


@bp.post("/settings/photo")
@csrf.exempt  # PictureForm checks the CSRF token (see allow_picture_uploads)
@login_required
def photo():
    allow_picture_uploads()
    member = current_user._get_current_object()
    form = PictureForm()
    if form.validate_on_submit():
        done = finish(
            lambda: services.set_photo(member, member, uploaded_bytes(form.picture.data)),
            success="Your photo is saved.",
            to=url_for("members.settings"),
            form=form,
        )
        if done:
            return done
    return _settings_page(member, ProfileForm(obj=member), form)


@bp.post("/settings/photo/remove")
@login_required
def remove_photo():
    member = current_user._get_current_object()
    form = ConfirmForm()
    if not form.validate_on_submit():
        return _settings_page(member, ProfileForm(obj=member), PictureForm())
    return finish(
        lambda: services.set_photo(member, member, None),
        success="Your photo is removed.",
        category="info",
        to=url_for("members.settings"),
    )


def picture_response(picture) -> Response:
    """The stored, re-encoded picture with its own type, never sniffed or run: inline, no
    scripts, no plug-ins. Cached for good when the address names its version (?v=digest);
    for a signed-in viewer chamber.security makes every response no-store."""
    response = Response(picture.data, mimetype=picture.content_type)
    extension = "png" if picture.content_type == "image/png" else "jpg"
    response.headers["Content-Disposition"] = f'inline; filename="picture.{extension}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.set_etag(picture.digest)
    if request.args.get("v") == picture.digest:
        response.headers["Cache-Control"] = "private, max-age=31536000, immutable"
    else:
        response.headers["Cache-Control"] = "private, no-cache"
    return response.make_conditional(request)


@bp.get("/members/<int:member_id>/photo")
@login_required
def photo_file(member_id: int):
    member = db.get_or_404(Member, member_id)
    require(authz.can_view_member(current_user, member))
    picture = services.picture_of(member_id=member.id)
    if picture is None:
        abort(404)
    return picture_response(picture)


@bp.route("/settings/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt  # RFC 8058 one-click: the mail program POSTs with no form of ours; the signed
# token is the proof, and all it can do is stop one kind of e-mail to one member
def unsubscribe(token: str):
    """An e-mail's List-Unsubscribe link: GET asks to confirm (so a link scanner unsubscribes
    nobody), POST (the button, or the mail program's one click) turns that e-mail off."""
    found = notification_services.read_unsubscribe_token(token)
    member = db.session.get(Member, found[0]) if found else None
    if member is None:
        abort(404)
    kind = found[1]
    if request.method == "POST":
        return finish(
            lambda: notification_services.unsubscribe(member, kind), success=None, to=request.path
        )
    return render_template(
        "notifications/unsubscribe.html",
        label=notification_services.NOTIFICATION_KINDS[kind],
        done=not notification_services.wants_email(member, kind),
    )


# Staff: people ----------------------------------------------------------------------------


def managed(model: type[T], object_id: int, may: Callable[[Member], bool]) -> T:
    """The loader of staff pages of a person or business: the row (or a 404 page), refused
    (403) unless the signed-in member `may` (a can_manage_* predicate) manage them."""
    found = db.get_or_404(model, object_id)
    require(may(current_user))
    return found


def _person(member_id: int) -> Member:
    return managed(Member, member_id, authz.can_manage_members)


def staff_list(statuses: dict[str, str], page_of) -> tuple[StaffListForm, str, Pagination]:
    """A staff list's search form (from the query string), the status it shows (one of
    `statuses`, by default "active") and that page of rows (`page_of`: a staff_*_page query)."""
    form = StaffListForm(request.args)
    form.status.choices = list(statuses.items())
    status = form.chosen(statuses, "active")
    page = page_of(
        text=form.text,
        status=status,
        page=requested_page(),
        per_page=current_app.config.get("STAFF_ROWS_PER_PAGE", 50),
    )
    return form, status, page


@bp.get("/staff/members")
@login_required
def manage_list():
    require(authz.can_manage_members(current_user))
    form, status, page = staff_list(queries.PERSON_STATUSES, queries.staff_member_page)
    return render_template("members/manage/list.html", page=page, form=form, status=status)


def _person_status(person: Member) -> str:
    if person.is_deactivated:
        return "Deactivated"
    if not person.is_active:
        return f"Business {person.business.status.label.lower()}"
    return "Active" if person.has_password else "Invited"


@bp.get("/staff/members.csv")
@login_required
def manage_list_csv():
    """The people the staff list shows (same search and status), every page, as CSV."""
    require(authz.can_manage_members(current_user))
    form = StaffListForm(request.args)
    status = form.chosen(queries.PERSON_STATUSES, "active")
    people = queries.staff_members(text=form.text, status=status)
    return csv_response(
        csv_filename(f"members-{status}"),
        [
            "Name",
            "E-mail",
            "Job title",
            "Phone",
            "Business",
            "Primary contact",
            "Category",
            "City",
            "Joined on",
            "Status",
            "Staff",
        ],
        (
            [
                person.full_name,
                person.email,
                person.job_title,
                person.phone,
                person.business.name if person.business else "",
                "yes" if person.is_primary_contact else "",
                person.business.category if person.business else "",
                person.business.city if person.business else "",
                person.joined_on.isoformat(),
                _person_status(person),
                "yes" if person.is_staff else "",
            ]
            for person in people
        ),
    )


def _edit_page(member: Member, form, status: int = 200):
    return render_template(
        "members/manage/edit.html",
        form=form,
        member=member,
        affiliations=queries.affiliation_history(member),
    ), status


@bp.route("/staff/members/<int:member_id>/edit", methods=["GET", "POST"])
@login_required
def manage_edit(member_id: int):
    member = _person(member_id)
    form = PersonAdminForm(obj=member)
    return finish_edit(
        form,
        member,
        lambda: services.update_person(
            current_user, member, form.admin_data(), form.version_id.data
        ),
        success=f"{member.full_name} is saved.",
        to=url_for("members.manage_edit", member_id=member.id),
    ) or _edit_page(member, form, 400 if form.errors else 200)


def _deactivated_message(member: Member, outcome: services.ActiveChange) -> str:
    parts = [f"{member.full_name} is deactivated; their sessions are ended."]
    if outcome.primary_contact is not None:
        parts.append(
            f"{outcome.primary_contact.full_name} is now {member.business_name}'s primary contact."
        )
    if outcome.business_without_contact is not None:
        parts.append(
            f"{outcome.business_without_contact.name} has no other active person, so it has no "
            "primary contact now: invite or reactivate someone."
        )
    passed = [h for h in outcome.hand_overs if h.to is not None]
    back = [h for h in outcome.hand_overs if h.to is None]
    if passed:
        names = ", ".join(sorted({h.to.full_name for h in passed}))
        parts.append(
            f"{len(passed)} open referral{'s' if len(passed) != 1 else ''} passed to {names}."
        )
    if back:
        parts.append(
            f"{len(back)} open referral{'s' if len(back) != 1 else ''} handed back to "
            "the givers (nobody at the business can take them)."
        )
    if outcome.hand_overs:
        parts.append("The givers are told.")
    return " ".join(parts)


def _finish_edit_button(member: Member, form, act, **options):
    """`finish()` for a button of a person's staff edit page, back to that page; a post that
    does not validate shows the page again (400), nothing done."""
    if not form.validate_on_submit():
        return _edit_page(member, PersonAdminForm(obj=member), 400)
    return finish(act, to=url_for("members.manage_edit", member_id=member.id), **options)


@bp.post("/staff/members/<int:member_id>/active")
@login_required
def manage_set_active(member_id: int):
    member = _person(member_id)
    form = PersonActiveForm()

    def success(outcome: services.ActiveChange) -> str:
        if not form.activate:
            return _deactivated_message(member, outcome)
        if not member.is_active:
            return (
                f"{member.full_name} is reactivated, and comes back when "
                f"{member.business_name}'s membership is reinstated."
            )
        return f"{member.full_name} is reactivated."

    return _finish_edit_button(
        member,
        form,
        lambda: services.set_member_active(current_user, member, form.activate),
        success=success,
    )


def business_search(exclude_id: int | None) -> dict:
    """What `members/manage/_business_search.html` shows: the search (GET ?q=) and the
    businesses it finds, but `exclude_id`'s (the one the person or record is already)."""
    search = BusinessSearchForm(request.args)
    matches = queries.business_search(search.text, exclude_id=exclude_id) if search.text else []
    return {"search": search, "matches": matches}


@bp.route("/staff/members/<int:member_id>/move", methods=["GET", "POST"])
@login_required
def manage_move(member_id: int):
    member = _person(member_id)
    form = MovePersonForm()
    if form.validate_on_submit():
        business = None if form.to_no_business else db.get_or_404(Business, form.chosen_id)
        done = finish(
            lambda: services.move_person(current_user, member, business),
            success=f"{member.full_name} now represents {business.name}."
            if business
            else f"{member.full_name} now represents no business (staff).",
            to=url_for("members.manage_edit", member_id=member.id),
            form=form,
        )
        if done:
            return done
    return form_page(
        "members/manage/move.html",
        form,
        member=member,
        **business_search(exclude_id=member.business_id),
    )


@bp.post("/staff/members/<int:member_id>/primary")
@login_required
def manage_make_primary(member_id: int):
    member = _person(member_id)
    return _finish_edit_button(
        member,
        ConfirmForm(),
        lambda: services.make_primary_contact(current_user, member),
        success=f"{member.full_name} is now {member.business_name}'s primary contact.",
    )
