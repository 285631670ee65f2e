"""The notifications page and e-mail preferences."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from chamber.extensions import db
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
    services.mark_all_read(current_user)
    db.session.commit()
    return redirect(url_for("notifications.index"))


@bp.post("/settings/email")
@login_required
def preferences():
    form = email_preferences_form(current_user, formdata=request.form)
    if form.validate_on_submit():
        services.set_email_preferences(current_user, muted_kinds(form))
        db.session.commit()
        flash("Your e-mail preferences are saved.", "success")
    else:
        flash("The form expired. Please try again.", "error")
    return redirect(url_for("members.settings"))
