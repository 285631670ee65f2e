"""Report 2 (referrals by committee) and report 7 (committee health)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from chamber.reports import queries
from chamber.reports.charts import Chart, ChartText, month_chart, month_table, table_chart
from chamber.reports.scope import Scope, month_starts
from chamber.reports.tables import Hours, Money, Ratio, Table

UNATTRIBUTED = "No shared committee"
ATTENDANCE_CHART = ChartText(
    "attendance",
    "Attendance rate by month",
    "Members present (in person or online) among those expected at the committee meetings "
    "of each month; excused absences are not expected.",
    "Present",
)
HOURS_CHART = ChartText(
    "hours",
    "Approved hours by month",
    "Hours of approved contributions to the committees, by the month the work was done.",
    "Hours",
)


@dataclass
class ByCommittee:
    scope: Scope
    tables: list[Table]
    charts: list[Chart]


def build_by_committee(scope: Scope) -> ByCommittee:
    rows = queries.referrals_by_committee(scope)
    attributed = sorted(
        (row for row in rows if row.committee_id is not None),
        key=lambda row: (-row.referrals, -int(row.closed_value), row.name),
    )
    missing = [row for row in rows if row.committee_id is None]
    table = Table(
        "committees",
        "Referrals attributed to committees",
        [
            "Committee",
            "Referrals",
            "Through how we know each other",
            "Through shared work",
            "Won",
            "Closed value",
        ],
    )
    for row in [*attributed, *missing]:
        table.rows.append(
            [
                row.name if row.committee_id is not None else UNATTRIBUTED,
                row.referrals,
                int(row.named),
                int(row.shared),
                int(row.won),
                Money(int(row.closed_value)),
            ]
        )
    chart_rows = table.rows[:15]
    chart = table_chart(
        table,
        {"Closed value ($)": 5},
        rows=chart_rows,
        categories=[row[0][:18] for row in chart_rows],
        name="committees",
        title="Closed value by committee",
        description="Business won from referrals, by the committee where giver and receiver "
        "know each other from (at most the 15 largest).",
        y_label="Dollars",
    )
    return ByCommittee(scope, [table], [chart])


@dataclass
class CommitteeHealth:
    scope: Scope
    tables: list[Table]
    charts: list[Chart]


def _ratio(numerator, denominator) -> float | None:
    return float(numerator) / float(denominator) if denominator else None


def build_committee_health(scope: Scope) -> CommitteeHealth:
    committees = queries.health_committees(scope)
    wanted = {row.id for row in committees}
    attendance = [
        r for r in queries.attendance_by_committee_month(scope) if r.committee_id in wanted
    ]
    hours = [r for r in queries.hours_by_committee(scope) if r.committee_id in wanted]
    completed = queries.projects_completed(scope)
    referrals = {
        row.committee_id: row
        for row in queries.referrals_by_committee(scope)
        if row.committee_id is not None
    }

    present, expected = defaultdict(int), defaultdict(int)
    month_present, month_expected = defaultdict(int), defaultdict(int)
    for row in attendance:
        present[row.committee_id] += int(row.present or 0)
        expected[row.committee_id] += int(row.expected or 0)
        month_present[row.month] += int(row.present or 0)
        month_expected[row.month] += int(row.expected or 0)
    total_hours, in_person = defaultdict(Decimal), defaultdict(Decimal)
    for row in hours:
        total_hours[row.committee_id] += Decimal(row.hours or 0)
        in_person[row.committee_id] += Decimal(row.in_person or 0)
    month_hours = defaultdict(Decimal)
    for day, value in queries.hours_by_day(scope):
        month_hours[day.replace(day=1).isoformat()] += Decimal(value or 0)

    months = month_starts(scope.first, scope.last)
    # Months of the range (365.25 / 12 days each), so a full year is twelve.
    per_month = Decimal(scope.days) / Decimal("30.4375")
    table = Table(
        "health",
        "Committees",
        [
            "Committee",
            "Active members",
            "Attendance rate",
            "Approved hours",
            "Hours per month",
            "In-person share of hours",
            "Projects completed",
            "Referrals attributed",
            "Closed value attributed",
        ],
    )
    for committee in committees:
        attributed = referrals.get(committee.id)
        table.rows.append(
            [
                committee.name,
                int(committee.active_members),
                Ratio(_ratio(present[committee.id], expected[committee.id])),
                Hours(total_hours[committee.id]),
                Hours((total_hours[committee.id] / per_month).quantize(Decimal("0.01"))),
                Ratio(_ratio(in_person[committee.id], total_hours[committee.id])),
                completed.get(committee.id, 0),
                attributed.referrals if attributed else 0,
                Money(int(attributed.closed_value) if attributed else 0),
            ]
        )

    def month_figures(month: date) -> list:
        key = month.isoformat()
        attendance = _ratio(month_present[key], month_expected[key])
        return [Ratio(attendance), Hours(month_hours[key])]

    trend = month_table(
        "trend",
        "Month by month (the committees above together)",
        ["Attendance rate", "Approved hours"],
        months,
        month_figures,
    )
    attendance_chart = month_chart(
        trend, {"Attendance rate": 1}, months, ATTENDANCE_CHART, kind="line", percent=True
    )
    hours_chart = month_chart(trend, {"Hours": 2}, months, HOURS_CHART)
    return CommitteeHealth(scope, [table, trend], [attendance_chart, hours_chart])
