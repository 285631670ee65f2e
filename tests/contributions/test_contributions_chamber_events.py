"""Hours at chamber-wide events (issue 11): a member logs work at a chamber event they
attended (or said they would attend), with no committee needed; staff approve it in their
own queue; once approved it counts in the member's hours everywhere hours are counted."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from chamber.contributions import event_services
from chamber.contributions.models import Contribution, ContributionKind, ContributionStatus
from chamber.enums import WorkMode
from chamber.exceptions import ChamberError
from chamber.extensions import db
from chamber.localtime import chamber_today, utc_to_local
from chamber.meetings.models import Attendance, AttendanceStatus, Rsvp, RsvpAnswer
from tests.conftest import csrf_token

LOG = "/work/events/new"
QUEUE = "/staff/approvals/events"


@pytest.fixture
def gala(make_meeting):
    """A chamber-wide event (no committee) held two days ago."""
    return make_meeting(None, title="Spring Gala", starts_in=timedelta(days=-2))


def _attended(meeting, member, status=AttendanceStatus.IN_PERSON):
    db.session.add(Attendance(meeting_id=meeting.id, member_id=member.id, status=status))
    db.session.commit()


def _log(client, meeting, hours="2.5", **fields):
    return client.post(
        LOG,
        data={
            "csrf_token": csrf_token(client, LOG),
            "form_token": _form_token(client),
            "meeting_id": str(meeting.id),
            "kind": "volunteer_hours",
            "hours": hours,
            "mode": "in_person",
            "description": "Set up the tables and ran the welcome desk.",
        }
        | fields,
    )


def _form_token(client) -> str:
    match = re.search(r'name="form_token" type="hidden" value="([^"]+)"', client.get(LOG).text)
    return match.group(1) if match else ""


def _event_contributions():
    return list(
        db.session.scalars(sa.select(Contribution).where(Contribution.meeting_id.is_not(None)))
    )


def test_a_member_without_a_committee_logs_hours_at_an_event_they_attended(
    client, login, make_member, gala
):
    ana = make_member(full_name="Ana Ruiz")
    _attended(gala, ana)
    login(ana)
    page = client.get(LOG).text
    assert "Spring Gala" in page
    response = _log(client, gala)
    assert response.status_code == 302 and response.location.endswith("/work")
    [logged] = _event_contributions()
    assert logged.committee_id is None and logged.meeting_id == gala.id
    assert logged.status is ContributionStatus.PENDING and logged.hours == Decimal("2.5")
    assert logged.contributed_on == utc_to_local(gala.starts_at).date()
    history = client.get("/work").text
    assert "Spring Gala" in history and "Chamber event" in history


def test_said_they_would_come_counts_but_marked_absent_does_not(
    client, login, make_member, make_meeting, gala
):
    rsvp_only = make_member()
    db.session.add(Rsvp(meeting_id=gala.id, member_id=rsvp_only.id, answer=RsvpAnswer.GOING))
    absent = make_member()
    db.session.add(Rsvp(meeting_id=gala.id, member_id=absent.id, answer=RsvpAnswer.GOING))
    _attended(gala, absent, AttendanceStatus.ABSENT)
    login(rsvp_only)
    assert _log(client, gala).status_code == 302
    client.delete_cookie("chamber_session")
    login(absent)
    assert "Spring Gala" not in client.get(LOG).text
    response = _log(client, gala)
    assert response.status_code == 400
    assert len(_event_contributions()) == 1  # the first member's only


def test_the_service_refuses_committee_meetings_future_events_and_absentees(
    app, make_member, make_committee, make_meeting, gala
):
    ana = make_member()
    committee_meeting = make_meeting(make_committee(members=[ana]), starts_in=timedelta(days=-1))
    future = make_meeting(None, title="Summer Fair", starts_in=timedelta(days=5))
    for meeting in (committee_meeting, future):
        _attended(meeting, ana)
    data = {
        "kind": ContributionKind.VOLUNTEER_HOURS,
        "hours": Decimal("2"),
        "mode": WorkMode.IN_PERSON,
        "value_cents": None,
        "description": "Helped",
    }
    cases = [
        (committee_meeting, "committee meeting"),
        (future, "has not taken place yet"),
        (gala, "only for events you attended"),
    ]
    for meeting, message in cases:
        with pytest.raises(ChamberError, match=message):
            event_services.log_event_contribution(ana, data | {"meeting_id": meeting.id})
        db.session.rollback()
    _attended(gala, ana)
    with pytest.raises(ChamberError, match="between 0.25 and 24"):
        event_services.log_event_contribution(
            ana, data | {"meeting_id": gala.id, "hours": Decimal("30")}
        )
    db.session.rollback()
    assert _event_contributions() == []


def test_a_contribution_is_for_a_committee_or_an_event_never_both_or_neither(
    app, make_member, make_committee, gala
):
    ana = make_member()
    committee = make_committee(members=[ana])
    for committee_id, meeting_id in ((committee.id, gala.id), (None, None)):
        db.session.add(
            Contribution(
                member_id=ana.id,
                committee_id=committee_id,
                meeting_id=meeting_id,
                kind=ContributionKind.TASK,
                hours=Decimal("1"),
                contributed_on=chamber_today(),
                mode=WorkMode.IN_PERSON,
            )
        )
        with pytest.raises(IntegrityError):
            db.session.flush()
        db.session.rollback()


def _approve_as_staff(client, login, staff, contribution):
    login(staff)
    return client.post(
        QUEUE,
        data={
            "csrf_token": csrf_token(client, QUEUE),
            "decision": f"approve-{contribution.id}",
            "note": "Thanks for the gala!",
        },
        follow_redirects=True,
    )


def test_staff_approve_in_their_queue_the_member_is_notified_and_the_hours_count(
    client, login, make_member, make_committee, gala, outbox
):
    staff = make_member(full_name="Dana Director", is_staff=True)
    ana = make_member(full_name="Ana Ruiz", email="ana@example.org")
    lead = make_member()
    make_committee(lead=lead, members=[ana])
    _attended(gala, ana)
    login(ana)
    _log(client, gala, hours="3")
    [logged] = _event_contributions()

    client.delete_cookie("chamber_session")
    login(lead)  # a committee's lead decides on their committee's work, not on events
    assert client.get(QUEUE).status_code == 403
    client.delete_cookie("chamber_session")
    login(staff)
    dashboard = client.get("/dashboard").text
    assert "Chamber events" in dashboard and "1 to decide" in dashboard
    assert "waiting across 0 committees and chamber events" in dashboard
    queue = client.get(QUEUE).text
    assert "Spring Gala" in queue and "Ana Ruiz" in queue
    response = _approve_as_staff(client, login, staff, logged)
    assert "1 contribution approved (3 h)" in response.text
    db.session.refresh(logged)
    assert logged.status is ContributionStatus.APPROVED and logged.reviewer_id == staff.id
    [mail] = outbox("ana@example.org")
    assert mail.subject == "Contribution approved: Spring Gala"

    # The staff's hours CSV of chamber events.
    rows = list(csv.reader(io.StringIO(client.get(f"{QUEUE}/hours.csv").text)))
    assert rows[1][:6] == ["Ana Ruiz", ana.business_name, "1", "3", "0", "3"]
    # The givers-gain report's hours (every approved contribution in the range).
    year_start = chamber_today().replace(month=1, day=1)
    report = client.get(f"/reports/givers-gain.csv?first={year_start}&last={chamber_today()}")
    hours = {row["member_id"]: row["hours"] for row in csv.DictReader(io.StringIO(report.text))}
    assert Decimal(hours[str(ana.id)]) == Decimal("3")

    # The member's own pages: My work and the dashboard.
    client.delete_cookie("chamber_session")
    login(ana)
    work = client.get("/work").text
    assert re.search(r'stat-value">3</span><span class="stat-label">approved hours this year', work)
    assert re.search(
        r'stat-value">3</span><span class="stat-label">approved</span>',
        client.get("/dashboard").text,
    )


def test_only_staff_reach_the_event_queue_and_its_csv(client, login, make_member):
    for person in (make_member(), make_member()):
        client.delete_cookie("chamber_session")
        login(person)
        assert client.get(QUEUE).status_code == 403
        assert client.get(f"{QUEUE}/hours.csv").status_code == 403
        response = client.post(
            QUEUE, data={"csrf_token": csrf_token(client, "/settings"), "decision": "approve"}
        )
        assert response.status_code == 403


def test_staff_cannot_approve_their_own_event_hours(client, login, make_member, gala):
    staff = make_member(is_staff=True)
    _attended(gala, staff)
    login(staff)
    assert _log(client, gala).status_code == 302
    [logged] = _event_contributions()
    response = _approve_as_staff(client, login, staff, logged)
    assert "another lead or staff decides" in response.text.lower()
    db.session.refresh(logged)
    assert logged.status is ContributionStatus.PENDING
