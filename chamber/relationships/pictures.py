"""Network pictures: inline SVG drawn on the server, laid out by networkx with a fixed seed,
cached (relationship_snapshots) until the ties change. No inline styles (the CSP forbids
them): colours come from classes in static/css/relationships.css, with presentation
attributes as the fallback; online ties are also dashed, so the picture reads without colour.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

import networkx as nx
import sqlalchemy as sa
from markupsafe import Markup, escape

from chamber.committees.models import Committee
from chamber.db import utcnow
from chamber.extensions import db
from chamber.members.models import Member
from chamber.relationships import queries
from chamber.relationships.models import NetworkSnapshot, Tie

SEED = 7
WIDTH, HEIGHT, MARGIN = 640, 460, 40
IN_PERSON_COLOUR, ONLINE_COLOUR = "#1b6f5c", "#b45309"


def _cached(name: str, compute) -> tuple[str, object]:
    """The snapshot `name` for the current version of the ties, computed when missing or
    stale and stored in a short transaction of its own."""
    version = queries.version()
    snapshot = queries.snapshot(name)
    if snapshot is not None and snapshot.version == version:
        return snapshot.body, snapshot.computed_at
    body = compute()
    now = utcnow()
    with db.engine.begin() as connection:
        connection.execute(sa.delete(NetworkSnapshot).where(NetworkSnapshot.name == name))
        connection.execute(
            sa.insert(NetworkSnapshot).values(
                name=name, version=version, computed_at=now, body=body
            )
        )
    return body, now


def _positions(graph: nx.Graph, weight: str | None = "weight") -> dict:
    if graph.number_of_nodes() == 0:
        return {}
    if graph.number_of_nodes() == 1:
        return {node: (WIDTH / 2, HEIGHT / 2) for node in graph}
    layout = nx.spring_layout(graph, seed=SEED, weight=weight)
    xs = [x for x, _ in layout.values()]
    ys = [y for _, y in layout.values()]
    span_x, span_y = (max(xs) - min(xs)) or 1.0, (max(ys) - min(ys)) or 1.0

    def scale(value, low, span, size):
        return MARGIN + (value - low) / span * (size - 2 * MARGIN)

    return {
        node: (
            round(scale(x, min(xs), span_x, WIDTH), 1),
            round(scale(y, min(ys), span_y, HEIGHT), 1),
        )
        for node, (x, y) in layout.items()
    }


def _svg(title: str, lines: list[str], nodes: list[str]) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="network-picture" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{escape(title)}">'
        f"<title>{escape(title)}</title>"
        f'<g class="ties">{"".join(lines)}</g><g class="nodes">{"".join(nodes)}</g></svg>'
    )


def _short(name: str) -> str:
    parts = name.split()
    return f"{parts[0]} {parts[-1][0]}." if len(parts) > 1 else name


@dataclass
class TieLine:
    first: Member
    second: Member
    strength: float
    in_person: bool


def committee_picture(committee: Committee, today: date) -> tuple[Markup, list[TieLine], list]:
    """A committee's members and their ties: width = strength today, colour and dash = mostly
    in person or online. Returns the SVG, the ties as a text list and the members."""
    people, ties = queries.committee_people_and_ties(committee)
    by_id = {person.id: person for person in people}
    lines = [
        TieLine(
            by_id[tie.member_a_id],
            by_id[tie.member_b_id],
            queries.tie_strength(tie, today),
            tie.in_person_share >= 0.5,
        )
        for tie in ties
        if tie.member_a_id in by_id and tie.member_b_id in by_id
    ]
    lines.sort(key=lambda line: (-line.strength, line.first.id, line.second.id))

    def draw() -> str:
        graph = nx.Graph()
        graph.add_nodes_from(by_id)
        for line in lines:
            graph.add_edge(line.first.id, line.second.id, weight=line.strength)
        places = _positions(graph)
        strongest = max((line.strength for line in lines), default=1.0) or 1.0
        drawn = []
        for line in lines:
            (x1, y1), (x2, y2) = places[line.first.id], places[line.second.id]
            width = round(1 + 5 * line.strength / strongest, 2)
            kind = "in-person" if line.in_person else "online"
            dash = "" if line.in_person else ' stroke-dasharray="6 4"'
            colour = IN_PERSON_COLOUR if line.in_person else ONLINE_COLOUR
            drawn.append(
                f'<line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" class="tie tie-{kind}" '
                f'stroke="{colour}" stroke-width="{width}"{dash}>'
                f"<title>{escape(line.first.full_name)} – {escape(line.second.full_name)}: "
                f"{line.strength:.1f}</title></line>"
            )
        nodes = []
        for person in people:
            x, y = places[person.id]
            nodes.append(
                f'<circle cx="{x}" cy="{y}" r="7" class="node" fill="#1f2937">'
                f"<title>{escape(person.full_name)}</title></circle>"
                f'<text x="{x}" y="{y - 11}" class="node-label" text-anchor="middle">'
                f"{escape(_short(person.full_name))}</text>"
            )
        return _svg(f"Ties between the members of {committee.name}", drawn, nodes)

    svg, _at = _cached(f"committee:{committee.id}", draw)
    return Markup(svg), lines, people  # noqa: S704  # nosec B704  # escaped parts only


def chamber_picture() -> tuple[Markup, list, list]:
    """The chamber as committees joined by shared members (width = members shared)."""
    committees, links = queries.committee_links()
    names = {cid: name for cid, name, _n in committees}

    def draw() -> str:
        graph = nx.Graph()
        graph.add_nodes_from(names)
        for first, second, shared in links:
            graph.add_edge(first, second, weight=shared)
        places = _positions(graph)
        most = max((shared for _a, _b, shared in links), default=1) or 1
        biggest = max((n for _c, _name, n in committees), default=1) or 1
        drawn = [
            f'<line x1="{places[a][0]}" y1="{places[a][1]}" x2="{places[b][0]}" '
            f'y2="{places[b][1]}" class="tie tie-shared" stroke="#64748b" '
            f'stroke-width="{round(1 + 5 * shared / most, 2)}">'
            f"<title>{escape(names[a])} – {escape(names[b])}: {shared} shared</title></line>"
            for a, b, shared in links
        ]
        nodes = []
        for cid, name, size in committees:
            x, y = places[cid]
            nodes.append(
                f'<circle cx="{x}" cy="{y}" r="{round(6 + 12 * size / biggest, 1)}" '
                f'class="node node-committee" fill="#1f2937"><title>{escape(name)}: '
                f"{size} members</title></circle>"
                f'<text x="{x}" y="{y - 16}" class="node-label" text-anchor="middle">'
                f"{escape(name)}</text>"
            )
        return _svg("Committees joined by the members they share", drawn, nodes)

    svg, _at = _cached("chamber", draw)
    ordered_links = sorted(links, key=lambda link: (-link[2], names[link[0]], names[link[1]]))
    return (
        Markup(svg),  # noqa: S704  # nosec B704  # built from escaped parts only
        committees,
        [(names[a], names[b], shared) for a, b, shared in ordered_links],
    )


def connectors(today: date, limit: int = 20):
    """The members who bridge the chamber: betweenness over the working ties (sampled with a
    fixed seed on a big chamber), cached until the ties change. [(member, score)]."""

    def compute() -> str:
        floor = queries.working_floor(today)
        graph = nx.Graph()
        graph.add_edges_from(
            (a, b)
            for a, b in db.session.execute(
                sa.select(Tie.member_a_id, Tie.member_b_id).where(Tie.score_log2 >= floor)
            )
        )
        if graph.number_of_nodes() < 3:
            return "[]"
        k = min(graph.number_of_nodes(), 64)
        scores = nx.betweenness_centrality(graph, k=k, seed=SEED)
        top = sorted(scores.items(), key=lambda item: (-item[1], item[0]))[:limit]
        return json.dumps([[member_id, round(score, 6)] for member_id, score in top if score > 0])

    body, computed_at = _cached("connectors", compute)
    ranked = json.loads(body)
    people = queries.members_by_id([member_id for member_id, _score in ranked])
    return [(people[m], score) for m, score in ranked if m in people], computed_at
