"""Reads for reports 4 and 5, on the relationships package's ledger and ties, aggregated in SQL.

Report 4 needs each referral's tie *on the day it was given*: the dated ledger
(relationship_entries) summed with the decay of chamber.relationships.strength, in SQL
(`power(2, days / half-life)`, on SQLite's math functions and PostgreSQL alike), counting only
shared work (shifts, project hours, meetings) and one-to-ones before that day — earlier
referrals between the two are left out, so the tie is the one their contribution built.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import aliased

from chamber.committees.models import Committee, CommitteeMembership
from chamber.extensions import db
from chamber.members.models import Member
from chamber.referrals.models import Referral
from chamber.relationships.engine import weights
from chamber.relationships.models import Tie, TieEntry, TieMode, TieSource
from chamber.relationships.queries import working_floor
from chamber.relationships.strength import EPOCH
from chamber.reports.queries import (
    attributed_referrals,
    days_between,
    people,
    referrals_in,
    report_committees,
    won_count,
    won_value,
)
from chamber.reports.scope import Scope, ScopeKind, month_bucket

WORK_SOURCES = (TieSource.SHIFT, TieSource.PROJECT, TieSource.MEETING)
TIE_SOURCES = (*WORK_SOURCES, TieSource.ONE_TO_ONE)


def thresholds() -> tuple[float, float]:
    """(working, strong): the strengths from which a tie counts as working / strong."""
    config = current_app.config
    return float(config["RELATIONSHIP_WORKING_MIN"]), float(config["RELATIONSHIP_STRONG_MIN"])


def _tie_on_the_day(scope: Scope) -> sa.Subquery:
    """Per referral of the scope: the strength of the pair's tie on the day it was given, and
    its in-person and online parts (decayed weights), from work and one-to-ones before it.

    Each ledger entry keeps its decay key, weight x 2^(days since EPOCH / half-life), so the
    decayed sum on day T is 2^(-T / half-life) x the sum of the keys: one power per referral,
    none per entry."""
    settings = weights()
    pair_a = sa.case(
        (Referral.giver_id < Referral.receiver_id, Referral.giver_id), else_=Referral.receiver_id
    )
    pair_b = sa.case(
        (Referral.giver_id < Referral.receiver_id, Referral.receiver_id), else_=Referral.giver_id
    )
    day_number = sa.cast(days_between(Referral.given_on, sa.literal(EPOCH, sa.Date)), sa.Float)
    scale = sa.func.power(2.0, -day_number / settings.half_life_days)
    is_work = sa.case((TieEntry.source.in_(WORK_SOURCES), 1), else_=0)
    is_one_to_one = sa.case((TieEntry.source == TieSource.ONE_TO_ONE, 1), else_=0)
    contexts = sa.func.coalesce(sa.func.max(is_work), 0) + sa.func.coalesce(
        sa.func.max(is_one_to_one), 0
    )
    # The multiplexity bonus of chamber.relationships.strength.bonus, for these two contexts.
    bonus = 1.0 + settings.multiplexity_bonus * sa.case((contexts > 1, contexts - 1), else_=0)

    def keys(condition=None):
        key = TieEntry.decay_key if condition is None else sa.case((condition, TieEntry.decay_key))
        return sa.func.coalesce(sa.func.sum(key), 0.0) * scale

    return (
        sa.select(
            Referral.id.label("referral_id"),
            Referral.status,
            Referral.closed_value_cents,
            (keys() * bonus).label("strength"),
            keys(TieEntry.mode == TieMode.IN_PERSON).label("in_person"),
            keys(TieEntry.mode == TieMode.ONLINE).label("online"),
        )
        .outerjoin(
            TieEntry,
            sa.and_(
                TieEntry.member_a_id == pair_a,
                TieEntry.member_b_id == pair_b,
                TieEntry.happened_on < Referral.given_on,
                TieEntry.source.in_(TIE_SOURCES),
            ),
        )
        .where(*referrals_in(scope))
        .group_by(Referral.id, Referral.status, Referral.closed_value_cents, Referral.given_on)
        .subquery("tie_on_the_day")
    )


def _band(strength, working: float, strong: float):
    return sa.case(
        (strength <= 0, "none"),
        (strength < working, "below"),
        (strength < strong, "working"),
        else_="strong",
    )


def _mode(tie):
    return sa.case(
        (sa.and_(tie.c.in_person <= 0, tie.c.online <= 0), "none"),
        (tie.c.in_person >= tie.c.online, "in_person"),
        else_="online",
    )


def referrals_by_committee_and_tie(scope: Scope) -> list[sa.Row]:
    """(committee_id, name, band, mode, referrals, won, closed value), in one pass over the
    ledger: referrals per attributed committee (None: no shared committee), by the strength
    band of the tie on the day (none / below working / working / strong) and whether that
    time together was mostly in person or online."""
    working, strong = thresholds()
    tie = _tie_on_the_day(scope)
    attributed = attributed_referrals(scope)
    band = _band(tie.c.strength, working, strong).label("band")
    mode = _mode(tie).label("mode")
    return list(
        db.session.execute(
            sa.select(
                attributed.c.committee_id,
                Committee.name,
                band,
                mode,
                sa.func.count().label("referrals"),
                won_count(tie.c.status).label("won"),
                won_value(tie.c.status, tie.c.closed_value_cents).label("closed_value"),
            )
            .select_from(tie)
            .join(attributed, attributed.c.referral_id == tie.c.referral_id)
            .outerjoin(Committee, Committee.id == attributed.c.committee_id)
            .group_by(attributed.c.committee_id, Committee.name, band, mode)
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
    # `score + 0`: SQLite (no statistics) would otherwise walk the score index for the 100,000
    # working ties and fetch each row; this way it reads each side's (member, score) index
    # alone, and the memberships drive the look-ups below.
    working = Tie.score_log2 + 0 >= working_floor(today)
    # Working ties per member: a pair is one row (primary key), so a count of rows is a count
    # of partners.
    sides = sa.union_all(
        sa.select(Tie.member_a_id.label("member_id")).where(working),
        sa.select(Tie.member_b_id.label("member_id")).where(working),
    ).subquery("sides")
    ties = (
        sa.select(sides.c.member_id, sa.func.count().label("ties"))
        .group_by(sides.c.member_id)
        .subquery("ties")
    )
    # Committees reached: from each committee membership (a few thousand) to the working ties
    # of that member, whose partner it reaches; not every tie joined to the memberships.
    reach = sa.union_all(
        sa.select(Tie.member_a_id.label("member_id"), CommitteeMembership.committee_id).join(
            Tie, sa.and_(working, Tie.member_b_id == CommitteeMembership.member_id)
        ),
        sa.select(Tie.member_b_id.label("member_id"), CommitteeMembership.committee_id).join(
            Tie, sa.and_(working, Tie.member_a_id == CommitteeMembership.member_id)
        ),
    ).subquery("reach")
    reached = (
        sa.select(
            reach.c.member_id,
            sa.func.count(sa.distinct(reach.c.committee_id)).label("committees"),
        )
        .group_by(reach.c.member_id)
        .subquery("reached")
    )
    committees = sa.func.coalesce(reached.c.committees, 0)
    return list(
        db.session.execute(
            people(ties.c.ties, committees.label("committees"))
            .join(ties, ties.c.member_id == Member.id)
            .outerjoin(reached, reached.c.member_id == Member.id)
            .where(*_population(scope))
            .order_by(committees.desc(), ties.c.ties.desc(), Member.id)
            .limit(limit)
        )
    )


def committee_balance(scope: Scope) -> list[sa.Row]:
    """Per committee: ties between two of its members, their in-person and online weight."""
    first, second = aliased(CommitteeMembership), aliased(CommitteeMembership)
    query = (
        sa.select(
            Committee.id,
            Committee.name,
            sa.func.count().label("ties"),
            sa.func.coalesce(sa.func.sum(Tie.in_person_weight), 0.0).label("in_person"),
            sa.func.coalesce(sa.func.sum(Tie.online_weight), 0.0).label("online"),
        )
        .select_from(Tie)
        .join(first, first.member_id == Tie.member_a_id)
        .join(
            second,
            sa.and_(second.member_id == Tie.member_b_id, second.committee_id == first.committee_id),
        )
        .join(Committee, Committee.id == first.committee_id)
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
