"""Meetings: members' schedule and history, calendar feeds, leads' scheduling and attendance,
and staff's chamber-wide events."""

from __future__ import annotations

from functools import wraps

from flask import Blueprint, Response, render_template, request, url_for
from flask_login import current_user, login_required

from chamber import authz
from chamber.authz import require
from chamber.committees import views as committee_views
from chamber.committees.models import Committee
from chamber.committees.queries import load_committee, load_led_committee
from chamber.db import utcnow
from chamber.extensions import db
from chamber.flow import (
    finish,
    finish_buttons,
    finish_create_valid,
    finish_valid,
    form_page,
    member_page,
)
from chamber.meetings import calendar, queries, services
from chamber.meetings.forms import (
    AttendanceForm,
    MeetingForm,
    NewMeetingForm,
    RsvpForm,
)
from chamber.meetings.models import AttendanceStatus, Meeting, MeetingMode, RsvpAnswer
from chamber.members.forms import MemberSearchForm
from chamber.members.models import Member
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
@member_page("meetings/index.html")
def index(member: Member) -> dict:
    return {
        "upcoming": queries.upcoming_meetings(member, limit=20),
        "history": queries.attendance_history(member, page=requested_page()),
        "summary": queries.attendance_summary(member),
        "feed": services.active_feed(member),
        "statuses": list(AttendanceStatus),
    }


def _visible_meeting(meeting_id: int) -> Meeting:
    """A meeting the member may see (404 if there is none, 403 if not theirs to see)."""
    meeting = db.get_or_404(Meeting, meeting_id)
    require(authz.can_view_meeting(current_user, meeting))
    return meeting


@bp.get("/meetings/<int:meeting_id>")
@login_required
def show(meeting_id: int):
    meeting = _visible_meeting(meeting_id)
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
    meeting = _visible_meeting(meeting_id)
    form = RsvpForm()
    return finish_buttons(
        form,
        lambda: services.answer_rsvp(current_user, meeting, RsvpAnswer(form.answer.data)),
        invalid="Choose going, joining online or not going.",
        success=lambda saved: f"Your answer is saved: {saved.answer.label.lower()}.",
        to=url_for("meetings.show", meeting_id=meeting.id),
    )


@bp.get("/meetings/<int:meeting_id>.ics")
@login_required
def meeting_ics(meeting_id: int):
    """This one meeting as a calendar file, to add it without subscribing to a feed."""
    meeting = _visible_meeting(meeting_id)
    response = Response(calendar.build_meeting(meeting), mimetype="text/calendar")
    response.headers["Content-Disposition"] = f'attachment; filename="meeting-{meeting.id}.ics"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


# Calendar feeds --------------------------------------------------------------------------


def _change_feed(act, success: str, category: str = "success"):
    """Give the member a new calendar address or turn theirs off, then back to it."""
    return finish(
        lambda: act(current_user),
        success=success,
        category=category,
        to=url_for("meetings.index") + "#calendar",
    )


@bp.post("/meetings/calendar")
@login_required
def create_feed():
    return _change_feed(
        services.create_calendar_feed,
        "Your private calendar address is ready. Any older address stopped working.",
    )


@bp.post("/meetings/calendar/revoke")
@login_required
def revoke_feed():
    return _change_feed(
        services.revoke_calendar_feed,
        "Your calendar address is turned off; calendars using it stop updating.",
        "info",
    )


# Leads: a committee's meetings; staff: chamber-wide events (committee None) -------------


def _managing(view):
    """A view of a meeting a lead (or, for a chamber event, staff) manages, served at the
    committee's address and at the staff one (no slug): it is given the committee (None for
    a chamber event) and the meeting."""

    @wraps(view)
    def load(meeting_id: int, slug: str | None = None):
        return view(*_managed_meeting(slug, meeting_id))

    return load


def _managed_meeting(slug: str | None, meeting_id: int) -> tuple[Committee | None, Meeting]:
    """The committee (None for a chamber event) and the meeting a lead (or staff) manages:
    404 if it is not that committee's, 403 unless the member may manage it."""
    committee = None if slug is None else load_committee(slug)
    meeting = queries.load_meeting(committee, meeting_id)
    require(authz.can_manage_meeting(current_user, meeting))
    return committee, meeting


def _list_url(committee: Committee | None) -> str:
    if committee is None:
        return url_for("meetings.staff_events")
    return url_for("meetings.manage_list", slug=committee.slug)


@bp.get("/committees/<slug>/manage/meetings")
@login_required
def manage_list(slug: str):
    committee = load_led_committee(slug, current_user)
    return _render_list(committee)


def _render_list(committee: Committee | None):
    return render_template(
        "meetings/manage/list.html",
        committee=committee,
        upcoming=queries.committee_meetings(committee, upcoming=True),
        past=queries.committee_meetings(committee, upcoming=False),
    )


def _render_form(committee: Committee | None, meeting: Meeting | None, form: MeetingForm):
    return form_page("meetings/manage/form.html", form, committee=committee, meeting=meeting)


def _new_meeting(committee: Committee | None):
    form = NewMeetingForm()
    return finish_create_valid(
        form,
        lambda: services.create_meeting(current_user, committee, form.meeting_data()),
        success=lambda meeting: f"“{meeting.title}” is saved.",
        to=lambda _meeting: _list_url(committee),
    ) or _render_form(committee, None, form)


@bp.route(
    "/committees/<slug>/manage/meetings/<int:meeting_id>/edit",
    methods=["GET", "POST"],
    endpoint="manage_edit",
)
@bp.route(
    "/staff/events/<int:meeting_id>/edit", methods=["GET", "POST"], endpoint="staff_event_edit"
)
@login_required
@_managing
def edit_meeting(committee: Committee | None, meeting: Meeting):
    form = MeetingForm.editing(meeting)
    return finish_valid(
        form,
        lambda: services.update_meeting(current_user, meeting, form.meeting_data()),
        success=f"“{form.title.data}” is saved.",
        to=_list_url(committee),
    ) or _render_form(committee, meeting, form)


@bp.post("/committees/<slug>/manage/meetings/<int:meeting_id>/delete", endpoint="manage_delete")
@bp.post("/staff/events/<int:meeting_id>/delete", endpoint="staff_event_delete")
@login_required
@_managing
def delete_meeting(committee: Committee | None, meeting: Meeting):
    return finish(
        lambda: services.delete_meeting(current_user, meeting),
        success=f"“{meeting.title}” is cancelled.",
        category="info",
        to=_list_url(committee),
    )


@bp.route("/committees/<slug>/manage/meetings/new", methods=["GET", "POST"])
@login_required
def manage_new(slug: str):
    committee = load_led_committee(slug, current_user)
    return _new_meeting(committee)


#: The sheet's columns, left to right: the usual answer first.
SHEET_ORDER = (
    AttendanceStatus.IN_PERSON,
    AttendanceStatus.ONLINE,
    AttendanceStatus.EXCUSED,
    AttendanceStatus.ABSENT,
)


@bp.route(
    "/committees/<slug>/manage/meetings/<int:meeting_id>/attendance",
    methods=["GET", "POST"],
    endpoint="manage_attendance",
)
@bp.route(
    "/staff/events/<int:meeting_id>/attendance",
    methods=["GET", "POST"],
    endpoint="staff_event_attendance",
)
@login_required
@_managing
def attendance(committee: Committee | None, meeting: Meeting):
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
    return finish_valid(
        form,
        lambda: services.record_attendance(current_user, meeting, form.marks()),
        success=lambda present: f"Attendance saved: {len(present)} present.",
        to=request.path,
    ) or form_page(
        "meetings/manage/attendance.html",
        form,
        committee=committee,
        meeting=meeting,
        sheet=sheet,
        search=search,
        statuses=SHEET_ORDER,
        is_started=meeting.starts_at <= utcnow(),
    )


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
