"""The two baselines `bench.run` serves under the same gunicorn settings as Chamber.

- `bare`: a WSGI callable answering "ok": the ceiling of gunicorn on this machine.
- `one_row`: a Flask view reading one member row from the same SQLite/PostgreSQL database
  through SQLAlchemy Core and rendering it with a Jinja template: the practical ceiling for a
  real page (a request, one query, one template, no session).

    gunicorn --workers 2 --bind 127.0.0.1:5401 bench.baselines:bare
    BENCH_BASELINE_DATABASE_URL=sqlite:////tmp/x.sqlite3 gunicorn ... bench.baselines:one_row
"""

from __future__ import annotations

import os


def bare(environ, start_response):
    body = b"ok"
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]


def _one_row_app():
    import sqlalchemy as sa
    from flask import Flask, render_template_string

    from chamber.config import normalise_database_url

    app = Flask(__name__)
    engine = sa.create_engine(normalise_database_url(os.environ["BENCH_BASELINE_DATABASE_URL"]))
    query = sa.text("SELECT id, full_name, email FROM members ORDER BY id LIMIT 1")
    page = (
        "<!doctype html><title>{{ row.full_name }}</title>"
        "<h1>{{ row.full_name }}</h1><p>{{ row.email }} (#{{ row.id }})</p>"
    )

    @app.get("/")
    def one_row():
        with engine.connect() as connection:
            row = connection.execute(query).one()
        return render_template_string(page, row=row)

    return app


one_row = _one_row_app() if os.environ.get("BENCH_BASELINE_DATABASE_URL") else None
