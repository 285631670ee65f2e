"""WSGI entry point for gunicorn: `gunicorn wsgi:app`."""

from chamber import create_app

app = create_app()
