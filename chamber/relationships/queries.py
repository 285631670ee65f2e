"""Reads of the relationship data. Pages read the kept rollup (relationship_ties) only;
"as of a past date" reads the dated ledger. Each query says how related rows load."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import aliased, joinedload

from chamber.committees import queries as committee_queries
from chamber.committees.models import Committee, CommitteeMembership
from chamber.extensions import db
from chamber.members.models import Member
from chamber.relationships.engine import weights
from chamber.relationships.models import (
    Introduction,
    IntroductionStatus,
    NetworkSnapshot,
    RelationshipState,
    Tie,
    TieBacklog,
    TieEntry,
)
from chamber.relationships.strength import (
    ENTRY_COLUMNS,
    Entry,
    score_floor,
    strength_as_of,
    strength_today,
)


def _involving(member_id: int):
    return sa.or_(Tie.member_a_id == member_id, Tie.member_b_id == member_id)


def working_floor(today: date) -> float:
    """The smallest stored score of a working tie today (strength >= RELATIONSHIP_WORKING_MIN)."""
    return score_floor(current_app.config["RELATIONSHIP_WORKING_MIN"], today, weights())


def tie_strength(tie: Tie, today: date) -> float:
    return strength_today(tie.score_log2, today, weights())


def tie_page(member: Member, page: int, per_page: int = 20):
    """My ties, strongest today first. Both members and the top project load with the tie
    (joinedload): one statement per page, whatever its size."""
    query = (
        sa.select(Tie)
        .where(_involving(member.id))
        .options(joinedload(Tie.member_a), joinedload(Tie.member_b), joinedload(Tie.top_project))
        .order_by(Tie.score_log2.desc(), Tie.member_a_id, Tie.member_b_id)
    )
    return db.paginate(query, page=page, per_page=per_page, error_out=False, count=True)


@cache
def _strongest_ties_statement(limit: int) -> sa.Select:
    """Built once per process for each limit (the member is a parameter)."""
    return (
        sa.select(Tie)
        .where(_involving(sa.bindparam("member_id")))
        .options(joinedload(Tie.member_a), joinedload(Tie.member_b), joinedload(Tie.top_project))
        .order_by(Tie.score_log2.desc(), Tie.member_a_id, Tie.member_b_id)
        .limit(limit)
    )


def strongest_ties(member: Member, limit: int = 5) -> list[Tie]:
    """The member's strongest ties today; members and top project joined (one statement)."""
    return list(db.session.scalars(_strongest_ties_statement(limit), {"member_id": member.id}))


@dataclass
class Balance:
    in_person: float
    online: float

    @property
    def total(self) -> float:
        return self.in_person + self.online

    @property
    def in_person_percent(self) -> int:
        return round(100 * self.in_person / self.total) if self.total else 0

    @property
    def online_percent(self) -> int:
        return 100 - self.in_person_percent if self.total else 0


def balance(member: Member) -> Balance:
    """In-person against online weight over all my ties (one aggregate statement)."""
    in_person, online = db.session.execute(
        sa.select(
            sa.func.coalesce(sa.func.sum(Tie.in_person_weight), 0.0),
            sa.func.coalesce(sa.func.sum(Tie.online_weight), 0.0),
        ).where(_involving(member.id))
    ).one()
    return Balance(float(in_person), float(online))


def cold_ties(member: Member, today: date, limit: int = 10) -> list[Tie]:
    """Ties that were strong at their last time together and have had nothing for
    RELATIONSHIP_COLD_AFTER_DAYS: the strongest such first; members joined."""
    config = current_app.config
    cutoff = today - timedelta(days=config["RELATIONSHIP_COLD_AFTER_DAYS"])
    return list(
        db.session.scalars(
            sa.select(Tie)
            .where(
                _involving(member.id),
                Tie.last_on <= cutoff,
                Tie.strength_at_last >= config["RELATIONSHIP_STRONG_MIN"],
            )
            .options(
                joinedload(Tie.member_a), joinedload(Tie.member_b), joinedload(Tie.top_project)
            )
            .order_by(Tie.strength_at_last.desc(), Tie.member_a_id, Tie.member_b_id)
            .limit(limit)
        )
    )


def tie_between(a_id: int, b_id: int) -> Tie | None:
    a_id, b_id = min(a_id, b_id), max(a_id, b_id)
    return db.session.get(Tie, (a_id, b_id))


def pair_entries(a_id: int, b_id: int) -> list[Entry]:
    """The ledger of one pair, oldest first."""
    a_id, b_id = min(a_id, b_id), max(a_id, b_id)
    columns = [getattr(TieEntry, name) for name in ENTRY_COLUMNS]
    return [
        Entry(*row)
        for row in db.session.execute(
            sa.select(*columns)
            .where(TieEntry.member_a_id == a_id, TieEntry.member_b_id == b_id)
            .order_by(TieEntry.happened_on, TieEntry.id)
        )
    ]


def pair_strength_as_of(a_id: int, b_id: int, day: date) -> float:
    """The strength of a pair's tie on `day`, from the dated ledger."""
    return strength_as_of(pair_entries(a_id, b_id), day, weights())


def ties_as_of(member: Member, day: date, limit: int = 50) -> list[tuple[Member, float]]:
    """My ties as they were on `day` (read from the ledger: two statements), strongest first."""
    columns = [getattr(TieEntry, name) for name in ENTRY_COLUMNS]
    grouped: dict[int, list[Entry]] = defaultdict(list)
    for row in db.session.execute(
        sa.select(*columns).where(
            sa.or_(TieEntry.member_a_id == member.id, TieEntry.member_b_id == member.id),
            TieEntry.happened_on <= day,
        )
    ):
        entry = Entry(*row)
        other = entry.member_b_id if entry.member_a_id == member.id else entry.member_a_id
        grouped[other].append(entry)
    w = weights()
    strengths = sorted(
        ((other, strength_as_of(entries, day, w)) for other, entries in grouped.items()),
        key=lambda item: (-item[1], item[0]),
    )[:limit]
    people = {
        person.id: person
        for person in db.session.scalars(
            sa.select(Member).where(Member.id.in_([other for other, _ in strengths]))
        )
    }
    return [(people[other], value) for other, value in strengths if other in people]


def _working_tie_rows(
    member_ids: Collection[int], where, floor: float
) -> list[tuple[int, int, float]]:
    """(a, b, score) of the working ties matching `where(chunk)`, for the members in chunks
    of 500 (a bounded statement size on both databases); plain rows, no ORM objects."""
    rows: list[tuple[int, int, float]] = []
    ids = sorted(set(member_ids))
    for start in range(0, len(ids), 500):
        rows.extend(
            db.session.execute(
                sa.select(Tie.member_a_id, Tie.member_b_id, Tie.score_log2).where(
                    where(ids[start : start + 500]), Tie.score_log2 >= floor
                )
            )
        )
    return rows


def working_ties_of(member_ids: Collection[int], floor: float) -> list[tuple[int, int, float]]:
    """(a, b, score) of every working tie touching any of `member_ids`."""
    rows = _working_tie_rows(
        member_ids,
        lambda chunk: sa.or_(Tie.member_a_id.in_(chunk), Tie.member_b_id.in_(chunk)),
        floor,
    )
    return list(dict.fromkeys(rows))


def working_ties_between(
    left: Collection[int], right: Collection[int], floor: float
) -> list[tuple[int, int, float]]:
    """(a, b, score) of every working tie between a member of `left` and one of `right`
    (two disjoint sets): each pair is looked up in the primary key, so only the ties between
    the two sets are read, however many ties their members have."""
    others = sorted(right)
    return _working_tie_rows(
        left,
        lambda chunk: sa.or_(
            sa.and_(Tie.member_a_id.in_(chunk), Tie.member_b_id.in_(others)),
            sa.and_(Tie.member_a_id.in_(others), Tie.member_b_id.in_(chunk)),
        ),
        floor,
    )


def ties_for_pairs(pairs: list[tuple[int, int]]) -> dict[tuple[int, int], Tie]:
    """The ties of the given pairs, members and top project joined (one statement; each pair
    looked up in the primary key: SQLite scans the table for a row-value IN list)."""
    if not pairs:
        return {}
    ordered = [(min(a, b), max(a, b)) for a, b in pairs]
    ties = db.session.scalars(
        sa.select(Tie)
        .where(sa.or_(*(sa.and_(Tie.member_a_id == a, Tie.member_b_id == b) for a, b in ordered)))
        .options(joinedload(Tie.member_a), joinedload(Tie.member_b), joinedload(Tie.top_project))
    )
    return {(tie.member_a_id, tie.member_b_id): tie for tie in ties}


def members_by_id(ids: list[int]) -> dict[int, Member]:
    if not ids:
        return {}
    return {m.id: m for m in db.session.scalars(sa.select(Member).where(Member.id.in_(ids)))}


def committee_people_and_ties(committee: Committee) -> tuple[list[Member], list[Tie]]:
    """A committee's active members by name and every tie between two of them (two
    statements)."""
    people = sorted(
        (membership.member for membership in committee_queries.roster(committee)),
        key=lambda person: (person.full_name, person.id),
    )
    roster = committee_queries.committee_member_ids(committee.id)
    ties = list(
        db.session.scalars(
            sa.select(Tie)
            .where(Tie.member_a_id.in_(roster), Tie.member_b_id.in_(roster))
            .order_by(Tie.member_a_id, Tie.member_b_id)
        )
    )
    return people, ties


def active_members() -> list[tuple[int, str]]:
    return list(
        db.session.execute(
            sa.select(Member.id, Member.full_name)
            .where(Member.is_active.is_(True))
            .order_by(Member.id)
        )
    )


GRAPH_TIE_COLUMNS = (
    "member_a_id",
    "member_b_id",
    "score_log2",
    "first_on",
    "last_on",
    "in_person_weight",
    "online_weight",
    "shift_hours",
    "project_hours",
    "meetings",
    "one_to_ones",
    "referrals_a_to_b",
    "referrals_b_to_a",
    "referrals_won",
)


def working_tie_rows(floor: float):
    """Every working tie as plain rows (GRAPH_TIE_COLUMNS), fetched a thousand at a time while
    they are read: the GraphML export streams them without holding them all."""
    return db.session.execute(
        sa.select(*(getattr(Tie, name) for name in GRAPH_TIE_COLUMNS))
        .where(Tie.score_log2 >= floor)
        .order_by(Tie.member_a_id, Tie.member_b_id)
        .execution_options(yield_per=1000)
    )


def members_without_working_tie(floor: float, page: int, per_page: int = 50):
    """Active members (staff aside) with no working tie: at risk of drifting away. One page
    statement plus its count."""
    # Two probes per member into the (member, score) indexes, not a set of every member with
    # a working tie (100,000 working ties on the large demo chamber: seconds per statement).
    as_first = sa.select(Tie.member_a_id).where(
        Tie.member_a_id == Member.id, Tie.score_log2 >= floor
    )
    as_second = sa.select(Tie.member_b_id).where(
        Tie.member_b_id == Member.id, Tie.score_log2 >= floor
    )
    query = (
        sa.select(Member)
        .where(
            Member.is_active.is_(True),
            Member.is_staff.is_(False),
            ~as_first.exists(),
            ~as_second.exists(),
        )
        .order_by(Member.full_name, Member.id)
    )
    return db.paginate(query, page=page, per_page=per_page, error_out=False, count=True)


def committee_links() -> tuple[list[tuple[int, str, int]], list[tuple[int, int, int]]]:
    """Active committees with their number of active members, and each pair of committees
    with the number of members they share (two aggregate statements)."""
    committees = list(
        db.session.execute(
            sa.select(Committee.id, Committee.name, sa.func.count(Member.id))
            .join(CommitteeMembership, CommitteeMembership.committee_id == Committee.id)
            .join(Member, Member.id == CommitteeMembership.member_id)
            .where(Committee.is_archived.is_(False), Member.is_active.is_(True))
            .group_by(Committee.id, Committee.name)
            .order_by(Committee.name)
        )
    )
    first, second = aliased(CommitteeMembership), aliased(CommitteeMembership)
    active_ids = [c[0] for c in committees]
    links = list(
        db.session.execute(
            sa.select(first.committee_id, second.committee_id, sa.func.count())
            .join(
                second,
                sa.and_(
                    second.member_id == first.member_id, second.committee_id > first.committee_id
                ),
            )
            .join(Member, Member.id == first.member_id)
            .where(
                Member.is_active.is_(True),
                first.committee_id.in_(active_ids),
                second.committee_id.in_(active_ids),
            )
            .group_by(first.committee_id, second.committee_id)
        )
    )
    return committees, links


def version() -> int:
    return (
        db.session.scalar(sa.select(RelationshipState.version).where(RelationshipState.id == 1))
        or 0
    )


def snapshot(name: str) -> NetworkSnapshot | None:
    return db.session.get(NetworkSnapshot, name)


def pending_since():
    """When the oldest fan-out still waiting for the background update was queued."""
    return db.session.scalar(sa.select(sa.func.min(TieBacklog.queued_at)))


# Introductions


def introductions_for(member: Member) -> dict[str, list[Introduction]]:
    """Introductions I asked for, that I am asked to make, and that were made for me; the
    three people load with each (joinedload), one statement."""
    rows = list(
        db.session.scalars(
            sa.select(Introduction)
            .where(
                sa.or_(
                    Introduction.requester_id == member.id,
                    Introduction.introducer_id == member.id,
                    sa.and_(
                        Introduction.target_id == member.id,
                        Introduction.status == IntroductionStatus.ACCEPTED,
                    ),
                )
            )
            .options(
                joinedload(Introduction.requester),
                joinedload(Introduction.introducer),
                joinedload(Introduction.target),
            )
            .order_by(Introduction.created_at.desc(), Introduction.id.desc())
            .limit(200)
        ).unique()
    )
    return {
        "asked": [i for i in rows if i.requester_id == member.id],
        "to_decide": [i for i in rows if i.introducer_id == member.id],
        "made_for_me": [i for i in rows if i.target_id == member.id],
    }


def introductions_since(member: Member, since) -> int:
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Introduction)
        .where(Introduction.requester_id == member.id, Introduction.created_at >= since)
    )


def pending_introduction(requester: Member, target: Member) -> Introduction | None:
    return db.session.scalar(
        sa.select(Introduction).where(
            Introduction.requester_id == requester.id,
            Introduction.target_id == target.id,
            Introduction.status == IntroductionStatus.PENDING,
        )
    )
