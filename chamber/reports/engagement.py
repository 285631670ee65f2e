"""Report 6, member engagement: per member over the range, what they did for the community
and with each other, a score with fixed weights and a traffic light by staff's thresholds."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa
from markupsafe import Markup

from chamber.extensions import db
from chamber.reports import queries
from chamber.reports.charts import Chart, table_chart
from chamber.reports.models import DEFAULT_GREEN_FROM, DEFAULT_YELLOW_FROM, EngagementThresholds
from chamber.reports.scope import Scope
from chamber.reports.tables import Hours, Money, Number, Table

#: Points per unit of each activity (documented on the page and in the README).
WEIGHTS = {
    "meetings": Decimal(2),  # per meeting attended
    "hours": Decimal(1),  # per approved hour of contribution
    "one_to_ones": Decimal(3),  # per confirmed one-to-one
    "given": Decimal(5),  # per referral given
    "received": Decimal(2),  # per referral received
    "closed_value": Decimal(1),  # per $1,000 of business won from referrals received
}
WEIGHT_TEXT = (
    "2 points per meeting attended, 1 per approved hour, 3 per confirmed one-to-one, 5 per "
    "referral given, 2 per referral received and 1 per $1,000 of business won from referrals "
    "received; scaled to a 6-month period"
)
SIX_MONTHS_DAYS = Decimal("182.625")


LIGHT_COLOURS = {"green": "#2e7d4f", "yellow": "#d4a017", "red": "#b3261e", "grey": "#9aa5b1"}


class Light(enum.StrEnum):
    GREEN = "green"
    YELLOW = "yellow"
    RED = "red"
    GREY = "grey"

    @property
    def label(self) -> str:
        return {"grey": "New member"}.get(self.value, self.value.capitalize())


def current_thresholds() -> tuple[int, int]:
    """(green_from, yellow_from): staff's settings, or the defaults until they save some."""
    row = db.session.execute(
        sa.select(EngagementThresholds.green_from, EngagementThresholds.yellow_from)
        .order_by(EngagementThresholds.id)
        .limit(1)
    ).first()
    return (row.green_from, row.yellow_from) if row else (DEFAULT_GREEN_FROM, DEFAULT_YELLOW_FROM)


def score(figures: dict, days: int) -> Decimal:
    """The weighted sum of a member's figures, per 6 months (closed value in cents)."""
    raw = (
        WEIGHTS["meetings"] * figures["meetings"]
        + WEIGHTS["hours"] * Decimal(figures["hours"])
        + WEIGHTS["one_to_ones"] * figures["one_to_ones"]
        + WEIGHTS["given"] * figures["given"]
        + WEIGHTS["received"] * figures["received"]
        + WEIGHTS["closed_value"] * Decimal(figures["closed_value"]) / 100_000
    )
    return raw * SIX_MONTHS_DAYS / days


def light_for(value: Decimal, *, is_new: bool, green_from: int, yellow_from: int) -> Light:
    if is_new:
        return Light.GREY
    if value >= green_from:
        return Light.GREEN
    if value >= yellow_from:
        return Light.YELLOW
    return Light.RED


_LIGHT_HTML = {
    light: Markup('<span class="light light-{}">{}</span>').format(light.value, light.label)
    for light in Light
}


@dataclass(frozen=True)
class LightCell:
    """The light in the member table: a coloured label on the page, its name in the CSV."""

    light: Light

    def display(self) -> Markup:
        return _LIGHT_HTML[self.light]

    def __str__(self) -> str:
        return self.light.label


#: One cell per light: cells are values, shared by every row with that light.
_LIGHT_CELLS = {light: LightCell(light) for light in Light}


@dataclass(slots=True)
class EngagementRow:
    member_id: int
    name: str
    business: str
    meetings: int
    hours: Decimal
    one_to_ones: int
    given: int
    received: int
    closed_value: int
    score: Decimal
    light: Light


@dataclass
class Engagement:
    scope: Scope
    green_from: int
    yellow_from: int
    rows: list[EngagementRow]
    tables: list[Table]
    charts: list[Chart]


def build_engagement(scope: Scope) -> Engagement:
    green_from, yellow_from = current_thresholds()
    table = Table(
        "engagement",
        "Engagement per member",
        [
            "Member",
            "Business",
            "Meetings attended",
            "Hours",
            "One-to-ones",
            "Referrals given",
            "Referrals received",
            "Closed value received",
            "Score",
            "Light",
        ],
        text_columns=2,
    )
    days, first = scope.days, scope.first
    rows, cells, links = [], table.rows, table.links
    by_light = dict.fromkeys(Light, 0)
    # One pass: each member's row of figures and the table's row of cells.
    for index, row in enumerate(queries.engagement_rows(scope)):
        value = score(row._mapping, days)
        light = light_for(
            value, is_new=row.joined_on > first, green_from=green_from, yellow_from=yellow_from
        )
        member = EngagementRow(
            row.id,
            row.full_name,
            row.business_name,
            int(row.meetings),
            Decimal(row.hours),
            int(row.one_to_ones),
            int(row.given),
            int(row.received),
            int(row.closed_value),
            value,
            light,
        )
        rows.append(member)
        by_light[light] += 1
        cells.append(
            [
                member.name,
                member.business,
                member.meetings,
                Hours(member.hours),
                member.one_to_ones,
                member.given,
                member.received,
                Money(member.closed_value),
                Number(float(value), 1),
                _LIGHT_CELLS[light],
            ]
        )
        links[index] = member.member_id
    lights = Table("lights", "Members by light", ["Light", "Members"])
    lights.rows = [[light.label, by_light[light]] for light in Light]
    chart = table_chart(
        lights,
        {"Members": 1},
        name="lights",
        title="Members by traffic light",
        description=f"Green from a score of {green_from}, yellow from {yellow_from}, red below; "
        "grey for members who joined during the range.",
        y_label="Members",
        colors=[LIGHT_COLOURS[light] for light in Light],
    )
    return Engagement(scope, green_from, yellow_from, rows, [lights, table], [chart])
