"""Report 4, contribution → relationship → referral: how many referrals (and how much closed
value) passed between people who already had a working tie on the day, how strong it was,
in person or online, and the same per committee."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from chamber.reports import tie_queries
from chamber.reports.charts import Chart, table_chart
from chamber.reports.committees import UNATTRIBUTED
from chamber.reports.scope import Scope
from chamber.reports.tables import Money, Ratio, Table

BANDS = {
    "none": "No time together before",
    "below": "Some, below a working tie",
    "working": "Working tie",
    "strong": "Strong tie",
}
MODES = {"in_person": "Mostly in person", "online": "Mostly online", "none": "No time together"}


@dataclass
class Ties:
    scope: Scope
    working_min: float
    strong_min: float
    tables: list[Table]
    charts: list[Chart]


def _share(part, whole) -> Ratio:
    return Ratio(part / whole if whole else None)


def build_ties(scope: Scope) -> Ties:
    working_min, strong_min = tie_queries.thresholds()
    rows = tie_queries.referrals_by_committee_and_tie(scope)
    by_band = defaultdict(lambda: [0, 0, 0])
    by_mode = defaultdict(lambda: [0, 0, 0])
    per_committee = defaultdict(lambda: {"name": "", 1: [0, 0, 0], 0: [0, 0, 0]})
    for row in rows:
        entry = per_committee[row.committee_id]
        entry["name"] = row.name if row.committee_id is not None else UNATTRIBUTED
        had_tie = int(row.band in ("working", "strong"))
        for bucket in (by_band[row.band], by_mode[row.mode], entry[had_tie]):
            bucket[0] += row.referrals
            bucket[1] += int(row.won or 0)
            bucket[2] += int(row.closed_value or 0)
    total = sum(b[0] for b in by_band.values())
    total_value = sum(b[2] for b in by_band.values())

    with_tie = [sum(by_band[b][i] for b in ("working", "strong")) for i in range(3)]
    without = [sum(by_band[b][i] for b in ("none", "below")) for i in range(3)]
    split = Table(
        "split",
        "Referrals with and without a working tie on the day",
        [
            "Pairs",
            "Referrals",
            "Share of referrals",
            "Won",
            "Win rate",
            "Closed value",
            "Share of closed value",
        ],
    )
    for label, (count, won, value) in (("Had a working tie", with_tie), ("Had none", without)):
        split.rows.append(
            [
                label,
                count,
                _share(count, total),
                won,
                _share(won, count),
                Money(value),
                _share(value, total_value),
            ]
        )

    bands = Table(
        "bands",
        "By strength of the tie on the day",
        [
            "Tie on the day",
            "Referrals",
            "Share of referrals",
            "Won",
            "Closed value",
            "Share of closed value",
        ],
    )
    for key, label in BANDS.items():
        count, won, value = by_band[key]
        bands.rows.append(
            [label, count, _share(count, total), won, Money(value), _share(value, total_value)]
        )

    modes = Table(
        "modes",
        "In person or online",
        ["Time together before", "Referrals", "Share of referrals", "Won", "Closed value"],
    )
    for key, label in MODES.items():
        count, won, value = by_mode[key]
        modes.rows.append([label, count, _share(count, total), won, Money(value)])

    committees = Table(
        "committees",
        "Per committee",
        [
            "Committee",
            "Referrals",
            "With a working tie",
            "Share with a tie",
            "Closed value",
            "Closed value with a tie",
        ],
    )
    ordered = sorted(
        per_committee.items(),
        key=lambda item: (item[0] is None, -(item[1][1][0] + item[1][0][0]), item[1]["name"]),
    )
    for _committee_id, entry in ordered:
        count = entry[1][0] + entry[0][0]
        value = entry[1][2] + entry[0][2]
        committees.rows.append(
            [
                entry["name"],
                count,
                entry[1][0],
                _share(entry[1][0], count),
                Money(value),
                Money(entry[1][2]),
            ]
        )

    chart = table_chart(
        bands,
        {"Referrals": 1, "Won": 3},
        categories=["None", "Below working", "Working", "Strong"],
        name="bands",
        title="Referrals by the tie between giver and receiver on the day",
        description="How many referrals passed between people with no time together, a "
        "little, a working tie or a strong tie (shared work and one-to-ones before the day).",
        y_label="Referrals",
    )
    return Ties(scope, working_min, strong_min, [split, bands, modes, committees], [chart])
