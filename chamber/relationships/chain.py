"""How you are connected: the chain of working ties from one member to another.

At most four hops over the working ties (the ones the GraphML export holds: strength today at
least RELATIONSHIP_WORKING_MIN, between active members); fewest hops first and, among those,
the chain whose weakest tie is strongest (ties broken by the lower member ids, so the answer
is stable). Only the ties around the two ends are read: every chain of up to four hops
v - x1 - x2 - x3 - t uses ties touching v, t, a neighbour of v or a neighbour of t.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import networkx as nx

from chamber.committees.models import Committee
from chamber.localtime import chamber_today
from chamber.members.models import Member
from chamber.relationships import queries
from chamber.relationships.models import Tie
from chamber.relationships.why import why

MAX_HOPS = 4


def find_chain(viewer_id: int, target_id: int, today: date) -> list[int] | None:
    """The member ids from viewer to target, or None when not connected within 4 hops."""
    if viewer_id == target_id:
        return None
    floor = queries.working_floor(today)
    graph = nx.Graph()
    near = queries.working_ties_of([viewer_id, target_id], floor)
    graph.add_weighted_edges_from(near, weight="score")
    if not graph.has_node(viewer_id) or not graph.has_node(target_id):
        return None
    neighbours = (set(graph[viewer_id]) | set(graph[target_id])) - {viewer_id, target_id}
    graph.add_weighted_edges_from(
        queries.working_ties_of(sorted(neighbours), floor), weight="score"
    )
    from_viewer = nx.single_source_shortest_path_length(graph, viewer_id, cutoff=MAX_HOPS)
    if target_id not in from_viewer:
        return None
    hops = from_viewer[target_id]
    from_target = nx.single_source_shortest_path_length(graph, target_id, cutoff=hops)
    on_a_shortest = {
        node: distance
        for node, distance in from_viewer.items()
        if distance + from_target.get(node, MAX_HOPS + 1) == hops
    }
    # Widest path over the layers of shortest chains: best[n] = the strongest weakest tie of
    # a shortest chain from the viewer to n.
    best: dict[int, float] = {viewer_id: float("inf")}
    previous: dict[int, int] = {}
    layers: dict[int, list[int]] = {}
    for node, distance in on_a_shortest.items():
        layers.setdefault(distance, []).append(node)
    for distance in range(1, hops + 1):
        for node in sorted(layers.get(distance, [])):
            for before in sorted(graph[node]):
                if on_a_shortest.get(before) != distance - 1:
                    continue
                value = min(best[before], graph[before][node]["score"])
                if node not in best or value > best[node]:
                    best[node], previous[node] = value, before
    chain = [target_id]
    while chain[-1] != viewer_id:
        chain.append(previous[chain[-1]])
    return list(reversed(chain))


@dataclass
class Hop:
    member: Member
    next_member: Member
    tie: Tie
    why: str
    strength: float


@dataclass
class Connection:
    """What the profile shows: the chain (members from viewer to target, hops with their
    why), or no chain and the committees that would connect the two."""

    members: list[Member] = field(default_factory=list)
    hops: list[Hop] = field(default_factory=list)
    committees: list[tuple[Committee, bool]] = field(default_factory=list)  # (c, I serve)

    @property
    def found(self) -> bool:
        return bool(self.hops)

    @property
    def introducer(self) -> Member | None:
        """Who to ask for an introduction: the first person after me, when there is one
        between us."""
        return self.members[1] if len(self.members) > 2 else None


def connection(viewer: Member, target: Member, today: date) -> Connection:
    """The chain from viewer to target with each hop's why (a few statements, whatever the
    size of the chamber), or the committees that would connect them."""
    ids = find_chain(viewer.id, target.id, today) if target.is_active else None
    if not ids:
        mine = {c.id for c in queries.committees_of(viewer.id)}
        return Connection(committees=[(c, c.id in mine) for c in queries.committees_of(target.id)])
    people = queries.members_by_id(ids)
    pairs = list(zip(ids, ids[1:], strict=False))
    ties = queries.ties_for_pairs(pairs)
    hops = []
    for a, b in pairs:
        tie = ties[(min(a, b), max(a, b))]
        hops.append(
            Hop(people[a], people[b], tie, why(tie, today), queries.tie_strength(tie, today))
        )
    return Connection(members=[people[i] for i in ids], hops=hops)


def connection_for_profile(viewer: Member, target: Member) -> Connection | None:
    """How the viewer is connected to the member whose profile they read (None on one's own
    profile, or for a viewer without a network)."""
    if viewer.id == target.id or not viewer.is_active:
        return None
    return connection(viewer, target, chamber_today())
