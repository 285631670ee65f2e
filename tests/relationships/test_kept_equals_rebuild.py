"""Whatever happens to the sources, through the real services, the kept ledger and ties equal
a rebuild from scratch (run on SQLite and, with TEST_DATABASE_URL, on PostgreSQL)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import sqlalchemy as sa
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from chamber.enums import WorkMode
from chamber.exceptions import ChamberError
from chamber.extensions import db
from chamber.localtime import chamber_today
from chamber.meetings.models import AttendanceStatus
from chamber.projects.models import Project, ProjectStatus, SignupStatus
from chamber.relationships import engine
from chamber.relationships.models import Tie, TieEntry
from tests.relationships.conftest import Work

PEOPLE = 5
member_index = st.integers(0, PEOPLE - 1)
statuses = st.sampled_from(
    [AttendanceStatus.IN_PERSON, AttendanceStatus.ONLINE, AttendanceStatus.ABSENT, None]
)


def _empty_tables() -> None:
    db.session.rollback()
    with db.engine.begin() as connection:
        for table in reversed(db.metadata.sorted_tables):
            connection.execute(table.delete())


def test_kept_ties_equal_a_rebuild_after_any_changes(app, make_member, make_committee, make_shift):
    class Sources(RuleBasedStateMachine):
        def __init__(self):
            super().__init__()
            _empty_tables()
            self.staff = make_member(is_staff=True)
            self.people = [make_member() for _ in range(PEOPLE)]
            self.committee = make_committee(members=self.people)
            self.work = Work(self.staff)
            today = chamber_today()
            self.meetings = [
                self.work.meeting(self.committee, today - timedelta(days=d)) for d in (3, 40)
            ] + [self.work.meeting(None, today - timedelta(days=9), title="Mixer")]
            self.project = Project(
                committee_id=self.committee.id, name="Spring Clean-Up", status=ProjectStatus.ACTIVE
            )
            db.session.add(self.project)
            db.session.commit()
            self.shift = make_shift(self.project, starts_in=timedelta(days=-2))
            self.referrals = []

        def _do(self, change) -> None:
            try:
                change()
            except ChamberError:
                db.session.rollback()

        @rule(meeting=st.integers(0, 2), who=member_index, status=statuses)
        def attend(self, meeting, who, status):
            self._do(lambda: self.work.attend(self.meetings[meeting], {self.people[who]: status}))

        @rule(meeting=st.integers(0, 2), days=st.integers(1, 400))
        def move_meeting(self, meeting, days):
            self._do(
                lambda: self.work.move(
                    self.meetings[meeting], chamber_today() - timedelta(days=days)
                )
            )

        @rule(
            who=member_index,
            hours=st.sampled_from([1, 2.5, 4]),
            days=st.integers(0, 70),
            online=st.booleans(),
        )
        def approve_hours(self, who, hours, days, online):
            mode = WorkMode.ONLINE if online else WorkMode.IN_PERSON
            day = chamber_today() - timedelta(days=days)
            self._do(
                lambda: self.work.hours(
                    self.people[who], self.committee, self.project, Decimal(str(hours)), day, mode
                )
            )

        @rule(who=member_index)
        def attend_shift(self, who):
            self._do(lambda: self.work.shift_attended(self.shift, [self.people[who]]))

        @rule(who=member_index)
        def withdraw_shift_hours(self, who):
            self._do(
                lambda: self.work.shift_attended(
                    self.shift, [self.people[who]], status=SignupStatus.NO_SHOW
                )
            )

        @rule(a=member_index, b=member_index, days=st.integers(0, 300), online=st.booleans())
        def confirm_one_to_one(self, a, b, days, online):
            mode = WorkMode.ONLINE if online else WorkMode.IN_PERSON
            day = chamber_today() - timedelta(days=days)
            self._do(lambda: self.work.one_to_one(self.people[a], self.people[b], day, mode))

        @rule(a=member_index, b=member_index)
        def give_referral(self, a, b):
            def give():
                self.referrals.append(self.work.give(self.people[a], self.people[b]))

            self._do(give)

        @rule(index=st.integers(0, 20))
        def win_referral(self, index):
            if self.referrals:
                referral = self.referrals[index % len(self.referrals)]
                db.session.refresh(referral)
                self._do(lambda: self.work.win(referral))

        @rule(who=member_index, active=st.booleans())
        def set_active(self, who, active):
            self._do(lambda: self.work.set_active(self.people[who], active))

        @invariant()
        def kept_equals_rebuild(self):
            differences = engine.check()
            db.session.rollback()
            assert differences == []

        def teardown(self):
            db.session.rollback()

    run_state_machine_as_test(
        Sources,
        settings=settings(
            max_examples=20,
            stateful_step_count=20,
            deadline=None,
            suppress_health_check=list(HealthCheck),
        ),
    )


def test_the_state_machine_bites(app, make_member, make_committee, work, kept_equals_rebuild):
    """A tie changed behind the engine's back is a difference (the check can fail)."""
    people = [make_member() for _ in range(3)]
    committee = make_committee(members=people)
    meeting = work.meeting(committee, chamber_today(), hour=0)
    work.attend(meeting, {p: AttendanceStatus.IN_PERSON for p in people})
    kept_equals_rebuild()
    db.session.execute(sa.update(Tie).values(score_log2=Tie.score_log2 + 1))
    first = db.session.scalar(sa.select(sa.func.min(TieEntry.id)))  # ids are not reset
    db.session.execute(sa.delete(TieEntry).where(TieEntry.id == first))
    db.session.commit()
    differences = engine.check()
    assert any("score_log2" in line for line in differences)
    assert any(line.startswith("missing entry") for line in differences)


def test_a_meeting_sheet_change_is_applied_as_differences_and_still_equals_a_rebuild(
    app, make_member, make_committee, work, kept_equals_rebuild, monkeypatch
):
    """One more person at a meeting changes everyone's share: the pairs that already had a tie
    take the difference (no re-adding of their whole ledger); new pairs, a pair losing its
    last day together or its only meeting are recomputed from the ledger. Same result."""
    a, b, c, d = (make_member() for _ in range(4))
    committee = make_committee(members=[a, b, c, d])
    first, middle, last = (
        work.meeting(committee, chamber_today() - timedelta(days=n)) for n in (30, 20, 10)
    )
    for meeting in (first, middle, last):
        work.attend(meeting, {p: AttendanceStatus.IN_PERSON for p in (a, b, c)})
    kept_equals_rebuild()
    recomputed: list[set] = []
    refresh = engine.refresh_pairs
    monkeypatch.setattr(
        engine,
        "refresh_pairs",
        lambda pairs, w, **kw: recomputed.append(set(pairs)) or refresh(pairs, w, **kw),
    )

    def pair(x, y):
        return (min(x.id, y.id), max(x.id, y.id))

    work.attend(middle, {d: AttendanceStatus.IN_PERSON})  # a-b, a-c, b-c: shares 2.0 -> 1.33
    assert recomputed[-1] == {pair(d, a), pair(d, b), pair(d, c)}  # new pairs only
    kept_equals_rebuild()
    work.attend(first, {a: AttendanceStatus.ONLINE})  # on a's first day: replaced that day
    assert recomputed[-1] == set()
    kept_equals_rebuild()
    work.attend(middle, {c: None})  # not an end day of a, b or c's ties: differences
    assert recomputed[-1] == {pair(c, d)}  # d met c only there: that tie goes
    kept_equals_rebuild()
    work.attend(last, {b: None})  # a-b and b-c lose their last day together
    assert recomputed[-1] == {pair(a, b), pair(b, c)}
    kept_equals_rebuild()
    work.attend(middle, {d: None})  # d's only meeting: its ties go
    kept_equals_rebuild()
    assert (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Tie)
            .where(sa.or_(Tie.member_a_id == d.id, Tie.member_b_id == d.id))
        )
        == 0
    )
