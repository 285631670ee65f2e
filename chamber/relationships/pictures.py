"""Network pictures: inline SVG drawn on the server from stored layouts.

The positions come from relationship_snapshots (networkx spring layouts with a fixed seed,
made by the relationships worker: chamber/relationships/network.py); the lines, their widths
and colours, and every number in the titles and lists are read from the ties at request time,
so they are never older than the data. A member or committee that joined after the last
layout is placed on the picture's bottom edge until the worker lays it out again. No inline
styles (the CSP forbids them): colours come from classes in static/css/relationships.css,
with presentation attributes as the fallback; online ties are also dashed, so the picture
reads without colour.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from markupsafe import Markup, escape

from chamber.committees.models import Committee
from chamber.members.models import Member
from chamber.relationships import network, queries

WIDTH, HEIGHT, MARGIN = network.WIDTH, network.HEIGHT, network.MARGIN
IN_PERSON_COLOUR, ONLINE_COLOUR = "#1b6f5c", "#b45309"


def _svg(title: str, lines: list[str], nodes: list[str]) -> Markup:
    return Markup(  # noqa: S704  # nosec B704  # built from escaped parts only
        f'<svg xmlns="http://www.w3.org/2000/svg" class="network-picture" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{escape(title)}">'
        f"<title>{escape(title)}</title>"
        f'<g class="ties">{"".join(lines)}</g><g class="nodes">{"".join(nodes)}</g></svg>'
    )


def _places(name: str, ids: list[int], today: date) -> dict[int, tuple[float, float]]:
    """Stored positions of `ids`; the ones not laid out yet spread along the bottom edge."""
    stored = network.read(name, queries.version(), today)
    known = stored.body.get("positions", {}) if stored is not None else {}
    places = {i: tuple(known[str(i)]) for i in ids if str(i) in known}
    missing = [i for i in ids if i not in places]
    step = (WIDTH - 2 * MARGIN) / max(len(missing), 1)
    for index, node in enumerate(missing):
        places[node] = (round(MARGIN + step * (index + 0.5), 1), float(HEIGHT - MARGIN / 2))
    return places


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
    places = _places(network.committee_layout_name(committee.id), list(by_id), today)
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
    svg = _svg(f"Ties between the members of {committee.name}", drawn, nodes)
    return svg, lines, people


def chamber_picture(today: date) -> tuple[Markup, list, list]:
    """The chamber as committees joined by shared members (width = members shared)."""
    committees, links = queries.committee_links()
    names = {cid: name for cid, name, _n in committees}
    places = _places(network.CHAMBER_LAYOUT, list(names), today)
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
    svg = _svg("Committees joined by the members they share", drawn, nodes)
    ordered_links = sorted(links, key=lambda link: (-link[2], names[link[0]], names[link[1]]))
    return svg, committees, [(names[a], names[b], shared) for a, b, shared in ordered_links]


@dataclass
class Connectors:
    ranked: list[tuple[Member, float]]
    computed_at: object  # None: never computed
    current: bool


def connectors(today: date) -> Connectors:
    """The connectors as the worker last ranked them, and whether the ties changed since."""
    stored = network.read(network.CONNECTORS, queries.version(), today)
    if stored is None:
        return Connectors([], None, False)
    ranked = stored.body.get("ranked", [])
    people = queries.members_by_id([member_id for member_id, _score in ranked])
    return Connectors(
        [(people[m], score) for m, score in ranked if m in people and people[m].is_active],
        stored.computed_at,
        stored.current,
    )
