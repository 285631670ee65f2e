"""The member dashboard's panels: each feature contributes one, listed here explicitly.

A panel is a function `panel(member) -> Panel`; the dashboard renders each panel's template
with its context. Order here is the order on the page.
"""

from __future__ import annotations

from chamber.committees import queries as committee_queries
from chamber.contributions.panels import hours_panel
from chamber.meetings.panels import schedule_panel
from chamber.notifications import queries as notification_queries
from chamber.one_to_ones.panels import to_confirm_panel
from chamber.portal.panel import Panel
from chamber.referrals.panels import referrals_panel
from chamber.relationships import queries as relationship_queries
from chamber.relationships.engine import today as chamber_today
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
