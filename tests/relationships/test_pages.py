"""The network pages as members and staff see them."""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET

import networkx as nx
import pytest

from chamber.enums import WorkMode
from chamber.localtime import chamber_today
from tests.relationships.conftest import IN_PERSON, ONLINE, days_ago


def test_my_network_lists_ties_by_strength_with_why_and_balance(
    make_member, make_committee, make_project, work, client, login
):
    ana = make_member(full_name="Ana Ruiz")
    ben = make_member(full_name="Ben Okafor")
    cy = make_member(full_name="Cy Lee")
    committee = make_committee(members=[ana, ben, cy])
    project = make_project(committee, name="Spring Clean-Up")
    day = chamber_today().replace(day=1)
    work.hours(ana, committee, project, 14, day)
    work.hours(ben, committee, project, 14, day)
    meeting = work.meeting(committee, days_ago(21))
    work.attend(meeting, {ana: IN_PERSON, ben: IN_PERSON, cy: ONLINE})
    login(ana)
    html = client.get("/network").get_data(as_text=True)
    assert html.index("Ben Okafor") < html.index("Cy Lee")  # strongest first
    assert "14 h together on Spring Clean-Up, 1 meeting, last in person" in html
    assert "only online so far" in html  # Ana and Cy met online only
    assert re.search(r"\d+% in person</strong>", html)
    assert "You have worked 14 h with Ben Okafor and never met one-to-one: book one." in html


def test_my_network_as_of_a_past_day_reads_the_ledger(make_member, work, client, login):
    ana, ben = make_member(), make_member(full_name="Ben Okafor")
    work.one_to_one(ana, ben, days_ago(10))
    login(ana)
    before = client.get(f"/network?as_of={days_ago(20).isoformat()}").get_data(as_text=True)
    assert "No ties on that day." in before
    after = client.get(f"/network?as_of={days_ago(5).isoformat()}").get_data(as_text=True)
    assert re.search(r'class="past-ties">\s*<li><a href="/members/\d+">Ben Okafor', after)
    future = client.get(f"/network?as_of={chamber_today().isoformat()}").get_data(as_text=True)
    assert "Choose a day before today." in future
    garbage = client.get("/network?as_of=not-a-day")
    assert garbage.status_code == 200
    assert "Not a valid date value." in garbage.get_data(as_text=True)


def test_network_page_query_count_is_flat(
    make_member, make_tie, client, login, post, count_queries
):
    counts = []
    for n in (2, 200):
        me = make_member()
        others = [make_member() for _ in range(n)]
        for other in others:
            make_tie(me, other, 2.0)
        login(me)
        with count_queries() as counted:
            client.get("/network")
        counts.append(counted.count)
        post("/logout")
    assert counts[0] == counts[1]


def _svg(html: str) -> ET.Element:
    svg = re.search(r"<svg xmlns.*?</svg>", html, re.S).group(0)
    return ET.fromstring(svg)  # noqa: S314 - our own page


def test_committee_picture_is_well_formed_names_its_list_and_uses_no_inline_style(
    make_member, make_committee, work, client, login, post
):
    people = [make_member(full_name=f"Helper {i}") for i in range(4)]
    outsider = make_member()
    committee = make_committee(name="Parks", slug="parks", members=people)
    meeting = work.meeting(committee, days_ago(3))
    work.attend(meeting, {people[0]: IN_PERSON, people[1]: IN_PERSON, people[2]: ONLINE})
    login(people[0])
    response = client.get("/network/committees/parks")
    html = response.get_data(as_text=True)
    svg = _svg(html)
    ns = "{http://www.w3.org/2000/svg}"
    assert len(svg.findall(f".//{ns}line")) == 3
    assert len(svg.findall(f".//{ns}circle")) == 4
    assert len(svg.findall(f".//{ns}line[@stroke-dasharray]")) == 2  # online: dashed
    assert "style=" not in html and "<style" not in html
    list_html = html[html.index('class="tie-list"') :]
    for person in people:
        assert person.full_name in list_html
        assert person.full_name in ET.tostring(svg, encoding="unicode")
    assert "Helper 3" in html[html.index("No tie inside the committee yet") :]
    post("/logout")
    login(outsider)
    assert client.get("/network/committees/parks").status_code == 403


def test_staff_see_committees_connectors_and_members_at_risk(
    make_member, make_committee, make_tie, client, login, post, staff
):
    a, b, c, d = (make_member(full_name=f"Person {x}") for x in "ABCD")
    make_member(full_name="Lonely Larry")
    make_committee(name="Events", slug="events", members=[a, b, c])
    make_committee(name="Schools", slug="schools", members=[c, d])
    make_tie(a, c, 3.0)
    make_tie(b, c, 3.0)
    make_tie(c, d, 3.0)
    login(staff)
    html = client.get("/staff/network").get_data(as_text=True)
    _svg(html)
    assert "Events – Schools: 1 shared" in html
    connectors = html[html.index('class="connectors"') :]
    assert connectors.index("Person C") < connectors.index("</ol>")
    at_risk = html[html.index('class="plain-list at-risk"') :]
    assert "Lonely Larry" in at_risk
    assert "Person A" not in at_risk
    post("/logout")
    login(a)
    assert client.get("/staff/network").status_code == 403
    assert client.get("/staff/network.graphml").status_code == 403


def test_graphml_reads_back_with_the_same_edges_and_fixed_attributes(
    make_member, work, client, login, staff
):
    ana, ben, cy = make_member(full_name="Ana"), make_member(), make_member()
    work.one_to_one(ana, ben, chamber_today(), mode=WorkMode.ONLINE)
    work.win(work.give(ana, ben))
    work.one_to_one(ana, cy, chamber_today())
    login(staff)
    response = client.get("/staff/network.graphml")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    graph = nx.read_graphml(io.BytesIO(response.data))
    names = {data["member_id"]: data["name"] for _node, data in graph.nodes(data=True)}
    assert names[ana.id] == "Ana"
    edges = {
        frozenset((graph.nodes[u]["member_id"], graph.nodes[v]["member_id"])): data
        for u, v, data in graph.edges(data=True)
    }
    assert set(edges) == {frozenset((ana.id, ben.id)), frozenset((ana.id, cy.id))}
    tie = edges[frozenset((ana.id, ben.id))]
    assert set(tie) >= {
        "strength",
        "in_person_share",
        "first_together",
        "last_together",
        "shift_hours",
        "project_hours",
        "meetings",
        "one_to_ones",
        "referrals",
    }
    # (3 x 0.5 online + 2 + 3 won) x 1.25 (one-to-ones and referrals: two contexts)
    assert tie["strength"] == pytest.approx(6.5 * 1.25)
    assert tie["one_to_ones"] == 1 and tie["referrals"] == 1
    assert tie["in_person_share"] == 0.0
    assert tie["last_together"] == chamber_today().isoformat()


def test_dashboard_shows_my_network_and_a_next_step(make_member, client, login):
    me = make_member()
    login(me)
    html = client.get("/dashboard").get_data(as_text=True)
    assert "My network" in html
    assert "Join a committee and come to its next meeting" in html


def test_committee_and_staff_pages_statements_do_not_grow(
    make_member, make_committee, make_tie, client, login, post, staff, count_queries
):
    counts = {}
    for n in (2, 200):
        people = [make_member() for _ in range(n)]
        committee = make_committee(members=people)
        for first, second in zip(people, people[1:], strict=False):
            make_tie(first, second, 2.0)
        login(people[0])
        client.get(f"/network/committees/{committee.slug}")  # pictures cached (warm)
        with count_queries() as counted:
            assert client.get(f"/network/committees/{committee.slug}").status_code == 200
        post("/logout")
        login(staff)
        client.get("/staff/network")
        with count_queries() as staff_counted:
            assert client.get("/staff/network").status_code == 200
        post("/logout")
        counts[n] = (counted.count, staff_counted.count)
    assert counts[2] == counts[200]
