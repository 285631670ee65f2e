"""Meetings: members' schedule and history, calendar feeds, leads' scheduling and attendance,
and staff's chamber-wide events."""

from __future__ import annotations

import sqlalchemy as sa
from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required

from chamber import authz
from chamber.authz import require
from chamber.committees.models import Committee
from chamber.committees.views import load_committee
from chamber.exceptions import ChamberError
from chamber.extensions import db, limiter
from chamber.meetings import calendar, queries, services
from chamber.meetings.forms import AttendanceForm, EventAttendeeForm, MeetingForm
from chamber.meetings.models import AttendanceStatus, Meeting
from chamber.members.models import Member
from chamber.paging import requested_page
from chamber.projects import queries as project_queries

bp = Blueprint("meetings", __name__)


def _page() -> int:
    return requested_page()


@bp.get("/meetings")
@login_required
def index():
    member = current_user._get_current_object()
    return render_template(
        "meetings/index.html",
        upcoming=queries.upcoming_meetings(member, limit=20),
        history=queries.attendance_history(member, page=_page()),
        summary=queries.attendance_summary(member),
        feed=services.active_feed(member),
        statuses=list(AttendanceStatus),
    )


@bp.get("/meetings/<int:meeting_id>")
@login_required
def show(meeting_id: int):
    meeting = db.get_or_404(Meeting, meeting_id)
    require(authz.can_view_meeting(current_user, meeting))
    return render_template("meetings/show.html", meeting=meeting)


# Calendar feeds --------------------------------------------------------------------------


@bp.post("/meetings/calendar")
@login_required
def create_feed():
    services.create_calendar_feed(current_user)
    db.session.commit()
    flash("Your private calendar address is ready. Any older address stopped working.", "success")
    return redirect(url_for("meetings.index") + "#calendar")


@bp.post("/meetings/calendar/revoke")
@login_required
def revoke_feed():
    services.revoke_calendar_feed(current_user)
    db.session.commit()
    flash("Your calendar address is turned off; calendars using it stop updating.", "info")
    return redirect(url_for("meetings.index") + "#calendar")


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
    member = services.member_for_feed(token)
    if member is None:
        abort(404)
    body = calendar.build_feed(
        f"{member.full_name}: meetings and shifts",
        queries.feed_meetings(member),
        project_queries.feed_shifts(member),
    )
    return _ics(body, "chamber.ics")


@bp.get("/calendar/<token>/committees/<slug>.ics")
@limiter.limit("60 per minute")
def committee_feed(token: str, slug: str):
    """A committee's meetings and shifts, for members of that committee (and staff)."""
    member = services.member_for_feed(token)
    if member is None:
        abort(404)
    committee = load_committee(slug)
    require(
        authz.is_committee_member(member, committee) or authz.can_lead_committee(member, committee)
    )
    body = calendar.build_feed(
        committee.name,
        queries.committee_feed_meetings(committee),
        project_queries.committee_feed_shifts(committee),
    )
    return _ics(body, f"{committee.slug}.ics")


# Leads: a committee's meetings -----------------------------------------------------------


def _load_meeting(committee: Committee | None, meeting_id: int) -> Meeting:
    meeting = db.get_or_404(Meeting, meeting_id)
    if meeting.committee_id != (committee.id if committee else None):
        abort(404)
    return meeting


def _list_url(committee: Committee | None) -> str:
    if committee is None:
        return url_for("meetings.staff_events")
    return url_for("meetings.manage_list", slug=committee.slug)


@bp.get("/committees/<slug>/manage/meetings")
@login_required
def manage_list(slug: str):
    committee = load_committee(slug)
    require(authz.can_lead_committee(current_user, committee))
    return _render_list(committee)


def _render_list(committee: Committee | None):
    return render_template(
        "meetings/manage/list.html",
        committee=committee,
        upcoming=queries.committee_meetings(committee, upcoming=True),
        past=queries.committee_meetings(committee, upcoming=False),
    )


def _meeting_form(committee: Committee | None, meeting: Meeting | None):
    form = MeetingForm()
    if meeting is not None and request.method == "GET":
        form.fill_from(meeting)
    if form.validate_on_submit():
        try:
            if meeting is None:
                meeting = services.create_meeting(current_user, committee, form.meeting_data())
            else:
                services.update_meeting(current_user, meeting, form.meeting_data())
        except ChamberError as error:
            db.session.rollback()
            form.add_error(error)
        else:
            db.session.commit()
            flash(f"“{meeting.title}” is saved.", "success")
            return redirect(_list_url(committee))
    status = 400 if form.is_submitted() else 200
    return (
        render_template(
            "meetings/manage/form.html", committee=committee, meeting=meeting, form=form
        ),
        status,
    )


@bp.route("/committees/<slug>/manage/meetings/new", methods=["GET", "POST"])
@login_required
def manage_new(slug: str):
    committee = load_committee(slug)
    require(authz.can_lead_committee(current_user, committee))
    return _meeting_form(committee, None)


@bp.route("/committees/<slug>/manage/meetings/<int:meeting_id>/edit", methods=["GET", "POST"])
@login_required
def manage_edit(slug: str, meeting_id: int):
    committee = load_committee(slug)
    meeting = _load_meeting(committee, meeting_id)
    require(authz.can_manage_meeting(current_user, meeting))
    return _meeting_form(committee, meeting)


@bp.post("/committees/<slug>/manage/meetings/<int:meeting_id>/delete")
@login_required
def manage_delete(slug: str, meeting_id: int):
    committee = load_committee(slug)
    meeting = _load_meeting(committee, meeting_id)
    require(authz.can_manage_meeting(current_user, meeting))
    return _delete(committee, meeting)


def _delete(committee: Committee | None, meeting: Meeting):
    title = meeting.title
    try:
        services.delete_meeting(current_user, meeting)
    except ChamberError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(f"“{title}” is cancelled.", "info")
    return redirect(_list_url(committee))


def _attendance(committee: Committee | None, meeting: Meeting):
    form = AttendanceForm()
    attendee_form = EventAttendeeForm(prefix="add") if committee is None else None
    people, marks = queries.attendance_sheet(meeting)
    status = 200
    if form.validate_on_submit():
        submitted = form.marks(request.form, [person.id for person in people])
        if submitted is not None:
            try:
                present = services.record_attendance(current_user, meeting, submitted)
            except ChamberError as error:
                db.session.rollback()
                form.add_error(error)
            else:
                db.session.commit()
                flash(f"Attendance saved: {len(present)} present.", "success")
                return redirect(request.path)
        # Keep what the lead ticked, so nothing typed is lost.
        marks = {
            person.id: request.form.get(f"attendance-{person.id}") or None for person in people
        }
        status = 400
    else:
        marks = {member_id: mark.value for member_id, mark in marks.items()}
        if form.is_submitted():
            status = 400
    return (
        render_template(
            "meetings/manage/attendance.html",
            committee=committee,
            meeting=meeting,
            form=form,
            attendee_form=attendee_form,
            people=people,
            marks=marks,
            statuses=list(AttendanceStatus),
            is_started=meeting.starts_at <= services.utcnow(),
        ),
        status,
    )


@bp.route("/committees/<slug>/manage/meetings/<int:meeting_id>/attendance", methods=["GET", "POST"])
@login_required
def manage_attendance(slug: str, meeting_id: int):
    committee = load_committee(slug)
    meeting = _load_meeting(committee, meeting_id)
    require(authz.can_manage_meeting(current_user, meeting))
    return _attendance(committee, meeting)


# Staff: chamber-wide events --------------------------------------------------------------


@bp.get("/staff/events")
@login_required
def staff_events():
    require(authz.is_staff(current_user))
    return _render_list(None)


@bp.route("/staff/events/new", methods=["GET", "POST"])
@login_required
def staff_event_new():
    require(authz.is_staff(current_user))
    return _meeting_form(None, None)


@bp.route("/staff/events/<int:meeting_id>/edit", methods=["GET", "POST"])
@login_required
def staff_event_edit(meeting_id: int):
    meeting = _load_meeting(None, meeting_id)
    require(authz.can_manage_meeting(current_user, meeting))
    return _meeting_form(None, meeting)


@bp.post("/staff/events/<int:meeting_id>/delete")
@login_required
def staff_event_delete(meeting_id: int):
    meeting = _load_meeting(None, meeting_id)
    require(authz.can_manage_meeting(current_user, meeting))
    return _delete(None, meeting)


@bp.route("/staff/events/<int:meeting_id>/attendance", methods=["GET", "POST"])
@login_required
def staff_event_attendance(meeting_id: int):
    meeting = _load_meeting(None, meeting_id)
    require(authz.can_manage_meeting(current_user, meeting))
    return _attendance(None, meeting)


@bp.post("/staff/events/<int:meeting_id>/attendees")
@login_required
def staff_event_add_attendee(meeting_id: int):
    meeting = _load_meeting(None, meeting_id)
    require(authz.can_manage_meeting(current_user, meeting))
    form = EventAttendeeForm(prefix="add")
    if form.validate_on_submit():
        member = db.session.scalar(
            sa.select(Member).where(Member.email == form.email.data.strip().lower())
        )
        if member is None or not member.is_active:
            form.email.errors = [*form.email.errors, "No active member has this e-mail address."]
        else:
            try:
                services.record_attendance(
                    current_user, meeting, {member.id: AttendanceStatus(form.status.data)}
                )
            except ChamberError as error:
                db.session.rollback()
                form.add_error(error)
            else:
                db.session.commit()
                flash(f"{member.full_name}: {AttendanceStatus(form.status.data).label}.", "success")
                return redirect(url_for("meetings.staff_event_attendance", meeting_id=meeting.id))
    people, marks = queries.attendance_sheet(meeting)
    return (
        render_template(
            "meetings/manage/attendance.html",
            committee=None,
            meeting=meeting,
            form=AttendanceForm(),
            attendee_form=form,
            people=people,
            marks={member_id: mark.value for member_id, mark in marks.items()},
            statuses=list(AttendanceStatus),
            is_started=meeting.starts_at <= services.utcnow(),
        ),
        400,
    )
