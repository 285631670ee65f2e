"""Every manage page of committee work: a lead of committee A and a plain member get 403 on
committee B's pages; B's own lead gets in."""

from __future__ import annotations

import pytest

from chamber.contributions.models import ContributionStatus

FEATURES = ("meetings.manage", "projects.manage", "contributions.manage")


@pytest.fixture
def two_committees(
    make_member, make_committee, make_meeting, make_project, make_shift, make_contribution
):
    lead_a, lead_b, member = make_member(), make_member(), make_member()
    make_committee(lead=lead_a, members=[member])
    committee_b = make_committee(lead=lead_b, members=[member])
    project = make_project(committee_b)
    ids = {
        "slug": committee_b.slug,
        "meeting_id": make_meeting(committee_b).id,
        "project_id": project.id,
        "shift_id": make_shift(project).id,
    }
    make_contribution(member, committee_b, status=ContributionStatus.PENDING)
    return {"lead_a": lead_a, "lead_b": lead_b, "member": member, "ids": ids}


def _manage_requests(app, ids):
    """(method, url) for every manage endpoint of committee work, filled with B's objects."""
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith(FEATURES):
            continue
        url = rule.build({name: ids[name] for name in rule.arguments}, append_unknown=False)[1]
        method = "GET" if "GET" in rule.methods else "POST"
        yield rule.endpoint, method, url


def test_every_manage_endpoint_is_covered(app, two_committees):
    endpoints = {endpoint for endpoint, *_ in _manage_requests(app, two_committees["ids"])}
    assert len(endpoints) >= 14


@pytest.mark.parametrize("who", ["lead_a", "member"])
def test_outsiders_get_403_on_every_manage_page(app, client, post, login, two_committees, who):
    login(two_committees[who])
    for endpoint, method, url in _manage_requests(app, two_committees["ids"]):
        response = client.get(url) if method == "GET" else post(url, {})
        assert response.status_code == 403, (endpoint, url, response.status_code)
        if method == "GET":  # its POST twin (forms on the same URL) is refused too
            assert post(url, {}).status_code in (403, 405), (endpoint, url)


def test_the_committees_own_lead_gets_in(app, client, login, two_committees):
    login(two_committees["lead_b"])
    for endpoint, method, url in _manage_requests(app, two_committees["ids"]):
        if method == "GET":
            assert client.get(url).status_code == 200, (endpoint, url)


def test_anonymous_visitor_is_sent_to_sign_in(app, client, two_committees):
    for endpoint, method, url in _manage_requests(app, two_committees["ids"]):
        if method == "GET":
            response = client.get(url)
            assert response.status_code == 302, endpoint
            assert "/login" in response.headers["Location"]
