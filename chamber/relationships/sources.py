"""The one definition of each source of time together.

Each function reads one kind of shared work and returns its ledger entries, for every row
(`keys=None`, the full rebuild) or for the rows a change touched (the incremental update):
the same code either way, so an update and a rebuild cannot disagree. Only active members
have ties; a deactivated member's entries disappear and come back on reactivation.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from datetime import date
from itertools import combinations

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from chamber.contributions.models import Contribution, ContributionStatus
from chamber.extensions import db
from chamber.localtime import to_local
from chamber.meetings.models import PRESENT, Attendance, AttendanceStatus, Meeting
from chamber.members.models import Member
from chamber.one_to_ones.models import OneToOne, OneToOneStatus
from chamber.projects.models import Shift, ShiftSignup, SignupStatus
from chamber.referrals.models import Referral, ReferralStatus
from chamber.relationships.models import TieMode, TieSource
from chamber.relationships.strength import Entry, Weights

# A scope is what one change touches: ("meeting", meeting_id, None),
# ("project", project_id, first day of the month), ("shift" | "one_to_one" | "referral", id, None).
SCOPE_SOURCES: dict[str, tuple[TieSource, ...]] = {
    "shift": (TieSource.SHIFT,),
    "project": (TieSource.PROJECT,),
    "meeting": (TieSource.MEETING,),
    "one_to_one": (TieSource.ONE_TO_ONE,),
    "referral": (TieSource.REFERRAL, TieSource.REFERRAL_WON),
}


def month_of(day: date) -> date:
    return day.replace(day=1)


def _next_month(first: date) -> date:
    return date(first.year + first.month // 12, first.month % 12 + 1, 1)


def _entry(
    weights: Weights,
    x: int,
    y: int,
    source: TieSource,
    ref_id: int,
    day: date,
    mode: TieMode | None,
    amount: float,
    *,
    ref_month: date | None = None,
    giver: int | None = None,
    project_id: int | None = None,
) -> Entry:
    a, b = (x, y) if x < y else (y, x)
    weight = weights.weight(source, amount, mode)
    return Entry(
        a,
        b,
        source,
        ref_id,
        ref_month,
        day,
        mode,
        giver,
        project_id,
        amount,
        weight,
        weights.decay_key(weight, day),
    )


def _meeting_tail(weights: Weights, day: date, mode: TieMode, share: float) -> tuple:
    """An Entry's fields from happened_on on, for a meeting entry (as _entry makes them)."""
    weight = weights.weight(TieSource.MEETING, share, mode)
    return (day, mode, None, None, share, weight, weights.decay_key(weight, day))


def meeting_entries(weights: Weights, keys: Collection[int] | None = None) -> list[Entry]:
    """A meeting both attended: weight / (attendees - 1), so a small table ties more than a
    big mixer; in person only when both were there in person. Everyone present counts in the
    group size; only active members get ties."""
    query = (
        sa.select(
            Attendance.meeting_id,
            Attendance.member_id,
            Attendance.status,
            Meeting.starts_at,
            Member.is_active,
        )
        .join(Meeting, Meeting.id == Attendance.meeting_id)
        .join(Member, Member.id == Attendance.member_id)
        .where(Attendance.status.in_(PRESENT))
        .order_by(Attendance.meeting_id, Attendance.member_id)
    )
    if keys is not None:
        query = query.where(Attendance.meeting_id.in_(list(keys)))
    by_meeting: dict[int, list] = defaultdict(list)
    starts: dict[int, object] = {}
    for meeting_id, member_id, status, starts_at, is_active in db.session.execute(query):
        by_meeting[meeting_id].append((member_id, status, is_active))
        starts[meeting_id] = starts_at
    entries: list[Entry] = []
    meeting = TieSource.MEETING
    for meeting_id, present in by_meeting.items():
        if len(present) < 2:
            continue
        share = 1.0 / (len(present) - 1)
        day = to_local(starts[meeting_id]).date()
        # Every pair of one meeting has the same share and day, so an entry is one of two:
        # both there in person, or not. Their weights and decay keys are worked out once
        # (as _entry would), not for each of the meeting's pairs.
        in_person = _meeting_tail(weights, day, TieMode.IN_PERSON, share)
        online = _meeting_tail(weights, day, TieMode.ONLINE, share)
        active = [
            (member_id, status is AttendanceStatus.IN_PERSON)
            for member_id, status, is_active in present
            if is_active
        ]
        # The rows come ordered by member id, so x < y in each combination.
        entries.extend(
            Entry(x, y, meeting, meeting_id, None, *(in_person if px and py else online))
            for (x, px), (y, py) in combinations(active, 2)
        )
    return entries


def shift_entries(weights: Weights, keys: Collection[int] | None = None) -> list[Entry]:
    """A shift both attended: the shift's hours (as attendance credits them), its mode."""
    query = (
        sa.select(
            ShiftSignup.shift_id,
            ShiftSignup.member_id,
            Shift.starts_at,
            Shift.ends_at,
            Shift.mode,
            Shift.project_id,
            Member.is_active,
        )
        .join(Shift, Shift.id == ShiftSignup.shift_id)
        .join(Member, Member.id == ShiftSignup.member_id)
        .where(ShiftSignup.status == SignupStatus.ATTENDED)
        .order_by(ShiftSignup.shift_id, ShiftSignup.member_id)
    )
    if keys is not None:
        query = query.where(ShiftSignup.shift_id.in_(list(keys)))
    by_shift: dict[int, list[int]] = defaultdict(list)
    shape: dict[int, tuple] = {}
    for shift_id, member_id, starts_at, ends_at, mode, project_id, is_active in db.session.execute(
        query
    ):
        if is_active:
            by_shift[shift_id].append(member_id)
        shape[shift_id] = (starts_at, ends_at, mode, project_id)
    entries: list[Entry] = []
    for shift_id, people in by_shift.items():
        starts_at, ends_at, mode, project_id = shape[shift_id]
        hours = float(Shift(starts_at=starts_at, ends_at=ends_at).hours)
        day = to_local(starts_at).date()
        tie_mode = TieMode(mode.value)
        for x, y in combinations(people, 2):
            entries.append(
                _entry(
                    weights,
                    x,
                    y,
                    TieSource.SHIFT,
                    shift_id,
                    day,
                    tie_mode,
                    hours,
                    project_id=project_id,
                )
            )
    return entries


def project_entries(
    weights: Weights, keys: Collection[tuple[int, date]] | None = None
) -> list[Entry]:
    """Approved hours on the same project in the same month: the smaller of the two (of which
    in person: the smaller of the two in-person hours), dated by the later of their last days.
    Hours credited by an attended shift count as that shift, not again here."""
    query = (
        sa.select(
            Contribution.project_id,
            Contribution.member_id,
            Contribution.contributed_on,
            Contribution.hours,
            Contribution.mode,
            Member.is_active,
        )
        .join(Member, Member.id == Contribution.member_id)
        .where(
            Contribution.status == ContributionStatus.APPROVED,
            Contribution.project_id.is_not(None),
            Contribution.shift_signup_id.is_(None),
            Contribution.hours.is_not(None),  # an in-kind gift has no hours to share
        )
    )
    if keys is not None:
        if not keys:
            return []
        query = query.where(
            sa.or_(
                *(
                    sa.and_(
                        Contribution.project_id == project_id,
                        Contribution.contributed_on >= first,
                        Contribution.contributed_on < _next_month(first),
                    )
                    for project_id, first in keys
                )
            )
        )
    # (project, month) -> member -> [in-person hours, online hours, last day]
    hours: dict[tuple[int, date], dict[int, list]] = defaultdict(dict)
    for project_id, member_id, day, amount, mode, is_active in db.session.execute(query):
        if not is_active:
            continue
        tally = hours[(project_id, month_of(day))].setdefault(member_id, [0.0, 0.0, day])
        tally[0 if mode.value == TieMode.IN_PERSON.value else 1] += float(amount)
        tally[2] = max(tally[2], day)
    entries: list[Entry] = []
    for (project_id, first), people in hours.items():
        for x, y in combinations(sorted(people), 2):
            (px, ox, dx), (py, oy, dy) = people[x], people[y]
            together = min(px + ox, py + oy)
            in_person = min(px, py)
            online = together - in_person
            day = max(dx, dy)
            for mode, amount in ((TieMode.IN_PERSON, in_person), (TieMode.ONLINE, online)):
                if amount > 0:
                    entries.append(
                        _entry(
                            weights,
                            x,
                            y,
                            TieSource.PROJECT,
                            project_id,
                            day,
                            mode,
                            amount,
                            ref_month=first,
                            project_id=project_id,
                        )
                    )
    return entries


def one_to_one_entries(weights: Weights, keys: Collection[int] | None = None) -> list[Entry]:
    """A confirmed one-to-one: dyadic and deliberate, one unit on the day they met."""
    logged_by, partner = aliased(Member), aliased(Member)
    query = (
        sa.select(
            OneToOne.id, OneToOne.logged_by_id, OneToOne.partner_id, OneToOne.met_on, OneToOne.mode
        )
        .join(logged_by, logged_by.id == OneToOne.logged_by_id)
        .join(partner, partner.id == OneToOne.partner_id)
        .where(
            OneToOne.status == OneToOneStatus.CONFIRMED,
            logged_by.is_active.is_(True),
            partner.is_active.is_(True),
        )
    )
    if keys is not None:
        query = query.where(OneToOne.id.in_(list(keys)))
    return [
        _entry(weights, x, y, TieSource.ONE_TO_ONE, ref, met_on, TieMode(mode.value), 1.0)
        for ref, x, y, met_on, mode in db.session.execute(query)
    ]


def referral_entries(weights: Weights, keys: Collection[int] | None = None) -> list[Entry]:
    """A referral between them, either direction, on the day given; a won one counts again
    (more) on the day it closed. The giver is kept: both directions count more."""
    giver, receiver = aliased(Member), aliased(Member)
    query = (
        sa.select(
            Referral.id,
            Referral.giver_id,
            Referral.receiver_id,
            Referral.given_on,
            Referral.status,
            Referral.closed_on,
        )
        .join(giver, giver.id == Referral.giver_id)
        .join(receiver, receiver.id == Referral.receiver_id)
        .where(giver.is_active.is_(True), receiver.is_active.is_(True))
    )
    if keys is not None:
        query = query.where(Referral.id.in_(list(keys)))
    entries: list[Entry] = []
    for ref, x, y, given_on, status, closed_on in db.session.execute(query):
        entries.append(_entry(weights, x, y, TieSource.REFERRAL, ref, given_on, None, 1.0, giver=x))
        if status is ReferralStatus.WON and closed_on is not None:
            entries.append(
                _entry(weights, x, y, TieSource.REFERRAL_WON, ref, closed_on, None, 1.0, giver=x)
            )
    return entries


SOURCE_FUNCTIONS = {
    "meeting": meeting_entries,
    "shift": shift_entries,
    "project": project_entries,
    "one_to_one": one_to_one_entries,
    "referral": referral_entries,
}


def member_scopes(member_id: int) -> set[tuple[str, int, date | None]]:
    """Every scope a member took part in (a deactivation or reactivation touches them all)."""
    scopes: set[tuple[str, int, date | None]] = set()
    for (meeting_id,) in db.session.execute(
        sa.select(Attendance.meeting_id).where(Attendance.member_id == member_id)
    ):
        scopes.add(("meeting", meeting_id, None))
    for (shift_id,) in db.session.execute(
        sa.select(ShiftSignup.shift_id).where(
            ShiftSignup.member_id == member_id, ShiftSignup.status == SignupStatus.ATTENDED
        )
    ):
        scopes.add(("shift", shift_id, None))
    for project_id, day in db.session.execute(
        sa.select(Contribution.project_id, Contribution.contributed_on).where(
            Contribution.member_id == member_id,
            Contribution.project_id.is_not(None),
            Contribution.shift_signup_id.is_(None),
            Contribution.status == ContributionStatus.APPROVED,
        )
    ):
        scopes.add(("project", project_id, month_of(day)))
    for (ref,) in db.session.execute(
        sa.select(OneToOne.id).where(
            OneToOne.status == OneToOneStatus.CONFIRMED,
            sa.or_(OneToOne.logged_by_id == member_id, OneToOne.partner_id == member_id),
        )
    ):
        scopes.add(("one_to_one", ref, None))
    for (ref,) in db.session.execute(
        sa.select(Referral.id).where(
            sa.or_(Referral.giver_id == member_id, Referral.receiver_id == member_id)
        )
    ):
        scopes.add(("referral", ref, None))
    return scopes


def entries_for(kind: str, keys: Iterable, weights: Weights) -> list[Entry]:
    """The entries of the given scopes of one kind (the incremental update's read)."""
    keys = list(keys)
    if kind == "project":
        return project_entries(weights, keys)
    return SOURCE_FUNCTIONS[kind](weights, keys)
