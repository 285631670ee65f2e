"""Digests and reminders through the outbox (issue 11), each turned off in settings or with
its e-mail's unsubscribe link; run the commands from cron or a timer once a day:
- `flask send-lead-digests`: each lead's one e-mail a day of what waits for them
  (contributions to approve, requests to join);
- `flask send-reminders`: each member's reminder the day before a shift they signed up for or
  a meeting they said they would attend."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

import click
import sqlalchemy as sa
from flask.cli import with_appcontext

from chamber.committees.models import (
    Committee,
    CommitteeMembership,
    CommitteeRole,
    JoinRequest,
    JoinRequestStatus,
)
from chamber.committees.queries import counts_per_committee
from chamber.contributions.models import Contribution, ContributionStatus
from chamber.extensions import db
from chamber.localtime import chamber_today, local_day_bounds, to_local
from chamber.mail.services import external_url
from chamber.meetings.models import Meeting, Rsvp, RsvpAnswer
from chamber.members.models import Member
from chamber.notifications.models import Notification
from chamber.notifications.services import notify, path_for, register_kind
from chamber.projects.models import Shift, ShiftSignup, SignupStatus

KIND = "lead_digest"
register_kind(KIND, "Daily digest for committees I lead: contributions and join requests waiting")


@dataclass
class Waiting:
    committee: Committee
    contributions: int = 0
    join_requests: int = 0


@dataclass
class Digest:
    lead: Member
    committees: list[Waiting] = field(default_factory=list)

    @property
    def contributions(self) -> int:
        return sum(w.contributions for w in self.committees)

    @property
    def join_requests(self) -> int:
        return sum(w.join_requests for w in self.committees)


def waiting_digests() -> list[Digest]:
    """Per active lead or chair, the active committees they lead where something waits, with
    every pending contribution and join request counted (three statements, whatever the
    number of leads and committees)."""
    contributions = counts_per_committee(Contribution, ContributionStatus.PENDING)
    waiting_requests = counts_per_committee(JoinRequest, JoinRequestStatus.PENDING)
    busy = set(contributions) | set(waiting_requests)
    if not busy:
        return []
    rows = db.session.execute(
        sa.select(Member, Committee)
        .join(CommitteeMembership, CommitteeMembership.member_id == Member.id)
        .join(Committee, Committee.id == CommitteeMembership.committee_id)
        .where(
            CommitteeMembership.role.in_([CommitteeRole.LEAD, CommitteeRole.CHAIR]),
            Committee.id.in_(busy),
            Committee.is_archived.is_(False),
            Member.is_active.is_(True),
        )
        .order_by(Member.id, Committee.name)
    ).all()
    digests: dict[int, Digest] = {}
    for lead, committee in rows:
        digest = digests.setdefault(lead.id, Digest(lead))
        digest.committees.append(
            Waiting(
                committee,
                contributions.get(committee.id, 0),
                waiting_requests.get(committee.id, 0),
            )
        )
    return list(digests.values())


def _already_sent_today() -> set[int]:
    start, end = local_day_bounds(chamber_today(), chamber_today())
    return set(
        db.session.scalars(
            sa.select(Notification.member_id).where(
                Notification.kind == KIND,
                Notification.created_at >= start,
                Notification.created_at < end,
            )
        )
    )


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' if count != 1 else ''}"


def send_lead_digests() -> int:
    """Queue today's digest for each lead with something waiting, at most one a day each
    (running the command twice sends nothing new). Returns how many were queued."""
    sent_today = _already_sent_today()
    queued = 0
    for digest in waiting_digests():
        if digest.lead.id in sent_today:
            continue
        summary = []
        if digest.contributions:
            summary.append(_plural(digest.contributions, "contribution") + " to approve")
        if digest.join_requests:
            summary.append(_plural(digest.join_requests, "request") + " to join")
        first = digest.committees[0].committee
        notify(
            digest.lead,
            KIND,
            f"Waiting for you: {' and '.join(summary)}.",
            path_for("contributions.manage_queue", slug=first.slug),
            subject=f"Waiting for you: {', '.join(summary)}",
            template="lead_digest",
            digest=digest,
            links={
                w.committee.id: (
                    external_url(path_for("contributions.manage_queue", slug=w.committee.slug)),
                    external_url(path_for("committees.manage_roster", slug=w.committee.slug)),
                )
                for w in digest.committees
            },
        )
        queued += 1
    return queued


# Members' reminders the day before ---------------------------------------------------------

REMINDER = "reminder"
register_kind(REMINDER, "A reminder the day before a shift or a meeting I said I would attend")


def _tomorrow_bounds():
    tomorrow = chamber_today() + timedelta(days=1)
    return local_day_bounds(tomorrow, tomorrow)


def _reminded_today() -> set[tuple[int, str]]:
    start, end = local_day_bounds(chamber_today(), chamber_today())
    return set(
        db.session.execute(
            sa.select(Notification.member_id, Notification.link).where(
                Notification.kind == REMINDER,
                Notification.created_at >= start,
                Notification.created_at < end,
            )
        ).all()
    )


def send_reminders() -> int:
    """Queue a reminder to each active member for each shift they signed up for and each
    meeting they said they would attend (in person or online) that starts tomorrow (the
    chamber's day); once per member and item, however often it runs. Returns how many."""
    start, end = _tomorrow_bounds()
    done = _reminded_today()
    queued = 0
    shifts = db.session.execute(
        sa.select(Member, Shift)
        .join(ShiftSignup, ShiftSignup.member_id == Member.id)
        .join(Shift, Shift.id == ShiftSignup.shift_id)
        .where(
            ShiftSignup.status == SignupStatus.SIGNED_UP,
            Shift.starts_at >= start,
            Shift.starts_at < end,
            Member.is_active.is_(True),
        )
        .order_by(Shift.starts_at, Member.id)
    ).all()
    meetings = db.session.execute(
        sa.select(Member, Meeting, Rsvp.answer)
        .join(Rsvp, Rsvp.member_id == Member.id)
        .join(Meeting, Meeting.id == Rsvp.meeting_id)
        .where(
            Rsvp.answer.in_([RsvpAnswer.GOING, RsvpAnswer.ONLINE]),
            Meeting.starts_at >= start,
            Meeting.starts_at < end,
            Member.is_active.is_(True),
        )
        .order_by(Meeting.starts_at, Member.id)
    ).all()
    items = [
        (
            member,
            shift.title,
            shift.starts_at,
            "your shift",
            path_for("projects.show", project_id=shift.project_id),
        )
        for member, shift in shifts
    ] + [
        (
            member,
            meeting.title,
            meeting.starts_at,
            "the meeting" + (" (you join online)" if answer is RsvpAnswer.ONLINE else ""),
            path_for("meetings.show", meeting_id=meeting.id),
        )
        for member, meeting, answer in meetings
    ]
    for member, title, starts_at, what, link in items:
        if (member.id, link) in done:
            continue
        when = to_local(starts_at)
        notify(
            member,
            REMINDER,
            f"Tomorrow at {when:%H:%M}: {what} “{title}”.",
            link,
            subject=f"Tomorrow: {title}",
        )
        done.add((member.id, link))
        queued += 1
    return queued


def _queue_command(name: str, queue: Callable[[], int], noun: str, help_text: str):
    """A flask command that queues mail with `queue`, commits once and says how many."""

    @click.command(name, help=help_text)
    @with_appcontext
    def command() -> None:
        count = queue()
        db.session.commit()
        click.echo(f"{count} {noun}{'s' if count != 1 else ''} queued.")

    return command


send_lead_digests_command = _queue_command(
    "send-lead-digests",
    send_lead_digests,
    "digest",
    "Queue the leads' daily digest (then `flask deliver-mail` sends it).",
)
send_reminders_command = _queue_command(
    "send-reminders",
    send_reminders,
    "reminder",
    "Queue tomorrow's shift and meeting reminders (then `flask deliver-mail` sends them).",
)
