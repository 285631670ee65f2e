"""The demo chamber tells a believable story: a moderate, noisy link between hours and
referrals received, with members who break the pattern (the demo is synthetic)."""

from __future__ import annotations

import statistics

import sqlalchemy as sa

from chamber.demo.seed import seed_chamber
from chamber.localtime import chamber_today
from chamber.referrals.models import Referral
from chamber.reports.givers_gain import build_givers_gain
from chamber.reports.scope import Scope, ScopeKind, trailing_months


def test_small_demo_has_a_moderate_noisy_givers_gain_effect(app, db):
    seed_chamber(size="small", seed=2026)
    # The whole demo period (18 months): every referral counts, so ρ is less noisy.
    first, last = trailing_months(chamber_today(), 18)
    report = build_givers_gain(Scope(ScopeKind.CHAMBER, first, last))
    assert report.correlation.n >= 80
    assert 0.15 <= report.correlation.rho <= 0.6, report.correlation
    assert report.correlation.p_value < 0.05
    # member_rows: (member_id, hours, referrals received, closed value, quartile)
    top = [row[2] for row in report.member_rows if row[4] == 4]
    bottom = [row[2] for row in report.member_rows if row[4] == 1]
    bottom_mean = sum(bottom) / len(bottom)
    top_mean = sum(top) / len(top)
    assert top_mean > bottom_mean  # giving pays, on average
    # ... but not for everyone: busy volunteers with few referrals, quiet members with many.
    assert any(received <= bottom_mean for received in top)
    # (a quiet member "with many": at least what the busiest quarter's typical member gets)
    top_median = statistics.median(top)
    assert any(received >= top_median for received in bottom), (top_median, top_mean)


def test_demo_referrals_carry_their_local_day(app, db):
    seed_chamber(size="small", seed=3)
    missing = db.session.scalar(
        sa.select(sa.func.count()).select_from(Referral).where(Referral.given_on.is_(None))
    )
    assert missing == 0
    latest = db.session.scalar(sa.select(sa.func.max(Referral.given_on)))
    assert latest <= chamber_today()
