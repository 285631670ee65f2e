"""The shell of the site: health check, error pages, headers, configuration safety."""

from pathlib import Path

import pytest
from sqlalchemy.exc import OperationalError

from chamber import create_app
from chamber.config import load_config
from chamber.extensions import db as ext_db


def _dispose(app) -> None:
    """Close the extra app's connections (an open connection left to the GC is an error)."""
    with app.app_context():
        ext_db.engine.dispose()


def test_healthz_answers_ok_without_sign_in(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_healthz_answers_503_when_the_database_is_down(client, db, monkeypatch):
    def broken(*args, **kwargs):
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    monkeypatch.setattr(db.session, "execute", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable"}


def test_unknown_page_is_a_404_in_the_site_layout(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    body = response.get_data(as_text=True)
    assert "Not found" in body and "Sign in" in body  # the layout's navigation


def test_wrong_method_is_a_405_page(client):
    response = client.get("/logout")
    assert response.status_code == 405
    assert "cannot be used that way" in response.get_data(as_text=True)


def test_too_large_body_is_a_413_page(client):
    response = client.post("/login", data={"email": "x" * (1024 * 1024 + 10)})
    assert response.status_code == 413
    assert "larger than this site accepts" in response.get_data(as_text=True)


def test_unexpected_error_is_a_500_page_with_incident_id_and_no_traceback(database_url, caplog):
    from chamber.config import config_for_tests

    app = create_app(config_for_tests(database_url))

    @app.get("/_boom")
    def boom():
        raise RuntimeError("secret database password is hunter2")

    response = app.test_client().get("/_boom")
    _dispose(app)
    body = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Something went wrong" in body
    assert "hunter2" not in body and "Traceback" not in body and "RuntimeError" not in body
    incident = body.split("incident <code>")[1].split("</code>")[0]
    assert incident in caplog.text


def test_security_headers_on_every_page(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    for directive in ("object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"):
        assert directive in csp
    assert "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in response.headers  # development: plain http


def test_signed_in_pages_are_not_cached(client, make_member, login):
    login(make_member())
    response = client.get("/dashboard")
    assert response.headers["Cache-Control"] == "no-store"
    assert "Cookie" in response.headers["Vary"]


def test_production_refuses_the_default_secret_key(monkeypatch, tmp_path: Path):
    monkeypatch.setenv("CHAMBER_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        load_config(tmp_path)
    monkeypatch.setenv("SECRET_KEY", "change-me")
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        load_config(tmp_path)


def test_production_settings_are_strict(monkeypatch, tmp_path: Path):
    monkeypatch.setenv("CHAMBER_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "x" * 48)
    monkeypatch.setenv("DATABASE_URL", "postgres://u@db/chamber")
    config = load_config(tmp_path)
    assert config["SESSION_COOKIE_SECURE"] and config["REMEMBER_COOKIE_SECURE"]
    assert config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@db/chamber"
    assert config["PASSWORD_HASH_METHOD"] == "scrypt:131072:8:1"
    assert config["MAX_CONTENT_LENGTH"] == 1024 * 1024


def test_production_app_sends_hsts(monkeypatch, database_url):
    monkeypatch.setenv("CHAMBER_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "y" * 48)
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url})
    response = app.test_client().get("/healthz")
    _dispose(app)
    assert "max-age=31536000" in response.headers["Strict-Transport-Security"]


def test_development_secret_key_is_random_and_kept(monkeypatch, tmp_path: Path):
    monkeypatch.delenv("CHAMBER_ENV", raising=False)
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = load_config(tmp_path)["SECRET_KEY"]
    assert len(first) >= 48
    assert load_config(tmp_path)["SECRET_KEY"] == first


def test_landing_page_explains_the_chain(client):
    body = client.get("/").get_data(as_text=True)
    assert "contributions → relationships → referrals" in body
