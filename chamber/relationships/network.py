"""The whole-network computations, made by the relationships worker, never by a web page.

The connectors (betweenness over every working tie) and the layouts of the pictures (networkx
spring layouts with a fixed seed) need the whole graph in memory: a web worker that built
them grew by well over 100 MB on the large demo chamber. So `flask --app chamber
relationships-worker --watch 2` (and `rebuild-relationships`, and the demo seed) compute
them here and store them as rows of relationship_snapshots, each marked with the version of
the ties (relationship_state.version, moved by every change of a tie) and the day it was
computed for. The pages read those rows and draw from them. Every number a page prints is
read from the ties at request time; only the positions of the circles and the connectors'
ranking come from here, and when the ties have changed since, the staff page says so.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import networkx as nx
import sqlalchemy as sa

from chamber.committees.models import Committee
from chamber.db import utcnow
from chamber.extensions import db
from chamber.relationships import engine, queries
from chamber.relationships.models import NetworkSnapshot, Tie
from chamber.relationships.strength import strength_today

log = logging.getLogger(__name__)

SEED = 7
WIDTH, HEIGHT, MARGIN = 640, 460, 40
CONNECTORS = "connectors"
CHAMBER_LAYOUT = "layout:chamber"
CONNECTOR_LIMIT = 20
# Betweenness is estimated from this many sampled sources (fixed seed) on a big chamber.
BETWEENNESS_SAMPLES = 64


def committee_layout_name(committee_id: int) -> str:
    return f"layout:committee:{committee_id}"


@dataclass
class Stored:
    """A snapshot as a page reads it."""

    body: object
    computed_at: object
    current: bool  # made from the ties as they are now (same version, same day)


def read(name: str, version: int, today: date) -> Stored | None:
    snapshot = queries.snapshot(name)
    if snapshot is None:
        return None
    body = json.loads(snapshot.body)
    current = snapshot.version == version and body.get("day") == today.isoformat()
    return Stored(body, snapshot.computed_at, current)


def _store(name: str, version: int, today: date, body: dict) -> None:
    body = {"day": today.isoformat(), **body}
    db.session.execute(sa.delete(NetworkSnapshot).where(NetworkSnapshot.name == name))
    db.session.add(
        NetworkSnapshot(name=name, version=version, computed_at=utcnow(), body=json.dumps(body))
    )


def positions(graph: nx.Graph, weight: str | None = "weight") -> dict[int, list[float]]:
    """Node -> [x, y] inside the picture's box (spring layout, fixed seed)."""
    if graph.number_of_nodes() == 0:
        return {}
    if graph.number_of_nodes() == 1:
        return {node: [WIDTH / 2, HEIGHT / 2] for node in graph}
    layout = nx.spring_layout(graph, seed=SEED, weight=weight)
    xs = [float(x) for x, _ in layout.values()]
    ys = [float(y) for _, y in layout.values()]
    span_x, span_y = (max(xs) - min(xs)) or 1.0, (max(ys) - min(ys)) or 1.0

    def scale(value, low, span, size):
        return round(MARGIN + (float(value) - low) / span * (size - 2 * MARGIN), 1)

    return {
        node: [scale(x, min(xs), span_x, WIDTH), scale(y, min(ys), span_y, HEIGHT)]
        for node, (x, y) in layout.items()
    }


def committee_layout(committee: Committee, today: date) -> dict:
    people, ties = queries.committee_people_and_ties(committee)
    ids = {person.id for person in people}
    w = engine.weights()
    graph = nx.Graph()
    graph.add_nodes_from(sorted(ids))
    for tie in ties:
        if tie.member_a_id in ids and tie.member_b_id in ids:
            graph.add_edge(
                tie.member_a_id,
                tie.member_b_id,
                weight=strength_today(tie.score_log2, today, w),
            )
    return {"positions": {str(node): xy for node, xy in positions(graph).items()}}


def chamber_layout() -> dict:
    committees, links = queries.committee_links()
    graph = nx.Graph()
    graph.add_nodes_from(cid for cid, _name, _n in committees)
    for first, second, shared in links:
        graph.add_edge(first, second, weight=shared)
    return {"positions": {str(node): xy for node, xy in positions(graph).items()}}


def connectors(today: date) -> dict:
    """The members on the most shortest chains between others: betweenness over the working
    ties, estimated from sampled sources (fixed seed) on a big chamber."""
    floor = queries.working_floor(today)
    graph = nx.Graph()
    graph.add_edges_from(
        (a, b)
        for a, b in db.session.execute(
            sa.select(Tie.member_a_id, Tie.member_b_id).where(Tie.score_log2 >= floor)
        )
    )
    if graph.number_of_nodes() < 3:
        return {"ranked": []}
    k = min(graph.number_of_nodes(), BETWEENNESS_SAMPLES)
    scores = nx.betweenness_centrality(graph, k=k, seed=SEED)
    top = sorted(scores.items(), key=lambda item: (-item[1], item[0]))[:CONNECTOR_LIMIT]
    return {"ranked": [[member_id, round(score, 6)] for member_id, score in top if score > 0]}


def _stale(name: str, version: int, today: date, force: bool) -> bool:
    if force:
        return True
    stored = read(name, version, today)
    return stored is None or not stored.current


def refresh(today: date | None = None, *, force: bool = False) -> list[str]:
    """Recompute every snapshot made from an older version of the ties (or another day) and
    store it in the caller's transaction; returns the names recomputed."""
    today = today or engine.today()
    version = queries.version()
    jobs: list[tuple[str, Callable[[], dict]]] = [
        (CONNECTORS, lambda: connectors(today)),
        (CHAMBER_LAYOUT, chamber_layout),
    ]
    committees = db.session.scalars(
        sa.select(Committee).where(Committee.is_archived.is_(False)).order_by(Committee.id)
    )
    jobs.extend(
        (committee_layout_name(c.id), lambda c=c: committee_layout(c, today)) for c in committees
    )
    # Compute first (reads only), then write them all: on SQLite the write lock is held for
    # the few statements at the end, not while betweenness runs.
    made = [(name, compute()) for name, compute in jobs if _stale(name, version, today, force)]
    for name, body in made:
        _store(name, version, today, body)
    return [name for name, _body in made]


def run_worker(every: float, *, report: Callable[[list[str]], None] | None = None) -> None:
    """Keep the snapshots current until stopped: each round applies the queued big fan-outs
    (engine.drain_backlog) and recomputes what a change of the ties made stale. A locked or
    restarting database means a pause, never an exit."""
    while True:
        try:
            engine.drain_backlog()
            done = refresh()
            db.session.commit()
            if done and report:
                report(done)
        except sa.exc.OperationalError:
            db.session.rollback()
            log.warning("relationships worker: database unavailable; retrying", exc_info=True)
        finally:
            db.session.remove()
        time.sleep(every)
