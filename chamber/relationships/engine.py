"""Keeping the ties right: the incremental update, the full rebuild and the check.

Services announce changes through chamber.activity; the receivers here note which scopes
(a meeting, a shift, a project-month, a one-to-one, a referral, a member) changed, and just
before the transaction commits the update recomputes exactly those scopes' ledger entries
(with the same source functions the rebuild uses) and the rollups of the pairs they touch.
So the ties change in the same transaction as their cause, or not at all. A scope with a
big fan-out (a meeting of hundreds) is queued instead and a background thread applies it
right after the commit.
"""

from __future__ import annotations

import logging
import math
import threading
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from chamber import activity
from chamber.db import utcnow
from chamber.extensions import db
from chamber.localtime import chamber_today
from chamber.meetings.models import PRESENT, Attendance
from chamber.relationships import sources
from chamber.relationships.models import (
    RelationshipState,
    Tie,
    TieBacklog,
    TieEntry,
    TieSource,
)
from chamber.relationships.strength import ENTRY_COLUMNS, Entry, Weights, rollup

log = logging.getLogger(__name__)

PENDING = "relationship_scopes"
KICK = "relationship_kick"
PAIR_CHUNK = 400
INSERT_CHUNK = 5000
# A fixed key for PostgreSQL's transaction-level advisory lock: updates of the ties run one
# at a time (SQLite's BEGIN IMMEDIATE already serialises every writer).
ADVISORY_LOCK_KEY = 0x7E1A710


def weights() -> Weights:
    return Weights.from_config(current_app.config)


# Receivers: note what changed; the update runs once, just before the commit ---------------


def _note(*scopes: tuple) -> None:
    db.session.info.setdefault(PENDING, set()).update(scopes)


def _on_attendance(_sender, meeting, **_kwargs) -> None:
    _note(("meeting", meeting.id, None))


def _on_meeting_changed(_sender, meeting, **_kwargs) -> None:
    _note(("meeting", meeting.id, None))


def _on_shift_changed(_sender, shift, **_kwargs) -> None:
    _note(("shift", shift.id, None))


def _on_contribution(_sender, contribution, **_kwargs) -> None:
    if contribution.shift_signup_id is not None:
        _note(("shift", contribution.shift_signup.shift_id, None))
    elif contribution.project_id is not None:
        _note(("project", contribution.project_id, sources.month_of(contribution.contributed_on)))


def _on_one_to_one(_sender, one_to_one, **_kwargs) -> None:
    _note(("one_to_one", one_to_one.id, None))


def _on_referral(_sender, referral, **_kwargs) -> None:
    _note(("referral", referral.id, None))


def _on_member_activation(_sender, member, **_kwargs) -> None:
    _note(("member", member.id, None))


def _on_membership(_sender, membership, **_kwargs) -> None:
    # Not a source of time together, but committee pictures show rosters.
    _note(("roster", membership.committee_id, None))


activity.attendance_recorded.connect(_on_attendance)
activity.meeting_changed.connect(_on_meeting_changed)
activity.shift_changed.connect(_on_shift_changed)
activity.contribution_decided.connect(_on_contribution)
activity.one_to_one_confirmed.connect(_on_one_to_one)
activity.referral_changed.connect(_on_referral)
activity.member_activation_changed.connect(_on_member_activation)
activity.membership_changed.connect(_on_membership)


@sa.event.listens_for(Session, "before_commit")
def _apply_before_commit(session: Session) -> None:
    if session.in_nested_transaction() or not session.info.get(PENDING):
        return
    scopes = session.info.pop(PENDING)
    deferred = apply_scopes(scopes, session=session, allow_defer=True)
    if deferred:
        session.info[KICK] = True


@sa.event.listens_for(Session, "after_commit")
def _kick_after_commit(session: Session) -> None:
    if session.in_nested_transaction() or not session.info.pop(KICK, False):
        return
    if current_app.config.get("RELATIONSHIP_BACKGROUND", True):
        start_backlog_worker(current_app._get_current_object())


@sa.event.listens_for(Session, "after_rollback")
def _forget_after_rollback(session: Session) -> None:
    if not session.in_nested_transaction():
        session.info.pop(PENDING, None)
        session.info.pop(KICK, None)


# The update --------------------------------------------------------------------------------


def _lock(session: Session) -> None:
    if session.get_bind().dialect.name == "postgresql":
        session.execute(sa.select(sa.func.pg_advisory_xact_lock(ADVISORY_LOCK_KEY)))


def _bump_version(session: Session, *, rebuilt: bool = False) -> None:
    now = utcnow()
    values = {"version": RelationshipState.version + 1, "changed_at": now}
    if rebuilt:
        values["rebuilt_at"] = now
    result = session.execute(
        sa.update(RelationshipState)
        .where(RelationshipState.id == 1)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount == 0:
        session.execute(
            sa.insert(RelationshipState).values(
                id=1, version=1, changed_at=now, rebuilt_at=now if rebuilt else None
            )
        )


def _fan_out(session: Session, meeting_id: int) -> int:
    """How many pairs an update of this meeting rewrites (before and after)."""
    present = session.scalar(
        sa.select(sa.func.count())
        .select_from(Attendance)
        .where(Attendance.meeting_id == meeting_id, Attendance.status.in_(PRESENT))
    )
    kept = session.scalar(
        sa.select(sa.func.count())
        .select_from(TieEntry)
        .where(TieEntry.source == TieSource.MEETING, TieEntry.ref_id == meeting_id)
    )
    return max(present * (present - 1) // 2, kept)


def _queue(session: Session, scope: tuple) -> None:
    kind, ref_id, ref_month = scope
    exists = session.scalar(
        sa.select(TieBacklog.id).where(
            TieBacklog.source == kind,
            TieBacklog.ref_id == ref_id,
            TieBacklog.ref_month.is_(None)
            if ref_month is None
            else TieBacklog.ref_month == ref_month,
        )
    )
    if exists is not None:
        return
    try:
        with session.begin_nested():
            session.add(TieBacklog(source=kind, ref_id=ref_id, ref_month=ref_month))
    except IntegrityError:
        pass  # queued by a concurrent change: one update covers both


def apply_scopes(
    scopes: Iterable[tuple], *, session: Session | None = None, allow_defer: bool = False
) -> bool:
    """Recompute the ledger entries of `scopes` and the ties of every pair they touch.
    Returns True when a big fan-out was queued for the background instead."""
    session = session or db.session()
    session.flush()
    _lock(session)
    config = current_app.config
    by_kind: dict[str, set] = defaultdict(set)
    deferred = False
    pairs: set[tuple[int, int]] = set()
    for kind, ref_id, ref_month in scopes:
        if kind == "member":
            for scope in sources.member_scopes(ref_id):
                by_kind[scope[0]].add(scope)
            # Every tie of the member is recomputed, whatever it came from.
            pairs.update(
                (a, b)
                for a, b in session.execute(
                    sa.select(Tie.member_a_id, Tie.member_b_id).where(
                        sa.or_(Tie.member_a_id == ref_id, Tie.member_b_id == ref_id)
                    )
                )
            )
        elif kind == "meeting" and allow_defer and config.get("RELATIONSHIP_BACKGROUND", True):
            if _fan_out(session, ref_id) > config["RELATIONSHIP_SYNC_MAX_PAIRS"]:
                _queue(session, (kind, ref_id, ref_month))
                deferred = True
            else:
                by_kind[kind].add((kind, ref_id, ref_month))
        elif kind in sources.SCOPE_SOURCES:
            by_kind[kind].add((kind, ref_id, ref_month))
    w = weights()
    for kind, kind_scopes in by_kind.items():
        pairs |= _replace_entries(session, kind, kind_scopes, w)
    refresh_pairs(pairs, w, session=session)
    _bump_version(session)
    return deferred


def _scope_filter(kind: str, kind_scopes: set):
    sources_ = sources.SCOPE_SOURCES[kind]
    if kind == "project":
        keys = [(ref_id, ref_month) for _k, ref_id, ref_month in kind_scopes]
        return sa.and_(
            TieEntry.source.in_(sources_),
            sa.tuple_(TieEntry.ref_id, TieEntry.ref_month).in_(keys),
        )
    return sa.and_(
        TieEntry.source.in_(sources_),
        TieEntry.ref_id.in_([ref_id for _k, ref_id, _m in kind_scopes]),
    )


def _replace_entries(session: Session, kind: str, kind_scopes: set, w: Weights) -> set:
    where = _scope_filter(kind, kind_scopes)
    pairs = {
        (a, b)
        for a, b in session.execute(
            sa.select(TieEntry.member_a_id, TieEntry.member_b_id).where(where)
        )
    }
    session.execute(sa.delete(TieEntry).where(where).execution_options(synchronize_session=False))
    keys = (
        [(ref_id, ref_month) for _k, ref_id, ref_month in kind_scopes]
        if kind == "project"
        else [ref_id for _k, ref_id, _m in kind_scopes]
    )
    entries = sources.entries_for(kind, keys, w)
    _insert_entries(session, entries)
    pairs.update((e.member_a_id, e.member_b_id) for e in entries)
    return pairs


def _insert_entries(session: Session, entries: list[Entry]) -> None:
    for start in range(0, len(entries), INSERT_CHUNK):
        session.execute(
            sa.insert(TieEntry),
            [e._asdict() for e in entries[start : start + INSERT_CHUNK]],
        )


def _read_entries(session: Session, where) -> list[Entry]:
    columns = [getattr(TieEntry, name) for name in ENTRY_COLUMNS]
    return [Entry(*row) for row in session.execute(sa.select(*columns).where(where))]


def refresh_pairs(pairs: Iterable[tuple[int, int]], w: Weights, *, session=None) -> None:
    """Recompute the rollup of each pair from its ledger entries (a pair with none left loses
    its tie)."""
    session = session or db.session()
    pairs = sorted(pairs)
    for start in range(0, len(pairs), PAIR_CHUNK):
        chunk = pairs[start : start + PAIR_CHUNK]
        in_chunk = sa.tuple_(TieEntry.member_a_id, TieEntry.member_b_id).in_(chunk)
        grouped: dict[tuple[int, int], list[Entry]] = defaultdict(list)
        for entry in _read_entries(session, in_chunk):
            grouped[(entry.member_a_id, entry.member_b_id)].append(entry)
        session.execute(
            sa.delete(Tie)
            .where(sa.tuple_(Tie.member_a_id, Tie.member_b_id).in_(chunk))
            .execution_options(synchronize_session=False)
        )
        rows = []
        for (a, b), entries in grouped.items():
            values = rollup(entries, w)
            if values is not None:
                rows.append({"member_a_id": a, "member_b_id": b, **values})
        if rows:
            session.execute(sa.insert(Tie), rows)


# The rebuild and the check -----------------------------------------------------------------


@dataclass
class Computed:
    entries: list[Entry]
    ties: dict[tuple[int, int], dict] = field(default_factory=dict)


def compute_all(w: Weights, progress: Callable[[int], None] | None = None) -> Computed:
    """Every entry and every tie, from scratch, in memory (the rebuild's and check's read)."""
    entries: list[Entry] = []
    for function in sources.SOURCE_FUNCTIONS.values():
        entries.extend(function(w, None))
        if progress:
            progress(1)
    entries.sort(key=lambda e: (e.member_a_id, e.member_b_id))
    ties: dict[tuple[int, int], dict] = {}
    start = 0
    for index in range(1, len(entries) + 1):
        if index == len(entries) or entries[index][:2] != entries[start][:2]:
            values = rollup(entries[start:index], w)
            if values is not None:
                ties[tuple(entries[start][:2])] = values
            start = index
    if progress:
        progress(1)
    return Computed(entries, ties)


REBUILD_STEPS = len(sources.SOURCE_FUNCTIONS) + 3


def rebuild(progress: Callable[[int], None] | None = None) -> tuple[int, int]:
    """Rebuild the ledger and the ties from the sources; returns (entries, ties)."""
    session = db.session()
    session.flush()
    _lock(session)
    w = weights()
    computed = compute_all(w, progress)
    session.execute(sa.delete(Tie))
    session.execute(sa.delete(TieEntry))
    session.execute(sa.delete(TieBacklog))
    _insert_entries(session, computed.entries)
    if progress:
        progress(1)
    rows = [
        {"member_a_id": a, "member_b_id": b, **values} for (a, b), values in computed.ties.items()
    ]
    for start in range(0, len(rows), INSERT_CHUNK):
        session.execute(sa.insert(Tie), rows[start : start + INSERT_CHUNK])
    _bump_version(session, rebuilt=True)
    if progress:
        progress(1)
    return len(computed.entries), len(computed.ties)


TIE_COLUMNS = [
    c.name for c in Tie.__table__.columns if c.name not in ("member_a_id", "member_b_id")
]


def _same(kept, expected) -> bool:
    if isinstance(kept, float) or isinstance(expected, float):
        return (
            kept is not None
            and expected is not None
            and math.isclose(kept, expected, rel_tol=1e-9, abs_tol=1e-12)
        )
    return kept == expected


def _entry_key(entry: Entry) -> tuple:
    return tuple(round(value, 9) if isinstance(value, float) else value for value in entry)


def check(progress: Callable[[int], None] | None = None) -> list[str]:
    """Compare the kept ledger and ties with a rebuild; returns the differences (none: [])."""
    session = db.session()
    w = weights()
    computed = compute_all(w, progress)
    differences: list[str] = []
    kept_entries = _read_entries(session, sa.true())
    expected = defaultdict(int)
    for entry in computed.entries:
        expected[_entry_key(entry)] += 1
    for entry in kept_entries:
        expected[_entry_key(entry)] -= 1
    for key, n in expected.items():
        if n > 0:
            differences.append(f"missing entry {key[2].value} {key[3]} for pair {key[0]}-{key[1]}")
        elif n < 0:
            differences.append(f"extra entry {key[2].value} {key[3]} for pair {key[0]}-{key[1]}")
    kept_ties = {
        (row.member_a_id, row.member_b_id): row._mapping
        for row in session.execute(sa.select(Tie.__table__))
    }
    for pair in sorted(set(kept_ties) | set(computed.ties)):
        kept, rebuilt = kept_ties.get(pair), computed.ties.get(pair)
        if kept is None:
            differences.append(f"missing tie {pair[0]}-{pair[1]}")
        elif rebuilt is None:
            differences.append(f"extra tie {pair[0]}-{pair[1]}")
        else:
            for name in TIE_COLUMNS:
                if not _same(kept[name], rebuilt[name]):
                    differences.append(
                        f"tie {pair[0]}-{pair[1]}: {name} is {kept[name]!r}, "
                        f"a rebuild gives {rebuilt[name]!r}"
                    )
    if progress:
        progress(1)
    return differences


# The background update of big fan-outs -----------------------------------------------------

_worker_lock = threading.Lock()
_kicked = threading.Event()


def drain_backlog() -> int:
    """Apply every queued scope, one transaction each; returns how many were applied."""
    applied = 0
    while True:
        row = db.session.execute(
            sa.select(TieBacklog.id, TieBacklog.source, TieBacklog.ref_id, TieBacklog.ref_month)
            .order_by(TieBacklog.id)
            .limit(1)
        ).first()
        if row is None:
            db.session.rollback()
            return applied
        claimed = db.session.execute(
            sa.delete(TieBacklog)
            .where(TieBacklog.id == row.id)
            .execution_options(synchronize_session=False)
        )
        if claimed.rowcount == 1:
            apply_scopes([(row.source, row.ref_id, row.ref_month)])
            applied += 1
        db.session.commit()


def start_backlog_worker(app) -> threading.Thread | None:
    """Drain the backlog in a thread of this process (one at a time per process). A kick
    while a drain runs is not lost: the running thread looks again before it ends."""
    _kicked.set()
    if not _worker_lock.acquire(blocking=False):
        return None

    def run() -> None:
        try:
            with app.app_context():
                try:
                    while _kicked.is_set():
                        _kicked.clear()
                        drain_backlog()
                finally:
                    db.session.remove()
        except Exception:  # logged; the rows stay queued for the next run
            log.exception("relationships: background update failed")
        finally:
            _worker_lock.release()
        if _kicked.is_set():
            start_backlog_worker(app)

    thread = threading.Thread(target=run, name="relationships-backlog", daemon=True)
    thread.start()
    return thread


def pending_since() -> datetime | None:
    """When the oldest queued fan-out was queued (the pages then say "as of")."""
    return db.session.scalar(sa.select(sa.func.min(TieBacklog.queued_at)))


def state() -> RelationshipState | None:
    return db.session.get(RelationshipState, 1)


def today() -> date:
    """Strength is read as of the chamber's today."""
    return chamber_today()
