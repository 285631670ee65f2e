"""Report 3, givers gain: does contributing bring business? Members of at least 6 months in
quartiles by approved hours, against the referrals and closed value they received, with
Spearman's rank correlation between hours and referrals received."""

from __future__ import annotations

import bisect
import statistics
from dataclasses import dataclass
from decimal import Decimal

import mpmath

from chamber.reports import queries
from chamber.reports.charts import Chart, table_chart
from chamber.reports.scope import Scope
from chamber.reports.tables import COUNT, HOURS, MONEY, TEXT, Hours, Money, Number, PValue, Table

QUARTILES = (1, 2, 3, 4)
CSV_COLUMNS = ["member_id", "hours", "referrals_received", "closed_value", "quartile"]


@dataclass
class MemberFigures:
    member_id: int
    name: str
    hours: Decimal
    received: int
    closed_value: int
    given: int
    quartile: int = 0


@dataclass
class Correlation:
    """Spearman's ρ with its two-sided p-value; ρ is None when it is undefined (fewer than
    three members, or everyone has the same hours or the same referrals)."""

    n: int
    rho: float | None
    p_value: float | None


def assign_quartiles(members: list[MemberFigures]) -> None:
    """Quartile 1 (fewest hours) to 4 (most): 1 + ⌊4 × (members with fewer hours) / n⌋, so
    members with equal hours always share a quartile (a quartile may then be empty)."""
    ordered = sorted(member.hours for member in members)
    n = len(ordered)
    for member in members:
        fewer = bisect.bisect_left(ordered, member.hours)
        member.quartile = 1 + (4 * fewer) // n


def spearman(members: list[MemberFigures]) -> Correlation:
    n = len(members)
    hours = [float(m.hours) for m in members]
    received = [m.received for m in members]
    if n < 3 or len(set(hours)) < 2 or len(set(received)) < 2:
        return Correlation(n, None, None)
    rho = statistics.correlation(average_ranks(hours), average_ranks(received))
    return Correlation(n, rho, two_sided_p(rho, n))


def average_ranks(values: list) -> list[float]:
    """1-based ranks, tied values sharing the mean of the ranks they span (as
    scipy.stats.rankdata's "average"): positions bisect_left .. bisect_right - 1."""
    ordered = sorted(values)
    return [
        (bisect.bisect_left(ordered, v) + bisect.bisect_right(ordered, v) + 1) / 2 for v in values
    ]


def two_sided_p(rho: float, n: int) -> float:
    """The p-value scipy.stats.spearmanr reports: both tails of Student's t with df = n - 2
    at t² = ρ² df / (1 - ρ²), which is the regularized incomplete beta function
    I_x(df/2, 1/2) at x = df / (df + t²) = 1 - ρ² (mpmath). scipy.stats itself costs about
    70 MB in every web worker, against a budget of 150 MB (issue 14); a test checks this
    equals scipy's."""
    if abs(rho) >= 1:
        return 0.0
    return float(mpmath.betainc((n - 2) / 2, 0.5, 0, 1 - rho * rho, regularized=True))


@dataclass
class GiversGain:
    """The report as it is kept: plain values for the member rows (thousands of them)."""

    scope: Scope
    #: Per member: (member_id, hours, referrals received, closed value, quartile).
    member_rows: list[tuple[int, float, int, int, int]]
    correlation: Correlation
    tables: list[Table]
    charts: list[Chart]

    def csv_rows(self) -> list[list]:
        hours, money = HOURS.csv, MONEY.csv
        return [
            [member_id, hours(hours_done), received, money(closed_value), quartile]
            for member_id, hours_done, received, closed_value, quartile in self.member_rows
        ]


def _mean(values: list) -> float | None:
    return float(sum(values)) / len(values) if values else None


def build_givers_gain(scope: Scope) -> GiversGain:
    members = [
        MemberFigures(
            row.id,
            row.full_name,
            Decimal(row.hours),
            int(row.received),
            int(row.closed_value),
            int(row.given),
        )
        for row in queries.givers_gain_rows(scope)
    ]
    if members:
        assign_quartiles(members)
    correlation = spearman(members)

    quartiles = Table(
        "quartiles",
        "Per quartile of approved hours",
        [
            "Quartile",
            "Members",
            "Hours from",
            "Hours to",
            "Mean referrals received",
            "Mean closed value received",
            "Mean referrals given",
        ],
    )
    for quartile in QUARTILES:
        group = [m for m in members if m.quartile == quartile]
        mean_value = _mean([m.closed_value for m in group])
        quartiles.rows.append(
            [
                f"Q{quartile}",
                len(group),
                Hours(min(m.hours for m in group)) if group else None,
                Hours(max(m.hours for m in group)) if group else None,
                Number(_mean([m.received for m in group])),
                Money(round(mean_value)) if mean_value is not None else None,
                Number(_mean([m.given for m in group])),
            ]
        )
    correlation_table = Table(
        "correlation", "Hours against referrals received", ["Measure", "Value"]
    )
    correlation_table.rows = [
        ["Spearman's ρ", Number(correlation.rho, 3)],
        ["Members (n)", correlation.n],
        ["p-value (two-sided)", PValue(correlation.p_value)],
    ]
    member_table = Table(
        "members",
        "Every member of the cohort",
        [
            "Member",
            "Hours",
            "Referrals received",
            "Closed value received",
            "Referrals given",
            "Quartile",
        ],
        kinds=[TEXT, HOURS, COUNT, MONEY, COUNT, TEXT],
        paged=True,
    )
    member_rows = []
    for index, m in enumerate(members):
        hours = float(m.hours)
        member_table.rows.append(
            (m.name, hours, m.received, m.closed_value, m.given, f"Q{m.quartile}")
        )
        member_table.links[index] = m.member_id
        member_rows.append((m.member_id, hours, m.received, m.closed_value, m.quartile))

    bar = table_chart(
        quartiles,
        {"Received": 4, "Given": 6},
        name="quartiles",
        title="Mean referrals received per quartile of hours",
        description="Members grouped from Q1 (fewest approved hours) to Q4 (most); bars show "
        "the mean number of referrals received and given per member.",
        y_label="Mean referrals per member",
    )
    scatter = Chart(
        name="scatter",
        title="Approved hours against referrals received, one dot per member",
        description="Each dot is a member of the cohort: hours contributed (across) and "
        "referrals received (up) in the range.",
        kind="scatter",
        points=[(float(m.hours), m.received) for m in members],
        x_label="Approved hours",
        y_label="Referrals received",
        table=member_table,
    )
    return GiversGain(
        scope=scope,
        member_rows=member_rows,
        correlation=correlation,
        tables=[quartiles, correlation_table, member_table],
        charts=[bar, scatter],
    )
