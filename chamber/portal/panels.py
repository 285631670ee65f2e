"""The member dashboard's panels, listed here explicitly; each reads what it shows from the
features' queries (the portal sits above them all).

A panel is a function `panel(member, figures) -> Panel`; the dashboard reads the figures once
(chamber.portal.figures: one statement for every count on the page), then renders each
panel's template with its context. Order here is the order on the page.
"""

from __future__ import annotations

from functools import cache

import sqlalchemy as sa
from flask import g
from sqlalchemy.orm import contains_eager

from chamber.committees.models import (
    Committee,
    CommitteeMembership,
    JoinRequest,
    JoinRequestStatus,
)
from chamber.contributions import queries as contribution_queries
from chamber.extensions import db
from chamber.meetings import queries as meeting_queries
from chamber.notifications.models import Notification
from chamber.one_to_ones import queries as one_to_one_queries
from chamber.portal.figures import Figures, dashboard_figures
from chamber.portal.panel import Panel
from chamber.projects import queries as project_queries
from chamber.relationships import queries as relationship_queries
from chamber.relationships.suggestions import next_step
from chamber.relationships.why import why


@cache
def _committees_statement() -> sa.Select:
    """committees.queries.member_memberships with each committee's waiting join requests
    (pending_join_request_counts) in the same statement; built once per process."""
    waiting_requests = (
        sa.select(sa.func.count())
        .where(
            JoinRequest.committee_id == CommitteeMembership.committee_id,
            JoinRequest.status == JoinRequestStatus.PENDING,
        )
        .scalar_subquery()
    )
    return (
        sa.select(CommitteeMembership, waiting_requests)
        .join(CommitteeMembership.committee)
        .options(contains_eager(CommitteeMembership.committee))
        .where(
            CommitteeMembership.member_id == sa.bindparam("member_id"),
            Committee.is_archived.is_(False),
        )
        .order_by(Committee.name)
    )


def committees_panel(member, figures: Figures) -> Panel:
    """My committees, and for leads the join requests waiting for them."""
    rows = db.session.execute(_committees_statement(), {"member_id": member.id}).all()
    memberships = [membership for membership, _ in rows]
    waiting = {m.committee_id: n for m, n in rows if m.role.leads and n}
    return Panel(
        "portal/_panel_committees.html",
        {"memberships": memberships, "join_requests_waiting": waiting},
    )


def schedule_panel(member, figures: Figures) -> Panel:
    """Next meetings, the shifts I signed up for, and open shifts of my committees."""
    return Panel(
        "meetings/_panel_schedule.html",
        {
            "meetings": meeting_queries.upcoming_meetings(member, limit=5),
            "my_shifts": project_queries.my_upcoming_shifts(member, limit=5),
            "open_shifts": project_queries.open_shifts_for(member, limit=3),
        },
    )


def hours_panel(member, figures: Figures) -> Panel:
    """Approved and pending hours this year; this quarter's interactions by mode."""
    balance = {
        "in_person": {
            "hours": figures.hours_in_person,
            "meetings": figures.meetings_in_person,
            "one_to_ones": figures.one_to_ones_in_person,
        },
        "online": {
            "hours": figures.hours_online,
            "meetings": figures.meetings_online,
            "one_to_ones": figures.one_to_ones_online,
        },
    }
    in_person = sum(float(v) for v in balance["in_person"].values())
    online = sum(float(v) for v in balance["online"].values())
    share = round(100 * in_person / (in_person + online)) if in_person + online else None
    return Panel(
        "contributions/_panel_hours.html",
        {
            "totals": contribution_queries.member_totals(member, figures.today),
            "balance": balance,
            "in_person_share": share,
            "quarter_start": figures.quarter_start,
        },
    )


def to_confirm_panel(member, figures: Figures) -> Panel:
    """One-to-ones other members logged with me, waiting for my answer."""
    return Panel(
        "one_to_ones/_panel_to_confirm.html",
        {"to_confirm": one_to_one_queries.to_confirm(member)},
    )


def referrals_panel(member, figures: Figures) -> Panel:
    """Open referrals received, won this year (count and value) and what my referrals won."""
    return Panel("referrals/_panel.html", {"summary": figures.referrals})


@cache
def _notifications_statement() -> sa.Select:
    """The five latest with the unread count over all of them; built once per process."""
    unread = sa.func.count().filter(Notification.read_at.is_(None)).over()
    return (
        sa.select(Notification, unread)
        .where(Notification.member_id == sa.bindparam("member_id"))
        .order_by(Notification.created_at.desc(), Notification.id.desc())
        .limit(5)
    )


def notifications_panel(member, figures: Figures) -> Panel:
    """The five latest; the header's unread count comes with them (one statement)."""
    rows = db.session.execute(_notifications_statement(), {"member_id": member.id}).all()
    g.unread_notifications = rows[0][1] if rows else 0
    return Panel("portal/_panel_notifications.html", {"notifications": [n for n, _ in rows]})


def network_panel(member, figures: Figures) -> Panel:
    """My strongest ties with their why, my in-person share and one next step."""
    ties = relationship_queries.strongest_ties(member, limit=10)  # next_step reads 10
    balance = relationship_queries.Balance(figures.ties_in_person, figures.ties_online)
    return Panel(
        "relationships/_panel_network.html",
        {
            "ties": [(tie.other(member.id), why(tie, figures.today)) for tie in ties[:3]],
            "balance": balance,
            "step": next_step(member, figures.today, strongest=ties, balance=balance),
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


def dashboard_panels(member) -> list[Panel]:
    figures = dashboard_figures(member)
    return [panel(member, figures) for panel in DASHBOARD_PANELS]
