"""Report figures computed again in plain Python from the fixture's own lists (no SQL, no
scipy): what the reports must agree with."""

from __future__ import annotations

import math
from datetime import date
from decimal import Decimal

from chamber.contributions.models import ContributionStatus
from chamber.referrals.models import ReferralStatus

OPEN = {ReferralStatus.GIVEN, ReferralStatus.CONTACTED, ReferralStatus.MEETING}


def six_months_before(day: date) -> date:
    year, month = (day.year, day.month - 6) if day.month > 6 else (day.year - 1, day.month + 6)
    while True:
        try:
            return date(year, month, day.day)
        except ValueError:
            day = day.replace(day=day.day - 1)


def within(day, first, last) -> bool:
    return first <= day <= last


def approved_hours(world, member_id, first, last) -> Decimal:
    return sum(
        (
            c["hours"]
            for c in world.contributions
            if c["member"] == member_id
            and c["status"] is ContributionStatus.APPROVED
            and within(c["day"], first, last)
        ),
        Decimal(0),
    )


def givers_gain(world, first, last, population=None) -> dict[int, dict]:
    cutoff = six_months_before(last)
    cohort = [
        m
        for m in world.members.values()
        if m["is_active"]
        and not m["is_staff"]
        and m["joined_on"] <= cutoff
        and (population is None or m["id"] in population)
    ]
    rows = {}
    for m in cohort:
        received = [
            r for r in world.referrals if r["receiver"] == m["id"] and within(r["day"], first, last)
        ]
        rows[m["id"]] = {
            "hours": approved_hours(world, m["id"], first, last),
            "received": len(received),
            "closed_value": sum(r["value"] for r in received if r["status"] is ReferralStatus.WON),
            "given": sum(
                1
                for r in world.referrals
                if r["giver"] == m["id"] and within(r["day"], first, last)
            ),
        }
    n = len(rows)
    for row in rows.values():
        fewer = sum(1 for other in rows.values() if other["hours"] < row["hours"])
        row["quartile"] = 1 + (4 * fewer) // n
    return rows


def average_ranks(values: list[float]) -> list[float]:
    order = sorted(range(len(values)), key=lambda i: values[i])
    ranks = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        for k in range(i, j + 1):
            ranks[order[k]] = (i + j) / 2 + 1
        i = j + 1
    return ranks


def pearson(xs: list[float], ys: list[float]) -> float:
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    return sxy / math.sqrt(sxx * syy)


def spearman(xs, ys) -> float:
    return pearson(average_ranks([float(x) for x in xs]), average_ranks([float(y) for y in ys]))


def two_sided_p(rho: float, n: int) -> float:
    """Student's t with n − 2 degrees of freedom, its density integrated by Simpson's rule."""
    df = n - 2
    t = abs(rho) * math.sqrt(df / max(1e-300, 1 - rho * rho))
    density = lambda x: (  # noqa: E731
        math.gamma((df + 1) / 2)
        / (math.sqrt(df * math.pi) * math.gamma(df / 2))
        * (1 + x * x / df) ** (-(df + 1) / 2)
    )
    steps = 4000
    h = t / steps
    area = density(0) + density(t)
    for i in range(1, steps):
        area += (4 if i % 2 else 2) * density(i * h)
    return 1 - 2 * area * h / 3


def involved(world, first, last, population=None) -> list[dict]:
    return [
        r
        for r in world.referrals
        if within(r["day"], first, last)
        and (population is None or r["giver"] in population or r["receiver"] in population)
    ]


def summary(world, first, last, population=None) -> dict:
    referrals = involved(world, first, last, population)
    won = [r for r in referrals if r["status"] is ReferralStatus.WON]
    lost = sum(1 for r in referrals if r["status"] is ReferralStatus.LOST)
    unreachable = sum(1 for r in referrals if r["status"] is ReferralStatus.UNREACHABLE)
    days = sorted((r["closed_on"] - r["day"]).days for r in won)
    median = None
    if days:
        middle = len(days) // 2
        median = days[middle] if len(days) % 2 else (days[middle - 1] + days[middle]) / 2
    decided = len(won) + lost + unreachable
    return {
        "given": len(referrals),
        "won": len(won),
        "lost": lost,
        "unreachable": unreachable,
        "open": sum(1 for r in referrals if r["status"] in OPEN),
        "win_rate": len(won) / decided if decided else None,
        "closed_value": sum(r["value"] for r in won),
        "median_days": median,
    }


def monthly(world, first, last, population=None) -> dict[str, tuple[int, int, int]]:
    months: dict[str, list[int]] = {}
    for r in involved(world, first, last, population):
        key = f"{r['day']:%b %Y}"
        counts = months.setdefault(key, [0, 0, 0])
        counts[0] += 1
        if r["status"] is ReferralStatus.WON:
            counts[1] += 1
            counts[2] += r["value"]
    return {k: tuple(v) for k, v in months.items()}


def attribution(world, first, last) -> dict[object, list[dict]]:
    """Committee id (or None) -> the referrals attributed to it."""
    first_work: dict[tuple[int, int], date] = {}
    for c in world.contributions:
        if c["status"] is ContributionStatus.APPROVED and c["day"] <= last:
            key = (c["member"], c["committee"])
            first_work[key] = min(first_work.get(key, c["day"]), c["day"])
    result: dict[object, list[dict]] = {}
    for r in involved(world, first, last):
        committee = r["how"]
        if committee is None:
            shared = []
            for cid in world.committees:
                g, rc = first_work.get((r["giver"], cid)), first_work.get((r["receiver"], cid))
                if g and rc and g <= r["day"] and rc <= r["day"]:
                    shared.append((max(g, rc), cid))
            committee = min(shared)[1] if shared else None
        result.setdefault(committee, []).append(r)
    return result
