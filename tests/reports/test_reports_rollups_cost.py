"""What the reports' rollups cost each write of a tie: a 40-person meeting sheet rewrites 780
ties, and every one runs the triggers of report_committee_reach and report_referral_origins.
Their bodies build no temporary b-tree (SQLite makes one for an IN list of more than two
values and for an IN subquery, and builds it again at every run of a trigger: that was most
of their time), and a tie's reach rows are found by their (member, partner) index. A migrated
database runs the same trigger bodies as a new one. That the rows stay right is
test_reports_origins.py's part."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from chamber import create_app
from chamber.config import config_for_tests
from chamber.extensions import db
from chamber.relationships.models import Tie
from tests.core.test_migrations import empty_database_url  # noqa: F401 - fixture

_TIE = {
    "member_a_id": 1,
    "member_b_id": 2,
    "score_log2": 1.0,
    "strength_at_last": 1.0,
    "first_on": date(2026, 1, 1),
    "last_on": date(2026, 1, 1),
    "in_person_weight": 1.0,
    "online_weight": 0.0,
    "shift_hours": 0.0,
    "project_hours": 0.0,
    "meetings": 1,
    "one_to_ones": 0,
    "referrals_a_to_b": 0,
    "referrals_b_to_a": 0,
    "referrals_won": 0,
    "top_project_hours": 0.0,
    "contexts": 1,
    "is_reciprocal": False,
}
TIES = Tie.__table__
_PAIR = (TIES.c.member_a_id == 1, TIES.c.member_b_id == 2)
# What the relationships engine writes: every column of a tie at once (a rebuild and a
# pair's recomputation), or a sheet's changed columns in place.
WRITES = {
    "insert": TIES.insert().values(_TIE),
    "update": TIES.update()
    .where(*_PAIR)
    .values({name: value for name, value in _TIE.items() if not name.startswith("member_")}),
    "delete": TIES.delete().where(*_PAIR),
}


def _program(statement) -> list[tuple]:
    """SQLite's program for `statement`, with the triggers' programs it runs."""
    connection = db.session.connection()
    compiled = statement.compile(dialect=connection.dialect)
    parameters = tuple(compiled.params[name] for name in compiled.positiontup)
    rows = connection.exec_driver_sql(f"EXPLAIN {compiled}", parameters).all()
    db.session.rollback()
    return [tuple(row) for row in rows]


def _sqlite_only() -> None:
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's programs (PostgreSQL runs the triggers per statement or row)")


@pytest.mark.parametrize("write", WRITES)
def test_a_ties_triggers_build_no_temporary_tree(app, write):
    _sqlite_only()
    program = _program(WRITES[write])
    triggers = {row[5] for row in program if row[1] == "Init" and "TRIGGER" in str(row[5])}
    assert any("report_committee_reach" in name for name in triggers), triggers
    assert any("report_referral_origins" in name for name in triggers), triggers
    assert [row for row in program if row[1] == "OpenEphemeral"] == []


@pytest.mark.parametrize("write", ["update", "delete"])
def test_a_ties_reach_rows_are_found_by_its_pair_index(app, write):
    _sqlite_only()
    root = db.session.scalar(
        sa.text("SELECT rootpage FROM sqlite_master WHERE name = 'ix_report_committee_reach_pair'")
    )
    program = _program(WRITES[write])
    opened = [row for row in program if row[1] in ("OpenRead", "OpenWrite") and row[3] == root]
    assert len(opened) == 2  # the tie seen from each of its ends


_PREFIXES = {"reach": "report_committee_reach%", "origins": "report_referral_origins%"}


def _rollup_triggers(connection) -> dict[str, str]:
    """The rollups' trigger definitions, by name: SQLite's CREATE TRIGGER text; PostgreSQL's
    trigger definitions and the bodies of their functions."""
    if connection.dialect.name == "sqlite":
        rows = connection.execute(
            sa.text(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
                "AND (name LIKE :reach OR name LIKE :origins)"
            ),
            _PREFIXES,
        )
        return dict(rows.all())
    triggers = connection.execute(
        sa.text(
            "SELECT tgname, pg_get_triggerdef(oid) FROM pg_trigger WHERE NOT tgisinternal "
            "AND (tgname LIKE :reach OR tgname LIKE :origins)"
        ),
        _PREFIXES,
    )
    functions = connection.execute(
        sa.text(
            "SELECT proname, prosrc FROM pg_proc WHERE proname LIKE :reach OR proname LIKE :origins"
        ),
        _PREFIXES,
    )
    return dict(triggers.all()) | {f"function {name}": body for name, body in functions.all()}


# A body as an older version wrote it (standing in for the ones a7c3e9f1b5d2 made then).
_STALE = {
    "sqlite": [
        "DROP TRIGGER report_committee_reach_tie_update",
        "CREATE TRIGGER report_committee_reach_tie_update AFTER UPDATE ON relationship_ties "
        "BEGIN SELECT 1; END",
    ],
    "postgresql": [
        "CREATE OR REPLACE FUNCTION report_committee_reach_tie_changed() RETURNS trigger AS $$ "
        "BEGIN RETURN NULL; END $$ LANGUAGE plpgsql"
    ],
}


def test_a_migrated_database_runs_the_same_triggers(app, empty_database_url):  # noqa: F811
    """Upgraded from the reports' first rollups (with a trigger body as it was then), a
    database runs the same trigger bodies as one made new."""
    with db.engine.connect() as connection:
        made = _rollup_triggers(connection)
    migrated_app = create_app(config_for_tests(empty_database_url))
    try:
        with migrated_app.app_context():
            upgrade(revision="a7c3e9f1b5d2")
            with db.engine.begin() as connection:
                for statement in _STALE[connection.dialect.name]:
                    connection.exec_driver_sql(statement)
            upgrade()
            with db.engine.connect() as connection:
                migrated = _rollup_triggers(connection)
    finally:
        with migrated_app.app_context():
            db.engine.dispose()
    assert made
    assert migrated == made
