"""Businesses: staff list, create, edit, change membership status, merge duplicates; the
primary contact edits their business's details."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request, url_for
from flask_login import current_user, login_required

from chamber import authz
from chamber.authz import require
from chamber.extensions import csrf, db
from chamber.flow import finish, finish_create_valid, form_page
from chamber.localtime import chamber_today
from chamber.members import queries, services
from chamber.members.forms import (
    BusinessAdminForm,
    BusinessForm,
    BusinessStatusForm,
    ConfirmForm,
    MergeChoiceForm,
    NewBusinessForm,
    PickBusinessForm,
    PictureForm,
)
from chamber.members.models import Business
from chamber.members.views.people import (
    allow_picture_uploads,
    business_search,
    managed,
    picture_response,
    staff_list,
    uploaded_bytes,
)

bp = Blueprint("businesses", __name__)


def _managed(business_id: int) -> Business:
    return managed(Business, business_id, authz.can_manage_businesses)


@bp.get("/staff/businesses")
@login_required
def manage_list():
    require(authz.can_manage_businesses(current_user))
    form, _status, page = staff_list(queries.BUSINESS_STATUSES, queries.staff_business_page)
    return render_template(
        "members/manage/businesses.html",
        page=page,
        form=form,
        people=queries.people_counts(b.id for b in page.items),
    )


@bp.route("/staff/businesses/new", methods=["GET", "POST"])
@login_required
def manage_new():
    require(authz.can_manage_businesses(current_user))
    form = NewBusinessForm(joined_on=chamber_today())
    return finish_create_valid(
        form,
        lambda: services.create_business(current_user, form.business_data()),
        success=lambda business: f"{business.name} is added. Invite its people next.",
        to=lambda business: url_for("businesses.manage_show", business_id=business.id),
    ) or form_page("members/manage/business_form.html", form, business=None)


def _show_page(business: Business, status_form: BusinessStatusForm, status: int = 200):
    return render_template(
        "members/manage/business.html",
        business=business,
        people=queries.business_people(business, include_inactive=True),
        former=queries.former_people(business),
        history=queries.status_history(business),
        status_form=status_form,
    ), status


@bp.get("/staff/businesses/<int:business_id>")
@login_required
def manage_show(business_id: int):
    business = _managed(business_id)
    form = BusinessStatusForm(status=business.status.value, effective_on=chamber_today())
    return _show_page(business, form)


@bp.post("/staff/businesses/<int:business_id>/status")
@login_required
def manage_status(business_id: int):
    business = _managed(business_id)
    form = BusinessStatusForm()
    if form.validate_on_submit():
        status = form.chosen_status()
        done = finish(
            lambda: services.set_business_status(
                current_user,
                business,
                status,
                effective_on=form.effective_on.data,
                note=form.note.data or "",
            ),
            success=f"{business.name}'s membership is now {status.label.lower()}.",
            to=url_for("businesses.manage_show", business_id=business.id),
            form=form,
        )
        if done:
            return done
    return _show_page(db.get_or_404(Business, business_id), form, 400)


@bp.route("/members/businesses/<int:business_id>/edit", methods=["GET", "POST"])
@login_required
def edit(business_id: int):
    business = db.get_or_404(Business, business_id)
    require(authz.can_edit_business(current_user, business))
    form_class = BusinessAdminForm if authz.can_manage_businesses(current_user) else BusinessForm
    form = form_class(obj=business)
    if form.validate_on_submit():
        done = finish(
            lambda: services.update_business(
                current_user,
                business,
                form.business_data(),
                form.version_id.data,
                form_class.FIELDS,
            ),
            success=f"{business.name} is saved.",
            to=url_for("businesses.edit", business_id=business.id),
            form=form,
        )
        if done:
            return done
        form.version_id.data = db.session.get(Business, business_id).version_id
    return _business_form_page(business, form, PictureForm())


def _business_form_page(business, form, logo_form):
    return render_template(
        "members/manage/business_form.html", form=form, business=business, logo_form=logo_form
    ), (400 if form.errors or logo_form.errors else 200)


def _edit_form(business):
    form_class = BusinessAdminForm if authz.can_manage_businesses(current_user) else BusinessForm
    return form_class(obj=business)


@bp.post("/members/businesses/<int:business_id>/logo")
@csrf.exempt  # PictureForm checks the CSRF token (see allow_picture_uploads)
@login_required
def logo(business_id: int):
    allow_picture_uploads()
    business = db.get_or_404(Business, business_id)
    require(authz.can_edit_business(current_user, business))
    form = PictureForm()
    if form.validate_on_submit():
        done = finish(
            lambda: services.set_logo(current_user, business, uploaded_bytes(form.picture.data)),
            success=f"{business.name}'s logo is saved.",
            to=url_for("businesses.edit", business_id=business.id),
            form=form,
        )
        if done:
            return done
    return _business_form_page(business, _edit_form(business), form)


@bp.post("/members/businesses/<int:business_id>/logo/remove")
@login_required
def remove_logo(business_id: int):
    business = db.get_or_404(Business, business_id)
    require(authz.can_edit_business(current_user, business))
    back = url_for("businesses.edit", business_id=business.id)
    if not ConfirmForm().validate_on_submit():
        return _business_form_page(business, _edit_form(business), PictureForm())
    return finish(
        lambda: services.set_logo(current_user, business, None),
        success=f"{business.name}'s logo is removed.",
        category="info",
        to=back,
    )


@bp.get("/businesses/<int:business_id>/logo")
def logo_file(business_id: int):
    """Public for a business in the public directory (listed, active); else for members."""
    business = db.get_or_404(Business, business_id)
    public = business.is_listed and business.is_active
    if not public and not (current_user.is_authenticated and current_user.is_active):
        abort(404)
    picture = services.picture_of(business_id=business.id)
    if picture is None:
        abort(404)
    return picture_response(picture)


@bp.route("/staff/businesses/<int:business_id>/merge", methods=["GET", "POST"])
@login_required
def manage_merge(business_id: int):
    """Merge a duplicate record into this one: find it, compare, confirm."""
    business = _managed(business_id)
    form = PickBusinessForm()
    if form.validate_on_submit():
        duplicate = db.get_or_404(Business, form.chosen_id)
        done = finish(
            lambda: services.merge_businesses(current_user, business, duplicate),
            success=f"The duplicate record is merged into {business.name}.",
            to=url_for("businesses.manage_show", business_id=business.id),
            form=form,
        )
        if done:
            return done
    choice = MergeChoiceForm(request.args)
    duplicate = db.get_or_404(Business, choice.other_id) if choice.other_id else None
    return form_page(
        "members/manage/merge.html",
        form,
        business=business,
        duplicate=duplicate,
        duplicate_people=queries.business_people(duplicate, include_inactive=True)
        if duplicate
        else [],
        **business_search(exclude_id=business.id),
    )
