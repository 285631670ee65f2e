"""Demo data: the relationships follow from the seeded work, by one full rebuild at the end."""

from __future__ import annotations

from chamber.relationships import engine
from chamber.seeding import SeedContext


def seed_relationships(ctx: SeedContext) -> None:
    """Derive every tie from what the other steps seeded (bulk inserts send no signals)."""
    entries, ties = engine.rebuild()
    ctx.counts["relationship entries"] = entries
    ctx.counts["relationship ties"] = ties
