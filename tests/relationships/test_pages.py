"""The network pages as members and staff see them."""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET

import networkx as nx
import pytest

from chamber.enums import WorkMode
from chamber.extensions import db
from chamber.localtime import chamber_today
from chamber.relationships import network
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
    assert "has not ranked the connectors yet" in html  # the worker has not run
    assert 'class="connectors"' not in html
    assert "Events – Schools: 1 shared" in html  # counted at request time all the same
    network.refresh()  # one round of `flask --app chamber relationships-worker`
    db.session.commit()
    html = client.get("/staff/network").get_data(as_text=True)
    _svg(html)
    assert "Events – Schools: 1 shared" in html
    connectors = html[html.index('class="connectors"') :]
    assert connectors.index("Person C") < connectors.index("</ol>")
    assert "ranking the connectors again" not in html
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
    # buffered: the test client reads the streamed body inside the request's own context
    response = client.get("/staff/network.graphml", buffered=True)
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


def test_graphml_is_what_networkx_writes_for_the_same_graph(
    make_member, make_committee, work, client, login, staff, monkeypatch
):
    """The export is streamed a few hundred rows at a time; networkx reads it back exactly as
    it reads its own file of the same graph (same nodes, edges, values and value types)."""
    from chamber.relationships import graphml

    monkeypatch.setattr(graphml, "ROWS_PER_CHUNK", 2)
    people = [make_member(full_name=f'Zoë <{i}> & "Co"') for i in range(6)]
    make_member(full_name="No Ties")
    committee = make_committee(members=people)
    for trio in (people[:3], people[3:]):
        work.attend(work.meeting(committee, days_ago(3)), {p: IN_PERSON for p in trio})
    work.one_to_one(people[0], people[3], days_ago(1), mode=WorkMode.ONLINE)
    login(staff)
    response = client.get("/staff/network.graphml", buffered=True)
    streamed = nx.read_graphml(io.BytesIO(response.data))

    expected = nx.Graph()
    for node, data in streamed.nodes(data=True):
        expected.add_node(node, **data)
    for u, v, data in streamed.edges(data=True):
        expected.add_edge(u, v, **data)
    written = io.BytesIO()
    nx.write_graphml(expected, written)
    by_networkx = nx.read_graphml(io.BytesIO(written.getvalue()))
    assert streamed.number_of_nodes() == 7 + 1  # and the staff member
    assert streamed.number_of_edges() == 3 + 3 + 1
    assert dict(streamed.nodes(data=True)) == dict(by_networkx.nodes(data=True))
    assert {frozenset((u, v)): d for u, v, d in streamed.edges(data=True)} == {
        frozenset((u, v)): d for u, v, d in by_networkx.edges(data=True)
    }
    some = next(iter(streamed.edges(data=True)))[2]
    assert isinstance(some["strength"], float) and isinstance(some["meetings"], int)
    assert 'Zoë <0> & "Co"' in {d["name"] for _n, d in streamed.nodes(data=True)}


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


def test_staff_page_says_when_the_connectors_are_older_than_the_ties(
    make_member, make_committee, work, client, login, staff
):
    a, b, c, d = (make_member(full_name=f"Person {x}") for x in "ABCD")
    committee = make_committee(members=[a, b, c, d])
    work.one_to_one(a, b, days_ago(2))
    work.one_to_one(b, c, days_ago(2))
    network.refresh()
    db.session.commit()
    login(staff)
    html = client.get("/staff/network").get_data(as_text=True)
    ranked = html[
        html.index('class="connectors"') : html.index("</ol>", html.index('class="connectors"'))
    ]
    assert "Person B" in ranked and re.search(r'class="muted">\d\.\d{3}<', ranked)
    work.attend(work.meeting(committee, days_ago(1)), {c: IN_PERSON, d: IN_PERSON})
    html = client.get("/staff/network").get_data(as_text=True)
    assert "The ties have changed since" in html
    ranked = html[
        html.index('class="connectors"') : html.index("</ol>", html.index('class="connectors"'))
    ]
    assert not re.search(r"\d\.\d{3}", ranked)  # no score from the older ties
    network.refresh()  # the worker's next round
    db.session.commit()
    html = client.get("/staff/network").get_data(as_text=True)
    assert "The ties have changed since" not in html
    ranked = html[
        html.index('class="connectors"') : html.index("</ol>", html.index('class="connectors"'))
    ]
    assert "Person C" in ranked  # now between B and D


def test_network_pages_do_no_whole_network_computation(
    make_member, make_committee, make_tie, work, client, login, post, staff, monkeypatch
):
    """Betweenness and layouts need the whole graph in memory: the worker makes them, a web
    page only reads what it stored (and draws members laid out since on the bottom edge)."""
    people = [make_member(full_name=f"Helper {i}") for i in range(3)]
    committee = make_committee(name="Parks", slug="parks", members=people)
    make_tie(people[0], people[1], 2.0)
    network.refresh()
    db.session.commit()
    late = make_member(full_name="Late Joiner")
    make_committee(name="Schools", slug="schools", members=[late, people[0]])
    make_tie(late, people[0], 2.0)

    def forbidden(*_args, **_kwargs):
        raise AssertionError("computed inside a web request")

    monkeypatch.setattr(nx, "betweenness_centrality", forbidden)
    monkeypatch.setattr(nx, "spring_layout", forbidden)
    login(staff)
    for path in ("/staff/network", "/network/committees/parks", "/network/committees/schools"):
        response = client.get(path)
        assert response.status_code == 200, path
        svg = _svg(response.get_data(as_text=True))
        assert svg.findall(".//{http://www.w3.org/2000/svg}circle")
    assert client.get("/staff/network.graphml", buffered=True).status_code == 200
    assert committee.id
