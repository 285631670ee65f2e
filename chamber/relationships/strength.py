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
from functools import cached_property
from typing import NamedTuple

from chamber.relationships.models import TieMode, TieSource

# Day 0 of the stored decay keys. With a half-life of at least MIN_HALF_LIFE_DAYS the keys
# (weight x 2^(days since EPOCH / half-life)) stay far inside a double's range for a century.
EPOCH = date(2020, 1, 1)
MIN_HALF_LIFE_DAYS = 30.0


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

    def __post_init__(self) -> None:
        if self.half_life_days < MIN_HALF_LIFE_DAYS:
            raise ValueError(
                f"RELATIONSHIP_HALF_LIFE_DAYS must be at least {MIN_HALF_LIFE_DAYS:g} days."
            )

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

    @cached_property
    def _per_unit(self) -> dict[TieSource, float]:
        return {
            TieSource.SHIFT: self.shift_hour,
            TieSource.PROJECT: self.project_hour,
            TieSource.MEETING: self.meeting,
            TieSource.ONE_TO_ONE: self.one_to_one,
            TieSource.REFERRAL: self.referral,
            TieSource.REFERRAL_WON: self.referral_won,
        }

    def per_unit(self, source: TieSource) -> float:
        return self._per_unit[source]

    def weight(self, source: TieSource, amount: float, mode: TieMode | None) -> float:
        """What `amount` of `source` adds to the strength on the day it happened."""
        factor = self.online_factor if mode is TieMode.ONLINE else 1.0
        return amount * self._per_unit[source] * factor

    def decay_key(self, weight: float, day: date) -> float:
        """weight x 2^(day / half-life): summed per pair, it is the strength on any later day
        T once scaled by 2^(-T / half-life), so the sum never needs rewriting as days pass."""
        return weight * 2.0 ** (day_number(day) / self.half_life_days)


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
    decay_key: float


ENTRY_COLUMNS = Entry._fields


def day_number(day: date) -> int:
    return (day - EPOCH).days


def bonus_factor(contexts: int, reciprocal: bool, weights: Weights) -> float:
    """(1 + reciprocity bonus if referrals went both ways) x (1 + multiplexity bonus for each
    context beyond the first)."""
    return (1.0 + (weights.reciprocity_bonus if reciprocal else 0.0)) * (
        1.0 + weights.multiplexity_bonus * max(contexts - 1, 0)
    )


def bonus(entries: Iterable[Entry], weights: Weights) -> float:
    """The bonus factor of one pair's entries."""
    contexts: set[str] = set()
    givers: set[int] = set()
    for entry in entries:
        contexts.add(entry.source.context)
        if entry.source is TieSource.REFERRAL and entry.from_member_id is not None:
            givers.add(entry.from_member_id)
    return bonus_factor(len(contexts), len(givers) >= 2, weights)


def strength_as_of(entries: Iterable[Entry], day: date, weights: Weights) -> float:
    """The strength of one pair's tie on `day`, counting only what happened by then."""
    counted = [e for e in entries if e.happened_on <= day and e.weight > 0]
    if not counted:
        return 0.0
    factor = bonus(counted, weights)
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


def tie_values(totals: Mapping, weights: Weights) -> dict | None:
    """The Tie columns (without the pair and the top project) from one pair's totals over its
    entries (see engine.TOTALS): the only place a stored score is made."""
    decay_sum = totals["decay_sum"]
    if not decay_sum or decay_sum <= 0:
        return None
    contexts = (
        int(totals["work"] or 0) + int(totals["one_to_one"] or 0) + int(totals["referral"] or 0)
    )
    reciprocal = bool(totals["referrals_a_to_b"]) and bool(totals["referrals_b_to_a"])
    factor = bonus_factor(contexts, reciprocal, weights)
    last = totals["last_on"]
    return {
        "score_log2": math.log2(decay_sum * factor),
        "strength_at_last": factor
        * decay_sum
        * 2.0 ** (-day_number(last) / weights.half_life_days),
        "first_on": totals["first_on"],
        "last_on": last,
        "last_in_person_on": totals["last_in_person_on"],
        "in_person_weight": float(totals["in_person_weight"] or 0.0),
        "online_weight": float(totals["online_weight"] or 0.0),
        "shift_hours": float(totals["shift_hours"] or 0.0),
        "project_hours": float(totals["project_hours"] or 0.0),
        "meetings": int(totals["meetings"] or 0),
        "one_to_ones": int(totals["one_to_ones"] or 0),
        "referrals_a_to_b": int(totals["referrals_a_to_b"] or 0),
        "referrals_b_to_a": int(totals["referrals_b_to_a"] or 0),
        "referrals_won": int(totals["referrals_won"] or 0),
        "contexts": contexts,
        "is_reciprocal": reciprocal,
    }
