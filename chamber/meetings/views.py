"""Meetings: members' schedule and history, calendar feeds, leads' scheduling and attendance,
and staff's chamber-wide events."""

from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from chamber import authz
from chamber.authz import require
from chamber.committees import views as committee_views
from chamber.committees.models import Committee
from chamber.committees.queries import load_committee
from chamber.db import utcnow
from chamber.extensions import db
from chamber.flow import finish, finish_create
from chamber.meetings import calendar, queries, services
from chamber.meetings.forms import (
    AttendanceForm,
    MeetingForm,
    NewMeetingForm,
    RsvpForm,
)
from chamber.meetings.models import AttendanceStatus, Meeting, MeetingMode, RsvpAnswer
from chamber.members.forms import MemberSearchForm
from chamber.paging import requested_page

bp = Blueprint("meetings", __name__)


def _committee_page_meetings(committee: Committee, viewer) -> dict:
    """The committee page's next meetings and calendar feed, for those who may see them."""
    if not (
        authz.is_committee_member(viewer, committee) or authz.can_lead_committee(viewer, committee)
    ):
        return {"next_meetings": None, "calendar_feed": None}
    return {
        "next_meetings": queries.next_meetings(committee),
        "calendar_feed": services.active_feed(viewer),
    }


committee_views.PAGE_PARTS.append(_committee_page_meetings)


@bp.get("/meetings")
@login_required
def index():
    member = current_user._get_current_object()
    return render_template(
        "meetings/index.html",
        upcoming=queries.upcoming_meetings(member, limit=20),
        history=queries.attendance_history(member, page=requested_page()),
        summary=queries.attendance_summary(member),
        feed=services.active_feed(member),
        statuses=list(AttendanceStatus),
    )


@bp.get("/meetings/<int:meeting_id>")
@login_required
def show(meeting_id: int):
    meeting = db.get_or_404(Meeting, meeting_id)
    require(authz.can_view_meeting(current_user, meeting))
    answers = [
        answer
        for answer in RsvpAnswer
        if not (answer is RsvpAnswer.ONLINE and meeting.mode is MeetingMode.IN_PERSON)
    ]
    return render_template(
        "meetings/show.html",
        meeting=meeting,
        my_answer=queries.my_rsvp(current_user, meeting),
        answers=answers,
        people=queries.meeting_people(meeting),
        is_started=meeting.starts_at <= utcnow(),
    )


@bp.post("/meetings/<int:meeting_id>/rsvp")
@login_required
def rsvp(meeting_id: int):
    meeting = db.get_or_404(Meeting, meeting_id)
    require(authz.can_view_meeting(current_user, meeting))
    to = url_for("meetings.show", meeting_id=meeting.id)
    form = RsvpForm()
    if not form.validate_on_submit():
        flash("Choose going, joining online or not going.", "error")
        return redirect(to)
    answer = RsvpAnswer(form.answer.data)
    return finish(
        lambda: services.answer_rsvp(current_user, meeting, answer),
        success=f"Your answer is saved: {answer.label.lower()}.",
        to=to,
    )


@bp.get("/meetings/<int:meeting_id>.ics")
@login_required
def meeting_ics(meeting_id: int):
    """This one meeting as a calendar file, to add it without subscribing to a feed."""
    meeting = db.get_or_404(Meeting, meeting_id)
    require(authz.can_view_meeting(current_user, meeting))
    response = Response(calendar.build_meeting(meeting), mimetype="text/calendar")
    response.headers["Content-Disposition"] = f'attachment; filename="meeting-{meeting.id}.ics"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


# Calendar feeds --------------------------------------------------------------------------


@bp.post("/meetings/calendar")
@login_required
def create_feed():
    return finish(
        lambda: services.create_calendar_feed(current_user),
        success="Your private calendar address is ready. Any older address stopped working.",
        to=url_for("meetings.index") + "#calendar",
    )


@bp.post("/meetings/calendar/revoke")
@login_required
def revoke_feed():
    return finish(
        lambda: services.revoke_calendar_feed(current_user),
        success="Your calendar address is turned off; calendars using it stop updating.",
        category="info",
        to=url_for("meetings.index") + "#calendar",
    )


# Leads: a committee's meetings; staff: chamber-wide events (committee None) -------------


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


def _render_form(committee: Committee | None, meeting: Meeting | None, form: MeetingForm):
    status = 400 if form.is_submitted() else 200
    return (
        render_template(
            "meetings/manage/form.html", committee=committee, meeting=meeting, form=form
        ),
        status,
    )


def _new_meeting(committee: Committee | None):
    form = NewMeetingForm()
    if form.validate_on_submit():
        done = finish_create(
            form,
            lambda: services.create_meeting(current_user, committee, form.meeting_data()),
            success=lambda meeting: f"“{meeting.title}” is saved.",
            to=lambda _meeting: _list_url(committee),
        )
        if done:
            return done
    return _render_form(committee, None, form)


def _edit_meeting(committee: Committee | None, meeting: Meeting):
    form = MeetingForm()
    if request.method == "GET":
        form.fill_from(meeting)
    if form.validate_on_submit():
        done = finish(
            lambda: services.update_meeting(current_user, meeting, form.meeting_data()),
            success=f"“{form.title.data}” is saved.",
            to=_list_url(committee),
            form=form,
        )
        if done:
            return done
    return _render_form(committee, meeting, form)


def _delete(committee: Committee | None, meeting: Meeting):
    return finish(
        lambda: services.delete_meeting(current_user, meeting),
        success=f"“{meeting.title}” is cancelled.",
        category="info",
        to=_list_url(committee),
    )


@bp.route("/committees/<slug>/manage/meetings/new", methods=["GET", "POST"])
@login_required
def manage_new(slug: str):
    committee = load_committee(slug)
    require(authz.can_lead_committee(current_user, committee))
    return _new_meeting(committee)


@bp.route("/committees/<slug>/manage/meetings/<int:meeting_id>/edit", methods=["GET", "POST"])
@login_required
def manage_edit(slug: str, meeting_id: int):
    committee = load_committee(slug)
    meeting = queries.load_meeting(committee, meeting_id)
    require(authz.can_manage_meeting(current_user, meeting))
    return _edit_meeting(committee, meeting)


@bp.post("/committees/<slug>/manage/meetings/<int:meeting_id>/delete")
@login_required
def manage_delete(slug: str, meeting_id: int):
    committee = load_committee(slug)
    meeting = queries.load_meeting(committee, meeting_id)
    require(authz.can_manage_meeting(current_user, meeting))
    return _delete(committee, meeting)


def _render_attendance(
    committee: Committee | None,
    meeting: Meeting,
    form: AttendanceForm,
    sheet: queries.Sheet,
    search: MemberSearchForm,
    status: int,
):
    return (
        render_template(
            "meetings/manage/attendance.html",
            committee=committee,
            meeting=meeting,
            form=form,
            sheet=sheet,
            search=search,
            statuses=SHEET_ORDER,
            is_started=meeting.starts_at <= utcnow(),
        ),
        status,
    )


#: The sheet's columns, left to right: the usual answer first.
SHEET_ORDER = (
    AttendanceStatus.IN_PERSON,
    AttendanceStatus.ONLINE,
    AttendanceStatus.EXCUSED,
    AttendanceStatus.ABSENT,
)


def _attendance(committee: Committee | None, meeting: Meeting):
    """The check-in sheet: everyone expected, by name, marked in one post; a search (GET ?q=,
    kept in the form's address) narrows it to some names or, for a chamber event, finds any
    active member to check in. Rows not shown keep their marks."""
    search = MemberSearchForm(request.args)
    sheet = queries.attendance_sheet(meeting, search.text)
    form = AttendanceForm.for_rows([person.id for person in sheet.people])
    if request.method == "GET":
        for member_id, mark in sheet.marks.items():
            if member_id in form.row_ids:
                form.row_field(member_id).data = mark.value
    if form.validate_on_submit():
        done = finish(
            lambda: services.record_attendance(current_user, meeting, form.marks()),
            success=lambda present: f"Attendance saved: {len(present)} present.",
            to=request.path,
            form=form,
        )
        if done:
            return done
    status = 400 if form.is_submitted() else 200
    return _render_attendance(committee, meeting, form, sheet, search, status)


@bp.route("/committees/<slug>/manage/meetings/<int:meeting_id>/attendance", methods=["GET", "POST"])
@login_required
def manage_attendance(slug: str, meeting_id: int):
    committee = load_committee(slug)
    meeting = queries.load_meeting(committee, meeting_id)
    require(authz.can_manage_meeting(current_user, meeting))
    return _attendance(committee, meeting)


@bp.get("/staff/events")
@login_required
def staff_events():
    require(authz.is_staff(current_user))
    return _render_list(None)


@bp.route("/staff/events/new", methods=["GET", "POST"])
@login_required
def staff_event_new():
    require(authz.is_staff(current_user))
    return _new_meeting(None)


@bp.route("/staff/events/<int:meeting_id>/edit", methods=["GET", "POST"])
@login_required
def staff_event_edit(meeting_id: int):
    meeting = queries.load_meeting(None, meeting_id)
    require(authz.can_manage_meeting(current_user, meeting))
    return _edit_meeting(None, meeting)


@bp.post("/staff/events/<int:meeting_id>/delete")
@login_required
def staff_event_delete(meeting_id: int):
    meeting = queries.load_meeting(None, meeting_id)
    require(authz.can_manage_meeting(current_user, meeting))
    return _delete(None, meeting)


@bp.route("/staff/events/<int:meeting_id>/attendance", methods=["GET", "POST"])
@login_required
def staff_event_attendance(meeting_id: int):
    meeting = queries.load_meeting(None, meeting_id)
    require(authz.can_manage_meeting(current_user, meeting))
    return _attendance(None, meeting)
