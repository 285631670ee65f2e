"""The dashboard panel: open referrals waiting for me, what I won this year and its value."""

from __future__ import annotations

from chamber.referrals import queries
from chamber.referrals.services import chamber_today
from chamber.templating import chamber_zone


def referrals_panel(member):
    """Open referrals received, won this year (count and value) and what my referrals won."""
    # Imported here because chamber.portal.panels imports this module to list the panels.
    from chamber.portal.panels import Panel

    year_start = chamber_today().replace(month=1, day=1)
    given_since, _ = queries.utc_bounds(year_start, None, chamber_zone())
    summary = queries.member_summary(member, year_start, given_since)
    return Panel("referrals/_panel.html", {"summary": summary})
