"""The staff page listing the audit log, in plain words, with filters."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import current_user, login_required

from chamber import authz
from chamber.audit import queries
from chamber.audit.forms import AuditFilterForm
from chamber.authz import require
from chamber.localtime import local_day_bounds
from chamber.paging import requested_page

bp = Blueprint("audit", __name__)


@bp.get("/staff/audit")
@login_required
def index():
    require(authz.can_view_audit_log(current_user))
    form = AuditFilterForm(request.args)
    form.set_choices(queries.recorded_actions(), queries.recorded_target_types())
    form.validate()
    since, before = local_day_bounds(form.value("first"), form.value("last"))
    filters = queries.AuditFilters(
        action=form.value("action"),
        actor=form.value("actor"),
        target_type=form.value("target_type"),
        since=since,
        before=before,
    )
    page = queries.audit_page(filters, page=requested_page())
    return render_template("audit/index.html", page=page, form=form)
