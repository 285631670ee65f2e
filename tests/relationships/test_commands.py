"""rebuild-relationships [--check] and import-attendance, as an operator runs them."""

from __future__ import annotations

from datetime import datetime

import pytest
import sqlalchemy as sa

from chamber.extensions import db
from chamber.localtime import chamber_today, to_local
from chamber.meetings.models import Attendance, AttendanceStatus, Meeting
from chamber.relationships import queries
from chamber.relationships.models import Tie
from tests.relationships.conftest import IN_PERSON, days_ago


def _run(app, *args):
    return app.test_cli_runner().invoke(args=list(args))


def test_check_passes_when_kept_ties_equal_a_rebuild_and_fails_otherwise(
    app, make_member, make_committee, work
):
    ana, ben = make_member(), make_member()
    meeting = work.meeting(make_committee(members=[ana, ben]), days_ago(2))
    work.attend(meeting, {ana: IN_PERSON, ben: IN_PERSON})
    result = _run(app, "rebuild-relationships", "--check")
    assert result.exit_code == 0, result.output
    assert "equal a rebuild" in result.output

    db.session.execute(sa.delete(Tie))
    db.session.commit()
    result = _run(app, "rebuild-relationships", "--check")
    assert result.exit_code == 1
    assert f"missing tie {min(ana.id, ben.id)}-{max(ana.id, ben.id)}" in result.output

    result = _run(app, "rebuild-relationships")
    assert result.exit_code == 0, result.output
    assert "Rebuilt 1 ties" in result.output
    assert _run(app, "rebuild-relationships", "--check").exit_code == 0


def _csv(tmp_path, text: str):
    path = tmp_path / "attendance.csv"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_import_attendance_creates_the_event_records_the_ties_and_twice_adds_nothing(
    app, make_member, tmp_path
):
    ana = make_member(email="ana@example.org")
    ben = make_member(email="ben@example.org")
    gone = make_member(email="gone@example.org", is_active=False)
    day = days_ago(30)
    path = _csv(
        tmp_path,
        "event,starts_at,email,mode\n"
        f"Business After Hours,{day:%Y-%m-%d} 18:00,ana@example.org,in_person\n"
        f"Business After Hours,{day:%Y-%m-%d} 18:00,BEN@example.org,In person\n"
        f"Business After Hours,{day:%Y-%m-%d} 18:00,nobody@example.org,online\n"
        f"Business After Hours,{day:%Y-%m-%d} 18:00,gone@example.org,online\n"
        f"Business After Hours,yesterday,ana@example.org,online\n"
        f"Business After Hours,{day:%Y-%m-%d} 18:00,ana@example.org,by pigeon\n",
    )
    result = _run(app, "import-attendance", path)
    assert result.exit_code == 0, result.output
    assert "2 added, 0 already recorded, 4 refused." in result.output
    assert "line 4: refused: email: no member with the address nobody@example.org" in result.output
    assert f"line 5: refused: email: {gone.full_name} is deactivated" in result.output
    assert "line 6: refused: starts_at: not a date and time" in result.output
    assert "line 7: refused: mode: say in_person or online" in result.output
    assert "new chamber-wide event: Business After Hours" in result.output

    meeting = db.session.scalar(sa.select(Meeting).where(Meeting.title == "Business After Hours"))
    assert meeting.committee_id is None
    assert to_local(meeting.starts_at).replace(tzinfo=None) == datetime(
        day.year, day.month, day.day, 18, 0
    )
    statuses = dict(
        db.session.execute(
            sa.select(Attendance.member_id, Attendance.status).where(
                Attendance.meeting_id == meeting.id
            )
        ).all()
    )
    assert statuses == {ana.id: AttendanceStatus.IN_PERSON, ben.id: AttendanceStatus.IN_PERSON}
    # Two people at an event: 4 / (2 - 1), decayed over 30 days, and kept = rebuild.
    tie = queries.tie_between(ana.id, ben.id)
    assert tie.meetings == 1
    assert queries.tie_strength(tie, chamber_today()) == pytest.approx(4.0 * 2 ** (-30 / 180))
    assert _run(app, "rebuild-relationships", "--check").exit_code == 0

    again = _run(app, "import-attendance", path)
    assert "0 added, 2 already recorded, 4 refused." in again.output
    assert "new chamber-wide event" not in again.output
    count = db.session.scalar(sa.select(sa.func.count()).select_from(Attendance))
    assert count == 2


def test_import_attendance_refuses_a_file_without_the_columns(app, tmp_path):
    result = _run(app, "import-attendance", _csv(tmp_path, "name,email\nAna,a@example.org\n"))
    assert result.exit_code != 0
    assert "missing: event, starts_at, mode" in result.output


def test_relationships_worker_ranks_the_connectors_the_staff_page_reads(
    app, make_member, make_committee, work, client, login, staff
):
    a, b, c = (make_member(full_name=f"Person {x}") for x in "ABC")
    work.one_to_one(a, b, days_ago(1))
    work.one_to_one(b, c, days_ago(1))
    make_committee(members=[a, b, c])
    login(staff)
    assert "has not ranked the connectors yet" in client.get("/staff/network").get_data(
        as_text=True
    )
    result = _run(app, "relationships-worker")
    assert result.exit_code == 0, result.output
    assert "snapshots recomputed" in result.output
    html = client.get("/staff/network").get_data(as_text=True)
    ranked = html[html.index('class="connectors"') :]
    assert ranked.index("Person B") < ranked.index("</ol>")
    again = _run(app, "relationships-worker")  # nothing changed: nothing redone
    assert "0 snapshots recomputed" in again.output
