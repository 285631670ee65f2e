"""The Alembic migrations build the same schema as the models, on SQLite and PostgreSQL."""

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from chamber import create_app
from chamber.config import config_for_tests
from chamber.extensions import db


@pytest.fixture
def empty_database_url(database_url, tmp_path):
    """A database of its own, empty: a temp SQLite file, or a fresh PostgreSQL database."""
    url = sa.make_url(database_url)
    if url.get_backend_name() == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrations.sqlite3'}"
        return
    name = f"{url.database}_migrations"
    admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    yield url.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _schema_differences(app) -> list:
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "render_as_batch": True}
        )
        return compare_metadata(context, db.metadata)


def test_migrations_build_the_models_schema_and_round_trip(empty_database_url):
    app = create_app(config_for_tests(empty_database_url))
    try:
        with app.app_context():
            upgrade()
        assert _schema_differences(app) == []
        with app.app_context():
            downgrade(revision="base")
            inspector = sa.inspect(db.engine)
            assert set(inspector.get_table_names()) <= {"alembic_version"}
            upgrade()
        assert _schema_differences(app) == []
    finally:
        with app.app_context():
            db.engine.dispose()
