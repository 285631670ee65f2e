"""Dashboard panel: one-to-ones other members logged with me, waiting for my answer."""

from __future__ import annotations

from chamber.one_to_ones import queries


def to_confirm_panel(member):
    # Imported here because chamber.portal.panels imports this module to list the panels.
    from chamber.portal.panels import Panel

    return Panel("one_to_ones/_panel_to_confirm.html", {"to_confirm": queries.to_confirm(member)})
