"""How you are connected: fewest hops, then the strongest weakest tie; at most 4 hops over
the working ties; deactivated members skipped; the fixed markup. A property test compares the
chain with a plain networkx definition on random small networks."""

from __future__ import annotations

import re
from itertools import combinations, pairwise

import networkx as nx
import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chamber.extensions import db
from chamber.localtime import chamber_today
from chamber.relationships.chain import MAX_HOPS, connection, find_chain
from chamber.relationships.models import Tie


@pytest.fixture
def people(make_member):
    return [make_member(full_name=f"Person {letter}") for letter in "ABCDEFGH"]


def _ids(chain, people):
    return [people.index(next(p for p in people if p.id == i)) for i in chain]


def test_fewest_hops_win_over_stronger_longer_chains(people, make_tie):
    a, b, c, d, *_ = people
    make_tie(a, b, 1.5)
    make_tie(b, d, 1.5)  # 2 hops, weak
    make_tie(a, c, 9.0)
    make_tie(c, people[4], 9.0)
    make_tie(people[4], d, 9.0)  # 3 hops, strong
    assert _ids(find_chain(a.id, d.id, chamber_today()), people) == [0, 1, 3]


def test_among_the_shortest_the_strongest_weakest_tie_wins(people, make_tie):
    a, b, c, d, *_ = people
    make_tie(a, b, 10.0)
    make_tie(b, d, 1.2)  # weakest link 1.2
    make_tie(a, c, 2.0)
    make_tie(c, d, 2.5)  # weakest link 2.0: this one
    assert _ids(find_chain(a.id, d.id, chamber_today()), people) == [0, 2, 3]


def test_equal_chains_are_broken_by_the_lower_member_id(people, make_tie):
    a, b, c, d, *_ = people
    for middle in (c, b):
        make_tie(a, middle, 3.0)
        make_tie(middle, d, 3.0)
    assert _ids(find_chain(a.id, d.id, chamber_today()), people) == [0, 1, 3]


def test_three_hops_the_strongest_weakest_tie_then_the_lower_ids(people, make_tie):
    a, b, c, d, e, f, *_ = people
    make_tie(a, b, 5.0)
    make_tie(b, c, 1.5)
    make_tie(c, f, 5.0)  # a-b-c-f: weakest 1.5
    make_tie(a, d, 3.0)
    make_tie(d, e, 4.0)
    make_tie(e, f, 3.0)  # a-d-e-f: weakest 3.0, this one
    today = chamber_today()
    assert _ids(find_chain(a.id, f.id, today), people) == [0, 3, 4, 5]
    assert _ids(find_chain(f.id, a.id, today), people) == [5, 4, 3, 0]
    make_tie(b, e, 3.0)  # a-b-e-f: weakest 3.0 too, and b comes before d
    assert _ids(find_chain(a.id, f.id, today), people) == [0, 1, 4, 5]


def test_four_hops_the_strongest_weakest_tie_then_the_lower_ids(people, make_tie):
    a, b, c, d, e, f, g, h = people
    for chain_, strength in (((a, b, c, d, h), 2.0), ((a, e, f, g, h), 6.0)):
        for first, second in pairwise(chain_):
            make_tie(first, second, strength)
    today = chamber_today()
    assert _ids(find_chain(a.id, h.id, today), people) == [0, 4, 5, 6, 7]
    make_tie(e, c, 6.0)
    make_tie(c, g, 6.0)  # a-e-c-g-h: weakest 6.0 too, and c comes before f
    assert _ids(find_chain(a.id, h.id, today), people) == [0, 4, 2, 6, 7]
    assert _ids(find_chain(h.id, a.id, today), people) == [7, 6, 2, 4, 0]


def test_four_hops_at_most_and_weak_ties_do_not_count(people, make_tie):
    chain_of_six = people[:6]
    for first, second in zip(chain_of_six, chain_of_six[1:], strict=False):
        make_tie(first, second, 2.0)
    today = chamber_today()
    assert len(find_chain(people[0].id, people[4].id, today)) == 5  # 4 hops
    assert find_chain(people[0].id, people[5].id, today) is None  # 5 hops: too far
    make_tie(people[6], people[7], 0.5)  # below RELATIONSHIP_WORKING_MIN (1.0)
    assert find_chain(people[6].id, people[7].id, today) is None


def test_deactivated_members_are_skipped(people, make_tie, work):
    a, b, c, d, *_ = people
    make_tie(a, b, 5.0)
    make_tie(b, d, 5.0)
    make_tie(a, c, 2.0)
    make_tie(c, d, 2.0)
    work.set_active(b, False)  # the engine drops b's ties (he has no sources: all of them)
    assert _ids(find_chain(a.id, d.id, chamber_today()), people) == [0, 2, 3]


def test_not_connected_names_the_committees_that_would_connect_us(
    people, make_committee, client, login
):
    a, _b, _c, d, *_ = people
    garden = make_committee(name="Garden Club", slug="garden-club", members=[d])
    found = connection(a, d, chamber_today())
    assert not found.found
    assert [(c.name, mine) for c, mine in found.committees] == [(garden.name, False)]
    login(a)
    html = client.get(f"/network/introductions/new?to={d.id}").get_data(as_text=True)
    assert "Not connected yet." in html
    assert "Garden Club" in html
    assert "connection-chain" not in html


def test_the_chain_is_an_ordered_list_of_profile_links_from_me_to_them(
    people, make_tie, client, login
):
    a, b, c, d, *_ = people
    make_tie(a, b, 4.0, shift_hours=14.0, meetings=5)
    make_tie(b, c, 4.0)
    make_tie(c, d, 4.0)
    login(a)
    html = client.get(f"/network/introductions/new?to={d.id}").get_data(as_text=True)
    chain = re.search(r'<ol class="connection-chain">(.*?)</ol>', html, re.S).group(1)
    assert re.findall(r'href="/members/(\d+)"', chain) == [str(p.id) for p in (a, b, c, d)]
    assert "14 h together, 5 meetings, last in person today" in chain
    assert f"{b.full_name} is the first person on the chain" in html


def test_every_profile_shows_how_we_are_connected(people, make_tie, client, login):
    a, b, c, *_ = people
    make_tie(a, b, 3.0)
    make_tie(b, c, 3.0)
    login(a)
    html = client.get(f"/members/{c.id}").get_data(as_text=True)
    chain = re.search(r'<ol class="connection-chain">(.*?)</ol>', html, re.S).group(1)
    assert re.findall(r'href="/members/(\d+)"', chain) == [str(a.id), str(b.id), str(c.id)]
    assert f"Ask {b.full_name} for an introduction" in html
    stranger = client.get(f"/members/{people[5].id}").get_data(as_text=True)
    assert "Not connected yet." in stranger and "connection-chain" not in stranger
    own = client.get(f"/members/{a.id}").get_data(as_text=True)
    assert "How you are connected" not in own


# The definition, plainly: every shortest path (networkx), the strongest weakest tie, then the
# lowest ids in order from the viewer.


def reference_chain(graph: nx.Graph, viewer: int, target: int) -> list[int] | None:
    if viewer == target or not nx.has_path(graph, viewer, target):
        return None
    paths = list(nx.all_shortest_paths(graph, viewer, target))
    if len(paths[0]) - 1 > MAX_HOPS:
        return None
    return min(paths, key=lambda p: (-min(graph[x][y]["strength"] for x, y in pairwise(p)), p))


NETWORK_SIZE = 8
# Few distinct strengths, so that chains often tie; 0.5 is below the working minimum (1.0).
networks = st.dictionaries(
    st.sampled_from(list(combinations(range(NETWORK_SIZE), 2))),
    st.sampled_from([0.5, 1.5, 2.0, 3.0, 8.0]),
    max_size=16,
)


@pytest.fixture
def crowd(make_member):
    return [make_member(full_name=f"Member {n}") for n in range(NETWORK_SIZE)]


# The members are made once per test; each example starts from no ties at all.
@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(network=networks)
def test_the_chain_is_the_plain_definition_on_random_networks(crowd, make_tie, network):
    db.session.execute(sa.delete(Tie))
    db.session.commit()
    graph = nx.Graph()
    for (i, j), strength in network.items():
        make_tie(crowd[i], crowd[j], strength, commit=False)
        if strength >= 1.0:  # a working tie (RELATIONSHIP_WORKING_MIN)
            graph.add_edge(crowd[i].id, crowd[j].id, strength=strength)
    db.session.commit()
    graph.add_nodes_from(member.id for member in crowd)
    today = chamber_today()
    for viewer in crowd:
        for target in crowd:
            found = find_chain(viewer.id, target.id, today)
            assert found == reference_chain(graph, viewer.id, target.id), (viewer.id, target.id)
