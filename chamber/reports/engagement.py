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
from chamber.reports.tables import COUNT, HOURS, MONEY, SCORE, TEXT, Column, Table

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


_LIGHT_HTML = {
    light.value: Markup('<span class="light light-{}">{}</span>').format(light.value, light.label)
    for light in Light
}
_LIGHT_LABELS = {light.value: light.label for light in Light}


def _light_html(light: str) -> str:
    return _LIGHT_HTML[light]


def _light_label(light: str) -> str:
    return _LIGHT_LABELS[light]


#: The light column: the light's value ("green") in the rows, a coloured label on the page,
#: its name in the CSV.
LIGHT = Column(_light_html, _light_label)

#: Points per unit in 1/100,000 of a point: a cent of closed value is one, an hour 100,000
#: (1,000 a hundredth), so a member's weighted sum is an exact integer, the score that sum
#: × 182.625 / days, and the light a comparison of integers (no rounding at a threshold).
_UNITS = {
    name: int(weight * (1 if name == "closed_value" else 100_000))
    for name, weight in WEIGHTS.items()
}
_SIX_MONTHS_THOUSANDTHS = int(SIX_MONTHS_DAYS * 1000)  # 182,625


@dataclass
class Engagement:
    scope: Scope
    green_from: int
    yellow_from: int
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
        kinds=[TEXT, TEXT, COUNT, HOURS, COUNT, COUNT, COUNT, MONEY, SCORE, LIGHT],
        paged=True,
    )
    days, first = scope.days, scope.first
    # score >= threshold <=> units × 182,625 >= threshold × days × 10^8 (units as _UNITS).
    scale = _SIX_MONTHS_THOUSANDTHS
    below = 100_000 * 1000 * days
    green_at, yellow_at = green_from * below, yellow_from * below
    meeting, hour, one_to_one, given, received = (
        _UNITS[name] for name in ("meetings", "hours", "one_to_ones", "given", "received")
    )
    hour //= 100  # per hundredth of an hour
    rows, links = table.rows, table.links
    by_light = dict.fromkeys(Light, 0)
    grey, green, yellow, red = Light.GREY, Light.GREEN, Light.YELLOW, Light.RED
    # One pass over plain rows: each member's figures and score, as the table's plain values.
    for index, (member_id, name, business, joined_on, *figures) in enumerate(
        queries.engagement_rows(scope)
    ):
        # int(): PostgreSQL's sums may come as Decimal.
        meetings, one_to_ones, gave, got, closed_value = map(int, figures[:2] + figures[3:])
        hours = figures[2]
        hundredths = int(round(hours * 100))
        scaled = scale * (
            meeting * meetings
            + hour * hundredths
            + one_to_one * one_to_ones
            + given * gave
            + received * got
            + closed_value
        )
        if joined_on > first:
            light = grey
        elif scaled >= green_at:
            light = green
        elif scaled >= yellow_at:
            light = yellow
        else:
            light = red
        by_light[light] += 1
        rows.append(
            (
                name,
                business,
                meetings,
                hundredths / 100,
                one_to_ones,
                gave,
                got,
                closed_value,
                scaled / below,
                light.value,
            )
        )
        links[index] = member_id
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
    return Engagement(scope, green_from, yellow_from, [lights, table], [chart])
