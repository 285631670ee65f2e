"""How you are connected: the chain of working ties from one member to another.

At most four hops over the working ties (the ones the GraphML export holds: strength today at
least RELATIONSHIP_WORKING_MIN; only active members have ties, so deactivated members are
never on a chain); fewest hops first and, among those, the chain whose weakest tie is
strongest; among chains equal in both, the first by member ids from the viewer on (so the
answer is stable).

The search expands from both ends, a layer at a time, and stops as soon as the layers meet;
each step reads only the ties it needs with indexed statements:

1. the ties of the viewer and of the target (a chain of one or two hops uses nothing else);
2. the ties between a neighbour of the viewer and a neighbour of the target (three hops:
   a handful of rows, looked up pair by pair in the primary key);
3. only then the ties of both ends' neighbours (four hops: v - x1 - m - x3 - t).

After each step the ties read hold every tie of every chain of that length, so the best
chain among them is the best chain of all.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from chamber.committees import queries as committee_queries
from chamber.committees.models import Committee
from chamber.localtime import chamber_today
from chamber.members.models import Member
from chamber.relationships import queries
from chamber.relationships.models import Tie
from chamber.relationships.why import why

MAX_HOPS = 4

Graph = dict[int, dict[int, float]]  # member id -> {neighbour id: the tie's score}


def find_chain(viewer_id: int, target_id: int, today: date) -> list[int] | None:
    """The member ids from viewer to target, or None when not connected within 4 hops."""
    if viewer_id == target_id:
        return None
    floor = queries.working_floor(today)
    graph: Graph = defaultdict(dict)

    def read(rows) -> bool:
        for a, b, score in rows:
            graph[a][b] = graph[b][a] = score
        return bool(rows)

    read(queries.working_ties_of([viewer_id, target_id], floor))
    near_viewer, near_target = set(graph[viewer_id]), set(graph[target_id])
    if not near_viewer or not near_target:
        return None
    if target_id in near_viewer or near_viewer & near_target:
        return best_chain(graph, viewer_id, target_id)
    if not read(queries.working_ties_between(near_viewer, near_target, floor)):
        read(queries.working_ties_of(sorted(near_viewer | near_target), floor))
    return best_chain(graph, viewer_id, target_id)


def _distances(graph: Graph, source: int, cutoff: int) -> dict[int, int]:
    """Hops from `source` to every member within `cutoff` (breadth first)."""
    distance = {source: 0}
    layer = [source]
    for hops in range(1, cutoff + 1):
        following = []
        for node in layer:
            for other in graph.get(node, ()):
                if other not in distance:
                    distance[other] = hops
                    following.append(other)
        layer = following
    return distance


def best_chain(graph: Graph, viewer_id: int, target_id: int) -> list[int] | None:
    """The best chain in `graph` (fewest hops up to MAX_HOPS, then the strongest weakest tie,
    then the lowest member ids from the viewer on), or None."""
    from_viewer = _distances(graph, viewer_id, MAX_HOPS)
    hops = from_viewer.get(target_id)
    if hops is None:
        return None
    from_target = _distances(graph, target_id, hops)
    # The members on some shortest chain, by their distance from the viewer.
    layers: list[list[int]] = [[] for _ in range(hops + 1)]
    for node, distance in from_viewer.items():
        if distance <= hops and from_target.get(node) == hops - distance:
            layers[distance].append(node)
    # onward[n]: the strongest weakest tie of a shortest chain from n to the target.
    onward = {target_id: float("inf")}
    for distance in range(hops - 1, -1, -1):
        for node in layers[distance]:
            onward[node] = max(
                min(score, onward[other])
                for other, score in graph[node].items()
                if from_viewer.get(other) == distance + 1 and other in onward
            )
    weakest = onward[viewer_id]
    # Walk from the viewer, each time to the lowest id that keeps the chain at its best.
    chain = [viewer_id]
    for distance in range(1, hops + 1):
        chain.append(
            min(
                other
                for other, score in graph[chain[-1]].items()
                if from_viewer.get(other) == distance
                and other in onward
                and min(score, onward[other]) >= weakest
            )
        )
    return chain


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
        served = committee_queries.memberships_by_member([viewer.id, target.id])
        mine = {membership.committee_id for membership in served.get(viewer.id, [])}
        return Connection(
            committees=[(m.committee, m.committee_id in mine) for m in served.get(target.id, [])]
        )
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
