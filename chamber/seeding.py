"""What every demo seeding step shares: sizes, safe e-mail domains, the run's context and
bulk inserts. Feature demo modules import this; chamber.demo.seed lists their steps."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

import sqlalchemy as sa
from faker import Faker

from chamber.extensions import db

# Reserved example domains (RFC 2606): demo e-mail can never reach a real person, even when a
# demo chamber is run with a real SMTP server configured.
DEMO_EMAIL_DOMAINS = ("example.com", "example.org", "example.net")

SIZES = {
    "small": {"members": 120, "committees": 8, "months": 18},
    "large": {"members": 5000, "committees": 60, "months": 36},
}


@dataclass
class SeedContext:
    """What one seeding run shares between steps."""

    size: str
    rng: random.Random
    fake: Faker
    today: date
    months: int
    echo: Callable[[str], None]
    member_ids: list[int] = field(default_factory=list)
    committee_ids: list[int] = field(default_factory=list)
    # committee id -> member ids on it (chairs/leads first)
    rosters: dict[int, list[int]] = field(default_factory=dict)
    leads: dict[int, list[int]] = field(default_factory=dict)
    demo: dict[str, int] = field(default_factory=dict)  # "director"/"chair"/"member" -> id
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def start(self) -> date:
        return self.today - timedelta(days=self.months * 30)

    def random_day(self, after: date | None = None) -> date:
        first = max(after or self.start, self.start)
        span = (self.today - first).days
        return first + timedelta(days=self.rng.randint(0, max(span, 0)))


def bulk_insert(model, rows: list[dict], batch: int = 5000) -> None:
    for start in range(0, len(rows), batch):
        db.session.execute(sa.insert(model), rows[start : start + batch])
