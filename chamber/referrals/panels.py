"""The dashboard panel: open referrals waiting for me, what I won this year and its value."""

from __future__ import annotations

from chamber.localtime import chamber_today, local_day_bounds
from chamber.portal.panel import Panel
from chamber.referrals import queries


def referrals_panel(member):
    """Open referrals received, won this year (count and value) and what my referrals won."""

    year_start = chamber_today().replace(month=1, day=1)
    given_since, _ = local_day_bounds(year_start, None)
    summary = queries.member_summary(member, year_start, given_since)
    return Panel("referrals/_panel.html", {"summary": summary})
