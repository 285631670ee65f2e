"""Report 5, the network: members with no working tie (at risk), the connectors, the
in-person / online balance per committee and the ties formed month by month."""

from __future__ import annotations

from dataclasses import dataclass

from chamber.localtime import chamber_today
from chamber.reports import tie_queries
from chamber.reports.charts import Chart, ChartText, month_chart, month_table
from chamber.reports.scope import Scope, month_starts
from chamber.reports.tables import Number, Ratio, Table

AT_RISK_SHOWN = 100
FORMED_CHART = ChartText(
    "formed",
    "New ties per month",
    "Pairs of members whose first time together (shared work, meetings, one-to-ones or "
    "referrals) fell in each month.",
    "Ties",
)


@dataclass
class Network:
    scope: Scope
    at_risk_total: int
    tables: list[Table]
    charts: list[Chart]


def build_network(scope: Scope) -> Network:
    today = chamber_today()
    total, lonely = tie_queries.members_at_risk(scope, today, limit=AT_RISK_SHOWN)
    at_risk = Table(
        "at_risk",
        "Members with no working tie today (at risk)",
        ["Member", "Business", "Member since"],
        text_columns=3,
    )
    for index, row in enumerate(lonely):
        at_risk.rows.append([row.full_name, row.business_name, f"{row.joined_on:%d %b %Y}"])
        at_risk.links[index] = row.id
    if total > len(lonely):
        at_risk.note = f"The first {len(lonely)} of {total} by name."

    connectors = Table(
        "connectors",
        "Connectors: working ties reaching the most committees",
        ["Member", "Business", "Working ties", "Committees reached"],
        text_columns=2,
    )
    for index, row in enumerate(tie_queries.connectors(scope, today)):
        connectors.rows.append([row.full_name, row.business_name, row.ties, row.committees])
        connectors.links[index] = row.id

    balance = Table(
        "balance",
        "In person and online, per committee",
        [
            "Committee",
            "Ties between its members",
            "In-person weight",
            "Online weight",
            "In-person share",
        ],
    )
    for row in tie_queries.committee_balance(scope):
        whole = float(row.in_person) + float(row.online)
        balance.rows.append(
            [
                row.name,
                row.ties,
                Number(float(row.in_person), 1),
                Number(float(row.online), 1),
                Ratio(float(row.in_person) / whole if whole else None),
            ]
        )

    formed = tie_queries.ties_formed_by_month(scope)
    months = month_starts(scope.first, scope.last)
    per_month = month_table(
        "formed",
        "Ties formed per month",
        ["New ties"],
        months,
        lambda month: [int(formed.get(month.isoformat(), 0))],
    )
    summary = Table("summary", "The network today", ["Measure", "Value"])
    summary.rows = [
        ["Members with no working tie", total],
        ["New ties in the range", sum(row[1] for row in per_month.rows)],
    ]
    chart = month_chart(per_month, {"New ties": 1}, months, FORMED_CHART)
    return Network(scope, total, [summary, at_risk, connectors, balance, per_month], [chart])
