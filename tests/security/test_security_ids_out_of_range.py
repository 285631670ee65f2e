"""Issue 12 finding 1 / SECURITY row 30: an id beyond the database's integer range is a 404 or
a field error, never a 500 — in the path of every route, in query strings and in posted id
lists. Run as a signed-in staff member, who may reach every page."""

from __future__ import annotations

import pytest
from werkzeug.routing import IntegerConverter

from tests.conftest import csrf_token

# 2^63 (one past SQLite's and PostgreSQL's bigint) and a 20-digit number; 2^31 is one past the
# integer columns ids live in.
HUGE_IDS = ("9223372036854775808", "99999999999999999999", "2147483648")


@pytest.fixture
def staff_in_a_committee(client, login, make_member, make_committee, make_contribution):
    staff = make_member(is_staff=True)
    member = make_member()
    committee = make_committee(slug="committee-a", chair=staff, members=[member])
    make_contribution(member=member, committee=committee)
    login(staff)
    return committee


def _status(client, url: str, method: str = "GET", data=None):
    """The response's status; an exception the test app propagates counts as the 500 it is."""
    try:
        return client.open(url, method=method, data=data).status_code
    except Exception as error:  # noqa: BLE001 - reported by the test as a 500
        return f"500 {type(error).__name__}"


def _int_rules(app):
    rules = [
        rule
        for rule in app.url_map.iter_rules()
        if any(isinstance(c, IntegerConverter) for c in rule._converters.values())
    ]
    return sorted(rules, key=lambda rule: rule.rule)


def _path(rule, number: str, slug: str) -> str:
    """The rule's path with `number` in every int part, built by hand: url_for would refuse it."""
    path = rule.rule
    for name, converter in rule._converters.items():
        if isinstance(converter, IntegerConverter):
            path = path.replace(f"<int:{name}>", number)
        else:
            path = path.replace(f"<{name}>", slug)
    return path


def test_every_route_with_an_int_id_answers_404_to_ids_out_of_range(
    app, client, staff_in_a_committee
):
    token = csrf_token(client)
    rules = _int_rules(app)
    assert len(rules) >= 25  # the walk covers the routes, not a few of them
    outcomes = []
    for rule in rules:
        for number in HUGE_IDS:
            url = _path(rule, number, staff_in_a_committee.slug)
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                data = {"csrf_token": token} if method != "GET" else None
                outcomes.append((method, url, _status(client, url, method, data)))
    wrong = [outcome for outcome in outcomes if outcome[2] != 404]
    assert not wrong, wrong


def test_the_id_converter_still_takes_ids_in_range(client, login, make_member):
    member = make_member()
    login(make_member())
    assert client.get(f"/members/{member.id}").status_code == 200
    assert client.get("/members/2147483647").status_code == 404  # in range, no such member
    assert client.get("/members/0").status_code == 404
    assert client.get("/members/-1").status_code == 404


QUERY_IDS = ("committee", "to", "page", "member", "project", "year")


def test_query_string_ids_out_of_range_never_give_a_500(app, client, staff_in_a_committee):
    slug = staff_in_a_committee.slug
    urls = sorted(
        _path(rule, "1", slug)
        for rule in app.url_map.iter_rules()
        if "GET" in rule.methods and rule.endpoint != "static"
    )
    assert len(urls) >= 40
    wrong = []
    for url in urls:
        for number in HUGE_IDS:
            query = "&".join(f"{name}={number}" for name in QUERY_IDS)
            status = _status(client, f"{url}?{query}")
            if status != 200 and not 300 <= int(str(status)[:3]) < 500:
                wrong.append((url, number, status))
    assert not wrong, wrong


def test_a_posted_id_list_out_of_range_is_refused_not_a_500(
    client, db, staff_in_a_committee, make_contribution
):
    from chamber.contributions.models import Contribution, ContributionStatus

    url = f"/committees/{staff_in_a_committee.slug}/manage/approvals"
    token = csrf_token(client, url)
    for number in HUGE_IDS:
        for decision in ("approve", f"approve-{number}"):
            data = {"csrf_token": token, "contribution_ids": [number], "decision": decision}
            status = _status(client, url, "POST", data)
            assert status in (302, 400, 404), (number, decision, status)
    statuses = set(db.session.scalars(db.select(Contribution.status)))
    assert statuses == {ContributionStatus.PENDING}  # nothing was decided
