"""The arithmetic of tie strength: pure functions of ledger entries and settings.

strength(T) = bonus(T) x sum over entries dated by T of weight x 2^(-(T - day) / half-life),
where weight = amount x source weight x mode factor (online < in person) and
bonus = (1 + reciprocity bonus, when referrals went both ways)
      x (1 + multiplexity bonus x (contexts - 1)), contexts among work, one-to-ones, referrals.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from chamber.relationships.models import TieMode, TieSource

EPOCH = date(2000, 1, 1)


@dataclass(frozen=True)
class Weights:
    """The settings that turn time together into strength (chamber/config.py)."""

    half_life_days: float = 180.0
    online_factor: float = 0.5
    shift_hour: float = 1.0
    project_hour: float = 1.0
    meeting: float = 4.0
    one_to_one: float = 3.0
    referral: float = 2.0
    referral_won: float = 3.0
    reciprocity_bonus: float = 0.25
    multiplexity_bonus: float = 0.25

    @classmethod
    def from_config(cls, config: Mapping) -> Weights:
        return cls(
            half_life_days=float(config["RELATIONSHIP_HALF_LIFE_DAYS"]),
            online_factor=float(config["RELATIONSHIP_ONLINE_FACTOR"]),
            shift_hour=float(config["RELATIONSHIP_WEIGHT_SHIFT_HOUR"]),
            project_hour=float(config["RELATIONSHIP_WEIGHT_PROJECT_HOUR"]),
            meeting=float(config["RELATIONSHIP_WEIGHT_MEETING"]),
            one_to_one=float(config["RELATIONSHIP_WEIGHT_ONE_TO_ONE"]),
            referral=float(config["RELATIONSHIP_WEIGHT_REFERRAL"]),
            referral_won=float(config["RELATIONSHIP_WEIGHT_REFERRAL_WON"]),
            reciprocity_bonus=float(config["RELATIONSHIP_RECIPROCITY_BONUS"]),
            multiplexity_bonus=float(config["RELATIONSHIP_MULTIPLEXITY_BONUS"]),
        )

    def per_unit(self, source: TieSource) -> float:
        return {
            TieSource.SHIFT: self.shift_hour,
            TieSource.PROJECT: self.project_hour,
            TieSource.MEETING: self.meeting,
            TieSource.ONE_TO_ONE: self.one_to_one,
            TieSource.REFERRAL: self.referral,
            TieSource.REFERRAL_WON: self.referral_won,
        }[source]

    def weight(self, source: TieSource, amount: float, mode: TieMode | None) -> float:
        """What `amount` of `source` adds to the strength on the day it happened."""
        factor = self.online_factor if mode is TieMode.ONLINE else 1.0
        return amount * self.per_unit(source) * factor


class Entry(NamedTuple):
    """A ledger entry as the engine handles it (the columns of TieEntry, without the id)."""

    member_a_id: int
    member_b_id: int
    source: TieSource
    ref_id: int
    ref_month: date | None
    happened_on: date
    mode: TieMode | None
    from_member_id: int | None
    project_id: int | None
    amount: float
    weight: float


ENTRY_COLUMNS = Entry._fields


def day_number(day: date) -> int:
    return (day - EPOCH).days


def bonus(entries: Iterable[Entry], weights: Weights) -> tuple[float, int, bool]:
    """(bonus factor, number of contexts, reciprocal?) of one pair's entries."""
    contexts: set[str] = set()
    givers: set[int] = set()
    for entry in entries:
        contexts.add(entry.source.context)
        if entry.source is TieSource.REFERRAL and entry.from_member_id is not None:
            givers.add(entry.from_member_id)
    reciprocal = len(givers) >= 2
    factor = (1.0 + (weights.reciprocity_bonus if reciprocal else 0.0)) * (
        1.0 + weights.multiplexity_bonus * max(len(contexts) - 1, 0)
    )
    return factor, len(contexts), reciprocal


def strength_as_of(entries: Iterable[Entry], day: date, weights: Weights) -> float:
    """The strength of one pair's tie on `day`, counting only what happened by then."""
    counted = [e for e in entries if e.happened_on <= day and e.weight > 0]
    if not counted:
        return 0.0
    factor, _contexts, _reciprocal = bonus(counted, weights)
    half_life = weights.half_life_days
    return factor * math.fsum(
        e.weight * 2.0 ** (-(day - e.happened_on).days / half_life) for e in counted
    )


def strength_today(score_log2: float, today: date, weights: Weights) -> float:
    """Scale a stored score to the strength on `today` (valid for days on or after the last
    entry; earlier days need the ledger, strength_as_of)."""
    return 2.0 ** (score_log2 - day_number(today) / weights.half_life_days)


def score_floor(strength: float, today: date, weights: Weights) -> float:
    """The stored score of a tie whose strength today is exactly `strength` (for SQL filters)."""
    return math.log2(strength) + day_number(today) / weights.half_life_days


def rollup(entries: list[Entry], weights: Weights) -> dict | None:
    """The Tie columns (without the pair) for one pair's entries; None when nothing counts."""
    entries = [e for e in entries if e.weight > 0]
    if not entries:
        return None
    half_life = weights.half_life_days
    first = min(e.happened_on for e in entries)
    last = max(e.happened_on for e in entries)
    relative = math.fsum(
        e.weight * 2.0 ** (-(last - e.happened_on).days / half_life) for e in entries
    )
    factor, contexts, reciprocal = bonus(entries, weights)
    a_id = entries[0].member_a_id
    project_hours: dict[int, list[float]] = {}
    for e in entries:
        if e.project_id is not None and e.source in (TieSource.SHIFT, TieSource.PROJECT):
            project_hours.setdefault(e.project_id, []).append(e.amount)
    top_project_id, top_hours = None, 0.0
    for project_id in sorted(project_hours):
        hours = math.fsum(project_hours[project_id])
        if hours > top_hours:
            top_project_id, top_hours = project_id, hours
    in_person_days = [e.happened_on for e in entries if e.mode is TieMode.IN_PERSON]

    def total(source: TieSource) -> float:
        return math.fsum(e.amount for e in entries if e.source is source)

    def count(source: TieSource, giver: int | None = None) -> int:
        return sum(
            1
            for e in entries
            if e.source is source and (giver is None or e.from_member_id == giver)
        )

    return {
        "score_log2": math.log2(relative * factor) + day_number(last) / half_life,
        "strength_at_last": relative * factor,
        "first_on": first,
        "last_on": last,
        "last_in_person_on": max(in_person_days) if in_person_days else None,
        "in_person_weight": math.fsum(e.weight for e in entries if e.mode is TieMode.IN_PERSON),
        "online_weight": math.fsum(e.weight for e in entries if e.mode is TieMode.ONLINE),
        "shift_hours": total(TieSource.SHIFT),
        "project_hours": total(TieSource.PROJECT),
        "meetings": count(TieSource.MEETING),
        "one_to_ones": count(TieSource.ONE_TO_ONE),
        "referrals_a_to_b": count(TieSource.REFERRAL, a_id),
        "referrals_b_to_a": count(TieSource.REFERRAL, entries[0].member_b_id),
        "referrals_won": count(TieSource.REFERRAL_WON),
        "top_project_id": top_project_id,
        "top_project_hours": top_hours,
        "contexts": contexts,
        "is_reciprocal": reciprocal,
    }
