"""The statements that create the reports' rollup triggers, one shape per dialect: SQLite
triggers with their SQL inline, PostgreSQL triggers calling a plpgsql function each."""

from __future__ import annotations

import re

import sqlalchemy as sa

from chamber.db import Base


def sqlite_trigger(
    prefix: str, name: str, event: str, table: str, body: list[str], *, when: str = ""
) -> str:
    """CREATE TRIGGER `prefix`_`name` AFTER `event` ON `table` running `body` (a WHEN clause
    when `when` is given)."""
    condition = f"WHEN {when}" if when else ""
    statements = "; ".join(body)
    return (
        f"CREATE TRIGGER IF NOT EXISTS {prefix}_{name} AFTER {event} ON {table} {condition} "
        f"BEGIN {statements}; END"
    )


def postgresql_function(prefix: str, name: str, body: list[str]) -> str:
    """The trigger function `prefix`_`name`() running `body`."""
    statements = "".join(f"{statement};\n" for statement in body)
    return f"""CREATE OR REPLACE FUNCTION {prefix}_{name}() RETURNS trigger AS $$
    BEGIN
    {statements}RETURN NULL;
    END $$ LANGUAGE plpgsql"""


def postgresql_trigger(
    prefix: str,
    name: str,
    event: str,
    table: str,
    function: str,
    *,
    when: str = "",
    transition: str = "",
) -> list[str]:
    """The trigger `prefix`_`name` calling `prefix`_`function`(): per row (with an optional
    WHEN), or with `transition` tables per statement (a rebuild writes thousands of rows in
    one statement: one set-based pass)."""
    each = f"{transition} FOR EACH STATEMENT" if transition else "FOR EACH ROW"
    condition = f"WHEN ({when})" if when else ""
    return [
        f"DROP TRIGGER IF EXISTS {prefix}_{name} ON {table}",
        f"""CREATE TRIGGER {prefix}_{name} AFTER {event} ON {table}
        {each} {condition} EXECUTE FUNCTION {prefix}_{function}()""",
    ]


def postgresql_tie_statement_triggers(prefix: str) -> list[str]:
    """Triggers on relationship_ties calling `prefix`_ties_added() with the inserted ties as
    `new_ties` and `prefix`_ties_removed() with the deleted ones as `old_ties`, once per
    statement (a rebuild removes every tie in one statement and inserts them a thousand at
    a time)."""
    return [
        *postgresql_trigger(
            prefix,
            "tie_insert",
            "INSERT",
            "relationship_ties",
            "ties_added",
            transition="REFERENCING NEW TABLE AS new_ties",
        ),
        *postgresql_trigger(
            prefix,
            "tie_delete",
            "DELETE",
            "relationship_ties",
            "ties_removed",
            transition="REFERENCING OLD TABLE AS old_ties",
        ),
    ]


def drop_statements(dialect: str, statements: dict[str, list[str]], functions) -> list[str]:
    """What removes the triggers that `statements` (per dialect, as made above) create and,
    on PostgreSQL, the trigger functions named `functions`."""
    made = (
        re.match(r"CREATE TRIGGER IF NOT EXISTS (\w+) AFTER .*? ON (\w+) ", statement, re.S)
        for statement in statements["sqlite"]
    )
    tables = {match[1]: match[2] for match in made}
    if dialect == "postgresql":
        dropped = [f"DROP TRIGGER IF EXISTS {name} ON {table}" for name, table in tables.items()]
        return [*dropped, *(f"DROP FUNCTION IF EXISTS {name}()" for name in functions)]
    return [f"DROP TRIGGER IF EXISTS {name}" for name in tables]


def created_with_the_tables(statements: dict[str, list[str]]) -> dict[str, list[str]]:
    """Per dialect, `statements` run by create_all (tests, a fresh database) once every table
    exists; returned, for the migration to run the same ones."""

    @sa.event.listens_for(Base.metadata, "after_create")
    def _create(_metadata, connection, **_kw) -> None:
        for statement in statements.get(connection.dialect.name, []):
            connection.exec_driver_sql(statement)

    return statements
