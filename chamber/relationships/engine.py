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
    TieMode,
    TieSource,
)
from chamber.relationships.strength import (
    ENTRY_COLUMNS,
    Entry,
    Weights,
    bonus_factor,
    day_number,
    tie_values,
)

log = logging.getLogger(__name__)

PENDING = "relationship_scopes"
KICK = "relationship_kick"
PAIR_CHUNK = 1000
INSERT_CHUNK = 5000
# A fixed key for PostgreSQL's transaction-level advisory lock: updates of the ties run one
# at a time (SQLite's BEGIN IMMEDIATE already serialises every writer).
ADVISORY_LOCK_KEY = 0x7E1A710


def weights() -> Weights:
    return Weights.from_config(current_app.config)


# Receivers: note what changed; the update runs once, just before the commit ---------------


def _note(*scopes: tuple) -> None:
    db.session.info.setdefault(PENDING, set()).update(scopes)


def _noting(kind: str, argument: str):
    """A receiver noting the scope `kind` of the object the signal passes as `argument`."""

    def receive(_sender, **kwargs) -> None:
        _note((kind, kwargs[argument].id, None))

    return receive


def _on_contribution(_sender, contribution, **_kwargs) -> None:
    if contribution.shift_signup_id is not None:
        _note(("shift", contribution.shift_signup.shift_id, None))
    elif contribution.project_id is not None:
        _note(("project", contribution.project_id, sources.month_of(contribution.contributed_on)))


def _on_membership(_sender, membership, **_kwargs) -> None:
    # Not a source of time together, but committee pictures show rosters.
    _note(("roster", membership.committee_id, None))


# Each signal, the scope it touches, and the keyword argument that names it.
for _signal, _kind, _argument in (
    (activity.attendance_recorded, "meeting", "meeting"),
    (activity.meeting_changed, "meeting", "meeting"),
    (activity.shift_changed, "shift", "shift"),
    (activity.one_to_one_confirmed, "one_to_one", "one_to_one"),
    (activity.referral_changed, "referral", "referral"),
    (activity.member_activation_changed, "member", "member"),
):
    _signal.connect(_noting(_kind, _argument), weak=False)
activity.contribution_decided.connect(_on_contribution)
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
    added: list[Entry] = []
    removed: list[Entry] = []
    for kind, kind_scopes in by_kind.items():
        more_added, more_removed = _replace_entries(session, kind, kind_scopes, w)
        added += more_added
        removed += more_removed
    recompute = _apply_deltas(session, added, removed, w, recompute=pairs)
    refresh_pairs(recompute, w, session=session)
    _bump_version(session)
    return deferred


# A tie's columns are sums over its entries, so most changes can be applied as differences:
# a 40-person sheet changes the share of 780 pairs, and re-adding each pair's whole ledger
# (tens of thousands of entries) is what made it slow. Only meeting entries take this path,
# and only when nothing but sums move; anything else (a new pair, a pair losing its last
# meeting, a removed entry on the pair's first or last day, other sources) is recomputed
# from the ledger with the one definition (_TOTALS), exactly as the rebuild does.
_DELTA_READ = None  # set below, once the tables are named
_DELTA_COLUMNS = (
    "score_log2",
    "strength_at_last",
    "first_on",
    "last_on",
    "last_in_person_on",
    "in_person_weight",
    "online_weight",
    "meetings",
    "contexts",
)


class _Delta:
    """What the changed meeting entries of one pair add up to (the days' sets are made only
    for a pair that has entries removed: a pair only gaining entries needs their extremes)."""

    __slots__ = ("key", "in_person", "online", "count", "first", "last", "last_ip", "lost")

    def __init__(self) -> None:
        self.key = self.in_person = self.online = 0.0
        self.count = 0
        # The earliest and latest day added, and the latest day added in person.
        self.first: date | None = None
        self.last: date | None = None
        self.last_ip: date | None = None
        # (days removed, days removed in person, days added, days added in person)
        self.lost: tuple[set[date], set[date], set[date], set[date]] | None = None


def _deltas(
    added: list[Entry], removed: list[Entry], recompute: set[tuple[int, int]]
) -> dict[tuple[int, int], _Delta]:
    """Sum the changed meeting entries per pair (one pass over each list); a pair with a
    changed entry of any other source is added to `recompute` instead."""
    deltas: dict[tuple[int, int], _Delta] = {}
    meeting, in_person = TieSource.MEETING, TieMode.IN_PERSON

    def counted(entries: list[Entry]):
        """(day, in person?, weight, decay key, the pair's delta) of each counted meeting
        entry."""
        for a, b, source, _r, _m, day, mode, _f, _p, _amount, weight, key in entries:
            if weight <= 0:  # not counted in a tie (_TOTALS) either way
                continue
            if source is not meeting:
                recompute.add((a, b))
                continue
            delta = deltas.get((a, b))
            if delta is None:
                delta = deltas[(a, b)] = _Delta()
            yield day, mode is in_person, weight, key, delta

    for day, there, weight, key, delta in counted(removed):
        if delta.lost is None:
            delta.lost = (set(), set(), set(), set())
        delta.key -= key
        delta.count -= 1
        delta.lost[0].add(day)
        if there:
            delta.in_person -= weight
            delta.lost[1].add(day)
        else:
            delta.online -= weight
    for day, there, weight, key, delta in counted(added):
        if delta.first is None:
            delta.first = delta.last = day
        elif day < delta.first:
            delta.first = day
        elif day > delta.last:
            delta.last = day
        delta.key += key
        delta.count += 1
        if there:
            delta.in_person += weight
            if delta.last_ip is None or day > delta.last_ip:
                delta.last_ip = day
        else:
            delta.online += weight
        if delta.lost is not None:
            delta.lost[2].add(day)
            if there:
                delta.lost[3].add(day)
    for pair in recompute:
        deltas.pop(pair, None)
    return deltas


def _apply_deltas(
    session: Session,
    added: list[Entry],
    removed: list[Entry],
    w: Weights,
    *,
    recompute: set[tuple[int, int]],
) -> set[tuple[int, int]]:
    """Apply the changed entries to the ties they touch as differences where that is exact;
    returns the pairs to recompute from the ledger instead (including `recompute`)."""
    recompute = set(recompute)
    deltas = _deltas(added, removed, recompute)
    if not deltas:
        return recompute
    connection = session.connection()
    on_sqlite = connection.dialect.name == "sqlite"
    updates = []
    pairs = sorted(deltas)
    after = _TieAfter(w)
    for start in range(0, len(pairs), PAIR_CHUNK):
        chunk = pairs[start : start + PAIR_CHUNK]
        for tie in connection.execute(sa.select(*_DELTA_READ).where(_pairs_in(chunk))):
            pair = (tie[0], tie[1])
            values = after(tie, deltas.pop(pair))
            if values is None:
                recompute.add(pair)
            else:
                updates.append(values)
    recompute.update(deltas)  # pairs with no tie yet
    if updates:
        dialect = connection.dialect
        mark = "?" if dialect.paramstyle == "qmark" else "%s"
        if on_sqlite:  # dates as SQLAlchemy stores them there (ISO text)
            iso = _IsoDays()
            updates = [
                (score, strength, iso(first), iso(last), iso(last_ip), *rest)
                for score, strength, first, last, last_ip, *rest in updates
            ]
        assignments = ", ".join(f"{name} = {mark}" for name in _DELTA_COLUMNS)
        # Our own table and column names; the values are bound (driver-level executemany: no
        # per-row work in SQLAlchemy on the request path).
        sql = f"UPDATE {TIES.name} SET {assignments} WHERE member_a_id = {mark} AND member_b_id = {mark}"  # noqa: E501, S608  # nosec B608 - our own table and column names; values bound
        connection.exec_driver_sql(sql, updates)
    return recompute


class _IsoDays(dict):
    """date -> its ISO text, each distinct day formatted once (an update's rows share a few
    days; the rebuild's million entries a few thousand)."""

    def __call__(self, day: date | None) -> str | None:
        if day is None:
            return None
        text = self.get(day)
        if text is None:
            text = self[day] = day.isoformat()
        return text


class _TieAfter:
    """The new _DELTA_COLUMNS (then the pair) of a tie after the meeting entries summed up in
    a _Delta, or None when differences alone cannot give them. Bonus factors and the scale
    of each last day are worked out once per distinct value."""

    def __init__(self, w: Weights) -> None:
        self.w = w
        self.factors: dict[tuple[int, bool], float] = {}
        self.scales: dict[date, float] = {}

    def factor(self, contexts: int, reciprocal: bool) -> float:
        factor = self.factors.get((contexts, reciprocal))
        if factor is None:
            factor = self.factors[(contexts, reciprocal)] = bonus_factor(
                contexts, reciprocal, self.w
            )
        return factor

    def __call__(self, tie, delta: _Delta) -> tuple | None:
        (
            a,
            b,
            score_log2,
            first_on,
            last_on,
            last_in_person_on,
            in_person_weight,
            online_weight,
            shift_hours,
            project_hours,
            tie_meetings,
            contexts,
            is_reciprocal,
        ) = tie
        meetings = tie_meetings + delta.count
        if meetings <= 0:
            return None  # its work context, or the whole tie, may be gone
        lost = delta.lost
        if lost is not None:
            # An extreme day stays right only if what leaves it is replaced on the same day.
            gone = lost[0] - lost[2]
            if first_on in gone or last_on in gone:
                return None
            if last_in_person_on in lost[1] - lost[3]:
                return None
        factor = self.factor(contexts, is_reciprocal)
        decay_sum = 2.0**score_log2 / factor + delta.key
        if not (tie_meetings > 0 or shift_hours > 0 or project_hours > 0):
            contexts += 1  # work is a new context of this tie
            factor = self.factor(contexts, is_reciprocal)
        if decay_sum <= 0:
            return None
        if delta.first is not None:
            if delta.first < first_on:
                first_on = delta.first
            if delta.last > last_on:
                last_on = delta.last
        if delta.last_ip is not None and (
            last_in_person_on is None or delta.last_ip > last_in_person_on
        ):
            last_in_person_on = delta.last_ip
        scale = self.scales.get(last_on)
        if scale is None:
            scale = self.scales[last_on] = 2.0 ** (-day_number(last_on) / self.w.half_life_days)
        return (
            math.log2(decay_sum * factor),
            factor * decay_sum * scale,
            first_on,
            last_on,
            last_in_person_on,
            in_person_weight + delta.in_person,
            online_weight + delta.online,
            meetings,
            contexts,
            a,
            b,
        )


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


def _replace_entries(
    session: Session, kind: str, kind_scopes: set, w: Weights
) -> tuple[list[Entry], list[Entry]]:
    """Make the scopes' kept entries equal to what the sources say now, touching only the
    entries that differ (an entry whose amount alone changed, like everyone's share of a
    meeting when one more person comes, is updated in place); returns the entries added and
    removed (an updated one is both)."""
    where = _scope_filter(kind, kind_scopes)
    kept: dict[tuple, list[tuple[int, Entry]]] = defaultdict(list)
    for row in session.connection().execute(sa.select(ENTRIES.c.id, *_ENTRY_READ).where(where)):
        entry = _entry_from_row(row[1:])
        kept[entry[:_IDENTITY]].append((row[0], entry))
    keys = (
        [(ref_id, ref_month) for _k, ref_id, ref_month in kind_scopes]
        if kind == "project"
        else [ref_id for _k, ref_id, _m in kind_scopes]
    )
    added: list[Entry] = []
    removed: list[Entry] = []
    inserts: list[Entry] = []
    updates: list[tuple[int, Entry]] = []
    for entry in sources.entries_for(kind, keys, w):
        same = kept.get(entry[:_IDENTITY])
        if not same:
            inserts.append(entry)
            added.append(entry)
            continue
        for index, (_id, old) in enumerate(same):
            if old == entry:
                del same[index]
                break
        else:
            entry_id, old = same.pop()
            updates.append((entry_id, entry))
            added.append(entry)
            removed.append(old)
    deletes = [entry_id for same in kept.values() for entry_id, _old in same]
    removed.extend(old for same in kept.values() for _id, old in same)
    connection = session.connection()
    for start in range(0, len(deletes), INSERT_CHUNK):
        connection.execute(
            ENTRIES.delete().where(ENTRIES.c.id.in_(deletes[start : start + INSERT_CHUNK]))
        )
    if updates:
        mark = "?" if connection.dialect.paramstyle == "qmark" else "%s"
        sql = f"UPDATE {ENTRIES.name} SET amount = {mark}, weight = {mark}, decay_key = {mark} WHERE id = {mark}"  # noqa: E501, S608  # nosec B608 - our own table and column names; values bound
        connection.exec_driver_sql(
            sql, [(e.amount, e.weight, e.decay_key, entry_id) for entry_id, e in updates]
        )
    _insert_entries(session, inserts)
    return added, removed


ENTRIES = TieEntry.__table__
TIES = Tie.__table__
# An entry is the same piece of time together when all but its amount, weight and decay key
# agree (Entry's first nine fields).
_IDENTITY = ENTRY_COLUMNS.index("amount")
_DELTA_READ = [
    TIES.c[name]
    for name in (
        "member_a_id",
        "member_b_id",
        "score_log2",
        "first_on",
        "last_on",
        "last_in_person_on",
        "in_person_weight",
        "online_weight",
        "shift_hours",
        "project_hours",
        "meetings",
        "contexts",
        "is_reciprocal",
    )
]
_SOURCES = {source.value: source for source in TieSource}
_MODES = {mode.value: mode for mode in TieMode}
# Enums travel as their plain strings (Core, no per-row conversion): the update is on the
# request path and reads thousands of entries.
_ENTRY_READ = [
    sa.type_coerce(ENTRIES.c[name], sa.String) if name in ("source", "mode") else ENTRIES.c[name]
    for name in ENTRY_COLUMNS
]


# An entry's source and mode as they are bound (a dict look-up: an enum's .value is a
# property, slow on the request path's thousands of rows and the rebuild's million).
_STORED = {None: None, **{e: e.value for e in TieSource}, **{e: e.value for e in TieMode}}


def _insert_entries(session: Session, entries: list[Entry]) -> None:
    """Insert ledger entries with the driver's executemany and plain tuples (a rebuild writes
    over a million: SQLAlchemy's per-row parameter handling was most of its time)."""
    if not entries:
        return
    connection = session.connection()
    dialect = connection.dialect
    mark = "?" if dialect.paramstyle == "qmark" else "%s"
    # Dates as SQLAlchemy stores them on SQLite (ISO text); the driver binds them elsewhere.
    day = _IsoDays() if dialect.name == "sqlite" else _as_is
    stored = _STORED
    names = ", ".join(ENTRY_COLUMNS)
    marks = ", ".join([mark] * len(ENTRY_COLUMNS))
    sql = f"INSERT INTO {ENTRIES.name} ({names}) VALUES ({marks})"  # noqa: S608  # nosec B608 - our own table and column names; values bound
    for start in range(0, len(entries), INSERT_CHUNK):
        connection.exec_driver_sql(
            sql,
            [
                (a, b, stored[source], ref, day(month), day(on), stored[mode], *rest)
                for a, b, source, ref, month, on, mode, *rest in entries[
                    start : start + INSERT_CHUNK
                ]
            ],
        )


def _as_is(value):
    return value


class _IndexesDroppedOnSqlite:
    """While a rebuild writes every row of a table, SQLite is much faster building its
    secondary indexes once at the end than keeping them up to date row by row. (On
    PostgreSQL dropping an index would lock the table against readers until the commit, so
    they stay.) Inside the rebuild's transaction: a failure or the check's rollback restores
    them."""

    def __init__(self, connection, *tables) -> None:
        self.connection = connection
        self.indexes = (
            [index for table in tables for index in table.indexes]
            if connection.dialect.name == "sqlite"
            else []
        )

    def __enter__(self) -> None:
        for index in self.indexes:
            index.drop(self.connection)

    def __exit__(self, kind, _value, _traceback) -> None:
        if kind is None:
            for index in self.indexes:
                index.create(self.connection)


def _entry_from_row(row) -> Entry:
    return Entry(*row[:2], _SOURCES[row[2]], *row[3:6], _MODES.get(row[6]), *row[7:])


def _read_entries(session: Session, where) -> list[Entry]:
    rows = session.connection().execute(sa.select(*_ENTRY_READ).where(where))
    return [_entry_from_row(row) for row in rows]


def _insert_ties(session: Session, rows: list[dict]) -> None:
    for start in range(0, len(rows), INSERT_CHUNK):
        session.connection().execute(TIES.insert(), rows[start : start + INSERT_CHUNK])


def _totals_select():
    """Per pair, the totals a tie is made of (one GROUP BY over the ledger; the same for the
    incremental update and the rebuild). Built once; each use adds its WHERE."""
    e = ENTRIES.c
    source = sa.type_coerce(e.source, sa.String)
    mode = sa.type_coerce(e.mode, sa.String)

    def when(condition, value, otherwise=0):
        return sa.case((condition, value), else_=otherwise)

    def flag(condition):
        return sa.func.max(when(condition, 1))

    return (
        sa.select(
            e.member_a_id,
            e.member_b_id,
            sa.func.sum(e.decay_key).label("decay_sum"),
            sa.func.min(e.happened_on).label("first_on"),
            sa.func.max(e.happened_on).label("last_on"),
            sa.func.max(when(mode == "in_person", e.happened_on, None)).label("last_in_person_on"),
            sa.func.sum(when(mode == "in_person", e.weight, 0.0)).label("in_person_weight"),
            sa.func.sum(when(mode == "online", e.weight, 0.0)).label("online_weight"),
            sa.func.sum(when(source == "shift", e.amount, 0.0)).label("shift_hours"),
            sa.func.sum(when(source == "project", e.amount, 0.0)).label("project_hours"),
            sa.func.sum(when(source == "meeting", 1)).label("meetings"),
            sa.func.sum(when(source == "one_to_one", 1)).label("one_to_ones"),
            sa.func.sum(
                when(sa.and_(source == "referral", e.from_member_id == e.member_a_id), 1)
            ).label("referrals_a_to_b"),
            sa.func.sum(
                when(sa.and_(source == "referral", e.from_member_id == e.member_b_id), 1)
            ).label("referrals_b_to_a"),
            sa.func.sum(when(source == "referral_won", 1)).label("referrals_won"),
            flag(source.in_(["shift", "project", "meeting"])).label("work"),
            flag(source == "one_to_one").label("one_to_one"),
            flag(source.in_(["referral", "referral_won"])).label("referral"),
        )
        .where(e.weight > 0)
        .group_by(e.member_a_id, e.member_b_id)
    )


def _top_projects_select():
    e = ENTRIES.c
    # The sources are picked inside the sum, not in the WHERE: given a condition on the
    # source, SQLite searched the (source, ref_id) index for every shift and project entry
    # (over half a million on the large demo seed, most of a second) instead of the pairs'
    # entries when a change touched hundreds of pairs.
    hours = sa.func.sum(
        sa.case((sa.type_coerce(e.source, sa.String).in_(["shift", "project"]), e.amount))
    )
    return (
        sa.select(e.member_a_id, e.member_b_id, e.project_id, hours)
        .where(e.weight > 0, e.project_id.is_not(None))
        .group_by(e.member_a_id, e.member_b_id, e.project_id)
        .having(hours.is_not(None))
    )


_TOTALS = _totals_select()
_TOP_PROJECTS = _top_projects_select()


def _tie_rows(session: Session, where, w: Weights) -> list[dict]:
    """The ties of the pairs `where` selects, computed from their ledger entries."""
    connection = session.connection()
    top: dict[tuple[int, int], tuple[int, float]] = {}
    for a, b, project_id, hours in connection.execute(_TOP_PROJECTS.where(where)):
        best = top.get((a, b))
        if best is None or hours > best[1] or (hours == best[1] and project_id < best[0]):
            top[(a, b)] = (project_id, hours)
    rows = []
    for totals in connection.execute(_TOTALS.where(where)).mappings():
        values = tie_values(totals, w)
        if values is None:
            continue
        a, b = totals["member_a_id"], totals["member_b_id"]
        project_id, hours = top.get((a, b), (None, 0.0))
        values.update(top_project_id=project_id, top_project_hours=float(hours))
        rows.append({"member_a_id": a, "member_b_id": b, **values})
    return rows


def _pairs_in(chunk: list[tuple[int, int]]):
    """The rows of these pairs, with the ids written into the statement (integers from our
    own tables: thousands of bound parameters cost more to prepare than the query to run).
    The two plain IN lists let SQLite and PostgreSQL search the pair index; the row-value IN
    then keeps exactly the pairs asked for."""
    firsts = ", ".join(str(int(a)) for a in sorted({a for a, _b in chunk}))
    seconds = ", ".join(str(int(b)) for b in sorted({b for _a, b in chunk}))
    pairs = ", ".join(f"({int(a)}, {int(b)})" for a, b in chunk)
    return sa.text(
        f"member_a_id IN ({firsts}) AND member_b_id IN ({seconds}) "
        f"AND (member_a_id, member_b_id) IN ({pairs})"
    )


def refresh_pairs(pairs: Iterable[tuple[int, int]], w: Weights, *, session=None) -> None:
    """Recompute the tie of each pair from its ledger entries (a pair with none left loses
    its tie)."""
    session = session or db.session()
    pairs = sorted(pairs)
    for start in range(0, len(pairs), PAIR_CHUNK):
        chunk = pairs[start : start + PAIR_CHUNK]
        session.connection().execute(TIES.delete().where(_pairs_in(chunk)))
        _insert_ties(session, _tie_rows(session, _pairs_in(chunk), w))


# The rebuild and the check -----------------------------------------------------------------


def compute_entries(w: Weights, progress: Callable[[int], None] | None = None) -> list[Entry]:
    """Every ledger entry, from scratch, from the sources."""
    entries: list[Entry] = []
    for function in sources.SOURCE_FUNCTIONS.values():
        entries.extend(function(w, None))
        if progress:
            progress(1)
    return entries


REBUILD_STEPS = len(sources.SOURCE_FUNCTIONS) + 2


def rebuild(progress: Callable[[int], None] | None = None) -> tuple[int, int]:
    """Rebuild the ledger and the ties from the sources; returns (entries, ties)."""
    session = db.session()
    session.flush()
    _lock(session)
    w = weights()
    entries = compute_entries(w, progress)
    # Written pair by pair, the ledger is stored in the order the ties read it back.
    entries.sort(key=lambda entry: (entry[0], entry[1]))
    connection = session.connection()
    connection.execute(TIES.delete())
    connection.execute(ENTRIES.delete())
    connection.execute(TieBacklog.__table__.delete())
    with _IndexesDroppedOnSqlite(connection, ENTRIES):
        _insert_entries(session, entries)
    count = len(entries)
    del entries
    if progress:
        progress(1)
    rows = _tie_rows(session, sa.true(), w)
    with _IndexesDroppedOnSqlite(connection, TIES):
        _insert_ties(session, rows)
    _bump_version(session, rebuilt=True)
    if progress:
        progress(1)
    return count, len(rows)


TIE_COLUMNS = [c.name for c in TIES.columns if c.name not in ("member_a_id", "member_b_id")]


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


def _kept(session: Session) -> tuple[dict, dict]:
    entries: dict[tuple, int] = defaultdict(int)
    for entry in _read_entries(session, sa.true()):
        entries[_entry_key(entry)] += 1
    ties = {
        (row["member_a_id"], row["member_b_id"]): dict(row)
        for row in session.connection().execute(sa.select(TIES)).mappings()
    }
    return entries, ties


def check(progress: Callable[[int], None] | None = None) -> list[str]:
    """Compare the kept ledger and ties with a rebuild (made inside a savepoint and undone);
    returns the differences, none when they are equal."""
    session = db.session()
    session.flush()
    kept_entries, kept_ties = _kept(session)
    with session.begin_nested() as savepoint:
        rebuild(progress)
        rebuilt_entries, rebuilt_ties = _kept(session)
        savepoint.rollback()
    differences: list[str] = []
    for key in sorted(set(kept_entries) | set(rebuilt_entries), key=repr):
        surplus = kept_entries.get(key, 0) - rebuilt_entries.get(key, 0)
        if surplus:
            what = "extra" if surplus > 0 else "missing"
            differences.append(f"{what} entry {key[2].value} {key[3]} for pair {key[0]}-{key[1]}")
    for pair in sorted(set(kept_ties) | set(rebuilt_ties)):
        kept, rebuilt = kept_ties.get(pair), rebuilt_ties.get(pair)
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
