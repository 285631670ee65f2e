"""Departed members are named, not linked (issue 11): wherever a page links a member's profile,
one who is no longer a member reads "Name (no longer a member)" without a link (their profile
is a 404 for members); staff, who can open it, keep the link. One filter does it everywhere."""

from __future__ import annotations

from datetime import timedelta

from chamber.extensions import db
from chamber.meetings.models import Attendance, AttendanceStatus
from chamber.members.services import set_member_active
from chamber.referrals.models import ReferralStatus

GONE = "Ana Ruiz"


def _leave(person, staff):
    set_member_active(staff, person, False)
    db.session.commit()


def _plain(body: str, person) -> bool:
    return (
        f"{GONE} <span" in body
        and "(no longer a member)" in body
        and f'href="/members/{person.id}"' not in body
    )


def test_a_handed_back_referral_names_the_departed_receiver_without_a_link(
    cast, make_member, make_referral, login, client
):
    ana = make_member(full_name=GONE, business_name="Ruiz Roofing")
    referral = make_referral(cast.giver, ana)
    _leave(ana, cast.staff)
    login(cast.giver)
    for path in (f"/referrals/{referral.id}", "/referrals/given"):
        body = client.get(path).get_data(as_text=True)
        assert _plain(body, ana), path
    assert client.get(f"/members/{ana.id}").status_code == 404


def test_staff_keep_the_link_with_the_label(cast, make_member, make_referral, login, client):
    ana = make_member(full_name=GONE)
    referral = make_referral(cast.giver, ana)
    _leave(ana, cast.staff)
    login(cast.staff)
    body = client.get(f"/referrals/{referral.id}").get_data(as_text=True)
    assert (
        f'<a href="/members/{ana.id}">{GONE}</a> <span class="muted">(no longer a member)' in body
    )


def test_active_members_stay_linked(cast, make_referral, login, client):
    referral = make_referral(cast.giver, cast.receiver)
    login(cast.giver)
    body = client.get(f"/referrals/{referral.id}").get_data(as_text=True)
    assert f'<a href="/members/{cast.receiver.id}">Rick Receiver</a>' in body
    assert "no longer a member" not in body


def test_a_meetings_attendee_who_left_is_named_without_a_link(
    cast, make_member, make_meeting, login, client
):
    ana = make_member(full_name=GONE)
    meeting = make_meeting(cast.committee, starts_in=timedelta(days=-3))
    for person in (ana, cast.giver):
        db.session.add(
            Attendance(meeting=meeting, member_id=person.id, status=AttendanceStatus.IN_PERSON)
        )
    meeting.attendance_taken_at = meeting.ends_at
    db.session.commit()
    _leave(ana, cast.staff)
    login(cast.giver)
    body = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert _plain(body, ana)
    assert f'href="/members/{cast.giver.id}"' in body


def test_the_referral_summarys_top_receivers_name_a_departed_member_without_a_link(
    cast, make_member, make_referral, login, client
):
    ana = make_member(full_name=GONE)
    make_referral(cast.giver, ana, status=ReferralStatus.WON)
    _leave(ana, cast.staff)
    login(cast.staff)
    body = client.get("/reports/summary").get_data(as_text=True)
    assert GONE in body
    assert f'href="/members/{ana.id}"' not in body
