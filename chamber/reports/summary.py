"""Report 1, the referral summary: counts by outcome, win rate, closed value, median days to
win, the monthly trend, the funnel by status, and the top givers and receivers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from chamber.referrals.models import ReferralStatus
from chamber.reports import queries
from chamber.reports.charts import Chart, ChartText, month_chart, month_table, table_chart
from chamber.reports.scope import Scope, ScopeKind, month_starts
from chamber.reports.tables import Money, Number, Ratio, Table


def median_of_histogram(histogram: list[tuple[int, int]]) -> float | None:
    """The median of values given as (value, how many) sorted by value."""
    total = sum(count for _, count in histogram)
    if total == 0:
        return None
    middle = [(total - 1) // 2, total // 2]  # the one or two middle positions
    found, seen = [], 0
    for value, count in histogram:
        for position in middle:
            if seen <= position < seen + count:
                found.append(value)
        seen += count
    return sum(found) / len(found)


@dataclass
class Summary:
    scope: Scope
    given: int
    won: int
    lost: int
    unreachable: int
    open: int
    closed_value: int
    median_days_to_win: float | None
    tables: list[Table]
    charts: list[Chart]

    @property
    def decided(self) -> int:
        return self.won + self.lost + self.unreachable

    def figure(self, measure: str):
        """A cell of the totals table by its measure ("Win rate", "Closed value", ...)."""
        return next(row[1] for row in self.tables[0].rows if row[0] == measure)

    @property
    def win_rate(self) -> float | None:
        """Won among the referrals that reached an outcome (won, lost or unreachable)."""
        return self.won / self.decided if self.decided else None


TREND_CHART = ChartText(
    "trend",
    "Referrals given and won, by month given",
    "Bars per month: referrals given in that month, and how many of them have been won since.",
    "Referrals",
)


def _people_table(key: str, caption: str, rows, who: str) -> Table:
    table = Table(
        key, caption, [who, "Business", "Referrals", "Won", "Closed value"], text_columns=2
    )
    for index, row in enumerate(rows):
        # A member who left keeps their row (and their name, as in the CSV) but no link:
        # their profile is a 404 for members.
        table.rows.append(
            [
                row.full_name,
                row.business_name,
                row.referrals,
                int(row.won),
                Money(int(row.closed_value)),
            ]
        )
        if row.is_active:
            table.links[index] = row.id
    return table


def _business_table(key: str, caption: str, rows) -> Table:
    table = Table(key, caption, ["Business", "Referrals", "Won", "Closed value"])
    for row in rows:
        table.rows.append(
            [
                row.business_name or "(no business)",
                row.referrals,
                int(row.won),
                Money(int(row.closed_value)),
            ]
        )
    return table


def _by_status_and_month(rows) -> tuple[dict, dict]:
    """From (given_on, status, referrals, value) rows: per status (referrals, closed value)
    and per month given (given, won, closed value of the won)."""
    by_status: dict[ReferralStatus, list[int]] = {}
    by_month: dict[date, list[int]] = {}
    for given_on, status, referrals, value in rows:
        figures = by_status.setdefault(status, [0, 0])
        figures[0] += referrals
        figures[1] += int(value)
        month = by_month.setdefault(given_on.replace(day=1), [0, 0, 0])
        month[0] += referrals
        if status is ReferralStatus.WON:
            month[1] += referrals
            month[2] += int(value)
    return by_status, by_month


def build_summary(scope: Scope) -> Summary:
    by_status, monthly = _by_status_and_month(queries.referrals_by_day(scope))

    def count(*statuses: ReferralStatus) -> int:
        return sum(by_status.get(status, (0, 0))[0] for status in statuses)

    won_value = by_status.get(ReferralStatus.WON, (0, 0))[1]
    summary_numbers = {
        "given": count(*ReferralStatus),
        "won": count(ReferralStatus.WON),
        "lost": count(ReferralStatus.LOST),
        "unreachable": count(ReferralStatus.UNREACHABLE),
        "open": count(ReferralStatus.GIVEN, ReferralStatus.CONTACTED, ReferralStatus.MEETING),
    }
    median = median_of_histogram(queries.days_to_win_histogram(scope))
    decided = summary_numbers["won"] + summary_numbers["lost"] + summary_numbers["unreachable"]
    totals = Table("totals", "Referrals given in the range", ["Measure", "Value"])
    totals.rows = [
        ["Given", summary_numbers["given"]],
        ["Won", summary_numbers["won"]],
        ["Lost", summary_numbers["lost"]],
        ["Unreachable", summary_numbers["unreachable"]],
        ["Still open", summary_numbers["open"]],
        ["Win rate", Ratio(summary_numbers["won"] / decided if decided else None)],
        ["Closed value", Money(won_value)],
        ["Median days from given to won", Number(median, 1)],
    ]

    months = month_starts(scope.first, scope.last)

    def month_figures(month: date) -> list:
        given, won, value = monthly.get(month, (0, 0, 0))
        return [given, won, Money(value)]

    columns = ["Given", "Won", "Closed value"]
    trend = month_table("monthly", "Month by month", columns, months, month_figures)
    trend_chart = month_chart(trend, {"Given": 1, "Won": 2}, months, TREND_CHART)

    funnel = Table("funnel", "By status today", ["Status", "Referrals", "Closed value"])
    for status in ReferralStatus:
        number, value = by_status.get(status, (0, 0))
        funnel.rows.append([status.label, number, Money(value)])
    funnel_chart = table_chart(
        funnel,
        {"Referrals": 1},
        name="funnel",
        title="Where the referrals stand today",
        description="Referrals given in the range by their current step in the pipeline.",
        y_label="Referrals",
    )

    if scope.kind is ScopeKind.MEMBER:
        people = ("Who referred business", "Who received business")
    else:
        people = ("Top givers", "Top receivers")
    givers, giving = queries.top_people_and_businesses(scope, "giver")
    receivers, receiving = queries.top_people_and_businesses(scope, "receiver")
    tables = [
        totals,
        trend,
        funnel,
        _people_table("givers", people[0], givers, "Giver"),
        _people_table("receivers", people[1], receivers, "Receiver"),
        _business_table("giving_businesses", "Top giving businesses", giving),
        _business_table("receiving_businesses", "Top receiving businesses", receiving),
    ]
    return Summary(
        scope=scope,
        closed_value=won_value,
        median_days_to_win=median,
        tables=tables,
        charts=[trend_chart, funnel_chart],
        **summary_numbers,
    )
