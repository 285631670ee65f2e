"""Real e-mail (issue 11): every message as multipart text + HTML from one template, with
Date, Message-ID, Auto-Submitted and List-Unsubscribe (one click) where they apply, no hard
line breaks mid-sentence; checked by parsing the outbox files with the `email` package. And
the leads' daily digest, queued by `flask send-lead-digests`."""

from __future__ import annotations

import email
import email.policy
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path

import sqlalchemy as sa

from chamber.committees.models import JoinRequest
from chamber.mail.delivery import deliver_due_mail
from chamber.mail.models import OutboxMessage
from chamber.notifications.models import EmailPreference
from chamber.notifications.services import notify
from tests.conftest import csrf_token


def _delivered(app, db) -> list[email.message.EmailMessage]:
    """Send what is due, then read each message back from its .eml file."""
    ids = list(
        db.session.scalars(sa.select(OutboxMessage.id).where(OutboxMessage.sent_at.is_(None)))
    )
    deliver_due_mail()
    folder = Path(app.config["MAIL_OUTBOX_DIR"])
    return [
        email.message_from_bytes(
            (folder / f"{i:08d}.eml").read_bytes(), policy=email.policy.default
        )
        for i in ids
    ]


def test_a_notification_is_multipart_with_the_headers_mail_programs_read(app, db, make_member):
    ann = make_member(full_name="Ann <b>Baker</b>")
    notify(ann, "referral_thanked", 'Gina thanked you: "<script>alert(1)</script>"', "/referrals/1")
    db.session.commit()

    (message,) = _delivered(app, db)

    assert message.get_content_type() == "multipart/alternative"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert 'Gina thanked you: "<script>alert(1)</script>"' in text
    assert "&lt;script&gt;" in html and "<script>" not in html
    assert "Ann &lt;b&gt;Baker&lt;/b&gt;" in html
    assert '<a href="http://' in html and "/referrals/1</a>" in html
    sent = parsedate_to_datetime(message["Date"])
    assert abs(sent - datetime.now(UTC)) < timedelta(minutes=5)
    # A long Message-ID may be folded onto its own line (RFC 5322 allows it; the standard
    # library's make_msgid puts the process id and a random number in it, so its length
    # varies): the identifier is the value without that folding white space.
    message_id = message["Message-ID"].strip()
    assert message_id.startswith("<") and message_id.endswith("@chamber.example>")
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert (
        message["List-Unsubscribe"].startswith("<http")
        and "/settings/unsubscribe/" in (message["List-Unsubscribe"])
    )


def test_the_unsubscribe_link_asks_then_turns_that_e_mail_off(app, db, client, make_member):
    ann = make_member()
    notify(ann, "referral_thanked", "Thanks!")
    db.session.commit()
    (message,) = _delivered(app, db)
    path = "/settings/unsubscribe/" + message["List-Unsubscribe"].split("/settings/unsubscribe/")[
        1
    ].rstrip(">")

    page = client.get(path)  # a link scanner opening it changes nothing
    assert page.status_code == 200 and "Stop these e-mails?" in page.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(EmailPreference)) == 0

    # RFC 8058: the mail program POSTs "List-Unsubscribe=One-Click", with no session or form.
    response = client.post(path, data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 302
    assert "You will get no more of these e-mails" in client.get(path).get_data(as_text=True)
    notify(ann, "referral_thanked", "Thanks again!")
    db.session.commit()
    assert _delivered(app, db) == []  # muted: in-app only
    assert client.get(path[:-3] + "xyz").status_code == 404  # a forged token


def test_invitation_and_reset_text_has_no_line_break_mid_sentence(app, db, client, make_member):
    ann = make_member(email="ann@bank.example")
    client.post(
        "/password/forgot",
        data={"email": ann.email, "csrf_token": csrf_token(client, "/password/forgot")},
    )
    (message,) = _delivered(app, db)
    text = message.get_body(("plain",)).get_content()
    assert "reset the password of your" in text
    for line in text.splitlines():
        # a line ends a paragraph, a label ("...:") or the signature, never mid-sentence
        assert (
            not line or line.rstrip().endswith((".", ":", ",")) or line.startswith(("http", "—"))
        ), line
    assert message.get_content_type() == "multipart/alternative"
    assert message["Auto-Submitted"] is None  # asked for by a person, not a notification


def test_leads_get_one_digest_a_day_of_what_waits(
    app, db, make_member, make_committee, make_contribution
):
    lead, chair, worker, joiner = (
        make_member(full_name="Lena Lead"),
        make_member(full_name="Carl Chair"),
        make_member(),
        make_member(),
    )
    committee = make_committee(name="Events", lead=lead, chair=chair, members=[worker])
    quiet = make_committee(name="Quiet", lead=make_member(full_name="Quinn Quiet"))
    make_contribution(worker, committee)
    make_contribution(worker, committee)
    db.session.add(JoinRequest(committee_id=committee.id, member_id=joiner.id))
    db.session.add(EmailPreference(member_id=chair.id, kind="lead_digest", is_muted=True))
    db.session.commit()
    runner = app.test_cli_runner()

    result = runner.invoke(args=["send-lead-digests"])

    assert "2 digests queued." in result.output
    messages = _delivered(app, db)
    assert [m["To"] for m in messages] == [
        lead.email
    ]  # the chair muted it; Quiet waits for nothing
    (digest,) = messages
    assert digest["Subject"] == "Waiting for you: 2 contributions to approve, 1 request to join"
    text = digest.get_body(("plain",)).get_content()
    assert "Events:" in text and f"/committees/{committee.slug}/manage/approvals" in text
    assert f"/committees/{committee.slug}/manage/roster" in text
    assert digest["Auto-Submitted"] == "auto-generated" and digest["List-Unsubscribe"]
    assert quiet.slug not in text

    again = runner.invoke(args=["send-lead-digests"])
    assert "0 digests queued." in again.output  # once a day
    assert _delivered(app, db) == []


def test_members_are_reminded_the_day_before_what_they_said_they_would_attend(
    app, db, make_member, make_committee, make_project, make_shift, make_meeting
):
    from datetime import time

    from chamber.db import utcnow
    from chamber.localtime import chamber_today, local_to_utc
    from chamber.meetings.models import Rsvp, RsvpAnswer
    from chamber.projects.models import ShiftSignup, SignupStatus

    noon = local_to_utc(datetime.combine(chamber_today() + timedelta(days=1), time(12, 0)))
    tomorrow_noon = noon - utcnow().replace(microsecond=0)
    ann, bob, cid = make_member(full_name="Ann"), make_member(full_name="Bob"), make_member()
    committee = make_committee(members=[ann, bob, cid])
    shift = make_shift(make_project(committee), starts_in=tomorrow_noon, title="Set-up crew")
    later = make_shift(make_project(committee), starts_in=tomorrow_noon + timedelta(days=2))
    meeting = make_meeting(committee, starts_in=tomorrow_noon, title="Monthly meeting")
    db.session.add_all(
        [
            ShiftSignup(shift_id=shift.id, member_id=ann.id, status=SignupStatus.SIGNED_UP),
            ShiftSignup(shift_id=later.id, member_id=ann.id, status=SignupStatus.SIGNED_UP),
            ShiftSignup(shift_id=shift.id, member_id=cid.id, status=SignupStatus.CANCELLED),
            Rsvp(meeting_id=meeting.id, member_id=bob.id, answer=RsvpAnswer.ONLINE),
            Rsvp(meeting_id=meeting.id, member_id=cid.id, answer=RsvpAnswer.NOT_GOING),
            EmailPreference(member_id=cid.id, kind="reminder", is_muted=False),
        ]
    )
    db.session.commit()
    runner = app.test_cli_runner()

    assert "2 reminders queued." in runner.invoke(args=["send-reminders"]).output

    messages = {m["To"]: m for m in _delivered(app, db)}
    assert set(messages) == {ann.email, bob.email}
    assert messages[ann.email]["Subject"] == "Tomorrow: Set-up crew"
    assert "Tomorrow at 12:00: your shift “Set-up crew”." in (
        messages[ann.email].get_body(("plain",)).get_content()
    )
    assert "(you join online)" in messages[bob.email].get_body(("plain",)).get_content()
    assert messages[bob.email]["List-Unsubscribe"]
    assert "0 reminders queued." in runner.invoke(args=["send-reminders"]).output
