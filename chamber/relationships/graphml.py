"""The relationship graph for network tools (Gephi, Cytoscape), in networkx's GraphML dialect.

Nodes: active members with `member_id` and `name`. Edges: the working ties with `strength`
(as of today), `in_person_share`, `first_together`, `last_together` and the amount from each
source (`shift_hours`, `project_hours`, `meetings`, `one_to_ones`, `referrals`,
`referrals_won`). DESIGN.md fixes these names.

The file is written while it is sent, straight from the kept ties (relationship_ties), a few
hundred rows at a time: the web process never holds the whole graph (a networkx graph of the
large demo chamber takes well over 100 MB), and the strengths are today's. The attribute set
is fixed, so the keys are declared up front with the ids and types networkx gives them
(int -> long, float -> double, str -> string); networkx, Gephi and Cytoscape read it back.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import date
from xml.sax.saxutils import XMLGenerator

from chamber.relationships import queries
from chamber.relationships.engine import weights
from chamber.relationships.strength import strength_today

NS_GRAPHML = "http://graphml.graphdrawing.org/xmlns"
NS_XSI = "http://www.w3.org/2001/XMLSchema-instance"
SCHEMA = f"{NS_GRAPHML} http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd"

NODE_KEYS = [("member_id", "long"), ("name", "string")]
EDGE_KEYS = [
    ("strength", "double"),
    ("in_person_share", "double"),
    ("first_together", "string"),
    ("last_together", "string"),
    ("shift_hours", "double"),
    ("project_hours", "double"),
    ("meetings", "long"),
    ("one_to_ones", "long"),
    ("referrals", "long"),
    ("referrals_won", "long"),
]
ROWS_PER_CHUNK = 500


def edge_attributes(row, today: date, weights) -> dict:
    """One working tie's edge attributes (row: queries.GRAPH_TIE_COLUMNS)."""
    total = row.in_person_weight + row.online_weight
    return {
        "strength": round(strength_today(row.score_log2, today, weights), 6),
        "in_person_share": round(row.in_person_weight / total if total else 0.0, 6),
        "first_together": row.first_on.isoformat(),
        "last_together": row.last_on.isoformat(),
        "shift_hours": float(row.shift_hours),
        "project_hours": float(row.project_hours),
        "meetings": int(row.meetings),
        "one_to_ones": int(row.one_to_ones),
        "referrals": int(row.referrals_a_to_b) + int(row.referrals_b_to_a),
        "referrals_won": int(row.referrals_won),
    }


def graphml_chunks(today: date) -> Iterator[bytes]:
    """The GraphML document in pieces of a few hundred nodes or edges (UTF-8)."""
    buffer = io.StringIO()
    xml = XMLGenerator(buffer, encoding="utf-8", short_empty_elements=True)

    def flush() -> bytes:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text.encode("utf-8")

    def data(key: str, value) -> None:
        xml.startElement("data", {"key": key})
        xml.characters(str(value))
        xml.endElement("data")

    xml.startDocument()
    xml.startElement(
        "graphml", {"xmlns": NS_GRAPHML, "xmlns:xsi": NS_XSI, "xsi:schemaLocation": SCHEMA}
    )
    keys: dict[str, str] = {}
    for scope, declared in (("node", NODE_KEYS), ("edge", EDGE_KEYS)):
        for name, kind in declared:
            keys[name] = f"d{len(keys)}"
            xml.startElement(
                "key", {"id": keys[name], "for": scope, "attr.name": name, "attr.type": kind}
            )
            xml.endElement("key")
    xml.startElement("graph", {"edgedefault": "undirected"})
    active: set[int] = set()
    for count, (member_id, name) in enumerate(queries.active_members(), start=1):
        active.add(member_id)
        xml.startElement("node", {"id": str(member_id)})
        data(keys["member_id"], member_id)
        data(keys["name"], name)
        xml.endElement("node")
        if count % ROWS_PER_CHUNK == 0:
            yield flush()
    w = weights()
    # An edge holds numbers and ISO dates only (nothing to escape): written as text, it is
    # several times faster than element by element.
    edge_keys = [(keys[name], name) for name, _kind in EDGE_KEYS]
    xml.ignorableWhitespace("")  # closes the <graph> start tag before raw text follows
    for count, row in enumerate(queries.working_tie_rows(queries.working_floor(today)), start=1):
        if row.member_a_id not in active or row.member_b_id not in active:
            continue
        values = edge_attributes(row, today, w)
        buffer.write(
            f'<edge source="{int(row.member_a_id)}" target="{int(row.member_b_id)}">'
            + "".join(f'<data key="{key}">{values[name]}</data>' for key, name in edge_keys)
            + "</edge>"
        )
        if count % ROWS_PER_CHUNK == 0:
            yield flush()
    xml.endElement("graph")
    xml.endElement("graphml")
    xml.endDocument()
    yield flush()
