"""Spearman's ρ and its p-value as the givers-gain report computes them (ranks by bisection,
Pearson from the standard library, the t tail from mpmath) equal scipy.stats.spearmanr's, ties
and all; scipy itself stays out of the web workers (issue 14: about 70 MB each)."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest
from scipy import stats

from chamber.reports.givers_gain import MemberFigures, average_ranks, spearman


def _members(hours, received):
    return [
        MemberFigures(i, f"Member {i}", Decimal(str(h)), r, 0, 0)
        for i, (h, r) in enumerate(zip(hours, received, strict=True))
    ]


@pytest.mark.parametrize("n", [3, 4, 7, 12, 40, 300, 2000])
@pytest.mark.parametrize("seed", range(4))
def test_rho_and_p_equal_scipy(n, seed):
    rng = random.Random(seed * 1000 + n)
    hours = [rng.choice([0, 0, 1.5, 2, 4, 8, 8, 16.25, rng.uniform(0, 60)]) for _ in range(n)]
    received = [max(0, int(h / 8) + rng.randint(-1, 3)) for h in hours]
    if len(set(hours)) < 2 or len(set(received)) < 2:
        pytest.skip("undefined with constant data (checked below)")
    result = stats.spearmanr(hours, received)
    mine = spearman(_members(hours, received))
    assert mine.n == n
    assert mine.rho == pytest.approx(result.statistic, abs=1e-12)
    assert mine.p_value == pytest.approx(result.pvalue, rel=1e-9, abs=1e-300)


def test_perfect_and_reversed_order_give_p_zero():
    up = spearman(_members([1, 2, 3, 4, 5], [2, 4, 6, 8, 10]))
    down = spearman(_members([1, 2, 3, 4, 5], [9, 7, 5, 3, 1]))
    assert (up.rho, up.p_value) == (pytest.approx(1.0), 0.0)
    assert (down.rho, down.p_value) == (pytest.approx(-1.0), 0.0)


def test_undefined_with_fewer_than_three_or_constant_data():
    assert spearman(_members([1, 2], [1, 2])).rho is None
    assert spearman(_members([3, 3, 3, 3], [1, 2, 3, 4])).rho is None
    assert spearman(_members([1, 2, 3, 4], [0, 0, 0, 0])).p_value is None


def test_tied_values_share_the_mean_of_their_ranks():
    assert average_ranks([10, 20, 20, 5, 20]) == [2.0, 4.0, 4.0, 1.0, 4.0]
    assert average_ranks([1.5, 1.5]) == list(stats.rankdata([1.5, 1.5]))


def test_the_web_app_computes_it_without_scipy():
    """A fresh process that creates the app and computes the correlation never imports scipy
    (or numpy)."""
    import subprocess
    import sys
    import textwrap

    script = textwrap.dedent(
        """
        import sys
        from decimal import Decimal
        from chamber import create_app
        from chamber.reports.givers_gain import MemberFigures, spearman
        create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
        members = [MemberFigures(i, "M", Decimal(i % 7), i % 5, 0, 0) for i in range(50)]
        assert spearman(members).p_value is not None
        print(sorted(m for m in ("scipy", "numpy") if m in sys.modules))
        """
    )
    done = subprocess.run(  # noqa: S603 - this interpreter, a fixed script
        [sys.executable, "-c", script], capture_output=True, text=True, check=False, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == "[]"
