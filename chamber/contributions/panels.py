"""Dashboard panel: my hours this year and my in-person/online balance this quarter."""

from __future__ import annotations

from datetime import datetime

from chamber.contributions import queries
from chamber.contributions.models import WorkMode
from chamber.localtime import chamber_today, local_to_utc, quarter_start
from chamber.meetings import queries as meeting_queries
from chamber.meetings.models import AttendanceStatus
from chamber.one_to_ones import queries as one_to_one_queries
from chamber.portal.panel import Panel


def hours_panel(member):
    """Approved and pending hours this year; this quarter's interactions by mode."""

    today = chamber_today()
    since = quarter_start(today)
    hours = queries.approved_hours_by_mode(member, since)
    meetings = meeting_queries.attendance_by_mode(
        member, local_to_utc(datetime.combine(since, datetime.min.time()))
    )
    one_to_ones = one_to_one_queries.confirmed_by_mode(member, since)
    balance = {
        "in_person": {
            "hours": hours.get(WorkMode.IN_PERSON, 0),
            "meetings": meetings.get(AttendanceStatus.IN_PERSON, 0),
            "one_to_ones": one_to_ones.get(WorkMode.IN_PERSON, 0),
        },
        "online": {
            "hours": hours.get(WorkMode.ONLINE, 0),
            "meetings": meetings.get(AttendanceStatus.ONLINE, 0),
            "one_to_ones": one_to_ones.get(WorkMode.ONLINE, 0),
        },
    }
    in_person = sum(float(v) for v in balance["in_person"].values())
    online = sum(float(v) for v in balance["online"].values())
    share = round(100 * in_person / (in_person + online)) if in_person + online else None
    return Panel(
        "contributions/_panel_hours.html",
        {
            "totals": queries.member_totals(member, today),
            "balance": balance,
            "in_person_share": share,
            "quarter_start": since,
        },
    )
