"""The landing page, the member dashboard and the health check."""

from __future__ import annotations

import logging

import sqlalchemy as sa
from flask import Blueprint, jsonify, redirect, render_template, url_for
from flask_login import current_user, login_required

from chamber.extensions import db
from chamber.portal import panels

bp = Blueprint("portal", __name__)
log = logging.getLogger(__name__)


@bp.get("/")
def home():
    if current_user.is_authenticated:
        return redirect(url_for("portal.dashboard"))
    return render_template("portal/home.html")


@bp.get("/dashboard")
@login_required
def dashboard():
    member = current_user._get_current_object()
    return render_template(
        "portal/dashboard.html", panels=[panel(member) for panel in panels.DASHBOARD_PANELS]
    )


@bp.get("/healthz")
def healthz():
    try:
        db.session.execute(sa.text("SELECT 1"))
        db.session.rollback()
    except Exception:  # any database failure means "not ready"
        log.exception("health check: database unavailable")
        db.session.rollback()
        return jsonify(status="unavailable"), 503
    return jsonify(status="ok")
