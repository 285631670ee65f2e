"""A big fan-out is applied right after the commit by a background thread, within 10 s."""

from __future__ import annotations

import time

import sqlalchemy as sa

from chamber.extensions import db
from chamber.relationships import engine
from chamber.relationships.models import Tie, TieBacklog
from tests.relationships.conftest import IN_PERSON, days_ago


def test_a_big_meeting_is_counted_in_the_background_within_ten_seconds(
    app, make_member, make_committee, work, monkeypatch
):
    monkeypatch.setitem(app.config, "RELATIONSHIP_SYNC_MAX_PAIRS", 5)
    people = [make_member() for _ in range(5)]  # 10 pairs: more than 5, so deferred
    meeting = work.meeting(make_committee(members=people), days_ago(1))
    started = time.monotonic()
    work.attend(meeting, {person: IN_PERSON for person in people})
    ties = 0
    while time.monotonic() - started < 10:
        db.session.rollback()  # a fresh snapshot
        ties = db.session.scalar(sa.select(sa.func.count()).select_from(Tie))
        backlog = db.session.scalar(sa.select(sa.func.count()).select_from(TieBacklog))
        if ties == 10 and backlog == 0:
            break
        time.sleep(0.05)
    assert ties == 10
    assert backlog == 0
    assert engine.check() == []


def test_a_small_meeting_is_counted_in_the_same_transaction(
    app, make_member, make_committee, work, monkeypatch
):
    monkeypatch.setitem(app.config, "RELATIONSHIP_SYNC_MAX_PAIRS", 5)
    people = [make_member() for _ in range(3)]
    meeting = work.meeting(make_committee(members=people), days_ago(1))
    work.attend(meeting, {person: IN_PERSON for person in people})
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Tie)) == 3
    assert db.session.scalar(sa.select(sa.func.count()).select_from(TieBacklog)) == 0
