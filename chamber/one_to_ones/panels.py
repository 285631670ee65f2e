"""Dashboard panel: one-to-ones other members logged with me, waiting for my answer."""

from __future__ import annotations

from chamber.one_to_ones import queries
from chamber.portal.panel import Panel


def to_confirm_panel(member):

    return Panel("one_to_ones/_panel_to_confirm.html", {"to_confirm": queries.to_confirm(member)})
