"""The staff page listing the audit log."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, render_template, request
from flask_login import current_user, login_required
from sqlalchemy.orm import joinedload

from chamber import authz
from chamber.audit.models import AuditEntry
from chamber.authz import require
from chamber.extensions import db
from chamber.paging import requested_page

bp = Blueprint("audit", __name__)


@bp.get("/staff/audit")
@login_required
def index():
    require(authz.can_view_audit_log(current_user))
    action = (request.args.get("action") or "").strip()[:60]
    query = sa.select(AuditEntry).options(joinedload(AuditEntry.actor))
    if action:
        query = query.where(AuditEntry.action.startswith(action, autoescape=True))
    query = query.order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
    page = db.paginate(query, page=requested_page(), per_page=50, error_out=False)
    actions = db.session.scalars(
        sa.select(AuditEntry.action).distinct().order_by(AuditEntry.action)
    ).all()
    return render_template("audit/index.html", page=page, action=action, actions=actions)
