"""The landing page, the member dashboard and the health check."""

from __future__ import annotations

import logging

import sqlalchemy as sa
from flask import Blueprint, Response, abort, jsonify, redirect, render_template, url_for
from flask_login import current_user, login_required

from chamber import authz, pagecache
from chamber.authz import require
from chamber.committees import queries as committee_queries
from chamber.contributions.summary import committee_work_summary
from chamber.extensions import db, limiter
from chamber.meetings import calendar
from chamber.meetings import queries as meeting_queries
from chamber.meetings import services as meeting_services
from chamber.portal import panels, staff
from chamber.projects import queries as project_queries

bp = Blueprint("portal", __name__)
log = logging.getLogger(__name__)


@bp.get("/")
def home():
    if current_user.is_authenticated:
        return redirect(url_for("portal.dashboard"))
    return render_template("portal/home.html")


@bp.get("/dashboard")
@login_required
@pagecache.kept
def dashboard():
    """Members see their panels; staff land on what they act on across the chamber."""
    member = current_user._get_current_object()
    if authz.is_staff(member):
        return render_template("portal/staff_dashboard.html", figures=staff.staff_figures())
    return render_template("portal/dashboard.html", panels=panels.dashboard_panels(member))


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


@bp.get("/committees/<slug>/manage/")
@login_required
def committee_dashboard(slug: str):
    """The lead's overview: pending approvals, roster, attendance, hours, projects."""
    committee = committee_queries.load_led_committee(slug, current_user)
    return render_template(
        "committees/manage/dashboard.html",
        committee=committee,
        roster_size=committee_queries.roster_size(committee),
        join_requests=committee_queries.pending_join_requests(committee),
        work=committee_work_summary(committee),
    )


# Calendar feeds: a member's meetings and shifts together -----------------------------------


def _ics(body: bytes, filename: str) -> Response:
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@bp.get("/calendar/<token>.ics")
@limiter.limit("60 per minute")
def member_feed(token: str):
    """The member's meetings and shifts; the token is the only credential (no session)."""
    member = meeting_services.member_for_feed(token)
    if member is None:
        abort(404)
    body = calendar.build_feed(
        f"{member.full_name}: meetings and shifts",
        meeting_queries.feed_meetings(member),
        project_queries.feed_shifts(member),
    )
    return _ics(body, "chamber.ics")


@bp.get("/calendar/<token>/committees/<slug>.ics")
@limiter.limit("60 per minute")
def committee_feed(token: str, slug: str):
    """A committee's meetings and shifts, for members of that committee (and staff)."""
    member = meeting_services.member_for_feed(token)
    if member is None:
        abort(404)
    committee = committee_queries.load_committee(slug)
    require(
        authz.is_committee_member(member, committee) or authz.can_lead_committee(member, committee)
    )
    body = calendar.build_feed(
        committee.name,
        meeting_queries.committee_feed_meetings(committee),
        project_queries.committee_feed_shifts(committee),
    )
    return _ics(body, f"{committee.slug}.ics")
