"""Demo data: the relationships follow from the seeded work, by one full rebuild at the end
(and the connectors and picture layouts the network pages read)."""

from __future__ import annotations

from chamber.relationships import engine, network
from chamber.seeding import SeedContext


def seed_relationships(ctx: SeedContext) -> None:
    """Derive every tie from what the other steps seeded (bulk inserts send no signals)."""
    entries, ties = engine.rebuild()
    network.refresh(force=True)  # the connectors and picture layouts the pages read
    ctx.counts["relationship entries"] = entries
    ctx.counts["relationship ties"] = ties
