"""The notifications page and e-mail preferences."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from chamber.flow import finish
from chamber.notifications import queries, services
from chamber.notifications.forms import email_preferences_form, muted_kinds
from chamber.paging import requested_page

bp = Blueprint("notifications", __name__)


@bp.get("/notifications")
@login_required
def index():
    page = queries.notification_page(current_user, requested_page())
    return render_template("notifications/index.html", page=page)


@bp.post("/notifications/read")
@login_required
def mark_read():
    return finish(
        lambda: services.mark_all_read(current_user),
        success=None,
        to=url_for("notifications.index"),
    )


@bp.post("/settings/email")
@login_required
def preferences():
    form = email_preferences_form(current_user, submitted=True)
    if not form.validate_on_submit():
        flash("The form expired. Please try again.", "error")
        return redirect(url_for("members.settings"))
    return finish(
        lambda: services.set_email_preferences(current_user, muted_kinds(form)),
        success="Your e-mail preferences are saved.",
        to=url_for("members.settings"),
    )
