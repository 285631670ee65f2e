"""The relationship graph for network tools (Gephi, Cytoscape), written by networkx.

Nodes: active members with `member_id` and `name`. Edges: the working ties with `strength`
(as of today), `in_person_share`, `first_together`, `last_together` and the amount from each
source (`shift_hours`, `project_hours`, `meetings`, `one_to_ones`, `referrals`,
`referrals_won`). DESIGN.md fixes these names.
"""

from __future__ import annotations

import io
from datetime import date

import networkx as nx

from chamber.relationships import queries


def relationship_graph(today: date) -> nx.Graph:
    graph = nx.Graph()
    for member_id, name in queries.active_members():
        graph.add_node(member_id, member_id=member_id, name=name)
    for tie in queries.working_ties(queries.working_floor(today)):
        if tie.member_a_id not in graph or tie.member_b_id not in graph:
            continue
        graph.add_edge(
            tie.member_a_id,
            tie.member_b_id,
            strength=round(queries.tie_strength(tie, today), 6),
            in_person_share=round(tie.in_person_share, 6),
            first_together=tie.first_on.isoformat(),
            last_together=tie.last_on.isoformat(),
            shift_hours=float(tie.shift_hours),
            project_hours=float(tie.project_hours),
            meetings=int(tie.meetings),
            one_to_ones=int(tie.one_to_ones),
            referrals=int(tie.referrals),
            referrals_won=int(tie.referrals_won),
        )
    return graph


def graphml_bytes(today: date) -> bytes:
    buffer = io.BytesIO()
    nx.write_graphml(relationship_graph(today), buffer, encoding="utf-8", prettyprint=False)
    return buffer.getvalue()
