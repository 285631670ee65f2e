"""Reads for reports 4 and 5, on the relationships package's ledger and ties, aggregated in SQL.

Report 4 needs each referral's tie *on the day it was given*: the dated ledger
(relationship_entries) summed with the decay of chamber.relationships.strength, counting only
shared work (shifts, project hours, meetings) and one-to-ones before that day — earlier
referrals between the two are left out, so the tie is the one their contribution built. The
sums are kept per referral (chamber.reports.origins); the decay is applied here, in SQL
(`power(2, days / half-life)`, on SQLite's math functions and PostgreSQL alike).
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask import current_app

from chamber.committees.models import Committee, CommitteeMembership
from chamber.extensions import db
from chamber.members.models import Member
from chamber.relationships.engine import weights
from chamber.relationships.models import Tie
from chamber.relationships.queries import working_floor
from chamber.relationships.strength import EPOCH
from chamber.reports.origins import ReferralOrigin
from chamber.reports.queries import (
    days_between,
    people,
    report_committees,
    with_origins,
    won_count,
    won_value,
)
from chamber.reports.reach import CommitteeReach
from chamber.reports.scope import Scope, ScopeKind, month_bucket


def thresholds() -> tuple[float, float]:
    """(working, strong): the strengths from which a tie counts as working / strong."""
    config = current_app.config
    return float(config["RELATIONSHIP_WORKING_MIN"]), float(config["RELATIONSHIP_STRONG_MIN"])


def _band_and_mode() -> tuple[sa.ColumnElement, sa.ColumnElement]:
    """The band of each referral's tie on the day (none / below working / working / strong)
    and whether its time together was mostly in person or online, from the sums of decay keys
    kept per referral (chamber.reports.origins).

    Each entry's key is weight x 2^(days since EPOCH / half-life), so the decayed sum on day T
    is 2^(-T / half-life) x the sum of the keys, times the multiplexity bonus of
    chamber.relationships.strength.bonus for the contexts seen (work, one-to-ones). Compared
    with a threshold the other way round (keys x bonus against threshold x 2^(T / half-life)),
    each row costs two powers, not one per comparison; in person against online compares the
    keys themselves (the same factor on both sides)."""
    settings = weights()
    working, strong = thresholds()
    origin = ReferralOrigin
    day_number = sa.cast(days_between(origin.given_on, sa.literal(EPOCH, sa.Date)), sa.Float)
    growth = sa.func.power(2.0, day_number / settings.half_life_days)
    contexts = origin.tie_work + origin.tie_one_to_one
    bonus = 1.0 + settings.multiplexity_bonus * sa.case((contexts > 1, contexts - 1), else_=0)
    keys = origin.tie_key * bonus
    band = sa.case(
        (origin.tie_key <= 0, "none"),
        (keys < working * growth, "below"),
        (keys < strong * growth, "working"),
        else_="strong",
    )
    in_person, online = origin.tie_in_person_key, origin.tie_online_key
    mode = sa.case(
        (sa.and_(in_person <= 0, online <= 0), "none"),
        (in_person >= online, "in_person"),
        else_="online",
    )
    return band, mode


def referrals_by_committee_and_tie(scope: Scope) -> list[sa.Row]:
    """(committee_id, name, band, mode, referrals, won, closed value), in one pass over the
    scope's referrals: per attributed committee (None: no shared committee), by the strength
    band of the tie on the day (none / below working / working / strong) and whether that
    time together was mostly in person or online."""
    band, mode = _band_and_mode()
    band, mode = band.label("band"), mode.label("mode")
    grouped = (
        with_origins(
            scope,
            ReferralOrigin.committee_id,
            band,
            mode,
            sa.func.count().label("referrals"),
            won_count().label("won"),
            won_value().label("closed_value"),
        )
        .group_by(ReferralOrigin.committee_id, band, mode)
        .subquery("grouped")
    )
    return list(
        db.session.execute(
            sa.select(grouped, Committee.name).outerjoin(
                Committee, Committee.id == grouped.c.committee_id
            )
        )
    )


# Report 5: the network


def _population(scope: Scope) -> list[sa.ColumnElement[bool]]:
    return [Member.is_active.is_(True), Member.is_staff.is_(False), scope.covers(Member.id)]


def members_at_risk(scope: Scope, today: date, limit: int = 100) -> tuple[int, list[sa.Row]]:
    """Active members (staff aside) of the scope with no working tie today: how many, and the
    first `limit` by name (id, name, business, joined_on)."""
    # Anti-joins: two probes per member into the (member, score) indexes of the ties, not the
    # set of every member with a working tie (100,000 working ties on the large demo seed).
    floor = working_floor(today)
    as_first = sa.select(Tie.member_a_id).where(
        Tie.member_a_id == Member.id, Tie.score_log2 >= floor
    )
    as_second = sa.select(Tie.member_b_id).where(
        Tie.member_b_id == Member.id, Tie.score_log2 >= floor
    )
    lonely = sa.and_(*_population(scope), ~as_first.exists(), ~as_second.exists())
    total = db.session.scalar(sa.select(sa.func.count()).select_from(Member).where(lonely))
    rows = db.session.execute(
        people(Member.joined_on).where(lonely).order_by(Member.full_name, Member.id).limit(limit)
    )
    return total, list(rows)


def connectors(scope: Scope, today: date, limit: int = 10) -> list[sa.Row]:
    """The members whose working ties reach the most committees (id, name, business,
    working ties, committees reached): the people who connect the chamber."""
    floor = working_floor(today)
    # Per member of the population, two probes of the ties' (member, score) indexes (a pair
    # is one row, so a count of rows is a count of partners) and one range of the kept reach
    # rows (chamber.reports.reach: the committees of each partner, with the tie's score).
    as_first = sa.select(sa.func.count()).where(
        Tie.member_a_id == Member.id, Tie.score_log2 >= floor
    )
    as_second = sa.select(sa.func.count()).where(
        Tie.member_b_id == Member.id, Tie.score_log2 >= floor
    )
    ties = (as_first.scalar_subquery() + as_second.scalar_subquery()).label("ties")
    committees = (
        sa.select(sa.func.count(sa.distinct(CommitteeReach.committee_id)))
        .where(CommitteeReach.member_id == Member.id, CommitteeReach.score_log2 >= floor)
        .scalar_subquery()
        .label("committees")
    )
    rows = db.session.execute(
        people(ties, committees)
        .where(*_population(scope))
        # By the labels: each figure is worked out once per member.
        .order_by(sa.desc("committees"), sa.desc("ties"), Member.id)
        .limit(limit)
    )
    # Members without a working tie sort last (they reach nothing): not connectors.
    return [row for row in rows if row.ties > 0]


def committee_balance(scope: Scope) -> list[sa.Row]:
    """Per committee: ties between two of its members, their in-person and online weight."""
    membership, reach = CommitteeMembership, CommitteeReach
    query = (
        sa.select(
            Committee.id,
            Committee.name,
            sa.func.count().label("ties"),
            sa.func.coalesce(sa.func.sum(reach.in_person_weight), 0.0).label("in_person"),
            sa.func.coalesce(sa.func.sum(reach.online_weight), 0.0).label("online"),
        )
        .select_from(Committee)
        .join(membership, membership.committee_id == Committee.id)
        # Each member's ties to the committee's other members, each pair once (from its lower
        # id). `+ 0`: SQLite (no statistics) would otherwise scan the reach rows and look up
        # memberships; this way the committees' rosters drive one key range each.
        .join(
            reach,
            sa.and_(
                reach.member_id == membership.member_id + 0,
                reach.committee_id == membership.committee_id + 0,
                reach.partner_id > membership.member_id,
            ),
        )
        .where(report_committees(scope))
        .group_by(Committee.id, Committee.name)
        .order_by(Committee.name)
    )
    return list(db.session.execute(query))


def ties_formed_by_month(scope: Scope) -> dict[str, int]:
    """Ties whose first time together fell in each month of the range (both members in the
    scope's population for a committee)."""
    month = month_bucket(Tie.first_on, scope.first, scope.last).label("month")
    query = sa.select(month, sa.func.count()).where(scope.in_range(Tie.first_on))
    if scope.kind is not ScopeKind.CHAMBER:
        query = query.where(scope.covers(Tie.member_a_id), scope.covers(Tie.member_b_id))
    return dict(db.session.execute(query.group_by(month)).all())
