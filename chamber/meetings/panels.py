"""Dashboard panel: my committees' next meetings and shifts."""

from __future__ import annotations

from chamber.meetings import queries
from chamber.portal.panel import Panel
from chamber.projects import queries as project_queries


def schedule_panel(member):
    """Next meetings, the shifts I signed up for, and open shifts of my committees."""

    return Panel(
        "meetings/_panel_schedule.html",
        {
            "meetings": queries.upcoming_meetings(member, limit=5),
            "my_shifts": project_queries.my_upcoming_shifts(member, limit=5),
            "open_shifts": project_queries.open_shifts_for(member, limit=3),
        },
    )
