"""The member dashboard's panels, listed here explicitly; each reads what it shows from the
features' queries (the portal sits above them all).

A panel is a function `panel(member) -> Panel`; the dashboard renders each panel's template
with its context. Order here is the order on the page.
"""

from __future__ import annotations

from datetime import datetime

from chamber.committees import queries as committee_queries
from chamber.contributions import queries as contribution_queries
from chamber.enums import WorkMode
from chamber.localtime import chamber_today, local_day_bounds, local_to_utc, quarter_start
from chamber.meetings import queries as meeting_queries
from chamber.meetings.models import AttendanceStatus
from chamber.notifications import queries as notification_queries
from chamber.one_to_ones import queries as one_to_one_queries
from chamber.portal.panel import Panel
from chamber.projects import queries as project_queries
from chamber.referrals import queries as referral_queries
from chamber.relationships import queries as relationship_queries
from chamber.relationships.suggestions import next_step
from chamber.relationships.why import why


def committees_panel(member) -> Panel:
    """My committees, and for leads the join requests waiting for them."""
    memberships = committee_queries.member_memberships(member)
    waiting = committee_queries.pending_join_request_counts(
        [m.committee_id for m in memberships if m.role.leads]
    )
    return Panel(
        "portal/_panel_committees.html",
        {"memberships": memberships, "join_requests_waiting": waiting},
    )


def schedule_panel(member) -> Panel:
    """Next meetings, the shifts I signed up for, and open shifts of my committees."""
    return Panel(
        "meetings/_panel_schedule.html",
        {
            "meetings": meeting_queries.upcoming_meetings(member, limit=5),
            "my_shifts": project_queries.my_upcoming_shifts(member, limit=5),
            "open_shifts": project_queries.open_shifts_for(member, limit=3),
        },
    )


def hours_panel(member) -> Panel:
    """Approved and pending hours this year; this quarter's interactions by mode."""
    today = chamber_today()
    since = quarter_start(today)
    hours = contribution_queries.approved_hours_by_mode(member, since)
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
            "totals": contribution_queries.member_totals(member, today),
            "balance": balance,
            "in_person_share": share,
            "quarter_start": since,
        },
    )


def to_confirm_panel(member) -> Panel:
    """One-to-ones other members logged with me, waiting for my answer."""
    return Panel(
        "one_to_ones/_panel_to_confirm.html",
        {"to_confirm": one_to_one_queries.to_confirm(member)},
    )


def referrals_panel(member) -> Panel:
    """Open referrals received, won this year (count and value) and what my referrals won."""
    year_start = chamber_today().replace(month=1, day=1)
    given_since, _ = local_day_bounds(year_start, None)
    summary = referral_queries.member_summary(member, year_start, given_since)
    return Panel("referrals/_panel.html", {"summary": summary})


def notifications_panel(member) -> Panel:
    recent = notification_queries.notification_page(member, 1).items[:5]
    return Panel("portal/_panel_notifications.html", {"notifications": recent})


def network_panel(member) -> Panel:
    """My strongest ties with their why, my in-person share and one next step."""
    today = chamber_today()
    ties = relationship_queries.strongest_ties(member, limit=3)
    return Panel(
        "relationships/_panel_network.html",
        {
            "ties": [(tie.other(member.id), why(tie, today)) for tie in ties],
            "balance": relationship_queries.balance(member),
            "step": next_step(member, today),
        },
    )


DASHBOARD_PANELS = [
    committees_panel,
    schedule_panel,
    hours_panel,
    to_confirm_panel,
    referrals_panel,
    network_panel,
    notifications_panel,
]
