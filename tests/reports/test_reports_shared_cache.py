"""Built reports shared between web workers (REPORTS_SHARE_BUILT): a report one worker built
answers another one's view, and a change of data shows on the next view in every worker.

"Another worker" is this process with its own memory of built reports emptied: what is left
is the shared cache, Flask-Caching's SimpleCache (which pickles, as Redis does) or, when one
answers, Redis itself (TEST_REDIS_URL, by default redis://127.0.0.1:6379/7, under a key
prefix of this test process)."""

from __future__ import annotations

import os
from datetime import timedelta

import pytest

from chamber.referrals.models import ReferralStatus
from chamber.reports import charts
from chamber.reports.cache import ReportCache
from chamber.reports.views import REPORTS
from tests.reports.conftest import today

PAGES = list(REPORTS)  # the slugs, in the order of the reports menu
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/7")


def _redis_or_skip() -> None:
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5).ping()
    except redis.exceptions.RedisError:
        pytest.skip(f"no Redis at {REDIS_URL}")


@pytest.fixture(params=["SimpleCache", "RedisCache"])
def shared_cache(request, app, monkeypatch):
    """The reports' cache of the web workers, with built reports shared."""
    if request.param == "RedisCache":
        _redis_or_skip()
        config = {
            "CACHE_TYPE": "RedisCache",
            "CACHE_REDIS_URL": REDIS_URL,
            "CACHE_KEY_PREFIX": f"chamber-test-{os.getpid()}:",
        }
    else:
        config = {"CACHE_TYPE": "SimpleCache"}
    cache = ReportCache()
    cache.init_app(app, config=config | {"CACHE_DEFAULT_TIMEOUT": 300})
    monkeypatch.setattr(charts, "cache", cache)
    monkeypatch.setitem(app.config, "REPORTS_SHARE_BUILT", True)
    yield cache
    cache.clear()


@pytest.mark.parametrize("slug", PAGES)
def test_report_built_by_one_worker_answers_another_until_the_data_changes(
    client, login, world, count_queries, shared_cache, slug
):
    staff = world.member("Sam Staff", is_staff=True)
    lead, member = world.member("Lena Lead"), world.member("Mo Member")
    events = world.committee("Events", chair=lead, members=[member])
    world.contribution(member, events, 3, today() - timedelta(days=4))
    world.referral(
        member, lead, today() - timedelta(days=2), status=ReferralStatus.WON, value_cents=99_00
    )
    login(staff)
    with count_queries() as building:
        before = client.get(f"/reports/{slug}.csv").data
    shared_cache.built.clear()  # another worker: nothing built in its own memory
    with count_queries() as shared:
        assert client.get(f"/reports/{slug}.csv").data == before
    assert shared.count < building.count  # not built again: the first worker's report
    page = client.get(f"/reports/{slug}").get_data(as_text=True)

    # A change for every report: a member (network, engagement, givers gain), their hours
    # (committee health) and a referral with a shared committee (summary, 2, 4).
    newcomer = world.member("Nell Newcomer")
    world.contribution(newcomer, events, 5, today() - timedelta(days=3))
    world.referral(
        newcomer, lead, today() - timedelta(days=1), status=ReferralStatus.WON, value_cents=123_45
    )
    shared_cache.built.clear()  # the next view comes to a worker with nothing of its own
    after = client.get(f"/reports/{slug}.csv").data
    assert after != before
    assert client.get(f"/reports/{slug}").get_data(as_text=True) != page
    shared_cache.clear()  # what a build from scratch shows
    assert client.get(f"/reports/{slug}.csv").data == after
